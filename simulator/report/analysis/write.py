"""The PDFs of `capsim sensitivity`, `plan` and `sweep`: <kind>.pdf and charts/*.png.

Each takes a typed input (`SensitivityInput`, `PlanInput`, `SweepInput`) and becomes one
`Document`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.transforms import blended_transform_factory

from simulator.report.analysis import sensitivity as cs
from simulator.report.analysis.labels import Names
from simulator.report.analysis.pages import bullets, cover, footnote, meta_line, p_color, table_pages
from simulator.report.analysis.npv import npv_page
from simulator.report.data import scenario_title
from simulator.report.document import Chart, Document, Meta
from simulator.report.pages import A4_LANDSCAPE, draw_table, table_height
from simulator.report.i18n.text import Text, wrap
from simulator.scenario.schema import Scenario


@dataclass(frozen=True)
class SensitivityInput:
    """What sensitivity.pdf draws: the tornado table of `analysis.sensitivity`."""

    scenario: Scenario
    table: pd.DataFrame
    replications: int | None = None
    seed: int | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    kind = "sensitivity"


@dataclass(frozen=True)
class PlanInput:
    """What plan.pdf draws: the backcast of `analysis.plan` (a `Plan`)."""

    scenario: Scenario
    plan: Any
    overrides: dict[str, Any] = field(default_factory=dict)
    kind = "plan"


@dataclass(frozen=True)
class SweepInput:
    """What sweep.pdf draws: the table of `analysis.sweep`, its swept paths, the ensembles."""

    scenario: Scenario
    table: pd.DataFrame
    axes: list[str]
    ensembles: list = field(default_factory=list)
    overrides: dict[str, Any] = field(default_factory=dict)
    kind = "sweep"


AnalysisInput = SensitivityInput | PlanInput | SweepInput


def analysis_meta(data: AnalysisInput, t: Text, subject: str) -> Meta:
    from simulator import __version__
    from simulator.ensemble.run import scenario_hash

    s = data.scenario
    seed, reps = getattr(data, "seed", None), getattr(data, "replications", None)
    if isinstance(data, PlanInput):
        seed, reps = data.plan.base.seed, data.plan.base.replications
    elif isinstance(data, SweepInput) and data.ensembles:
        seed, reps = data.ensembles[0].seed, data.ensembles[0].replications
    return Meta(title=scenario_title(s, t), subject=subject, scenario_hash=scenario_hash(s),
                seed=s.seed if seed is None else seed, version=__version__, lang=t.lang,
                replications=reps, overrides=dict(data.overrides))


def write_analysis_report(out_dir: str | os.PathLike, data: AnalysisInput,
                          lang: str | None = None, png: bool = True) -> Path:
    """Draw `<kind>.pdf` (kind: sensitivity, plan or sweep, from the input's type) and, with
    `png`, its charts as `charts/*.png` in `out_dir`, in `lang` (default: the scenario's
    language). Returns the PDF."""
    from simulator.report.analysis.plan import plan_pages
    from simulator.report.analysis.sweep_pages import sweep_pages

    if not isinstance(data, (SensitivityInput, PlanInput, SweepInput)):
        raise TypeError(f"expected a SensitivityInput, PlanInput or SweepInput, "
                        f"got {type(data).__name__}")
    out_dir = Path(out_dir)
    t = Text(lang or data.scenario.language)
    names = Names(data.scenario, t)
    build, subject = {"sensitivity": (sensitivity_pages, "s_title"),
                      "plan": (plan_pages, "pl_title"),
                      "sweep": (sweep_pages, "sw_title")}[data.kind]
    out_dir.mkdir(parents=True, exist_ok=True)
    with Document(analysis_meta(data, t, t(subject))) as doc:
        build(doc, data, names)
        doc.write(out_dir / f"{data.kind}.pdf", out_dir / "charts" if png else None)
    return out_dir / f"{data.kind}.pdf"


# ---------------------------------------------------------------------------- sensitivity
TOP_INPUTS = 3  # per target on the cover
ROW_IN = 0.65  # a tornado's height per input [inch]


def sensitivity_pages(doc: Document, data: SensitivityInput, names: Names) -> None:
    """Cover with a sentence per target and the top inputs, a tornado page per target (P(met)
    and the gap), the effect on unmet demand, and the table."""
    s, df, t = data.scenario, data.table, names.t
    targets = list(dict.fromkeys(df["target"])) if len(df) else []
    n_inputs = df["input"].nunique() if len(df) else 0
    fig, y = cover(doc, s, t("s_title"),
                   meta_line(t, data.replications, 1 + 2 * n_inputs,
                             s.seed if data.seed is None else data.seed))
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
    for target in targets:
        _target_page(doc, target, names, *cs.target_tornadoes(df, target, names))
    if len(df):
        fig = doc.page(t("s_page_unmet"))
        doc.draw(fig, fig.add_subplot(), Chart("tornado-unmet", cs.plot_tornado,
                                               cs.unmet_tornado(df, names),
                                               {"label_width": 64}))
        npv_page(doc, df, names, Chart)  # money scenarios: NPV per input (analysis/npv.py)
        sections = [(names.target(x), cs.table_rows(df, x, names)) for x in targets]
        doc.add(*table_pages(t("an_page_table"), cs.table_header(t), sections, t,
                             align=["right", "left"] + ["right"] * 6, fontsize=8.5,
                             row_in=0.21))


def _target_page(doc: Document, target: str, names: Names, pmet, gap, idle: list[str]) -> None:
    """A target's tornadoes: P(met) beside the gap, or, where no input moves P(met), one line
    saying so above the gap alone; the inputs that move neither listed below."""
    t = names.t
    if not pmet.labels:  # nothing moves it: the cover says so, the table shows it
        return
    fig = doc.page(t("s_page", target=names.target(target)))
    flat = not any(abs(v - pmet.base) > cs.EPS for v in [*pmet.low, *pmet.high])
    tall = min(ROW_IN * max(len(pmet.labels), 3) + 2.2, 6.9)
    gs = fig.add_gridspec(2, 2, width_ratios=[1.0, 1.0] if flat else [1.45, 1.0],
                          height_ratios=[tall, max(7.0 - tall, 0.01)])
    if flat:
        a2 = fig.add_subplot(gs[0, :])
        cs.plot_tornado(a2, gap, label_width=60)
        fig.get_layout_engine().set(rect=(0.0, 0.035, 1.0, 0.86))  # room for the line
        fig.text(0.025, 0.925, pmet.flat, fontsize=11.5, va="top", color="#B35900")
        doc.place(f"tornado-{target}", fig, [a2])
    else:
        a1 = fig.add_subplot(gs[0, 0])
        a2 = fig.add_subplot(gs[0, 1], sharey=a1)
        cs.plot_tornado(a1, pmet, label_width=44)
        cs.plot_tornado(a2, gap, labels=False, legend_at=None)
        a2.tick_params(axis="y", labelleft=False)
        doc.place(f"tornado-{target}", fig, [a1, a2])
    note = fig.add_subplot(gs[1, :])
    note.set_axis_off()
    if idle:
        text = t("s_no_effect", n=len(idle), items=t.semi.join(idle))
        note.text(0.025, 0.8, wrap(text, 190 if t.lang == "en" else 168), va="top",
                  ha="left", fontsize=9.5, color="#555555", linespacing=1.45,
                  transform=blended_transform_factory(fig.transFigure, note.transAxes),
                  in_layout=False)
