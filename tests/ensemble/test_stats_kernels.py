"""The compiled statistics (`simulator.ensemble.kernels`) give the same bits as the numpy paths:
a batch's whole reduction on the shipped scenarios, and the kernels on hand-made edge cases
(-0.0, inf, subnormals, constant rows, rows that need the exact-sum windows)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import simulator as sim
from simulator import jit
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.engine.record import seq_sum
from simulator.engine import money as em
from simulator.ensemble import kernels
from simulator.ensemble.reduce import monthly_rows, reduce_result
from simulator.ensemble.summary import Block

pytestmark = pytest.mark.skipif(
    not jit.available(), reason="numba not installed (pip install capsim[fast]) or CAPSIM_NUMBA=0")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = ["dianjun-baseline", "dianjun-market", "dianjun-counting", "dianjun-proportional",
           "yichang-pipeline", "yichang-pipeline-h20"]


def assert_identical(a, b, path: str = "") -> None:
    """Same structure, and every array the same dtype, shape and bits."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, path
        if a.dtype.kind == "f":  # bits: -0.0 differs from 0.0, NaN equals itself
            a, b = a.view(f"i{a.itemsize}"), b.view(f"i{b.itemsize}")
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_identical(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{path}[{i}]")
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            assert_identical(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    else:
        assert a == b, path


@pytest.mark.parametrize("name", SHIPPED)
def test_a_batch_reduces_to_the_same_bits_with_and_without_the_kernels(name):
    c = compile_scenario(sim.load_scenario(SCENARIOS / f"{name}.yaml"))
    rows = tuple(monthly_rows(c))
    compiled = reduce_result(simulate_batch(c, 5, range(40, 77)), True, rows)
    with jit.disabled():
        plain = reduce_result(simulate_batch(c, 5, range(40, 77)), True, rows)
    assert_identical(compiled, plain)


@pytest.mark.parametrize("name", ["dianjun-baseline", "dianjun-market"])
def test_operator_money_compiled_is_the_engines(name):
    c = compile_scenario(sim.load_scenario(SCENARIOS / f"{name}.yaml"))
    r = simulate_batch(c, 3, range(25))
    compiled = em.operator_money(r)
    with jit.disabled():
        plain = em.operator_money(r)
    assert_identical(compiled, plain)


def _engine_layout(rng, R, H, F, T) -> np.ndarray:
    """(R, H, F, T) values stored (H, R, F, T), as the engine stores them, with -0.0 and inf."""
    a = rng.standard_normal((H, R, F, T)) * 10.0 ** rng.integers(-3, 4, (H, R, F, T))
    a[rng.random(a.shape) < 0.2] = -0.0
    a[0, 0, 0, 0] = np.inf
    return a.transpose(1, 0, 2, 3)


@pytest.mark.parametrize("F", [1, 2, 5])
@pytest.mark.parametrize("layout", ["engine", "C"])
def test_cube_rows_writes_the_rows_and_the_sums_over_the_facilities_in_order(F, layout):
    rng = np.random.default_rng(F)
    R, H, T = 7, 3, 2
    a = _engine_layout(rng, R, H, F, T)
    if layout == "C":
        a = np.ascontiguousarray(a)
    qft = np.full((F, T), -1)
    qft[0, 1], qft[F - 1, 0] = 0, 2  # (0, 1) and (F - 1, 0); the others not wanted
    qt = np.array([3, -1])
    cube = np.full((4, H, R), np.nan, dtype=np.float32)
    sums = kernels.cube_rows(a, qft, qt, cube)
    expected = seq_sum(a, 2)
    assert_identical(sums, expected)
    assert_identical(cube[0], a[:, :, 0, 1].T.astype(np.float32))
    assert_identical(cube[2], a[:, :, F - 1, 0].T.astype(np.float32))
    assert_identical(cube[3], expected[:, :, 0].T.astype(np.float32))
    assert np.isnan(cube[1]).all()
    assert kernels.cube_rows(a, qft, np.full(T, -1), cube, total=False) is None
    b = _engine_layout(np.random.default_rng(F + 10), R, H, F, T)
    b[0, 0, 0, 0] = 1.0  # not inf - inf
    sums, b_sums = kernels.cube_rows(a, qft, qt, cube, minus=b)
    assert_identical(sums, seq_sum(a - b, 2))
    assert_identical(b_sums, seq_sum(b, 2))
    assert_identical(cube[2], (a - b)[:, :, F - 1, 0].T.astype(np.float32))


def _hard_rows(rng, R: int, dtype=np.float32) -> np.ndarray:
    """Series (S, R): constant rows, -0.0 mixed with 0.0, inf, subnormals, ties, wide ranges
    (the exact-sum windows) and plain ones."""
    rows = [np.full(R, 3.5), np.zeros(R), np.full(R, -0.0), np.full(R, np.inf)]
    mixed_zero = np.where(rng.random(R) < 0.5, -0.0, 0.0)
    mixed_zero[0] = 1.0
    top = 30 if dtype == np.float32 else 100
    wide = rng.standard_normal(R) * 10.0 ** rng.integers(-top, top, R)
    tiny = rng.integers(-5, 5, R) * (1.4e-45 if dtype == np.float32 else 5e-324)  # subnormal
    ties = rng.integers(0, 3, R) * 0.25
    plain = rng.standard_normal(R) * 100.0
    with_inf = plain.copy()
    with_inf[R // 2] = -np.inf
    rows += [mixed_zero, wide, tiny, ties, plain, with_inf, -plain]
    return np.array(rows, dtype=dtype)


@pytest.mark.parametrize("R", [1, 2, 37, 500])
@pytest.mark.parametrize("means", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blocks_are_the_same_bits_with_and_without_the_kernels(R, means, dtype):
    values = _hard_rows(np.random.default_rng(R), R, dtype)
    if means:  # sums of finite values only, as the statistics take them
        values = values[np.isfinite(values).all(axis=1)]
    else:
        values = np.vstack([values, np.where(np.arange(R) % 3 == 1, np.nan, values[-1])])
    compiled = Block.of(values, means)
    with jit.disabled():
        plain = Block.of(values, means)
    assert_identical(compiled, plain)


def test_integer_blocks_are_the_same_bits_with_and_without_the_kernel():
    values = np.random.default_rng(1).integers(-3, 4, (5, 40))
    compiled = Block.of(values)
    with jit.disabled():
        plain = Block.of(values)
    assert_identical(compiled, plain)


@pytest.mark.parametrize("seed", range(6))
def test_float32_blocks_of_many_bins_then_constant_rows(seed):
    """The kernel's bin arrays grow as rows of many bins come (varying rows first, then
    constant ones, in random proportions)."""
    rng = np.random.default_rng(seed)
    R = int(rng.integers(1, 300))
    vary = rng.standard_normal((int(rng.integers(1, 40)), R)) * 1e3
    const = np.repeat(rng.standard_normal((int(rng.integers(0, 400)), 1)), R, axis=1)
    values = np.vstack([vary, const, vary[:3]]).astype(np.float32)
    compiled = Block.of(values)
    with jit.disabled():
        plain = Block.of(values)
    assert_identical(compiled, plain)
