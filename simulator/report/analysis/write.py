"""The PDFs of `capsim sensitivity`, `plan` and `sweep`: <kind>.pdf and charts/*.png."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
from matplotlib.transforms import blended_transform_factory

from simulator.report.analysis import sensitivity as cs
from simulator.report import fork
from simulator.report.analysis.labels import Names
from simulator.report.analysis.npv import npv_page
from simulator.report.analysis.pages import bullets, cover, facts_of, footnote, meta_line, p_color, table_pages
from simulator.report.run.assemble import Chart, Report, freeze_layout, write_pdf, write_pngs
from simulator.report.data import scenario_title
from simulator.report.pages import A4_LANDSCAPE, draw_table, page, table_height
from simulator.report.style import register_font, report_rc
from simulator.report.i18n.text import Text, wrap

KINDS = ("sensitivity", "plan", "sweep")


def write_analysis_report(out_dir: str | os.PathLike, kind: str, payload: dict,
                          lang: str | None = None) -> Path:
    """Draw `<kind>.pdf` and its charts as `charts/*.png` in `out_dir`, for `kind`
    'sensitivity' (payload: scenario, table), 'plan' (scenario, plan) or 'sweep' (scenario,
    table, axes, ensembles), in `lang` (default: the scenario's language). Returns the PDF.
    """
    from simulator.report.analysis.plan import plan_pages
    from simulator.report.analysis.sweep import sweep_pages

    if kind not in KINDS:
        raise ValueError(f'"kind" must be one of {", ".join(KINDS)}, got {kind!r}')
    out_dir = Path(out_dir)
    s = payload["scenario"]
    t = Text(lang or s.language)
    names = Names(s, t)
    facts = facts_of(s, t)
    build = {"sensitivity": sensitivity_pages, "plan": plan_pages, "sweep": sweep_pages}[kind]
    pdf = out_dir / f"{kind}.pdf"
    charts_dir = out_dir / "charts"
    charts_dir.mkdir(parents=True, exist_ok=True)
    register_font()
    job = None
    try:
        with mpl.rc_context(report_rc()):
            rep, subject = build(payload, names, facts)
            freeze_layout(rep.figures)
            job = fork.start(lambda: write_pngs(rep, charts_dir))
            write_pdf(rep.figures, pdf, facts, scenario_title(s, t), subject=subject)
            job, running = None, job
            running.join()
    finally:
        if job is not None:  # the PDF failed: let the child finish, report the PDF's error
            try:
                job.join()
            except Exception:  # noqa: BLE001
                pass
    return pdf


# ---------------------------------------------------------------------------- sensitivity
TOP_INPUTS = 3  # per target on the cover
ROW_IN = 0.65  # a tornado's height per input [inch]


def sensitivity_pages(payload: dict, names: Names, facts) -> tuple[Report, str]:
    """Cover with a sentence per target and the top inputs, a tornado page per target (P(met)
    and the gap), the effect on unmet demand, and the table."""
    s, df, t = payload["scenario"], payload["table"], names.t
    targets = list(dict.fromkeys(df["target"])) if len(df) else []
    n_inputs = df["input"].nunique() if len(df) else 0
    fig, y = cover(s, t, t("s_title"), meta_line(t, payload.get("replications"),
                                                 1 + 2 * n_inputs,
                                                 payload.get("seed", s.seed)),
                   facts.facts["scenario_hash"])
    items = [(p_color(p), text) for p, text in (cs.headline(df, x, names) for x in targets)]
    unmet = cs.unmet_headline(df, names) if len(df) else None
    if unmet:
        items.append(("#555555", unmet))
    y = bullets(fig, y, items or [("#555555", t("s_none"))])
    rows = [row for x in targets for row in cs.cover_rows(df, x, names, TOP_INPUTS)]
    if rows:
        y -= 0.02
        fig.text(0.025, y, t("s_top", n=TOP_INPUTS), fontsize=12, va="top", color="#222222")
        y -= 0.035
        h = min(table_height(len(rows), 0.27) / A4_LANDSCAPE[1], y - 0.13)
        draw_table(fig.add_axes((0.025, y - h, 0.95, h)), cs.cover_header(t), rows,
                   fontsize=9, align=["left", "left"] + ["right"] * 3)
    footnote(fig, " ".join([t("s_method"), t("an_crn"), t("s_gap")]), t)
    rep = Report([fig])
    for target in targets:
        pmet, gap, idle = cs.target_tornadoes(df, target, names)
        if not pmet.labels:  # nothing moves it: the cover says so, the table shows it
            continue
        fig = page(t("s_page", target=names.target(target)))
        flat = not any(abs(v - pmet.base) > cs.EPS for v in [*pmet.low, *pmet.high])
        tall = min(ROW_IN * max(len(pmet.labels), 3) + 2.2, 6.9)
        gs = fig.add_gridspec(2, 2, width_ratios=[0.8, 1.2] if flat else [1.45, 1.0],
                              height_ratios=[tall, max(7.0 - tall, 0.01)])
        a1 = fig.add_subplot(gs[0, 0])
        a2 = fig.add_subplot(gs[0, 1], sharey=a1)
        cs.plot_tornado(a1, pmet, label_width=44)
        cs.plot_tornado(a2, gap, labels=False, legend_at=None)
        a2.tick_params(axis="y", labelleft=False)
        rep.placed.append((f"tornado-{target}", fig, [a1, a2]))
        note = fig.add_subplot(gs[1, :])
        note.set_axis_off()
        if idle:
            text = t("s_no_effect", n=len(idle), items=t.semi.join(idle))
            note.text(0.025, 0.8, wrap(text, 190 if t.lang == "en" else 168), va="top",
                      ha="left", fontsize=9.5, color="#555555", linespacing=1.45,
                      transform=blended_transform_factory(fig.transFigure, note.transAxes),
                      in_layout=False)
        rep.figures.append(fig)
    if len(df):
        fig = page(t("s_page_unmet"))
        rep.draw(fig, fig.add_subplot(), Chart("tornado-unmet", cs.plot_tornado,
                                               cs.unmet_tornado(df, names),
                                               {"label_width": 64}))
        rep.figures.append(fig)
        npv_page(rep, df, names, page, Chart)  # money scenarios: NPV per input (analysis/npv.py)
        sections = [(names.target(x), cs.table_rows(df, x, names)) for x in targets]
        rep.figures += table_pages(t("an_page_table"), cs.table_header(t), sections, t,
                                   align=["right", "left"] + ["right"] * 6, fontsize=8.5,
                                   row_in=0.21)
    return rep, t("s_title")
