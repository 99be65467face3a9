"""The decision page: per target a sentence a chair can read out, demand beside capacity beside
the target at the deadline, and what closing the gap takes. Heads the run report and plan.pdf."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.report.analysis.labels import Names
from simulator.report.colors import type_color
from simulator.report.data import Results
from simulator.report.decision import Decision, decisions, sentence
from simulator.report.document import Chart, Document
from simulator.report.i18n.text import band, cap, wrap
from simulator.report.pages import A4_LANDSCAPE, draw_table, overrides_line, table_height
from simulator.units import format_month

PER_PAGE = 3
TARGET_COLOR, FIX_COLOR = "#C00000", "#555555"


@dataclass
class DecisionChart:
    """Demand and capacity ranges (P10-P90, P50 tick) against the target, from zero."""

    rows: list[tuple[str, float, float, float, str]]  # (label, p10, p50, p90, colour)
    target: float
    fixed: float | None  # capacity P50 with the fix [P]
    title: str = ""
    labels: dict = field(default_factory=dict)


def plot_decision(ax, data: DecisionChart, *, legend_at: str | None = "right"):
    """Horizontal P10-P90 bars (filled) with a P50 tick, the target as a red line; the x axis
    starts at zero so the lengths compare. Returns the ax."""
    y = np.arange(len(data.rows))
    for yi, (_, lo, mid, hi, color) in zip(y, data.rows):
        ax.barh(yi, max(hi - lo, data.target * 0.004), left=lo, height=0.5, color=color,
                alpha=0.45, linewidth=0)
        ax.plot([mid, mid], [yi - 0.3, yi + 0.3], color=color, linewidth=2.4)
        ax.annotate(cap(mid), (hi, yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9, color="#222222")
    if data.fixed is not None:
        ax.barh(len(data.rows), data.fixed, height=0.5, facecolor="white", edgecolor=FIX_COLOR,
                hatch="////", linewidth=0.8)
        ax.annotate(cap(data.fixed), (data.fixed, len(data.rows)), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9, color="#222222")
    ax.axvline(data.target, color=TARGET_COLOR, linestyle=(0, (6, 3)), linewidth=1.6)
    names = [r[0] for r in data.rows] + ([data.labels["fixed"]] if data.fixed is not None else [])
    ax.set_yticks(np.arange(len(names)), names)
    ax.set_ylim(len(names) - 0.4, -0.6)
    top = max([data.target] + [r[3] for r in data.rows] + [data.fixed or 0.0])
    ax.set_xlim(0, top * 1.18 or 1)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(data.title, loc="left", fontsize=10.5, pad=6)
    if legend_at:
        handles = [Patch(color="#888888", alpha=0.45, label=data.labels["band"]),
                   Line2D([], [], color="#888888", linewidth=2.4, label="P50"),
                   Line2D([], [], color=TARGET_COLOR, linestyle=(0, (6, 3)),
                          label=data.labels["target"])]
        kw = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0) \
            if legend_at == "right" else dict(loc=legend_at)
        ax.legend(handles=handles, fontsize=8, **kw)
    return ax


def chart_data(d: Decision, res: Results) -> DecisionChart:
    t = res.t
    color = type_color(d.type)
    rows = [(t("dc_l_demand"), *d.demand, "#777777"), (t("dc_l_capacity"), *d.capacity, color)]
    fixed = d.capacity[1] + d.fix.add_p if d.fix is not None and d.fix.add_p > 0 else None
    return DecisionChart(rows, d.target_p, fixed, t("dc_t_chart"),
                         {"fixed": t("dc_l_fixed"), "band": t("dc_l_band"),
                          "target": t("dc_l_target")})


def table(d: Decision, t, names: Names) -> tuple[list[str], list[list[str]]]:
    """The numbers behind the sentence: a column each."""
    f = d.fix
    lo, hi = (t.pct(x) for x in d.p_band)
    pmet = t.pct(d.p_met) + ("" if lo == hi else f" [{lo}–{hi}]")
    header = [t("dc_c_pmet"), t("dc_c_demand"), t("dc_c_cap"), t("dc_c_add"), t("dc_c_start")]
    row = [pmet, band(d.demand[1], d.demand[0], d.demand[2], cap),
           band(d.capacity[1], d.capacity[0], d.capacity[2], cap)]
    if f is None:
        return header[:3], [row]
    start = (f.start or "–") + (t.paren(t("dc_too_late_mark")) if f.too_late else "")
    header += [t("dc_c_capex"), t("dc_c_power"), t("dc_c_util")]
    row += [f"{cap(f.add_p)}{t.paren(names.build_class(f.build_class))}", start,
            f"{f.capex_mcny:,.0f}", f"{f.power_mw:,.1f}", t.pct(f.utilization)]
    return header, [row]


def decision_pages(doc: Document, res: Results, plan_table=None, confidence: float = 0.8
                   ) -> None:
    """The decision page(s): up to three targets a page (none if the scenario has no targets)."""
    t = res.t
    names = Names(res.scenario, t)
    items = decisions(res, plan_table, confidence)
    as_of = format_month(res.scenario.knowledge_month)
    for k in range(0, len(items), PER_PAGE):
        fig = doc.page(t("dc_page"), layout=False)
        fig.text(0.025, 0.915, wrap(t("dc_intro"), 190 if t.lang == "en" else 150), fontsize=9.5,
                 va="top", color="#555555")
        top = overrides_line(fig, 0.885, doc.meta.overrides, t) - 0.01  # a variant says so
        chunk = items[k:k + PER_PAGE]
        h = (top - 0.075) / max(len(chunk), 2)
        for i, d in enumerate(chunk):
            _block(doc, fig, res, d, names, as_of, top - i * h, h)
        checked = [d.fix.checked for d in items if d.fix is not None and d.fix.checked is not None]
        note = t("dc_source_plan", p=" / ".join(t.pct(c) for c in checked)) if checked \
            else t("dc_source_estimate")
        fig.text(0.025, 0.045, wrap(note, 190 if t.lang == "en" else 150), fontsize=8.5,
                 va="bottom", color="#666666")


def _block(doc: Document, fig, res: Results, d: Decision, names: Names, as_of: str,
           top: float, h: float) -> None:
    """One target: its sentence across the page, the chart left, the numbers right."""
    t = res.t
    text = wrap(sentence(d, t, names.build_class, as_of), 130 if t.lang == "en" else 100)
    lines = text.count("\n") + 1
    p = d.p_met
    fig.text(0.025, top, "●", fontsize=13, va="top",
             color="#009E73" if p >= 0.8 else "#E69F00" if p >= 0.2 else TARGET_COLOR)
    fig.text(0.045, top, text, fontsize=12, va="top", color="#222222", linespacing=1.35)
    body = top - 0.032 * lines - 0.03
    height = max(h - 0.032 * lines - 0.08, 0.08)
    ax = fig.add_axes((0.1, body - height, 0.34, height))
    doc.draw(fig, ax, Chart(f"decision-{d.key}", plot_decision, chart_data(d, res)))
    header, rows = table(d, t, names)
    pairs = [[k, v] for k, v in zip(header, rows[0])]
    th = min(table_height(len(pairs) - 1, 0.23) / A4_LANDSCAPE[1], height + 0.02)
    draw_table(fig.add_axes((0.55, body - th + 0.01, 0.42, th)), pairs[0], pairs[1:],
               fontsize=9, width_in=0.42 * A4_LANDSCAPE[0], align=["left", "right"])
