"""Demand against what was served, utilisation per facility (heat map) and idle capacity."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors

from simulator.report.axes import empty, legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.data import Results, month_edges
from simulator.report.i18n.text import band, cap, shorten

DEMAND_COLOR, SERVED_COLOR, UNMET_COLOR, USABLE_COLOR = "#0072B2", "#009E73", "#D55E00", "#555555"


@dataclass
class DemandData:
    """One compute type: demand, served and unmet (bands), usable capacity (P50)."""

    months: np.ndarray  # month starts [decimal years]
    demand: pd.DataFrame
    served: pd.DataFrame
    unmet: pd.DataFrame
    usable: np.ndarray
    title: str = ""
    note: str = ""
    ylabel: str = "P"
    labels: dict = field(default_factory=dict)


def demand_data(res: Results, typ: str) -> DemandData:
    t = res.t
    u = res.scenario.scheduling.max_utilization
    usable = res.band("capacity_p", typ)["p50"].to_numpy() * u
    unmet_k = res.kpi("unmet_p_months", typ)
    peak = res.kpi("peak_unmet_p", typ)
    note = t("n_unmet", total=band(unmet_k["p50"], unmet_k["p10"], unmet_k["p90"]),
             peak=band(peak["p50"], peak["p10"], peak["p90"], cap))
    return DemandData(res.months, res.band("demand_p", typ), res.band("served_p", typ),
                      res.band("unmet_p", typ), usable,
                      t("t_demand", label=res.type_label(typ)), note, t("unit_demand"),
                      {"demand": t("l_demand"), "demand_band": t("l_demand_band"),
                       "served": t("l_served"), "unmet": t("l_unmet"),
                       "unmet_band": t("l_unmet_band"), "usable": t("l_usable", u=f"{u:g}")})


def plot_demand(ax, data: DemandData, *, legend_at: str | None = "upper left"):
    """Demand (P50 line, P10-P90 band), served (P50), unmet (P50 area, P10-P90 band), and the
    usable capacity for reference. Returns the ax."""
    m, L = data.months, data.labels
    step_fill(ax, m, data.demand["p10"], data.demand["p90"], color=DEMAND_COLOR, alpha=0.15,
              linewidth=0, label=L.get("demand_band"))
    step_line(ax, m, data.usable, color=USABLE_COLOR, linewidth=1.1, linestyle=(0, (5, 2)),
              label=L.get("usable"))
    step_line(ax, m, data.demand["p50"], color=DEMAND_COLOR, linewidth=2.0, label=L.get("demand"))
    step_line(ax, m, data.served["p50"], color=SERVED_COLOR, linewidth=1.6,
              linestyle=(0, (1, 1)), label=L.get("served"))
    if float(data.unmet["p90"].max()) > 0:
        step_fill(ax, m, data.unmet["p10"], data.unmet["p90"], color=UNMET_COLOR, alpha=0.22,
                  linewidth=0, label=L.get("unmet_band"))
        step_fill(ax, m, 0, data.unmet["p50"], color=UNMET_COLOR, alpha=0.85, linewidth=0,
                  label=L.get("unmet"))
    top = max(float(data.demand["p90"].max()), float(np.max(data.usable, initial=0)))
    ax.set_ylim(0, top * 1.35 if top > 0 else 1)
    month_axis(ax, m)
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title, data.note)
    legend(ax, legend_at, fontsize=8, ncol=2)
    return ax


# ---------------------------------------------------------------------------- utilisation
@dataclass
class UtilizationData:
    """Utilisation (P50) per (facility, type) row and month; NaN where nothing is online."""

    months: np.ndarray  # month starts [decimal years]
    rows: list[str]
    values: np.ndarray  # (rows, months) fraction
    title: str = ""
    cbar_label: str = "%"
    missing_label: str = ""


def utilization_data(res: Results) -> UtilizationData:
    t = res.t
    rows, values = [], []
    for typ in res.types:
        for f in res.facilities_of(typ):
            capf = res.band("capacity_p", typ, f)["p50"].to_numpy()
            if not np.any(capf > 0):
                continue
            util = res.band("utilization", typ, f)["p50"].to_numpy()
            rows.append(f"{shorten(res.facility_name(f), 40)}\n{res.type_label(typ)}")
            values.append(np.where(capf > 0, util, np.nan))
    return UtilizationData(res.months, rows, np.array(values).reshape(len(rows), -1),
                           t("t_util"), t("unit_util"), t("l_not_online"))


def plot_utilization(ax, data: UtilizationData, *, colorbar: bool = True):
    """Heat map of utilisation per facility and month; grey where not online. Returns ax."""
    if not data.rows:
        return empty(ax, data.missing_label)
    x = month_edges(data.months)
    y = np.arange(len(data.rows) + 1)
    masked = np.ma.masked_invalid(data.values)
    cmap = mcolors.LinearSegmentedColormap.from_list(
        "util", ["#F7FBFF", "#9ECAE1", "#2171B5", "#08306B"]).with_extremes(bad="#EEEEEE")
    mesh = ax.pcolormesh(x, y, masked, cmap=cmap, vmin=0.0, vmax=1.0, shading="flat",
                         antialiased=False, rasterized=True)
    for i in range(1, len(data.rows)):
        ax.axhline(i, color="white", linewidth=2)
    ax.set_yticks(np.arange(len(data.rows)) + 0.5, data.rows, fontsize=9)
    ax.set_ylim(len(data.rows), 0)
    month_axis(ax, data.months)
    ax.grid(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(data.title, loc="left")
    ax.text(1.0, 1.01, f"■ {data.missing_label}", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=9, color="#AAAAAA")
    if colorbar:
        cb = ax.figure.colorbar(mesh, ax=ax, fraction=0.04, pad=0.01, format="{x:.0%}")
        cb.set_label(data.cbar_label)
        cb.outline.set_visible(False)
    return ax


# ---------------------------------------------------------------------------- idle capacity
@dataclass
class IdleData:
    """Idle capacity (installed minus served) of each type: P50 and P10-P90."""

    months: np.ndarray  # month starts [decimal years]
    series: list[tuple[str, str, pd.DataFrame]]  # (label, colour, band)
    title: str = ""
    ylabel: str = "P"
    band_label: str = "P10–P90"
    color_label: str = ""


def idle_data(res: Results) -> IdleData:
    colors = res.type_colors()
    series = [(res.type_label(typ), colors[typ], res.band("idle_p", typ)) for typ in res.types
              if res.band("capacity_p", typ)["p90"].max() > 0]
    return IdleData(res.months, series, res.t("t_idle"), res.t("unit_idle"), res.t("l_p10_90"),
                    res.t("l_by_type"))


def plot_idle(ax, data: IdleData, *, legend_at: str | None = "right"):
    """Idle capacity per type: P50 lines with P10-P90 bands. Returns the ax."""
    for label, color, b in data.series:
        step_fill(ax, data.months, b["p10"], b["p90"], color=color, alpha=0.18, linewidth=0)
        step_line(ax, data.months, b["p50"], color=color, linewidth=1.8, label=label)
    month_axis(ax, data.months)
    ax.set_ylim(bottom=0)
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title)
    legend(ax, legend_at, title=data.color_label or None, title_fontsize=9, alignment="left")
    return ax
