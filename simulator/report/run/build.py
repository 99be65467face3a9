"""The build-out as a Gantt chart, and site power, energy cost and capex over time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from simulator.report.axes import (deadline_line, empty, legend, month_axis, number_axis, step_fill, step_line,
                   titles)
from simulator.report.data import MONTH, Results, month_edges, to_x, x_label
from simulator.report.i18n.text import band, cap, shorten, wrap


@dataclass
class GanttRow:
    label: str
    color: str
    start: float | None  # construction start P50 [decimal years]; None: never
    online: float | None  # P50; None: not online within the horizon
    online_p10: float | None
    online_p90: float | None
    text: str  # capacity, e.g. "250P 超算 + 125P 智算"


@dataclass
class GanttData:
    months: np.ndarray  # month starts [decimal years]
    rows: list[GanttRow]
    deadlines: list[float]
    title: str = ""
    labels: dict = field(default_factory=dict)


def gantt_data(res: Results) -> GanttData:
    t = res.t
    colors = res.facility_colors()
    phases_of = {f.id: len(f.phases) for f in res.scenario.facilities}
    rows = []
    for r in res.phases.to_dict("records"):
        types = str(r["types"]).split()
        text = " + ".join(f"{cap(_phase_cap(res, r['facility'], r['phase'], typ))} "
                          f"{res.type_label(typ)}" for typ in types)
        name = res.facility_name(r["facility"])
        label = (f"{wrap(name, 36, 2)}\n{res.phase_name(r['facility'], r['phase'])}"
                 if phases_of.get(r["facility"], 1) > 1 else wrap(name, 36, 3))
        rows.append(GanttRow(label, colors.get(r["facility"], "#777777"),
                             to_x(r["start_p50"]), to_x(r["online_p50"]),
                             to_x(r["online_p10"]), to_x(r["online_p90"]), text))
    deadlines = sorted({to_x(b) for b in res.targets["by"]}) if len(res.targets) else []
    return GanttData(res.months, rows, deadlines, t("t_gantt"),
                     {"construction": t("l_construction"), "online": t("l_online"),
                      "range": t("l_online_range"), "after": t("l_after_horizon"),
                      "deadline": t("l_deadlines"), "dot": t.dot, "color": t("l_by_facility")})


def _phase_cap(res: Results, fid: str, pid: str, typ: str) -> float:
    f = next(f for f in res.scenario.facilities if f.id == fid)
    return float(next(p for p in f.phases if p.id == pid).capacity.get(typ, 0.0))


def plot_gantt(ax, data: GanttData, *, legend_at: str | None = "below"):
    """One row per phase: construction (hatched) to the P50 online month, then online (solid);
    whiskers from the P10 to the P90 online month; target deadlines dotted. Returns the ax."""
    if not data.rows:
        return empty(ax, "–")
    edges = month_edges(data.months)
    x0, x1 = float(edges[0]), float(edges[-1])
    clip = lambda x: min(max(x, x0), x1)  # noqa: E731 - keep bars inside the horizon
    for i, r in enumerate(data.rows):
        online = clip(r.online) if r.online is not None else x1
        if r.start is not None and (r.online is None or r.start < r.online):
            s = clip(r.start)
            ax.barh(i, online - s, left=s, height=0.45, facecolor="white", edgecolor=r.color,
                    hatch="////", linewidth=0.8)
        if r.online is not None and online < x1:
            ax.barh(i, x1 - online, left=online, height=0.45, color=r.color, alpha=0.9)
        if r.online_p10 is not None and r.online_p10 != r.online_p90 and r.online_p10 < x1:
            lo = clip(r.online_p10)
            hi = clip(r.online_p90) if r.online_p90 is not None else x1
            ax.plot([lo, hi], [i, i], color="#222222", linewidth=1.3, zorder=4)
            caps = [lo] + ([hi] if r.online_p90 is not None else [])
            for c in caps:
                ax.plot([c, c], [i - 0.2, i + 0.2], color="#222222", linewidth=1.3, zorder=4)
        note = r.text
        if r.online is None:
            note += f"{data.labels.get('dot', ' · ')}{data.labels.get('after', '')} →"
        elif r.online >= x0:
            note += f"{data.labels.get('dot', ' · ')}{x_label(r.online)}"
        right = online < x0 + 0.7 * (x1 - x0)
        ax.text(online + 0.03 if right else x1 - 0.03, i - 0.3, note, fontsize=8.5,
                ha="left" if right else "right", va="bottom", color="#222222", zorder=6)
    for d in data.deadlines:
        deadline_line(ax, d, color="#C00000")
    ax.set_yticks(np.arange(len(data.rows)), [r.label for r in data.rows], fontsize=8.5)
    ax.set_ylim(len(data.rows) - 0.45, -0.85)
    month_axis(ax, data.months)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    titles(ax, data.title)
    if legend_at:
        handles = [Patch(facecolor="white", edgecolor="#555555", hatch="////",
                         label=data.labels["construction"]),
                   Patch(color="#555555", label=data.labels["online"]),
                   ax.plot([], [], color="#222222", marker="|", markersize=8,
                           label=data.labels["range"])[0]]
        if data.deadlines:
            handles.append(ax.plot([], [], color="#C00000", linestyle=(0, (2, 2)),
                                   label=data.labels["deadline"])[0])
        if legend_at == "below":
            kw = dict(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=len(handles),
                      borderaxespad=0.0)
        elif legend_at == "right":
            kw = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        else:
            kw = dict(loc=legend_at, frameon=True, framealpha=0.92, edgecolor="none")
        ax.legend(handles=handles, fontsize=9, title=data.labels.get("color"), title_fontsize=9,
                  **kw)
    return ax


# ---------------------------------------------------------------------------- power and money
@dataclass
class SeriesData:
    """Monthly series drawn as P50 stacks or lines with a P10-P90 band of the total."""

    months: np.ndarray  # month starts [decimal years]
    stacks: list[tuple[str, str, np.ndarray]]  # (label, colour, P50) stacked, may be empty
    total: pd.DataFrame | None  # p10, p50, p90 of the total
    title: str = ""
    note: str = ""
    ylabel: str = ""
    labels: dict = field(default_factory=dict)
    marks: list[tuple[float, str]] = field(default_factory=list)  # (x, text) to point at


def power_data(res: Results) -> SeriesData:
    t = res.t
    colors = res.type_colors()
    stacks = [(res.type_label(typ), colors[typ], res.band("power_mw", typ)["p50"].to_numpy())
              for typ in res.types]
    peak = res.kpi("peak_site_power_mw")
    note = t.colon(t("k_power"), band(peak["p50"], peak["p10"], peak["p90"],
                                      lambda v: f"{v:,.1f}"))
    return SeriesData(res.months, stacks, res.band("power_mw"), t("t_power"), note,
                      t("unit_mw"), {"band": t("l_band"), "none": t("none_power"),
                                     "color": t("l_by_type")})


def energy_cost_data(res: Results) -> SeriesData:
    t = res.t
    k = res.kpi("electricity_cost_mcny")
    note = t.colon(t("k_energy_cost"), band(k["p50"], k["p10"], k["p90"]))
    return SeriesData(res.months, [], res.band("energy_cost_mcny"), t("t_energy"), note,
                      t("unit_mcny_month"), {"p50": t("l_p50"), "band": t("l_p10_90"),
                                             "none": t("none_power")})


def capex_data(res: Results) -> SeriesData:
    t = res.t
    b = res.band("capex_mcny")
    k = res.kpi("capex_mcny")
    note = t.colon(t("k_capex"), band(k["p50"], k["p10"], k["p90"]))
    marks = []
    total = max(float(res.phases["capex_mcny"].sum()), 1e-9) if len(res.phases) else 1.0
    for r in res.phases.to_dict("records"):
        x = to_x(r["start_p50"])
        if r["capex_mcny"] >= 0.1 * total and x is not None and res.months[0] <= x:
            name = f"{shorten(res.facility_name(r['facility']), 40)} " \
                   f"{res.phase_name(r['facility'], r['phase'])}{t.paren(r['start_p50'])}"
            marks.append((x, t.colon(name, f"{r['capex_mcny']:,.0f}")))
    return SeriesData(res.months, [], b, t("t_capex"), note, t("unit_capex"),
                      {"month": t("l_capex_month"), "cum": t("l_capex_cum"),
                       "none": t("none_capex")}, marks)


def plot_series(ax, data: SeriesData, *, legend_at: str | None = "upper left"):
    """Stacks of P50 (if any), the total's P10-P90 band and P50 line. Returns the ax."""
    m = data.months
    if data.total is not None and not np.any(data.total[["p90", "mean"]].to_numpy() > 0):
        titles(ax, data.title)
        return empty(ax, data.labels.get("none", "–"))
    base = np.zeros(len(m))
    for label, color, values in data.stacks:
        step_fill(ax, m, base, base + values, color=color, alpha=0.8, linewidth=0, label=label)
        base = base + values
    tot = data.total
    if tot is not None and data.stacks:  # a band over the stacks: filled, translucent
        if not np.allclose(tot["p10"], tot["p90"]):
            step_fill(ax, m, tot["p10"], tot["p90"], color="#222222", alpha=0.22, linewidth=0,
                      zorder=3, label=data.labels.get("band"))
    elif tot is not None:
        step_fill(ax, m, tot["p10"], tot["p90"], color="#0072B2", alpha=0.18, linewidth=0,
                  label=data.labels.get("band"))
        step_line(ax, m, tot["p50"], color="#0072B2", linewidth=1.8,
                  label=data.labels.get("p50"))
    month_axis(ax, m)
    ax.set_ylim(bottom=0, top=max(float(base.max()), float(data.total["p90"].max())
                                  if data.total is not None else 0) * 1.25 or 1)
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title, data.note)
    legend(ax, legend_at, fontsize=8.5, title=data.labels.get("color"), title_fontsize=8.5,
           alignment="left")
    return ax


