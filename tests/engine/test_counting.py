"""Capacity at each precision, counting rules and serving across pools, on cases computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator import scenario_from_dict
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate
from simulator.ensemble.counting import counting_summary, counting_table
from simulator.ensemble.run import run_ensemble
from tests.helpers import engine_dict

FP64, FP32, FP16, INT8 = range(4)


def _scenario(facilities, tenants=(), types=None, **kw):
    types = types or {"ai": {"label": "AI", "precision": "FP16"},
                      "hpc": {"label": "HPC", "precision": "FP64"}}
    d = engine_dict(facilities, tenants, types=tuple(types), end="2024-12", **kw)
    d["compute_types"] = types
    return scenario_from_dict(d)


def test_capacity_at_each_precision_from_unit_counts():
    # 1000 H800: FP64 1, FP32 67, FP16 989, INT8 1979 TFLOPS each; 100 dual-Xeon-8358 nodes:
    # FP64 5.3248, FP32 10.6496 TFLOPS each, FP16 and INT8 unknown (count 0)
    s = _scenario([{"id": "f", "phases": [
        {"hardware": {"h800-sxm": 1000}, "type": "ai", "online": "2024-01"},
        {"hardware": {"cpu-2x-xeon-8358": 100}, "type": "hpc", "online": "2024-04"}]}])
    r = simulate(s, seed=1)
    assert r.capacity_p[0, 0, 0].tolist() == pytest.approx([989.0, 0.0])  # (ai, hpc) [P]
    assert r.precision_p[0, 0, 0].tolist() == pytest.approx([1.0, 67.0, 989.0, 1979.0])
    assert r.precision_p[0, 3, 0].tolist() == pytest.approx([1.0 + 0.53248, 67.0 + 1.06496,
                                                             989.0, 1979.0])
    assert r.capacity_p[0, 3, 0, 1] == pytest.approx(0.53248)  # the hpc pool counts at FP64


def test_capacity_at_each_precision_through_equivalents():
    types = {"ai": {"label": "AI", "precision": "FP16", "equivalents": {"fp64": 0.0625, "int8": 2}},
             "hpc": {"label": "HPC", "precision": "FP64"}}
    s = _scenario([{"id": "f", "phases": [{"capacity": {"ai": 100, "hpc": 10},
                                           "online": "2024-01"}]}], types=types)
    r = simulate(s, seed=1)
    # ai 100P FP16 = 6.25P FP64, 0 FP32 (no factor), 200P INT8; hpc 10P FP64 and nothing else
    assert r.precision_p[0, 0, 0].tolist() == pytest.approx([16.25, 0.0, 100.0, 200.0])


def test_power_of_a_phase_in_units_comes_from_the_catalogue():
    s = _scenario([{"id": "f", "pue": 1.2, "phases": [
        {"hardware": {"h800-sxm": 1000}, "type": "ai", "online": "2024-01"},
        {"capacity": {"hpc": 2}, "online": "2024-01"}]}],
        defaults={"power_kw_per_p": {"ai": 3.0, "hpc": 25.0}})
    r = simulate(s, seed=1)
    # ai: 1000 x 1.275 kW (not 989 P x 3 kW); hpc: 2P x 25 kW/P; both x PUE 1.2
    assert r.power_mw[0, 0, 0].tolist() == pytest.approx([1.275 * 1.2, 0.05 * 1.2])


RULES_TYPES = {"hpc": {"label": "HPC", "precision": "FP64"},
               "ai": {"label": "AI", "precision": "FP16", "equivalents": {"fp64": 0.05}},
               "general": {"label": "General", "precision": "FP32", "equivalents": {"fp64": 0.5}}}


def _rules_case():
    """hpc 5P from 2024-01, general 10P FP32 (5P FP64) from 2024-03, ai 100P FP16 (5P FP64)
    from 2024-06; one target of 10P hpc by 2024-09, counted three ways."""
    return _scenario([{"id": "f", "phases": [
        {"capacity": {"hpc": 5}, "online": "2024-01"},
        {"capacity": {"general": 10}, "online": "2024-03"},
        {"capacity": {"ai": 100}, "online": "2024-06"}]}], types=RULES_TYPES,
        targets=[{"type": "hpc", "capacity": 10, "by": "2024-09",
                  "also_count": [{"precision": "fp64"}, {"types": ["hpc", "general"]},
                                 {"precision": "fp16"}]}])


def test_each_counting_rule_on_a_small_case():
    ens = run_ensemble(_rules_case(), 1, seed=1)
    table = counting_table(ens.compiled, ens.summary).set_index("rule")
    # pool: 5P hpc, never 10P
    assert table.loc["pool", "capacity_p50"] == 5 and table.loc["pool", "probability_met"] == 0
    assert pd.isna(table.loc["pool", "month_met_p50"])
    # every pool at FP64: 5 + 10 x 0.5 + 100 x 0.05 = 15P at the deadline; 10P (5 + 5) in 2024-03
    assert table.loc["fp64", "capacity_p50"] == pytest.approx(15)
    assert table.loc["fp64", "month_met_p50"] == "2024-03" and table.loc["fp64", "probability_met"] == 1
    # nominal hpc + general: 5 + 10 = 15P from 2024-03
    assert table.loc["hpc+general", "capacity_p50"] == 15
    assert table.loc["hpc+general", "month_met_p50"] == "2024-03"
    # every pool at FP16: only ai has a factor (its own): 100P from 2024-06
    assert table.loc["fp16", "capacity_p50"] == 100 and table.loc["fp16", "gap_p50"] == -90
    summary = counting_summary(ens)["hpc-2024-09"]
    assert summary["count"] == "pool"
    assert [r["rule"] for r in summary["counting"]] == ["pool", "fp64", "hpc+general", "fp16"]
    assert [r["probability_met"] for r in summary["counting"]] == [0, 1, 1, 1]


def test_a_target_counted_otherwise_uses_its_rule_as_its_own():
    s = _rules_case()
    d = {"targets": [{"type": "hpc", "capacity": 10, "by": "2024-09",
                      "count": {"precision": "fp64"}}]}
    s = s.model_copy(update={"targets": scenario_from_dict(
        {**_rules_dump(s), **d}).targets})
    ens = run_ensemble(s, 1, seed=1)
    row = ens.targets.iloc[0]
    assert row["capacity_p50"] == pytest.approx(15) and row["month_met_p50"] == "2024-03"
    assert row["probability_met"] == 1


def _rules_dump(s):
    from simulator.scenario.hardware import dump
    return dump(s, exclude_none=True)


def _serving_case(hpc_demand: float):
    types = {"hpc": {"label": "HPC", "precision": "FP64", "serves": {"general": 0.5}},
             "general": {"label": "General", "precision": "FP32"}}
    return _scenario([{"id": "f", "phases": [{"capacity": {"hpc": 10, "general": 2},
                                              "online": "2024-01"}]}],
                     [{"id": "h", "demand": {"hpc": hpc_demand}, "from": "2024-01"},
                      {"id": "g", "demand": {"general": 5}, "from": "2024-01"}], types=types)


def test_serves_gives_leftover_capacity_to_unmet_demand_of_another_pool():
    # hpc 10P serves its 8P, 2P left = 1P of general (0.5 per P); general 2P serves 2 of its 5P:
    # 1P more from hpc, unmet 5 - 2 - 1 = 2P
    r = simulate(_serving_case(8), seed=1)
    HPC, GEN = 0, 1
    assert r.served_from_other_p[0, 0].tolist() == pytest.approx([0.0, 1.0])
    assert r.served_for_other_p[0, 0].tolist() == pytest.approx([2.0, 0.0])
    assert r.unmet_p[0, 0].tolist() == pytest.approx([0.0, 2.0])
    assert r.served_p[0, 0, 0].tolist() == pytest.approx([10.0, 2.0])  # hpc pool fully used
    assert r.tenant_served_p[0, :, GEN].tolist() == pytest.approx([0.0, 3.0])
    assert r.tenant_served_p[0, :, HPC].tolist() == pytest.approx([8.0, 0.0])


def test_serves_covers_all_unmet_demand_when_enough_is_left():
    # hpc serves 4P, 6P left = 3P of general = all of general's unmet 3P, using 6P of hpc
    r = simulate(_serving_case(4), seed=1)
    assert r.unmet_p[0, 0].tolist() == pytest.approx([0.0, 0.0])
    assert r.served_for_other_p[0, 0, 0] == pytest.approx(6.0)
    assert r.served_p[0, 0, 0, 0] == pytest.approx(10.0)


def test_serves_shows_in_the_monthly_table():
    ens = run_ensemble(_serving_case(8), 1, seed=1)
    m = ens.monthly
    row = m[(m["metric"] == "served_from_other_p") & (m["type"] == "general")]
    assert row["mean"].tolist() == pytest.approx([1.0] * 12)
    assert set(m.loc[m["metric"] == "capacity_fp64_p", "facility"]) == {"all", "f"}


def test_without_serves_nothing_is_served_across():
    s = _scenario([{"id": "f", "phases": [{"capacity": {"hpc": 10}, "online": "2024-01"}]}],
                  [{"id": "g", "demand": {"ai": 5}, "from": "2024-01"}])
    r = simulate(s, seed=1)
    assert not np.any(r.served_from_other_p) and r.unmet_p[0, 0, 0] == 5
    assert not compile_scenario(s).counting.enabled


def test_counting_results_do_not_depend_on_the_batch():
    s = _scenario([{"id": "f", "phases": [
        {"capacity": {"hpc": 5}, "online": "2024-01"},
        {"capacity": {"ai": 100}, "start": "2024-02", "build_months": {"min": 1, "mode": 4, "max": 8}}]}],
        types=RULES_TYPES, targets=[{"type": "hpc", "capacity": 10, "by": "2024-07",
                                     "also_count": [{"precision": "fp64"}]}])
    one = run_ensemble(s, 6, seed=3, batch_size=1, keep_rows=True).reduced
    all_ = run_ensemble(s, 6, seed=3, batch_size=6, keep_rows=True).reduced
    np.testing.assert_array_equal(one.rule_capacity, all_.rule_capacity)
    np.testing.assert_array_equal(one.rule_month_met, all_.rule_month_met)
    assert one.cube is not None
    np.testing.assert_array_equal(one.cube, all_.cube)
    assert len(set(one.rule_month_met[:, 0])) > 1  # the draws differ: the test means something
