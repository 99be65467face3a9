"""Capacity against targets, stacked by facility, with what is under construction and planned."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from simulator.report.axes import deadline_line, month_axis, number_axis, step_fill, titles
from simulator.report.data import MONTH, Results, to_x
from simulator.report.i18n.text import cap, wrap

UC_COLOR, PLANNED_COLOR, BAND_COLOR, TARGET_COLOR = "#8C8C8C", "#BDBDBD", "#222222", "#C00000"
GAP_COLOR = "#E69F00"


@dataclass
class TargetMark:
    capacity_p: float
    by: float  # deadline month [decimal years]
    label: str  # legend text
    note: str  # text beside the marker, e.g. "P(met) 4 %"


@dataclass
class CapacityData:
    """One compute type: P50 built capacity by facility, pipeline, total band, targets."""

    months: np.ndarray  # month starts [decimal years]
    stacks: list[tuple[str, str, np.ndarray]]  # (label, colour, P50 built [P])
    under_construction: np.ndarray  # P50 of the type [P]
    planned: np.ndarray  # P50 of the type [P]
    total: pd.DataFrame  # p10, p50, p90 of built capacity [P]
    targets: list[TargetMark] = field(default_factory=list)
    title: str = ""
    note: str = ""
    ylabel: str = "P"
    labels: dict = field(default_factory=dict)  # uc, planned, band


def capacity_data(res: Results, typ: str) -> CapacityData:
    t = res.t
    label = res.type_label(typ)
    colors = res.facility_colors()
    stacks = [(res.facility_name(f), colors[f], res.band("capacity_p", typ, f)["p50"].to_numpy())
              for f in res.facilities_of(typ)]
    marks, notes = [], []
    for row in res.targets[res.targets["type"] == typ].to_dict("records"):
        by = row["by"]
        p = t.pct(row["probability_met"])
        marks.append(TargetMark(row["target_p"], to_x(by),
                                t("l_target", cap=cap(row["target_p"]), by=by),
                                f"{t('p_met')} {p}"))
        notes.append(t.colon(f"{cap(row['target_p'])}{t.paren(by)}",
                             f"{t('p_met')} {p}{t.comma}{t('gap')} P50 {cap(row['gap_p50'])}"))
    return CapacityData(
        res.months, stacks, res.band("under_construction_p", typ)["p50"].to_numpy(),
        res.band("planned_p", typ)["p50"].to_numpy(), res.band("capacity_p", typ), marks,
        title=t("t_capacity" if marks else "t_capacity_only", label=label),
        note=t.semi.join(notes), ylabel=t("unit_p"),
        labels={"built": t("l_built"), "uc": t("l_uc"), "planned": t("l_planned"),
                "band": t("l_band"), "zoom": t("l_zoom")})


def plot_capacity(ax, data: CapacityData, *, legend_at: str | None = "right",
                  name_width: int = 30, zoom: bool = True):
    """Stacked P50 built capacity by facility, under construction and planned stacked on top
    (hatched), the P10-P90 range of the built total (dashed), each target as a line up to its
    deadline. Where a target dwarfs the capacity, an inset repeats the capacity up close.
    Returns the ax."""
    m = data.months
    built, rest, top = _stacks(ax, data, name_width)
    ymax = top
    for mark in data.targets:
        rest.append(_target(ax, m, mark))
        ymax = max(ymax, mark.capacity_p)
    month_axis(ax, m)
    ax.set_ylim(0, ymax * 1.15 if ymax > 0 else 1)
    number_axis(ax)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title, data.note)
    if zoom and data.targets and 0 < top < ymax / 5:
        inset = ax.inset_axes((0.07, 0.3, 0.5, 0.42))
        _stacks(inset, data, name_width)
        for mark in data.targets:
            deadline_line(inset, mark.by)
        month_axis(inset, m)
        inset.set_ylim(0, top * 1.1)
        number_axis(inset, nbins=4)
        inset.tick_params(labelsize=8)
        inset.set_title(data.labels.get("zoom", ""), fontsize=9, loc="left", pad=4)
        inset.set_facecolor("white")
        for side in ("top", "right"):
            inset.spines[side].set_visible(True)
    if legend_at and (built or rest):
        header = [Patch(visible=False, label=data.labels["built"])] if built else []
        handles = header + built + rest
        kw = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0) \
            if legend_at == "right" else dict(loc=legend_at)
        ax.legend(handles=handles, labels=[h.get_label() for h in handles], **kw)
    return ax


def _stacks(ax, data: CapacityData, name_width: int):
    """Draw the stacks, pipeline and band; return (built handles, other handles, top [P])."""
    m = data.months
    base = np.zeros(len(m))
    built = []
    for label, color, values in data.stacks:
        if not np.any(values > 0):
            continue
        built.append(step_fill(ax, m, base, base + values, color=color, alpha=0.85, linewidth=0,
                               label=wrap(label, name_width)))
        base = base + values
    top = base + data.under_construction
    rest = []
    if np.any(data.under_construction > 0):
        rest.append(step_fill(ax, m, base, top, facecolor="white", edgecolor=UC_COLOR,
                              hatch="////", linewidth=0.0, label=data.labels.get("uc")))
    if np.any(data.planned > 0):
        rest.append(step_fill(ax, m, top, top + data.planned, facecolor="white",
                              edgecolor=PLANNED_COLOR, hatch="....", linewidth=0.0,
                              label=data.labels.get("planned")))
    tot = data.total
    if not np.allclose(tot["p10"], tot["p90"]):  # a filled band over the stacks
        rest.append(step_fill(ax, m, tot["p10"], tot["p90"], color=BAND_COLOR, alpha=0.22,
                              linewidth=0, zorder=3, label=data.labels.get("band")))
    return built, rest, max(float(np.max(top + data.planned, initial=0)), float(tot["p90"].max()))


def _target(ax, months, mark: TargetMark):
    end = mark.by + MONTH
    (line,) = ax.plot([months[0], end], [mark.capacity_p] * 2, color=TARGET_COLOR,
                      linewidth=1.6, linestyle=(0, (6, 3)), label=mark.label, zorder=4)
    ax.plot([end], [mark.capacity_p], marker="D", color=TARGET_COLOR, markersize=7, zorder=5)
    deadline_line(ax, mark.by)
    ax.annotate(mark.note, (end, mark.capacity_p), xytext=(7, 5), textcoords="offset points",
                ha="left", va="bottom", fontsize=9.5, color=TARGET_COLOR, zorder=6,
                bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none",
                          alpha=0.85))
    return line