def plot_capex(ax, data: SeriesData, *, legend_at: str | None = "upper left"):
    """Capex per month (mean, bars) and cumulative (mean, step line). Returns the ax."""
    m = data.months
    monthly = data.total["mean"].to_numpy()
    if not np.any(monthly > 0):
        titles(ax, data.title)
        return empty(ax, data.labels.get("none", "–"))
    ax.bar(m + 0.1 * MONTH, monthly, width=0.8 * MONTH, align="edge", color="#0072B2",
           label=data.labels.get("month"))
    cum = np.cumsum(monthly)
    step_line(ax, m, cum, color="#D55E00", linewidth=1.8, label=data.labels.get("cum"))
    top = max(float(cum.max()), 1.0)
    marks = sorted(data.marks)[:6]
    for k, (x, text) in enumerate(marks, 1):  # numbered on the line, named in a list
        i = int(np.clip(np.searchsorted(m, x + 1e-9) - 1, 0, len(m) - 1))
        ax.annotate(str(k), (x + MONTH, cum[i]), xytext=(-4, 6), textcoords="offset points",
                    fontsize=7.5, ha="center", va="bottom", color="white", zorder=6,
                    bbox=dict(boxstyle="circle,pad=0.2", facecolor="#444444", edgecolor="none"))
    if marks:
        ax.text(0.02, 0.83, "\n".join(f"{k}  {text}" for k, (_, text) in enumerate(marks, 1)),
                transform=ax.transAxes, fontsize=8, va="top", ha="left", color="#333333",
                linespacing=1.5, bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    month_axis(ax, m)
    ax.set_ylim(0, top * (1.35 + 0.13 * len(marks)))  # room for the legend and the list
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title, data.note)
    legend(ax, legend_at, fontsize=8.5)
    return ax
