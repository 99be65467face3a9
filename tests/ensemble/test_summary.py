"""Streaming statistics: exact sums, bounded-error histograms, exact merges, memory flat in n."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import simulator as sim
from simulator.engine.arrays import compile_scenario
from simulator.ensemble.run import run_ensemble
from simulator.ensemble.stats import (BIN_BITS, MANY_SERIES, MIN_BITS, RELATIVE_ERROR, ExactSums,
                                      Histograms, bin_bits, exact_sums_f32, relative_error)
from simulator.ensemble import stats
from simulator.ensemble.summary import Block
from tests.helpers import EXAMPLE_YAML


def wide(rng, shape) -> np.ndarray:
    """Values over 60 orders of magnitude, both signs, zeros, many distinct."""
    v = rng.standard_normal(shape) * 10.0 ** rng.integers(-30, 30, shape)
    v[rng.random(shape) < 0.05] = 0.0
    return v


def split(values: np.ndarray, sizes) -> list[np.ndarray]:
    return np.split(values, np.cumsum(sizes)[:-1], axis=1)


def merge_sums(parts) -> ExactSums:
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p)
    return out


def test_exact_sums_are_the_correctly_rounded_sum_in_any_grouping():
    rng = np.random.default_rng(1)
    v = wide(rng, (40, 600))
    expected = np.array([math.fsum(row) for row in v])
    for sizes in ([600], [1] * 600, [7, 300, 293], [599, 1]):
        got = merge_sums([ExactSums.of(p) for p in split(v, sizes)]).totals()
        assert_array_equal(got, expected)


def test_exact_sums_of_float32_values_take_both_paths_and_stay_exact():
    rng = np.random.default_rng(2)
    v = np.abs(rng.standard_normal((30, 500))).astype(np.float32) * 1000
    v[:10, ::7] = np.float32(1e-30)  # rows whose float64 sum could round: the window path
    expected = np.array([math.fsum(row) for row in v.astype(np.float64)])
    for sizes in ([500], [3, 497], [250, 250], [1] * 500):
        got = merge_sums([exact_sums_f32(p) for p in split(v, sizes)]).totals()
        assert_array_equal(got, expected)


@pytest.mark.parametrize("chunk", [4_000_000, 37])
def test_histograms_merge_to_the_same_bits_in_any_grouping_and_order(chunk, monkeypatch):
    monkeypatch.setattr(stats, "MERGE_CHUNK", chunk)  # 37: merged a few series at a time
    rng = np.random.default_rng(3)
    v = wide(rng, (25, 400))
    whole = Histograms.of(v)
    for sizes in ([1] * 400, [13, 387], [200, 100, 100]):
        parts = [Histograms.of(p) for p in split(v, sizes)]
        for got in (Histograms.merged(parts), Histograms.merged(parts[::-1])):
            for field in ("series", "count", "lo", "hi"):
                assert_array_equal(getattr(got, field), getattr(whole, field), err_msg=field)


@pytest.mark.parametrize("n", [1, 2, 11, 1000, 4001])
def test_quantiles_are_within_the_stated_bound_of_the_exact_ones(n):
    # many distinct values: lognormal, both signs, a spike of ties
    rng = np.random.default_rng(n)
    v = rng.lognormal(3.0, 2.0, (50, n)) * np.where(rng.random((50, n)) < 0.3, -1, 1)
    v[:5] = np.round(v[:5])
    got = Histograms.of(v).quantiles()
    exact = np.percentile(v, [10, 50, 90], axis=1)  # numpy's linear method
    # the bound: RELATIVE_ERROR of the larger of the two order statistics interpolated
    s = np.sort(v, axis=1)
    pos = (n - 1) * np.array([10, 50, 90]) / 100
    lo, hi = np.floor(pos).astype(int), np.minimum(np.floor(pos).astype(int) + 1, n - 1)
    bound = RELATIVE_ERROR * np.maximum(np.abs(s[:, lo]), np.abs(s[:, hi])).T
    assert np.all(np.abs(got - exact) <= bound * (1 + 1e-12))
    assert np.any(got != exact) or n < 100  # the histogram really is approximate here


@pytest.mark.parametrize("bits", [5, 7])
def test_coarser_bins_of_many_series_keep_their_own_bound(bits):
    rng = np.random.default_rng(bits)
    v = rng.lognormal(0.0, 1.5, (40, 2001))
    got = Histograms.of(v, bits).quantiles()
    s = np.sort(v, axis=1)
    exact = s[:, [200, 1000, 1800]].T  # (n - 1) * p is whole: one order statistic each
    assert np.all(np.abs(got - exact) <= relative_error(bits) * exact * (1 + 1e-12))
    assert bin_bits(1000) == BIN_BITS and bin_bits(2 ** 30) == MIN_BITS
    assert bin_bits(4 * MANY_SERIES) == BIN_BITS - 2


def test_quantiles_of_few_distinct_values_are_exact():
    rng = np.random.default_rng(5)
    v = rng.choice([0.0, 25.0, 275.0, 1303.62411, -3.5], size=(20, 777))
    assert_array_equal(Histograms.of(v).quantiles(), np.percentile(v, [10, 50, 90], axis=1))


def test_month_quantiles_are_numpys_inverted_cdf_with_never_kept():
    rng = np.random.default_rng(6)
    for n in (1, 3, 10, 300, 1001):
        m = rng.integers(-24, 600, (8, n)).astype(float)
        m[rng.random((8, n)) < 0.3] = np.inf
        expected = np.percentile(m, [10, 50, 90], axis=1, method="inverted_cdf")
        assert_array_equal(Histograms.of(m).inverted_cdf(), expected)


def test_a_float32_block_with_constant_rows_equals_the_sorted_path():
    rng = np.random.default_rng(8)
    v = rng.standard_normal((30, 200)).astype(np.float32)
    v[::3] = v[::3, :1]  # constant rows
    v[1, :] = np.float32(-0.0)
    v[4, ::2] = np.float32(-0.0)
    v[4, 1::2] = np.float32(0.0)
    block, ref = Block.of(v), Histograms.of(v)
    for field in ("series", "count", "lo", "hi"):
        assert_array_equal(getattr(block.hist, field), getattr(ref, field), err_msg=field)
    assert_array_equal(block.means(200), [math.fsum(r) / 200 for r in v.astype(np.float64)])


def test_block_means_are_exact_means():
    rng = np.random.default_rng(7)
    v = rng.standard_normal((5, 333)).astype(np.float32)
    expected = np.array([math.fsum(r) for r in v.astype(np.float64)]) / 333
    assert_array_equal(Block.of(v).means(333), expected)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    path = tmp_path_factory.mktemp("s") / "baseline.yaml"
    path.write_text(EXAMPLE_YAML, encoding="utf-8")
    return compile_scenario(sim.load_scenario(path))


def test_tables_and_summaries_are_the_same_bits_for_any_batch_size(compiled):
    from tests.ensemble.same import assert_same_summary

    ref = run_ensemble(compiled, 90, seed=4, batch_size=90)
    for size in (1, 13, 45):
        ens = run_ensemble(compiled, 90, seed=4, batch_size=size)
        assert_same_summary(ref.summary, ens.summary)
        for table in ("monthly", "targets", "kpis", "phases", "tenants", "tenant_monthly"):
            assert getattr(ref, table).equals(getattr(ens, table)), table


def _peak(compiled, n: int) -> int:
    tracemalloc.start()
    try:
        ens = run_ensemble(compiled, n, seed=1, batch_size=200, keep_replications=False)
        ens.monthly, ens.targets, ens.kpis
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_replication_count(compiled):
    small, large = _peak(compiled, 2_000), _peak(compiled, 20_000)
    assert large < 1.5 * small, (small, large)


def test_outcomes_not_kept_say_so(compiled):
    ens = run_ensemble(compiled, 5, seed=1, keep_replications=False)
    assert ens.replications == 5 and len(ens.monthly)
    with pytest.raises(sim.SimulationError, match="not kept"):
        ens.reduced


def test_a_worker_sends_back_kilobytes_and_they_unpickle_to_the_same_bits(compiled):
    import pickle

    from simulator.ensemble.run import run_task
    from tests.ensemble.same import assert_same_summary

    part = run_task(compiled, 3, list(range(400)))
    blob = pickle.dumps(part)
    assert len(blob) < 400_000, len(blob)
    back = pickle.loads(blob)
    assert_same_summary(part.summary, back.summary)
