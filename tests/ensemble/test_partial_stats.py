"""Streamed statistics of what only some replications have (a shock's effects where it hit,
money bands over finite values) and of the pipeline's project counts and the counting rules,
checked against exact numpy statistics of the kept per-replication outcomes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import simulator as sim
from simulator.ensemble.reduce import quantiles
from simulator.ensemble.run import run_ensemble
from simulator.ensemble.stats import RELATIVE_ERROR
from simulator.ensemble.summary import Block, merge, Summary

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _within(got, exact) -> bool:
    """Equal where exact is NaN, else within the histogram bound of its magnitude (plus
    interpolation between two order statistics of about that size)."""
    got, exact = np.asarray(got, dtype=float), np.asarray(exact, dtype=float)
    both_nan = np.isnan(got) & np.isnan(exact)
    ok = np.abs(got - exact) <= 2 * RELATIVE_ERROR * np.abs(exact) + 1e-9
    return bool(np.all(both_nan | ok))


def test_a_masked_block_counts_only_its_values_and_merges_exactly():
    rng = np.random.default_rng(4)
    v = rng.lognormal(2.0, 1.0, (6, 300))
    ok = rng.random((6, 300)) < 0.4
    ok[5] = False  # a series with no counted value
    v[~ok & (rng.random((6, 300)) < 0.5)] = np.inf  # what is not counted may be anything
    whole = Block.masked(v, ok)
    parts = [Block.masked(v[:, a:b], ok[:, a:b]) for a, b in ((0, 7), (7, 150), (150, 300))]
    merged = Block.merged(parts)
    n = ok.sum(axis=1)
    for block in (whole, merged):
        mean, q = block.band(n)
        for s in range(5):
            x = v[s, ok[s]]
            assert mean[s] == math.fsum(x) / x.size
            assert _within(q[:, s], np.percentile(x, [10, 50, 90]))
        assert np.isnan(mean[5]) and np.isnan(q[:, 5]).all()
    assert_array_equal(whole.hist.lo, merged.hist.lo)
    assert_array_equal(whole.hist.count, merged.hist.count)


@pytest.fixture(scope="module")
def pipeline_ens():
    s = sim.load_scenario(SCENARIOS / "yichang-pipeline.yaml")
    return run_ensemble(s, 120, seed=5, batch_size=37)


def test_shock_effects_are_those_of_the_replications_a_shock_hit(pipeline_ens):
    red, shocks = pipeline_ens.reduced, pipeline_ens.shocks
    assert shocks
    for e, ev in enumerate(pipeline_ens.scenario.events):
        hit = red.event_hit[:, e]
        assert shocks[ev.id]["probability_hit"] == float(hit.mean())
        for i, name in enumerate(("delayed_p", "cut_p")):
            got = shocks[ev.id][name]
            values = red.shock_effects[hit, e, i]
            if not values.size:
                assert got == {"mean": 0.0, "p10": None, "p50": None, "p90": None}
                continue
            assert got["mean"] == float(f"{values.mean():.10g}")
            assert _within([got["p10"], got["p50"], got["p90"]], quantiles(values))


def test_pipeline_counts_and_counting_rules_match_the_outcomes(pipeline_ens):
    red, table = pipeline_ens.reduced, pipeline_ens.pipeline
    counts = red.pipeline_counts
    streams = list(pipeline_ens.compiled.pipeline.stream_ids)
    for row in table.to_dict("records"):
        k = ["announced", "approved", "abandoned", "online"].index(row["count"])
        v = (counts.sum(axis=1) if row["stream"] == "all" else
             counts[:, streams.index(row["stream"])])[:, k]
        assert row["mean"] == v.mean()
        assert_array_equal([row["p10"], row["p50"], row["p90"]], quantiles(v))  # integers
    c = pipeline_ens.compiled
    met = (red.target_month_met <= c.target_by[None, :]).mean(axis=0)
    assert_array_equal(pipeline_ens.targets.probability_met.to_numpy(), met)


def test_money_bands_are_those_of_the_finite_values():
    s = sim.load_scenario(SCENARIOS / "dianjun-market.yaml")
    ens = run_ensemble(s, 90, seed=3, batch_size=40)
    money = ens.money
    npv = ens.reduced.kpis["npv_mcny"]
    got = money["totals"]["npv_mcny"]
    assert got["mean"] == float(f"{npv.mean():.10g}")
    assert _within([got["p10"], got["p50"], got["p90"]], quantiles(npv))
    one = run_ensemble(s, 90, seed=3, batch_size=90)
    assert one.money == money


def test_summaries_of_nothing_merge_to_nothing():
    assert merge([]).n == 0 and merge([Summary(0)]).n == 0
