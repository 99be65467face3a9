"""The engine's fast paths give the same bits as the plain ones: fixed-point totals, ordered
sums, the allocator without pins, and the after-the-run sums and bills whatever their chunk size.

Equality here is exact (array_equal, signs of zero included): the golden runs depend on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.engine import market, record
from simulator.engine.allocation import Allocator
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.engine.record import fixed_total, seq_sum
from simulator.scenario.load import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    return bool(np.array_equal(a, b, equal_nan=True)
                and np.array_equal(np.signbit(a), np.signbit(b)))


@pytest.mark.parametrize("scale, size", [(2.0 ** 24, 1.0), (2.0 ** 8, 1e3), (2.0 ** 24, 1e8)])
def test_fixed_total_is_the_int64_sum_of_the_rounded_values(scale, size):
    # the last case passes 2^53 and takes the int64 path
    x = np.random.default_rng(3).normal(0.0, size, (7, 500, 9))
    expected = np.rint(x * scale).astype(np.int64).sum(axis=1)
    assert_array_equal(fixed_total(x, scale, 1), expected)


@pytest.mark.parametrize("n", [1, 2, 5, 70])
def test_seq_sum_adds_first_to_last(n):
    x = np.random.default_rng(n).normal(0.0, 1e6, (4, n, 3)) * np.r_[1e-9, 1.0, 1e9][:, None][
        np.arange(n) % 3][None]
    out = x[:, 0].copy()
    for j in range(1, n):
        out = out + x[:, j]
    assert same_bits(seq_sum(x, 1), out)


def _allocate_general(usable, demand, rank, policy):
    """The allocator's general path (pinned stage with nothing pinned), as it was before the
    path without pins: the reference the fast path must match bit for bit."""
    usable, demand = np.maximum(usable, 0.0), np.maximum(demand, 0.0)
    R, N = demand.shape
    a = Allocator(np.full(N, -1), rank, usable.shape[1], policy)
    by_facility = np.zeros((R, usable.shape[1]))
    left = usable - by_facility
    pool = left.sum(axis=1, keepdims=True)
    served = np.zeros((R, N))
    if policy == "priority":
        s = a.stage_free
        d = demand.ravel()[s.flat].reshape(R, N)
        ahead = np.cumsum(d, axis=1) - d
        granted = np.empty(R * N)
        granted[s.flat] = np.clip(pool - ahead, 0.0, d).ravel()
        served[:, np.arange(N)] = granted.reshape(R, N)
    else:
        served[:, np.arange(N)] = a.stage_free(pool, demand)
    total = served.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(pool > 0, left / np.where(pool > 0, pool, 1.0), 0.0)
    return served, by_facility + np.minimum(total * spread, left)


@pytest.mark.parametrize("policy", ["priority", "proportional"])
def test_allocation_without_pins_matches_the_general_path(policy):
    rng = np.random.default_rng(11)
    R, N, F = 200, 17, 3
    usable = rng.uniform(0, 300, (R, F)) * (rng.random((R, F)) < 0.8)
    demand = rng.uniform(0, 40, (R, N)) * (rng.random((R, N)) < 0.7)
    rank = np.argsort(rng.random((R, N)), axis=1).astype(float)
    served, by_fac = Allocator(np.full(N, -1), rank, F, policy)(usable, demand)
    ref_served, ref_fac = _allocate_general(usable, demand, rank, policy)
    assert same_bits(served, ref_served) and same_bits(by_fac, ref_fac)


def _arrays(r) -> dict:
    out = {k: v for k, v in vars(r).items() if isinstance(v, np.ndarray)}
    out.update({f"market.{k}": v for k, v in vars(r.market).items()
                if isinstance(v, np.ndarray)})
    return out


@pytest.mark.parametrize("name", ["dianjun-market", "dianjun-baseline"])
def test_sums_and_bills_after_the_run_do_not_depend_on_their_chunk_size(name, monkeypatch):
    c = compile_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))
    whole = _arrays(simulate_batch(c, 4, range(40)))
    monkeypatch.setattr(record, "CHUNK_VALUES", 1)  # one month at a time
    monkeypatch.setattr(market, "GRID_VALUES", 1)
    chunked = _arrays(simulate_batch(c, 4, range(40)))
    assert whole.keys() == chunked.keys()
    assert [k for k in whole if not same_bits(whole[k], chunked[k])] == []
