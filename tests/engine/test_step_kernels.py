"""The monthly step's numba kernels give the same bits as its numpy path.

Whole runs (shipped scenarios, generated ones with pins, triggers, churn, serving across pools,
one replication and several) are played twice in one process, with the kernels and
`with jit.disabled()`, and every array of the results is compared exactly (signs of zero
included); the pieces that copy numpy's orders of summation are checked on their own.
Skipped when numba is not installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import jit, scenario_from_dict
from simulator.engine.allocation import Allocator
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.scenario.hardware import dump
from simulator.scenario.load import load_scenario
from tests.engine.test_fast_paths import same_bits
from tests.engine.test_invariants import quiet, scenarios
from tests.engine.test_serving_invariants import serving_scenarios

pytestmark = pytest.mark.skipif(not jit.available(), reason="numba is not installed "
                                "(pip install capsim[fast]) or CAPSIM_NUMBA=0")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _arrays(obj, prefix: str = "") -> dict:
    """Every array of a RunResult, those of its nested records (market, pipeline) included."""
    out = {}
    for k, v in vars(obj).items():
        if isinstance(v, np.ndarray):
            out[prefix + k] = v
        elif isinstance(v, dict):
            out.update({f"{prefix}{k}.{kk}": vv for kk, vv in v.items()
                        if isinstance(vv, np.ndarray)})
        elif hasattr(v, "__dict__") and not isinstance(v, type):
            out.update(_arrays(v, f"{prefix}{k}."))
    return out


def _differ(c, seed: int, reps) -> list[str]:
    """Names of the result arrays in which the kernels and the numpy path differ."""
    # the market's `economics` is the compiled pass's hand-over to RunResult (power, energy,
    # cost, revenue), which the numpy path computes there instead: compared as the result's own
    fast = {k: v for k, v in _arrays(simulate_batch(c, seed, reps)).items()
            if not k.startswith("market.economics.")}
    with jit.disabled():
        slow = _arrays(simulate_batch(c, seed, reps))
    assert fast.keys() == slow.keys()
    return [k for k in slow if not same_bits(fast[k], slow[k])]


@pytest.mark.parametrize("name", ["dianjun-baseline", "dianjun-market", "dianjun-counting",
                                  "dianjun-proportional", "dianjun-informed",
                                  "yichang-pipeline", "yichang-pipeline-h20"])
def test_shipped_scenarios_give_the_same_bits_with_the_kernels(name):
    c = compile_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))
    assert _differ(c, 9, range(24)) == []
    assert _differ(c, 9, [5]) == []  # one replication: numpy's arrays are laid out otherwise


@pytest.mark.parametrize("policy", ["priority", "proportional"])
def test_serving_across_many_tenants_gives_the_same_bits_with_the_kernels(policy):
    # 21 and 23 tenants of a type: serving's sums over tenants follow numpy's layouts
    d = dump(load_scenario(SCENARIOS / "dianjun-baseline.yaml"), exclude_none=True)
    hpc, ai, general, throughput = d["compute_types"]
    d["compute_types"][hpc]["serves"] = {ai: 2.0, general: 0.5}
    d["compute_types"][throughput]["serves"] = {ai: 1.0}
    d["scheduling"]["policy"] = policy
    c = compile_scenario(scenario_from_dict(d))
    assert _differ(c, 3, range(30)) == [] and _differ(c, 3, [2]) == []


GENERATED = settings(max_examples=40, deadline=None)


@quiet
@GENERATED
@given(scenarios(), st.sampled_from([1, 2, 5]))
def test_generated_scenarios_give_the_same_bits_with_the_kernels(case, R):
    # pins, start_when triggers, proportional, churn, ramps, negative growth, counts
    scenario, seed = case
    assert _differ(compile_scenario(scenario), seed, range(R)) == []


@quiet
@GENERATED
@given(serving_scenarios(), st.sampled_from([1, 4]))
def test_serving_across_pools_gives_the_same_bits_with_the_kernels(case, R):
    scenario, seed = case
    assert _differ(compile_scenario(scenario), seed, range(R)) == []


# ---------------------------------------------------------------- the pieces
@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 16, 23, 128, 129, 300, 1001])
def test_pw_sum_is_numpys_sum(n):
    from simulator.engine.allocation_kernels import row_sums
    from simulator.engine.pairwise_kernels import pw_sum
    x = np.random.default_rng(n).uniform(0, 1, (3, n)) * 10.0 ** np.random.default_rng(
        n + 1).uniform(-8, 8, (3, n))
    assert pw_sum(x[1].copy(), 0, n) == x[1].sum()
    out = np.empty((3, 2))
    row_sums(x, n, False, out, 1)  # C-ordered rows: pairwise
    assert same_bits(out[:, 1], x.sum(axis=1))
    f = np.asfortranarray(x)
    row_sums(x, n, True, out, 1)  # column-major (fancy-indexed) arrays: first to last
    assert same_bits(out[:, 1], f.sum(axis=1))


@pytest.mark.parametrize("first", [[0, 3, 12], [0, 1, 1, 14], [0, 2, 5, 7, 9, 11, 13, 15]])
def test_segment_sum_is_numpys_reduceat(first):
    from simulator.engine.step_kernels import segment_sum
    rng = np.random.default_rng(len(first))
    P, K, R = 17, 4, 6
    on = (rng.random((R, P)) < 0.7).astype(float)
    table = rng.uniform(0, 1, (P, K)) * 10.0 ** rng.uniform(-6, 6, (P, K))
    first = np.array(first, dtype=np.int64)
    out = np.empty((R, first.size, K))
    segment_sum(on, table, first, out)
    assert same_bits(out, np.add.reduceat(on[:, :, None] * table[None], first, axis=1))


@pytest.mark.parametrize("policy", ["priority", "proportional"])
@pytest.mark.parametrize("pins", ["none", "some", "all"])
@pytest.mark.parametrize("R, F", [(1, 3), (2, 1), (200, 3), (50, 9)])
def test_allocate_rows_is_the_allocator_on_the_steps_arrays(policy, pins, R, F):
    from simulator.engine.allocation_kernels import allocate_rows
    rng = np.random.default_rng(R * F)
    N = 17
    pin = {"none": np.full(N, -1), "some": rng.integers(-1, F, N),
           "all": rng.integers(0, F, N)}[pins]
    # laid out as `step` makes them: fancy-indexed columns of month-major arrays
    factor = rng.uniform(0, 40, (R, N + 3)) * (rng.random((R, N + 3)) < 0.7)
    demand = factor[:, np.arange(N) + 2] * rng.uniform(0.5, 2, N)
    installed = rng.uniform(0, 300, (R, F + 1, 2)) * (rng.random((R, F + 1, 2)) < 0.8)
    usable = installed[:, np.arange(F), 1] * 0.9
    rank = np.argsort(rng.random((R, N)), axis=1).astype(float)
    a = Allocator(pin, rank, F, policy)
    served, by_f = a(usable, demand)
    srv, byf = np.empty((R, N)), np.empty((R, F))
    allocate_rows(np.ascontiguousarray(np.maximum(usable, 0.0)),
                  np.ascontiguousarray(np.maximum(demand, 0.0)), a.k_pinned, a.k_pin, a.k_free,
                  a.stage_pinned.order, a.stage_free.order, policy == "proportional", srv, byf)
    assert same_bits(srv, served) and same_bits(byf, by_f)
