"""Small drawing helpers shared by the charts: month axes, step bands, legends, number ticks."""

from __future__ import annotations

import numpy as np
from matplotlib import ticker

from simulator.report.data import MONTH, month_edges


def steps(values) -> np.ndarray:
    """Monthly values with the last repeated, to pair with `month_edges` in step plots."""
    v = np.atleast_1d(np.asarray(values, dtype=float))
    return np.append(v, v[-1:]) if v.size else v


def step_line(ax, months, values, **kw):
    """A monthly series as a step line (each month a flat segment)."""
    return ax.plot(month_edges(months), steps(values), drawstyle="steps-post", **kw)


def step_fill(ax, months, low, high, **kw):
    """The area between two monthly series, month by month."""
    x = month_edges(months)
    low, high = (np.broadcast_to(steps(v) if np.ndim(v) else float(v), (len(x),))
                 for v in (low, high))
    return ax.fill_between(x, low, high, step="post", **kw)


def month_axis(ax, months) -> None:
    """Years as labels (at 1 January), quarters as minor ticks, the horizon as limits."""
    edges = month_edges(months)
    lo, hi = float(edges[0]), float(edges[-1])
    ax.set_xlim(lo, hi)
    years = hi - lo
    step = 1 if years <= 8 else 2 if years <= 16 else 5
    first = int(np.ceil(lo - 1e-6))
    major = [y for y in range(first, int(np.floor(hi + 1e-6)) + 1) if y % step == 0]
    ax.xaxis.set_major_locator(ticker.FixedLocator(major))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: f"{v:.0f}"))
    ax.xaxis.set_minor_locator(ticker.NullLocator())  # quarter ticks cost more than they say
    ax.grid(True, which="major", axis="x")


def number_axis(ax, axis: str = "y", *, percent: bool = False, nbins: int = 6) -> None:
    """Thousands separators (or percent) and a handful of round ticks."""
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_major_locator(ticker.MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    if percent:
        a.set_major_formatter(ticker.PercentFormatter(xmax=1.0, decimals=0))
    else:
        a.set_major_formatter(ticker.FuncFormatter(_thousands))


def _thousands(value, _pos=None) -> str:
    if abs(value) >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2g}" if abs(value) < 1 else f"{value:,.1f}"


def legend(ax, where: str | None, **kw):
    """Place the legend: 'right' (outside, beside the axes), 'below' (under it), or a loc."""
    if where is None:
        return None
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if where == "right":
        return ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                         borderaxespad=0.0, **kw)
    if where == "below":
        ncol = kw.pop("ncol", min(4, len(handles)))
        return ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.1),
                         ncol=ncol, borderaxespad=0.0, **kw)
    return ax.legend(handles, labels, loc=where, **kw)


def deadline_line(ax, when, label: str | None = None, color: str = "#555555") -> None:
    """A dotted vertical line at the end of a deadline month."""
    if when is not None:
        x = when + MONTH
        ax.axvline(x, color=color, linestyle=(0, (2, 2)), linewidth=1.0, zorder=1.5,
                   label=label)


def titles(ax, title: str, note: str = "") -> None:
    """The chart's title and, under it, a line of smaller grey text (the key numbers)."""
    ax.set_title(title, loc="left", pad=22 if note else 8)
    if note:
        ax.annotate(note, (0.0, 1.0), xycoords="axes fraction", xytext=(0, 5),
                    textcoords="offset points", ha="left", va="bottom", fontsize=9.5,
                    color="#555555", annotation_clip=False)


def empty(ax, text: str):
    """A chart with nothing to show says so instead of staying blank."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_frame_on(False)
    return ax
