"""Page furniture: A4 page figures with header and footer, tables, the cover and its tables."""

from __future__ import annotations

import datetime as _dt

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from simulator.report.data import Results
from simulator.report.style import COLORS
from simulator.report.i18n.text import band, cap, has_cjk, shorten, wrap
from simulator.report.run.counting import counted_label

A4_LANDSCAPE = (11.69, 8.27)  # inches
HEADER_COLOR, ZEBRA, GRID = "#E8EEF4", "#F7F7F7", "#DDDDDD"
MONO = "DejaVu Sans Mono"


def page(title: str, *, layout: bool = True) -> Figure:
    """A blank A4 landscape page with its title; room kept at the bottom for the footer."""
    fig = Figure(figsize=A4_LANDSCAPE)
    if layout:
        fig.set_layout_engine("constrained", rect=(0.0, 0.035, 1.0, 0.9), h_pad=0.08,
                              w_pad=0.08, hspace=0.06, wspace=0.04)
    else:
        fig.set_layout_engine("none")
    fig.text(0.025, 0.975, title, ha="left", va="top", fontsize=15, color="#0B3D66")
    return fig


def overrides_line(fig: Figure, y: float, overrides: dict, t) -> float:
    """'Overrides (--set): path = value; ...' in amber, if any; returns the height below."""
    if not overrides:
        return y
    items = t.semi.join(f"{k} = {v}" for k, v in overrides.items())
    text = wrap(t.colon(t("d_overrides"), items), 150 if t.lang == "en" else 120, 3)
    fig.text(0.025, y, text, fontsize=10.5, va="top", color="#B35900", linespacing=1.3)
    return y - 0.03 * (text.count("\n") + 1)


def footer(fig: Figure, left: str, right: str) -> None:
    """Small grey footer: what the page belongs to (left), the page number (right)."""
    fig.text(0.025, 0.012, left, ha="left", va="bottom", fontsize=8, color="#777777")
    fig.text(0.975, 0.012, right, ha="right", va="bottom", fontsize=8, color="#777777")


def draw_table(ax, header: list[str], rows: list[list[str]], *, fontsize: float = 9.5,
               align: list[str] | None = None, width_in: float | None = None,
               highlight: list[int] = (), uniform: bool = False):
    """A table filling the axes: shaded header, zebra rows, numbers right-aligned. Columns are
    as wide as their longest text (`uniform`: all but the first as wide as the widest); the font
    shrinks (to 6.5 pt) if the table would not fit.

    Drawn as plain text and one collection of stripes: much faster than matplotlib's Table.
    """
    ax.set_axis_off()
    if not rows:
        return ax
    n = len(header)
    align = align or ["left"] + ["right"] * (n - 1)
    ems = np.array([max(text_em(c) for c in [header[j]] + [r[j] for r in rows]) + 1.4
                    for j in range(n)])
    if uniform and n > 1:
        ems[1:] = ems[1:].max()
    if width_in is None:  # the axes' width now: lay the figure out first where that changes it
        pos = ax.get_position()
        width_in = pos.width * ax.figure.get_figwidth()
    fontsize = max(6.5, min(fontsize, width_in * 72.0 / ems.sum()))
    edges = np.concatenate([[0.0], np.cumsum(ems)]) / ems.sum()
    pad = 0.7 * fontsize / 72.0 / width_in  # half the column padding, as a fraction
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) + 1, 0)
    stripes, colors = [], []
    for i in range(len(rows) + 1):
        color = HEADER_COLOR if i == 0 else "#FFF4E0" if (i - 1) in highlight \
            else ZEBRA if i % 2 == 0 else None
        if color:
            stripes.append([(0, i), (1, i), (1, i + 1), (0, i + 1)])
            colors.append(color)
    ax.add_collection(PolyCollection(stripes, facecolors=colors, edgecolors="none", zorder=0))
    ax.hlines(np.arange(len(rows) + 2), 0, 1, colors=GRID, linewidth=0.6, zorder=1)
    for i, cells in enumerate([header] + rows):
        for j, text in enumerate(cells):
            if align[j] == "right":
                x, ha = edges[j + 1] - pad, "right"
            elif align[j] == "center":
                x, ha = (edges[j] + edges[j + 1]) / 2, "center"
            else:
                x, ha = edges[j] + pad, "left"
            ax.text(x, i + 0.5, str(text), ha=ha, va="center_baseline", fontsize=fontsize,
                    color="#222222", clip_on=False, in_layout=False)
    return ax


