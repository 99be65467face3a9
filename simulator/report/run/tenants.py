"""Tenants: the pipeline (signed against negotiating) and the demand of each tenant over time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.patches import Patch

from simulator.report.axes import empty, legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.colors import OTHER_COLOR
from simulator.report.data import Results
from simulator.report.i18n.text import wrap

MAX_TENANT_SERIES = 8


@dataclass
class PipelineRow:
    label: str
    signed: bool
    demand: list[tuple[str, float]]  # (type id, full demand [P]) of the entry (x count)
    note: str


@dataclass
class PipelineData:
    """Each tenant entry's full demand by type, signed or negotiating, with its odds."""

    rows: list[PipelineRow]
    type_labels: dict[str, str]
    type_colors: dict[str, str]
    title: str = ""
    xlabel: str = "P"
    labels: dict = field(default_factory=dict)


def pipeline_data(res: Results) -> PipelineData:
    t = res.t
    types = list(res.scenario.compute_types)
    rows = []
    for r in res.tenants.to_dict("records"):
        demand = [(typ, float(r.get(f"demand_{typ}_p", 0) or 0)) for typ in types]
        name = res.tenant_name(r["tenant"])
        if int(r["count"]) > 1:
            name += t("count_note", n=int(r["count"]))
        note = t("pipeline_note", ps=t.pct(r["probability_signed"]),
                 pl=t.pct(r["probability_left"]), sv=t.pct(r["served_share"]))
        cause = churn_cause(res, r["tenant"]) if r["probability_left"] > 0 else None
        if cause:
            note += t("churn_cause", label=res.type_label(cause[0]), u=t.pct(cause[1]))
        rows.append(PipelineRow(wrap(name, 40, 2), r["status"] == "signed", demand, note))
    rows.sort(key=lambda r: (not r.signed, -sum(v for _, v in r.demand)))
    return PipelineData(rows, {typ: res.type_label(typ) for typ in types}, res.type_colors(),
                        t("t_pipeline"), t("unit_contract"),
                        {"signed": t("l_signed"), "negotiating": t("l_negotiating"),
                         "empty": t("no_targets"), "color": t("l_by_type")})


def churn_cause(res: Results, tid: str) -> tuple[str, float] | None:
    """The type whose unmet share drove a tenant away: (type, its worst monthly unmet share of
    the mean demand over the futures), or None if none of its demand went unmet."""
    tm = res.tenant_monthly[res.tenant_monthly["tenant"] == tid]
    tm = tm[tm["demand_p"] > 0]
    if tm.empty:
        return None
    share = ((tm["demand_p"] - tm["served_p"]).clip(lower=0) / tm["demand_p"]).groupby(
        tm["type"]).max()
    return (str(share.idxmax()), float(share.max())) if share.max() > 0 else None


def plot_pipeline(ax, data: PipelineData, *, legend_at: str | None = "below"):
    """Horizontal bars of full demand per tenant, split by type; negotiations hatched; P(signed),
    P(left) and the served share beside each bar. Returns the ax."""
    if not data.rows:
        return empty(ax, "–")
    y = np.arange(len(data.rows))
    longest = max(sum(v for _, v in r.demand) for r in data.rows) or 1.0
    used = set()
    for i, r in enumerate(data.rows):
        left = 0.0
        for typ, v in r.demand:
            if v <= 0:
                continue
            color = data.type_colors[typ]
            if r.signed:
                ax.barh(i, v, left=left, height=0.62, color=color, edgecolor="white",
                        linewidth=0.6)
            else:
                ax.barh(i, v, left=left, height=0.62, facecolor=lighten(color), hatch="///",
                        edgecolor=color, linewidth=0.6)
            used.add(typ)
            left += v
        ax.text(left + longest * 0.015, i, r.note, va="center", ha="left", fontsize=8.5,
                color="#444444")
    ax.set_yticks(y, [r.label for r in data.rows], fontsize=9)
    ax.set_ylim(len(data.rows) - 0.4, -0.6)
    ax.set_xlim(0, longest * 1.6)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    n_signed = sum(r.signed for r in data.rows)
    if 0 < n_signed < len(data.rows):
        ax.axhline(n_signed - 0.5, color="#888888", linewidth=0.8, linestyle=(0, (3, 3)))
    number_axis(ax, "x", nbins=6)
    ax.set_xlabel(data.xlabel)
    titles(ax, data.title)
    handles = [Patch(color=data.type_colors[typ], label=data.type_labels[typ])
               for typ in data.type_labels if typ in used]
    handles += [Patch(facecolor="#777777", label=data.labels["signed"]),
                Patch(facecolor=lighten("#777777"), edgecolor="#777777", hatch="///",
                      label=data.labels["negotiating"])]
    if legend_at == "below":
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09),
                  ncol=len(handles), fontsize=9, borderaxespad=0.0,
                  title=data.labels.get("color"), title_fontsize=9)
    elif legend_at:
        ax.legend(handles=handles, loc=legend_at, fontsize=9, frameon=True, framealpha=0.9,
                  edgecolor="none")
    return ax


