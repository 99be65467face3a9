"""comparison.pdf: the scenarios side by side, their target tables, charts and what differs."""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from simulator.report.compare import charts as cc
from simulator.report.compare.market import market_page
from simulator.report.data import Results, scenario_title
from simulator.report.document import Document, Meta
from simulator.report.pages import A4_LANDSCAPE, MONO, draw_table, page, report_date
from simulator.report.i18n.text import Text, band, cap, shorten
from simulator.report.run.counting import counted_label
from simulator.units import format_month

DIFF_ROWS_PER_PAGE = 22


def write_comparison_pdf(comp, path: str | os.PathLike, lang: str | None = None) -> Path:
    """Draw `comp` (a `compare.Comparison`) to `path` in `lang` (default: the first scenario's
    language). Returns the path."""
    from simulator.analysis.compare import comparison_table, diff_table

    t = Text(lang or comp.base.scenario.language)
    results = [Results.from_ensemble(m.ensemble, t.lang) for m in comp.members]
    labels = [f"{m.label}: {shorten(_title(m, t), 44)}" for m in comp.members]
    table, diffs = comparison_table(comp), diff_table(comp)
    with Document(comparison_meta(comp, t)) as doc:
        doc.add(*_cover(comp, results, table, t))
        _overlay_pages(doc, results, labels)
        _outcome_page(doc, table, results, labels)
        _money_page(doc, table, results, labels)
        doc.add(*market_page(table, results, labels, t))  # scenarios with money (market.py)
        doc.add(*_diff_pages(diffs, comp, t))
        doc.write(path)
    return Path(path)


def comparison_meta(comp, t: Text) -> Meta:
    from simulator import __version__

    return Meta(title=t.colon(t("comparison"), " vs ".join(m.label for m in comp.members)),
                subject=t("comparison"), scenario_hash=comp.base.ensemble.hash,
                seed=comp.seed, version=__version__, lang=t.lang,
                replications=comp.replications)


def _overlay_pages(doc: Document, results: list[Results], labels: list[str]) -> None:
    """Capacity of each type in every scenario, four types a page, one legend a page."""
    t = doc.t
    types = list(dict.fromkeys(x for r in results for x in r.types))
    overlays = [cc.overlay_data(results, labels, x) for x in types]
    for k in range(0, len(overlays), 4):
        fig = doc.page(t("c_p_capacity"))
        chunk = overlays[k:k + 4]
        axes = fig.subplots(2 if len(chunk) > 2 else 1, 2 if len(chunk) > 1 else 1,
                            squeeze=False).ravel()
        for ax, data in zip(axes, chunk):
            cc.plot_overlay(ax, data, legend_at=None)
        for ax in axes[len(chunk):]:
            ax.set_visible(False)
        handles, names = axes[0].get_legend_handles_labels()
        fig.get_layout_engine().set(rect=(0.0, 0.085, 1.0, 0.85))  # room for the legend
        fig.legend(handles, names, loc="lower center", bbox_to_anchor=(0.5, 0.035),
                   ncol=min(len(names), 3), fontsize=9.5)


def _outcome_page(doc: Document, table, results: list[Results], labels: list[str]) -> None:
    t = doc.t
    fig = doc.page(t("c_p_outcomes"))
    pmet = cc.pmet_data(table, results, labels)
    flat = not (pmet.values > 0).any()  # all zero: a line, not a chart
    gs = fig.add_gridspec(2, 2, height_ratios=[0.3 if flat else 1.0, 1.0])
    cc.plot_pmet(fig.add_subplot(gs[0, :]), pmet)
    kpis = [("unmet_p_months", t("k_unmet"), t("c_x_pmonths")),
            ("idle_p_months", t("k_idle"), t("c_x_pmonths"))]
    for k, (kpi, title, xlabel) in enumerate(kpis):
        cc.plot_kpi_diff(fig.add_subplot(gs[1, k]),  # the legend above says the colours
                         cc.kpi_diff_data(table, results, labels, kpi, title, xlabel),
                         legend_at=None)


