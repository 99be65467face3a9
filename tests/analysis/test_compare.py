"""Comparisons: common random numbers, the comparison table, the assumptions diff, the CLI."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import simulator as sim
from simulator.analysis.compare import (COLUMNS, Change, assumptions_diff, comparison_table,
                                        diff_table, flatten, run_comparison, show)
from simulator.output.naming import default_compare_out as default_out
from simulator.output.analysis_dirs import write_comparison_tables as write_tables
from simulator.report import strict_glyphs
from simulator.report.compare.document import write_comparison_pdf
from tests.helpers import EXAMPLE_YAML

pypdf = pytest.importorskip("pypdf")

SLIPS = """\
extends: baseline.yaml
name: Phase 2 slips
facilities:
  - id: nacic
    phases:
      - {id: p2, start: 2024-09}
"""
CHEAPER_POWER = """\
extends: baseline.yaml
name: Cheaper power
defaults: {electricity_price: 0.3}
"""


@pytest.fixture
def files(write, example_file):
    return {"base": example_file, "slips": write("slips.yaml", SLIPS),
            "power": write("power.yaml", CHEAPER_POWER)}


def compare(*paths, n=50):
    return run_comparison([sim.load_scenario(p) for p in paths], [str(p) for p in paths],
                          replications=n)


def test_a_scenario_against_itself_differs_in_nothing(files, tmp_path):
    comp = compare(files["base"], files["base"])
    assert [m.label for m in comp.members] == ["A", "B"]
    assert comp.replications == 50 and comp.seed == 20231114
    assert assumptions_diff(comp.members[0].scenario, comp.members[1].scenario) == []
    assert diff_table(comp).empty
    table = comparison_table(comp)
    assert list(table.columns) == COLUMNS
    b = table[table["label"] == "B"]
    diffs = b[["diff_mean", "diff_p10", "diff_p50", "diff_p90"]].to_numpy()
    assert np.all(diffs == 0.0)
    assert np.all(b.loc[b["kind"] == "target", "diff_probability_met"] == 0.0)
    assert set(b.loc[b["kind"] == "kpi", "name"]) >= {"unmet_p_months", "idle_p_months",
                                                     "capex_mcny", "peak_site_power_mw"}
    with strict_glyphs():
        pdf = write_comparison_pdf(comp, tmp_path / "comparison.pdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)
    assert "情景比较报告" in text and "没有假设差异" in text


def test_common_random_numbers_leave_only_the_real_difference(files):
    comp = compare(files["base"], files["power"])
    table = comparison_table(comp).set_index(["label", "name", "type"])
    # the same draws: capacity, unmet and idle capacity agree run by run ...
    for key in [("B", "unmet_p_months", "all"), ("B", "idle_p_months", "all"),
                ("B", "hpc-2025-12", "hpc"), ("B", "peak_site_power_mw", "all")]:
        assert table.loc[key, ["diff_p10", "diff_p90"]].tolist() == [0.0, 0.0], key
    # ... and cheaper power costs less in every run
    cost = table.loc[("B", "electricity_cost_mcny", "all")]
    assert cost["diff_p90"] < 0 and cost["diff_mean"] == pytest.approx(
        table.loc[("A", "electricity_cost_mcny", "all"), "mean"] * -0.4, rel=1e-6)


def test_assumptions_diff_names_field_paths(files):
    base, slips = sim.load_scenario(files["base"]), sim.load_scenario(files["slips"])
    assert assumptions_diff(base, slips) == [
        Change("name", "Dianjun compute baseline (Nov 2023)", "Phase 2 slips"),
        Change("facilities.nacic.phases.p2.start", "2024-03", "2024-09")]


def test_flatten_keys_items_by_id_and_targets_by_type_and_deadline():
    dumped = sim.scenario_from_dict(_example_dict()).model_dump(mode="json", by_alias=True)
    flat = flatten(dumped)
    assert flat["facilities.nacic.phases.p2.build_months"] == {"min": 10.0, "mode": 14.0,
                                                               "max": 24.0}
    assert flat["targets.ai-2025-12.capacity"] == "3000P"
    assert flat["tenants.ctrip.probability"] == 0.5
    assert "facilities.nacic.id" not in flat  # the id is the path
    assert show(flat["facilities.nacic.phases.p2.build_months"]) == \
        "{min: 10, mode: 14, max: 24}"


def test_added_and_removed_items_show_as_paths_with_one_side_empty(files, write):
    added = write("added.yaml", "extends: baseline.yaml\nname: More\nfacilities:\n"
                                "  - {id: new, name: 新中心, phases: [{capacity: {ai: 10P}, "
                                "online: 2024-01}]}\n"
                                "tenants:\n  - {id: ctrip, remove: true}\n")
    changes = assumptions_diff(sim.load_scenario(files["base"]), sim.load_scenario(added))
    paths = {c.path: c for c in changes}
    assert paths["facilities.new.phases.p1.capacity.ai"] == \
        Change("facilities.new.phases.p1.capacity.ai", None, "10P")
    assert paths["tenants.ctrip.probability"].new is None


def test_tables_are_written(files, tmp_path):
    comp = compare(files["base"], files["slips"], files["power"], n=20)
    write_tables(comp, tmp_path)
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert list(table["label"].unique()) == ["A", "B", "C"]
    diff = pd.read_csv(tmp_path / "assumptions_diff.csv", keep_default_na=False)
    assert {"facilities.nacic.phases.p2.start", "defaults.electricity_price"} <= set(diff["path"])
    assert default_out(["a/x.yaml", "y.yaml"]).as_posix() == "reports/compare-x-vs-y"


def test_the_comparison_pdf_in_english(files, tmp_path):
    comp = compare(files["base"], files["slips"], n=20)
    with strict_glyphs():
        pdf = write_comparison_pdf(comp, tmp_path / "comparison.pdf", lang="en")
    reader = pypdf.PdfReader(str(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 5
    for words in ("2 scenarios side by side", "Probability of meeting each target",
                  "What each scenario changes", "facilities.nacic.phases.p2.start"):
        assert words in text, words


def capsim(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_capsim_compare_writes_pdf_and_csv(files, tmp_path):
    out = tmp_path / "cmp"
    res = capsim("compare", files["base"], files["slips"], "-n", 20, "--out", out, "-q")
    assert res.returncode == 0, res.stderr
    assert (out / "comparison.pdf").is_file() and (out / "comparison.csv").is_file()
    assert "P(met)" in res.stdout and "Phase 2 slips" in res.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cmp")]


def test_capsim_compare_needs_two_valid_scenarios(files, write):
    from tests.helpers import capsim_in_process  # refused before any work: in this process

    one = capsim_in_process("compare", files["base"])
    assert one.returncode == 2 and "two or more" in one.stderr
    bad = write("bad.yaml", "extends: baseline.yaml\nend: 2027-13\n")
    res = capsim_in_process("compare", files["base"], bad)
    assert res.returncode == 2 and "bad.yaml" in res.stderr and "Traceback" not in res.stderr


def _example_dict() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(EXAMPLE_YAML)


MARKET = """\
extends: baseline.yaml
name: The platform sells idle AI capacity
defaults: {price_per_p_month: {ai: 9000}}
market:
  ai: {share_of_idle: 0.5, price_per_p_month: 6000}
"""


def test_a_market_what_if_shows_npv_utilisation_and_revenue_against_a_base_without(
        files, write):
    comp = compare(files["base"], write("market.yaml", MARKET), n=20)
    table = comparison_table(comp).set_index(["label", "name", "type"])
    # the base has no money: no NPV row of its own, and no difference to it
    assert ("A", "npv_mcny", "all") not in table.index
    assert np.isfinite(table.loc[("B", "npv_mcny", "all"), "mean"])
    assert np.isnan(table.loc[("B", "npv_mcny", "all"), "diff_mean"])
    # selling idle AI capacity raises AI utilisation and revenue in every replication
    assert table.loc[("B", "mean_utilization", "ai"), "diff_p10"] > 0
    assert table.loc[("B", "revenue_mcny", "all"), "diff_p10"] > 0
    assert table.loc[("B", "market_revenue_mcny", "all"), "mean"] > 0