def text_em(text: str) -> float:
    """Approximate width of the longest line in em: a CJK character 1, others about 0.55."""
    return max((sum(1.0 if has_cjk(ch) else 0.55 for ch in line)
                for line in str(text).split("\n")), default=0.0)


def table_height(rows: int, row_in: float = 0.27) -> float:
    """Inches a table of `rows` data rows needs (plus its header)."""
    return (rows + 1) * row_in


# ---------------------------------------------------------------------------- the cover
def target_rows(res: Results) -> list[list[str]]:
    t = res.t
    rows = []
    for r in res.targets.to_dict("records"):
        rows.append([f"{cap(r['target_p'])} {counted_label(res, r)}", r["by"],
                     t.pct(r["probability_met"]),
                     band(r["capacity_p50"], r["capacity_p10"], r["capacity_p90"], cap),
                     cap(r["gap_p50"]), t.month_or_never(r["month_met_p50"])])
    return rows


def headline(res: Results, r: dict) -> str:
    """One sentence per target: '3000P 智算 by 2025-12: 4 % likely; median shortfall 2,410P'."""
    t = res.t
    p, n = float(r["probability_met"]), int(r["replications"])
    fields = {"cap": cap(r["target_p"]), "label": counted_label(res, r), "by": r["by"]}
    if p == 0:
        head = t("h_none", n=f"{n:,}", **fields)
    elif p == 1:
        head = t("h_all", n=f"{n:,}", **fields)
    else:
        head = t("h_met", p=t.pct(p), **fields)
    gap = float(r["gap_p50"])
    parts = [t("h_short", gap=cap(gap)) if gap > 0 else t("h_surplus", gap=cap(-gap))]
    if p < 0.5 and isinstance(r["month_met_p50"], str) and r["month_met_p50"]:
        parts.append(t("h_late", month=r["month_met_p50"]))
    sep = "；" if t.lang == "zh" else "; "
    return head + sep + sep.join(parts)


def phase_rows(res: Results) -> tuple[list[str], list[list[str]]]:
    """Per phase: construction start and online month (P10 / P50 / P90), P(online by end)."""
    t = res.t
    header = [t("c_facility"), t("c_phase"), t("c_capacity"), t("c_start_p50"),
              t("c_online_q"), t("c_p_online"), t("c_capex")]
    rows = []
    for r in res.phases.to_dict("records"):
        qs = [r["online_p10"], r["online_p50"], r["online_p90"]]
        shown = [q if isinstance(q, str) and q else "–" for q in qs]
        online = shown[1] if len(set(shown)) == 1 else " / ".join(shown)
        caps = " + ".join(f"{cap(v)} {res.type_label(k)}" for k, v in _phase(res, r).items())
        rows.append([shorten(res.facility_name(r["facility"]), 48),
                     res.phase_name(r["facility"], r["phase"]), caps,
                     r["start_p50"] if isinstance(r["start_p50"], str) else "–", online,
                     t.pct(r["probability_online_by_end"]), f"{r['capex_mcny']:,.0f}"])
    return header, rows


def _phase(res: Results, r: dict) -> dict:
    f = next(f for f in res.scenario.facilities if f.id == r["facility"])
    return dict(next(p for p in f.phases if p.id == r["phase"]).capacity)


def kpi_rows(res: Results) -> tuple[list[str], list[list[str]]]:
    """Key figures: money and power in total, demand and idle capacity per type."""
    t = res.t
    types = res.types
    header = [""] + [res.type_label(x) for x in types] + [t("total")]

    def per_type(kpi, fmt=None):
        return [band(*(res.kpi(kpi, x)[q] for q in ("p50", "p10", "p90")), fmt=fmt)
                for x in types]

    def total(kpi, fmt=None):
        k = res.kpi(kpi)
        return band(k["p50"], k["p10"], k["p90"], fmt=fmt)

    dash = ["–"] * len(types)
    rows = [
        [t("k_unmet")] + per_type("unmet_p_months") + ["–"],
        [t("k_idle")] + per_type("idle_p_months") + ["–"],
        [t("k_util")] + [pct_band(t, res.kpi("mean_utilization", x)) for x in types] + ["–"],
        [t("k_lost_once")] + dash + [f"{tenants_lost(res):,.1f}"],
        [t("k_capex")] + dash + [total("capex_mcny")],
        [t("k_energy_cost")] + dash + [total("electricity_cost_mcny")],
        [t("k_power")] + dash + [total("peak_site_power_mw", lambda v: f"{v:,.1f}")],
        [t("k_revenue")] + dash + [total("revenue_mcny")],
    ]
    return header, rows