def _money_page(doc: Document, table, results: list[Results], labels: list[str]) -> None:
    t = doc.t
    cc.kpi_diff_grid(doc.page(t("c_p_money")), table, results, labels,
                     [("capex_mcny", t("k_capex"), t("c_x_mcny")),
                      ("peak_site_power_mw", t("k_power"), t("c_x_mw")),
                      ("electricity_cost_mcny", t("k_energy_cost"), t("c_x_mcny")),
                      ("revenue_mcny", t("k_revenue"), t("c_x_mcny"))])


def _cover(comp, results: list[Results], table, t: Text) -> list[Figure]:
    """The cover: the scenarios, then the target and KPI tables; tables that do not fit (9, 12
    or 20 scenarios) go on continuation pages."""
    fig = page(t("comparison"), layout=False)
    fig.texts[0].set(fontsize=12, color="#555555")
    y = 0.905
    fig.text(0.025, y, t("c_title", n=len(comp.members)), fontsize=24, va="top", color="#0B3D66")
    y -= 0.07
    meta = [f"{t('report_date')} {report_date():%Y-%m-%d}",
            f"{t('replications')} {comp.replications:,}", f"{t('seed')} {comp.seed}",
            t("c_crn")]
    fig.text(0.025, y, "    ·    ".join(meta) if t.lang == "zh" else "    |    ".join(meta),
             fontsize=10.5, va="top")
    y -= 0.045
    n = len(comp.members)
    step, size = min(0.036, 0.40 / n), 12 if n <= 8 else max(7.0, 12 - (n - 8) * 0.45)
    for m, r in zip(comp.members, results):
        fig.text(0.025, y, m.label, fontsize=size + 1, va="top", color=cc.scenario_colors(26)[
            ord(m.label) - 65])
        fig.text(0.05, y, shorten(_title(m, t), 110), fontsize=size, va="top")
        info = f"{m.file or ''}   {m.ensemble.hash[:12]}"
        fig.text(0.975, y, info, fontsize=min(8.5, size - 1), va="top", ha="right",
                 color="#666666", family=MONO)
        y -= step
    y -= 0.02
    fig.text(0.025, 0.045, t("c_reading"), fontsize=9, va="bottom", color="#666666")
    figures = [fig]
    rows = _target_rows(comp, results, table, t)
    header = [t("target"), t("c_scenario"), t("p_met"), t("c_d_pmet"), t("cap_at_deadline"),
              t("c_d_cap"), t("month_met_p50")]
    y = _place(figures, y, t, header, rows, 0.3, dict(fontsize=10, align=[
        "left", "left", "right", "right", "right", "right", "right"]))
    krows = _kpi_rows(table, comp)
    y = _place(figures, y, t, [t("c_scenario"), t("k_unmet"), t("k_idle"), t("k_capex"),
                               t("k_power"), t("k_energy_cost")], krows, 0.28,
               dict(fontsize=9.5, uniform=True), heading=t("c_kpis"))
    _warnings(figures[-1], comp, t)
    return figures


def _target_rows(comp, results: list[Results], table, t: Text) -> list[list[str]]:
    """Per target and scenario: P(met), capacity at the deadline and their differences to A.
    Scenarios are matched by their letter (their file), never by name: a what-if may keep its
    base's name."""
    by_label = {m.label: r for m, r in zip(comp.members, results)}
    rows = []
    targets = table[table["kind"] == "target"]
    order = {k: i for i, k in enumerate(dict.fromkeys(targets["name"]))}
    targets = targets.assign(_o=targets["name"].map(order))
    for row in targets.sort_values(["_o", "label"], kind="stable").to_dict("records"):
        r = by_label[row["label"]]
        tg = r.targets.set_index("target").loc[row["name"]]
        dp = row["diff_probability_met"]
        label = counted_label(r, {"type": tg["type"], "target": row["name"]})  # names a rule
        rows.append([f"{cap(tg['target_p'])} {label}{t.paren(tg['by'])}",
                     row["label"], t.pct(row["probability_met"]),
                     "" if row["label"] == "A" or dp != dp else _pp(dp),
                     band(row["p50"], row["p10"], row["p90"], cap),
                     "" if row["label"] == "A" or row["diff_p50"] != row["diff_p50"]
                     else cc._signed(row["diff_mean"]) + "P",
                     t.month_or_never(row["month_met_p50"])])
    return rows


