"""The fan of one observed series: the ensemble's P10-P90 band and P50, observations as points."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.report.axes import month_axis, number_axis, step_fill, step_line, titles
from simulator.report.data import MONTH, to_x
from simulator.report.style import COLORS

INSIDE, OUTSIDE, SKIPPED = COLORS[2], COLORS[1], "#8C8C8C"
LOG_RATIO = 5.0  # an observation this many times above the band's top: a log axis


@dataclass
class FanData:
    """One series: months as 'YYYY-MM', band [P] per month, and the observations on it."""

    title: str
    note: str
    months: list[str]
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    points: list[dict] = field(default_factory=list)  # month, value, inside, mark ('[1]')


def plot_fan(ax, data: FanData):
    """Band, median and points; a symmetric-log axis when an observation dwarfs the band."""
    x = np.array([to_x(m) for m in data.months])
    step_fill(ax, x, data.p10, data.p90, color=COLORS[0], alpha=0.22, linewidth=0,
              label="model P10-P90")
    step_line(ax, x, data.p50, color=COLORS[0], linewidth=1.6, label="model P50")
    top = float(np.nanmax(data.p90)) if len(data.p90) else 0.0
    for inside in (True, False):
        pts = [p for p in data.points if p["inside"] is inside]
        if pts:
            ax.scatter([to_x(p["month"]) + MONTH / 2 for p in pts], [p["value"] for p in pts],
                       s=42, zorder=4, color=INSIDE if inside else OUTSIDE,
                       edgecolor="white", linewidth=0.8,
                       label="reported, inside the band" if inside else "reported, outside")
    for p in data.points:
        ax.annotate(p["mark"], (to_x(p["month"]) + MONTH / 2, p["value"]), xytext=(5, 4),
                    textcoords="offset points", fontsize=8.5, color="#333333")
    highest = max([p["value"] for p in data.points] + [top, 1.0])
    log = top > 0 and highest > LOG_RATIO * top
    if log:
        ax.set_yscale("symlog", linthresh=10.0)  # 0 stays drawable
        ax.set_ylim(0, highest * 2.0)
    else:
        ax.set_ylim(0, highest * 1.15)
        number_axis(ax)
    month_axis(ax, x)
    titles(ax, data.title, data.note + (" · log scale" if log else ""))
    ax.set_ylabel("P")
    return ax
