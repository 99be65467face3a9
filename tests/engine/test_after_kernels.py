"""The compiled loops after a run (engine/sum_kernels, market_kernels, result_kernels) give the
numpy paths' bits: the sums in numpy's order on random values, and every array of a batch
(record, market, result) on the shipped scenarios, generated market scenarios (pins,
discounts, spillover) and hand-made edge cases (long entries, many phases, one facility).

Equality is exact (signs of zero and NaN included). Skipped where numba is not installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import jit, scenario_from_dict
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.scenario.hardware import dump
from simulator.scenario.load import load_scenario
from tests.engine.test_fast_paths import same_bits
from tests.engine.test_invariants import quiet
from tests.engine.test_market_invariants import market_scenarios
from tests.engine.test_serving_invariants import serving_scenarios
from tests.helpers import engine_scenario

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed "
                                "(pip install capsim[fast]); the numpy paths are the only ones")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = ["dianjun-baseline", "dianjun-market", "dianjun-counting", "dianjun-proportional",
           "dianjun-informed", "dianjun-10000p-center", "yichang-pipeline", "yichang-pipeline-h20"]


def _arrays(r) -> dict:
    """Every array of a batch's result, its market and pipeline, by name."""
    out = {k: v for k, v in vars(r).items() if isinstance(v, np.ndarray)}
    if r.market is not None:
        out.update({f"market.{k}": v for k, v in vars(r.market).items()
                    if isinstance(v, np.ndarray)})
    for k, v in (r.pipeline or {}).items():
        if isinstance(v, np.ndarray):
            out[f"pipeline.{k}"] = v
    return out


def _both(c, seed: int, replications) -> tuple[dict, dict]:
    """The batch's arrays with the kernels and on the numpy paths."""
    fast = _arrays(simulate_batch(c, seed, replications))
    with jit.disabled():
        plain = _arrays(simulate_batch(c, seed, replications))
    return fast, plain


def _assert_same(fast: dict, plain: dict) -> None:
    assert fast.keys() == plain.keys()
    assert [k for k in plain if not same_bits(fast[k], plain[k])] == []


# ---------------------------------------------------------------- numpy's order of addition
def test_pairwise_and_group_sums_follow_numpy():
    from simulator.engine.pairwise_kernels import pw_sum

    rng = np.random.default_rng(5)
    for n in [*range(1, 140), 255, 256, 1000, 4097]:
        v = rng.random(n) * 10.0 ** rng.integers(-4, 4, n)
        assert 0.0 + pw_sum(v, 0, n) == np.add.reduce(v), n  # the contiguous last axis
        assert v[0] + pw_sum(v, 1, n - 1) == np.add.reduceat(v, [0])[0], n  # reduceat
        z = np.full(n, -0.0)  # signs of zero as numpy gives them (reduceat keeps -0.0)
        assert np.signbit(0.0 + pw_sum(z, 0, n)) == np.signbit(np.add.reduce(z)), n
        assert np.signbit(z[0] + pw_sum(z, 1, n - 1)) == np.signbit(np.add.reduceat(z, [0])[0])


def test_seq_sum_gives_numpys_bits_in_every_layout():
    from simulator.engine.record import seq_sum

    rng = np.random.default_rng(2)
    for trial in range(300):
        shape = tuple(rng.integers(1, 9, rng.integers(1, 5)))
        a = rng.normal(0, 1, shape) * 10.0 ** rng.integers(-5, 5, shape)
        a = np.where(rng.random(shape) < 0.2, -0.0, a)  # signs of zero kept
        if trial % 3 == 0 and a.ndim > 1:  # month-major: the first two axes swapped in memory
            a = np.ascontiguousarray(a.swapaxes(0, 1)).swapaxes(0, 1)
        if trial % 7 == 0:  # not a block: numpy's way
            a = a[..., ::2]
        for axis in range(a.ndim):
            fast = seq_sum(a, axis)
            with jit.disabled():
                plain = seq_sum(a, axis)
            assert same_bits(fast, plain), (trial, a.shape, a.strides, axis)
    long = rng.random((3, 100, 5))  # more than 64: numpy takes a cumulative sum
    fast = seq_sum(long, 1)
    with jit.disabled():
        plain = seq_sum(long, 1)
    assert same_bits(fast, plain) and same_bits(fast, np.cumsum(long, axis=1)[:, -1])


# ---------------------------------------------------------------- whole batches
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_give_the_same_bits(name):
    c = compile_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))
    _assert_same(*_both(c, 7, range(3, 43)))


def test_without_a_market_and_with_phase_power_the_same_bits():
    # yichang-pipeline-h20's phases give their own power (it_kw); without market, money and
    # moving prices the result's economics come from `result_kernels.economics`
    d = load_scenario(SCENARIOS / "yichang-pipeline-h20.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True)
    for key in ("market", "money"):
        d.pop(key, None)
    for key in ("price_decline", "discount_below"):
        d["defaults"].pop(key, None)
    c = compile_scenario(scenario_from_dict(d))
    assert c.market is None and c.counting.phase_kw is not None
    _assert_same(*_both(c, 5, range(30)))


@quiet
@settings(max_examples=40, deadline=None)
@given(market_scenarios())
def test_generated_market_scenarios_give_the_same_bits(case):
    scenario, seed = case
    _assert_same(*_both(compile_scenario(scenario), seed, range(4)))


@st.composite
def serving_market_scenarios(draw):
    """Serving across pools (record.serve_other: the bills take what was served before it)
    with a market selling the idle capacity (no spillover: not allowed with serves)."""
    scenario, seed = draw(serving_scenarios())
    d = dump(scenario, exclude_none=True)
    d["market"] = {"ai": {"share_of_idle": draw(st.sampled_from([0.0, 0.5])),
                          "price_per_p_month": 5000.0}}
    return scenario_from_dict(d), seed


@quiet
@settings(max_examples=30, deadline=None)
@given(serving_market_scenarios())
def test_generated_serving_scenarios_with_a_market_give_the_same_bits(case):
    scenario, seed = case
    _assert_same(*_both(compile_scenario(scenario), seed, range(4)))


def _site(fid, phases=1, cap=40.0, kind="ai"):
    return {"id": fid, "phases": [{"capacity": {kind: cap}, "online": "2024-0%d" % (1 + i % 9)}
                                  for i in range(phases)]}


@pytest.mark.parametrize("pinned, market", [(False, True), (True, True), (True, False)])
def test_long_entries_one_facility_and_many_phases_give_the_same_bits(pinned, market):
    # a type at one facility with 10 entries (pairwise sums of 8 and more over the entries),
    # entries of 12 and 20 alike tenants (pairwise sums written out and not), a facility of 9
    # phases (history on numpy), discounts; or no market at all (`result_kernels.economics`)
    prices = {"price_per_p_month": {"ai": 9000}}
    sections = {}
    if market:
        prices.update(price_decline=0.1, discount_below={"utilization": 0.6, "share": 0.25})
        sections["market"] = {"ai": {"share_of_idle": 0.5, "price_per_p_month": 6000,
                                     "from": "2024-04", "ramp_months": 3}}
    tenants = [{"id": f"t{i}", "demand": {"ai": 3.0 + i}, "from": "2024-02",
                "count": {0: 12, 3: 20}.get(i, 1),
                **({"facility": "a"} if pinned and i % 2 else {})} for i in range(10)]
    s = engine_scenario([_site("a", phases=9, cap=30.0), _site("b", cap=10.0, kind="hpc")],
                        tenants, defaults=prices, **sections)
    c = compile_scenario(s)
    assert (c.market is not None) == market
    _assert_same(*_both(c, 3, range(5)))