def _place(figures: list[Figure], y: float, t: Text, header, rows, row_in: float, style: dict,
           heading: str | None = None) -> float:
    """Draw a table from `y` down on the last page, continuing on new pages as needed (rows of
    `row_in` inches). Returns where the next item may start."""
    per_row = row_in / A4_LANDSCAPE[1]
    while rows:
        room = int((y - 0.1 - (0.03 if heading else 0)) / per_row) - 1
        if room < min(len(rows), 4):
            fig = page(t("comparison") + t("a_more"), layout=False)
            figures.append(fig)
            y = 0.88
            continue
        chunk, rows = rows[:room], rows[room:]
        if heading:
            figures[-1].text(0.025, y, heading, fontsize=12, va="top")
            y -= 0.03
        h = (len(chunk) + 1) * per_row
        ax = figures[-1].add_axes((0.025, y - h, 0.95, h))
        draw_table(ax, header, chunk, **style)
        y -= h + 0.04
    return y


def _warnings(fig: Figure, comp, t: Text) -> None:
    """Say so where the scenarios' horizons or compute types differ."""
    horizons = {m.label: f"{format_month(m.scenario.start)}–{format_month(m.scenario.end)}"
                for m in comp.members}
    warnings = []
    if len(set(horizons.values())) > 1:
        warnings.append(t("c_horizons", items=t.comma.join(f"{k} {v}"
                                                           for k, v in horizons.items())))
    types = {m.label: tuple(m.scenario.compute_types) for m in comp.members}
    if len(set(types.values())) > 1:
        warnings.append(t("c_types", items=t.comma.join(f"{k} {'/'.join(v)}"
                                                        for k, v in types.items())))
    for k, text in enumerate(warnings):
        fig.text(0.025, 0.075 + 0.025 * k, text, fontsize=10, va="bottom", color="#B35900")


def _title(m, t: Text) -> str:
    """A member's scenario title, falling back on its file name."""
    return scenario_title(m.scenario, t, Path(m.file).stem if m.file else None)


def _pp(dp: float) -> str:
    return "0 pp" if abs(dp) < 0.005 else f"{dp * 100:+.0f} pp"


def _kpi_rows(table, comp) -> list[list[str]]:
    """Per scenario: mean KPI (all types) and its paired difference to A."""
    keys = [("unmet_p_months", "all"), ("idle_p_months", "all"), ("capex_mcny", "all"),
            ("peak_site_power_mw", "all"), ("electricity_cost_mcny", "all")]
    kpis = table[table["kind"] == "kpi"].set_index(["label", "name", "type"])
    rows = []
    for m in comp.members:
        cells = [m.label]
        for name, typ in keys:
            r = kpis.loc[(m.label, name, typ)]
            digits = 1 if name == "peak_site_power_mw" else 0
            text = f"{r['mean']:,.{digits}f}"
            if m.label != "A":
                text += f" ({cc._signed(r['diff_mean'])})"
            cells.append(text)
        rows.append(cells)
    return rows


def _diff_pages(diffs, comp, t: Text) -> list[Figure]:
    names = {m.label: m for m in comp.members}
    if diffs.empty:
        fig = page(t("c_p_diff"), layout=False)
        fig.text(0.025, 0.85, t("c_no_diff"), fontsize=13, va="top")
        return [fig]
    out = []
    rows = [[f"{d['label']}", d["path"], shorten(d["old"] or "–", 60),
             shorten(d["new"] or "–", 60)] for d in diffs.to_dict("records")]
    for k in range(0, len(rows), DIFF_ROWS_PER_PAGE):
        chunk = rows[k:k + DIFF_ROWS_PER_PAGE]
        fig = page(t("c_p_diff") + (t("a_more") if k else ""), layout=False)
        fig.text(0.025, 0.905, t("c_diff_intro", base=f"A: {shorten(_title(names['A'], t), 60)}"),
                 fontsize=10.5, va="top", color="#444444")
        h = (len(chunk) + 1) * 0.27 / A4_LANDSCAPE[1]
        ax = fig.add_axes((0.025, 0.86 - h, 0.95, h))
        draw_table(ax, [t("c_scenario"), t("c_path"), t("c_old"), t("c_new")], chunk,
                   fontsize=9, align=["left"] * 4)
        out.append(fig)
    return out
