"""The decision page, one colour language, counts that mean what they say, the Document API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import simulator as sim
from simulator.ensemble.run import run_ensemble, scenario_hash
from simulator.output.run_dir import read_run, write_run
from simulator.report import strict_glyphs
from simulator.report.colors import ENTITY_COLORS, TYPE_COLORS, entity_colors, type_colors
from simulator.report.compare.charts import PmetData, plot_pmet
from simulator.report.data import Results
from simulator.report.decision import decisions
from simulator.report.document import Document, Meta
from simulator.report.i18n.text import Text
from simulator.report.pages import tenants_lost
from simulator.report.run.assemble import render
from simulator.report.run.registry import RUN_PAGES, page_functions
from simulator.units import parse_month

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
SLIPS = ROOT / "scenarios" / "dianjun-p2-slips.yaml"


@pytest.fixture(scope="module")
def res(tmp_path_factory) -> Results:
    out = tmp_path_factory.mktemp("runs") / "baseline"
    write_run(run_ensemble(sim.load_scenario(BASELINE), 30, 7), out,
              scenario_file=str(BASELINE))
    return Results.from_run(read_run(out))


def pdf_pages(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]


# ---------------------------------------------------------------------------- colours
def test_a_tenant_has_the_same_colour_in_two_reports():
    base, slips = sim.load_scenario(BASELINE), sim.load_scenario(SLIPS)
    a = entity_colors([x.id for x in base.tenants])
    b = entity_colors([x.id for x in slips.tenants])
    assert a == b  # the what-if has the same tenants: the same colours
    shuffled = entity_colors(list(reversed([x.id for x in base.tenants])))
    assert shuffled == a  # the order of the file does not matter, only the ids
    assert len(set(a.values())) == min(len(a), len(ENTITY_COLORS))  # distinct while they last
    assert not set(a.values()) & set(TYPE_COLORS.values())  # never a compute type's colour


def test_compute_types_have_fixed_colours():
    assert type_colors(["ai", "hpc"]) == {"ai": "#D55E00", "hpc": "#0072B2"}
    assert type_colors(["gpu-x"]) == type_colors(["gpu-x"])  # an unknown type: stable too
    assert set(ENTITY_COLORS).isdisjoint(TYPE_COLORS.values())


# ---------------------------------------------------------------------------- counts
def test_tenants_lost_counts_each_tenant_once(res):
    fake = Results.__new__(Results)
    fake.tenants = pd.DataFrame({"probability_left": [0.5, 0.2, 0.0], "count": [1, 18, 3]})
    assert tenants_lost(fake) == pytest.approx(0.5 + 0.2 * 18)  # hand-computed: 4.1
    per_type = sum(res.kpi("tenants_lost", x)["mean"] for x in res.scenario.compute_types)
    once = tenants_lost(res)
    assert 0 < once < per_type  # the KPI counts a tenant once under each of its types
    assert once <= sum(x.count for x in res.scenario.tenants)


# ---------------------------------------------------------------------------- constant data
def test_a_chart_of_constant_data_is_replaced_by_its_sentence():
    t = Text("en")
    data = PmetData(["1,000P HPC"], ["A", "B"], np.zeros((1, 2)), np.zeros((1, 2)), "P(met)",
                    "P(met)", t)
    ax = plot_pmet(Figure().add_subplot(), data)
    texts = [x.get_text() for x in ax.texts]
    assert texts == [t("c_pmet_zero")] and "P(met) is 0 %" in texts[0]
    assert not [p for p in ax.patches if np.isfinite(p.get_height()) and p.get_height() > 0]


# ---------------------------------------------------------------------------- decisions
def test_the_estimated_fix_is_hand_computable(res):
    s = res.scenario
    hpc = next(d for d in decisions(res) if d.type == "hpc")
    row = res.targets.set_index("target").loc[hpc.key]
    assert hpc.fix is not None and hpc.p_met == row["probability_met"]
    assert hpc.fix.add_p == pytest.approx(1000.0 - row["capacity_p10"])
    # the slowest build class that can still start: campus (36 months) from 2022-12 is before
    # the baseline's start, so a new building (15 months at most): 2025-12 - 15 = 2024-09
    assert hpc.fix.build_class == "new-building" and hpc.fix.start == "2024-09"
    assert not hpc.fix.too_late
    assert hpc.fix.capex_mcny == pytest.approx(hpc.fix.add_p * s.defaults.capex_per_p["hpc"])
    assert hpc.fix.power_mw == pytest.approx(
        hpc.fix.add_p * s.defaults.power_kw_per_p["hpc"] * s.defaults.pue / 1000)
    assert 0 <= hpc.fix.utilization <= 1
    lo, hi = hpc.p_band
    assert 0 <= lo <= hpc.p_met <= hi <= 1


def test_a_start_before_as_of_is_too_late(res):
    def fix(as_of: str):
        s = res.scenario.model_copy(update={"as_of": parse_month(as_of)})
        dated = Results(s, res.facts, res.monthly, res.targets, res.kpis, res.phases,
                        res.tenants, res.tenant_monthly, res.t)
        return next(d for d in decisions(dated) if d.type == "hpc").fix

    early = fix("2025-01")  # a new building had to start by 2024-09; a fit-out by 2025-06
    assert early.build_class == "fit-out" and early.start == "2025-06" and not early.too_late
    late = fix("2025-07")  # even a fit-out is too late now
    assert late.build_class == "fit-out" and late.start == "2025-06" and late.too_late


# ---------------------------------------------------------------------------- the document
def test_the_run_report_lists_overrides_replications_and_seed(res, tmp_path):
    facts = {**res.facts, "overrides": {"facilities.nacic.phases.p2.start": "2024-09"}}
    variant = Results(res.scenario, facts, res.monthly, res.targets, res.kpis, res.phases,
                      res.tenants, res.tenant_monthly, Text("en"))
    with strict_glyphs():
        pdf = render(variant, tmp_path / "report.pdf", entries=RUN_PAGES[:2])
    decision, cover = pdf_pages(pdf)
    for page in (decision, cover):
        assert "facilities.nacic.phases.p2.start = 2024-09" in page
        assert "overrides: 1" in page  # in the footer
    assert "Replications 30" in cover and f"Seed {res.facts['seed']}" in cover
    assert not (tmp_path / "charts").exists()  # PNGs only when asked


def test_every_registered_page_resolves_and_one_entry_adds_a_page(res, tmp_path):
    assert len(page_functions()) == len(RUN_PAGES)
    pdf = render(res, tmp_path / "one.pdf", entries=("sections:cover_pages",))
    assert len(pdf_pages(pdf)) == 1


def test_meta_footer_says_what_the_document_is():
    meta = Meta(title="T", subject="S", scenario_hash="abcdef0123456789", version="0.1.0",
                lang="en", overrides={"a.b": 1, "c": 2})
    assert meta.footer_left() == "capsim 0.1.0 – T – abcdef012345 – overrides: 2"
    with Document(meta) as doc:
        doc.page("x")
        assert len(doc.figures) == 1


# ---------------------------------------------------------------------------- as_of
def test_as_of_defaults_to_start_and_leaves_the_hash_alone():
    s = sim.load_scenario(BASELINE)
    assert s.as_of is None and s.knowledge_month == s.start
    dated = sim.load_scenario(BASELINE, {"as_of": "2023-11"})
    assert dated.knowledge_month == parse_month("2023-11")
    assert "as_of" not in s.model_dump() and "as_of" in dated.model_dump()
    assert scenario_hash(s) != scenario_hash(dated)