def lighten(color: str, amount: float = 0.6) -> tuple:
    """The colour mixed with white (opaque, so hatches stay visible in every viewer)."""
    r, g, b = mcolors.to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


# ---------------------------------------------------------------------------- demand by tenant
@dataclass
class TenantDemandData:
    """One type: mean demand of the largest tenants (the rest as 'others'), and served."""

    months: np.ndarray  # month starts [decimal years]
    stacks: list[tuple[str, str, np.ndarray]]  # (label, colour, mean demand [P])
    served: np.ndarray  # mean served of the type [P]
    title: str = ""
    ylabel: str = "P"
    served_label: str = ""
    color_label: str = ""


def tenant_colors(res: Results) -> dict[str, str]:
    """A colour per tenant, keyed by its id: the same on every chart and in every report."""
    return res.tenant_colors()


def tenant_demand_data(res: Results, typ: str, colors: dict[str, str] | None = None
                       ) -> TenantDemandData:
    t = res.t
    colors = colors or tenant_colors(res)
    tm = res.tenant_monthly[res.tenant_monthly["type"] == typ]
    pos = [res.month_pos(m) for m in tm["month"]]
    frame = pd.DataFrame({"tenant": tm["tenant"].to_numpy(), "pos": pos,
                          "demand": tm["demand_p"].to_numpy(dtype=float)})
    per = {tid: np.bincount(g["pos"], weights=g["demand"], minlength=len(res.months))
           for tid, g in frame.groupby("tenant", sort=False)}
    order = sorted((k for k, v in per.items() if v.sum() > 0), key=lambda k: -per[k].sum())
    keep, rest = order[:MAX_TENANT_SERIES - 1], order[MAX_TENANT_SERIES - 1:]
    stacks = [(wrap(res.tenant_name(k), 30, 2), colors.get(k, OTHER_COLOR), per[k]) for k in keep]
    if rest:
        stacks.append((f"{t('l_others')} ({len(rest)})", OTHER_COLOR,
                       np.sum([per[k] for k in rest], axis=0)))
    return TenantDemandData(res.months, stacks, res.band("served_p", typ)["mean"].to_numpy(),
                            t("t_tenant_demand", label=res.type_label(typ)), t("unit_demand"),
                            t("l_served_mean"), t("l_by_tenant"))


def plot_tenant_demand(ax, data: TenantDemandData, *, legend_at: str | None = "right"):
    """Stacked mean demand by tenant, with the mean served as a line. Returns the ax."""
    if not data.stacks:
        return empty(ax, "–")
    base = np.zeros(len(data.months))
    for label, color, values in data.stacks:
        step_fill(ax, data.months, base, base + values, color=color, alpha=0.85, linewidth=0,
                  label=label)
        base = base + values
    step_line(ax, data.months, data.served, color="#222222", linewidth=1.4,
              linestyle=(0, (4, 2)), label=data.served_label)
    month_axis(ax, data.months)
    ax.set_ylim(0, max(float(base.max()), float(data.served.max())) * 1.1 or 1)
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title)
    legend(ax, legend_at, fontsize=8.5, title=data.color_label or None, title_fontsize=8.5,
           alignment="left")
    return ax
