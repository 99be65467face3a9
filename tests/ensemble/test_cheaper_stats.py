"""The cheaper batch statistics give the same bits as the plain ways: the monthly cube written
array by array, float32 rows sorted as float32, histograms merged by one stable sort."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.ensemble.reduce import _fill
from simulator.ensemble.stats import Histograms, sort_rows
from simulator.ensemble.summary import Block


def test_the_cube_written_array_by_array_equals_row_by_row():
    rng = np.random.default_rng(3)
    R, H, F, T = 37, 5, 3, 2
    c = SimpleNamespace(types=["a", "b"], facilities=["x", "y", "z"])
    per_ft = {"m": rng.standard_normal((R, H, F, T)) * 1e3}
    per_t = {"m": rng.standard_normal((R, H, T)), "d": rng.standard_normal((R, H, T))}
    total = {"m": rng.standard_normal((R, H)), "e": rng.standard_normal((R, H))}
    extra = {("x_p", "all", "y"): rng.standard_normal((R, H))}
    # runs of rows and scattered ones, in an order no array has
    rows = [("m", "a", "all"), ("m", "a", "x"), ("m", "a", "y"), ("m", "b", "z"),
            ("x_p", "all", "y"), ("d", "b", "all"), ("m", "all", "all"), ("m", "b", "x"),
            ("d", "a", "all"), ("e", "all", "all"), ("m", "b", "all"), ("m", "a", "z")]
    cube = np.full((len(rows), H, R), np.nan, dtype=np.float32)
    _fill(cube, rows, c, per_ft, per_t, total, extra)
    expected = np.empty_like(cube)
    for q, (metric, typ, fac) in enumerate(rows):
        if (metric, typ, fac) in extra:
            col = extra[(metric, typ, fac)]
        elif typ == "all":
            col = total[metric]
        elif fac == "all":
            col = per_t[metric][:, :, c.types.index(typ)]
        else:
            col = per_ft[metric][:, :, c.facilities.index(fac), c.types.index(typ)]
        expected[q] = col.T
    assert_array_equal(cube.view(np.int32), expected.view(np.int32))


def test_float32_rows_sort_as_their_float64_values_with_zeros_made_positive():
    rng = np.random.default_rng(4)
    v = (rng.standard_normal((50, 301)) * 10.0 ** rng.integers(-20, 20, (50, 301)))
    v = v.astype(np.float32)
    v[rng.random(v.shape) < 0.1] = -0.0
    v[rng.random(v.shape) < 0.1] = 0.0
    v[0, :3] = [np.inf, -np.inf, -0.0]
    got = sort_rows(v)
    expected = np.sort(v.astype(np.float64) + 0.0, axis=1)
    assert got.dtype == np.float64
    assert_array_equal(got.view(np.int64), expected.view(np.int64))
    assert not np.signbit(got[got == 0]).any()


@pytest.mark.parametrize("parts", [2, 5, 17])
def test_histograms_merged_by_one_stable_sort_equal_those_of_all_values(parts):
    rng = np.random.default_rng(parts)
    v = rng.standard_normal((300, 400)) * 10.0 ** rng.integers(-5, 5, (300, 400))
    v[rng.random(v.shape) < 0.2] = 0.0
    v[rng.random(v.shape) < 0.02] = np.inf
    v[7] = 3.0  # a constant series
    pieces = np.array_split(v, parts, axis=1)
    merged = Histograms.merged([Histograms.of(p) for p in pieces[::-1]])
    whole = Histograms.of(v)
    for name in ("series", "count", "lo", "hi"):
        assert_array_equal(getattr(merged, name), getattr(whole, name))


def test_float32_blocks_merge_to_the_block_of_all_replications():
    rng = np.random.default_rng(5)
    v = rng.integers(0, 6, (200, 500)).astype(np.float32) * np.float32(0.37)
    v[::3] = np.float32(2.5)  # constant rows
    merged = Block.merged([Block.of(p) for p in np.array_split(v, 4, axis=1)])
    whole = Block.of(v)
    for name in ("series", "count", "lo", "hi"):
        assert_array_equal(getattr(merged.hist, name), getattr(whole.hist, name))
    assert_array_equal(merged.sums.totals(), whole.sums.totals())