def tenants_lost(res: Results) -> float:
    """Expected number of tenants that leave, each counted once (not once per type it uses)."""
    tn = res.tenants
    if tn.empty:
        return 0.0
    return float((tn["probability_left"].astype(float) * tn["count"].astype(float)).sum())


def pct_band(t, k: dict) -> str:
    """A share as '6 % [5–14]': the unit once, after the P50."""
    p50, p10, p90 = (f"{k[q] * 100:.0f}" for q in ("p50", "p10", "p90"))
    sep = " " if t.lang == "en" else ""
    return f"{p50}{sep}%" if p10 == p50 == p90 else f"{p50}{sep}% [{p10}–{p90}]"


def report_date() -> _dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set: reproducible builds of the PDFs."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    return _dt.date.today()


def cover(res: Results, today: _dt.date | None = None) -> Figure:
    """Title, what was run, one headline per target, the target table and the key figures."""
    t, s, facts = res.t, res.scenario, res.facts
    fig = page(t("report"), layout=False)
    fig.texts[0].set(fontsize=12, color="#555555")
    y = 0.905
    title = wrap(res.title, 60 if t.lang == "en" else 50, 2)
    fig.text(0.025, y, title, fontsize=26, va="top", color="#0B3D66", linespacing=1.15)
    y -= 0.062 * (1 + title.count("\n")) + 0.013
    desc = (s.description or "").strip()
    if desc and has_cjk(desc) == (t.lang == "zh"):
        text = wrap(desc, 150 if t.lang == "en" else 110)
        fig.text(0.025, y, text, fontsize=10.5, va="top", color="#444444", linespacing=1.4)
        y -= 0.028 * (text.count("\n") + 1) + 0.012
    today = today or report_date()
    meta = [f"{t('report_date')} {today:%Y-%m-%d}",
            f"{t('horizon')} {res.month_labels[0]} – {res.month_labels[-1]}",
            f"{t('replications')} {int(facts['replications']):,}",
            f"{t('seed')} {facts['seed']}", f"{t('version')} {facts.get('version', '')}"]
    fig.text(0.025, y, "    ·    ".join(meta), fontsize=11, va="top", color="#222222")
    y -= 0.032
    y = overrides_line(fig, y, facts.get("overrides") or {}, t)
    fig.text(0.025, y, f"{t('hash')}  ", fontsize=9.5, va="top", color="#555555")
    fig.text(0.025 + (0.075 if t.lang == "zh" else 0.09), y, facts["scenario_hash"],
             fontsize=9, va="top", color="#555555", family=MONO)
    y -= 0.05
    targets = res.targets.to_dict("records")
    if not targets:
        fig.text(0.025, y, t("no_targets"), fontsize=13, va="top")
        y -= 0.05
    for r in targets:
        p = float(r["probability_met"])
        color = COLORS[2] if p >= 0.8 else COLORS[3] if p >= 0.2 else "#C00000"
        fig.text(0.025, y, "●", fontsize=13, va="top", color=color)
        fig.text(0.045, y, headline(res, r), fontsize=14, va="top", color="#222222")
        y -= 0.045
    y -= 0.01
    rows = target_rows(res)
    if rows:
        h = table_height(len(rows), 0.3) / A4_LANDSCAPE[1]
        ax = fig.add_axes((0.025, y - h, 0.95, h))
        draw_table(ax, [t("target"), t("deadline"), t("p_met"), t("cap_at_deadline"),
                        t("gap_p50"), t("month_met_p50")], rows, fontsize=10.5)
        y -= h + 0.045
    header, krows = kpi_rows(res)
    fig.text(0.025, y, t("t_kpis"), fontsize=12, va="top", color="#222222")
    y -= 0.03
    h = min(table_height(len(krows), 0.27) / A4_LANDSCAPE[1], y - 0.08)
    ax = fig.add_axes((0.025, y - h, 0.95, h))
    draw_table(ax, header, krows, fontsize=9, uniform=True)
    fig.text(0.025, 0.045, t("reading"), fontsize=9, va="bottom", color="#666666")
    return fig
