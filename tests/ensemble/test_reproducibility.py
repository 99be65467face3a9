"""Seeds: the same seed gives the same numbers, whatever the batch, worker or executor."""

from __future__ import annotations

import concurrent.futures as cf
import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest
from tests.helpers import EXAMPLE_YAML
from numpy.testing import assert_array_equal
from ruamel.yaml import YAML

from simulator import scenario_from_dict
from simulator.engine.arrays import compile_scenario
from simulator.engine.draws import replication_generator, replication_keys
from simulator.ensemble.run import run_ensemble
from simulator.engine.processes import simulate, simulate_batch
from simulator.engine.run_result import RunResult
from simulator.ensemble.reduce import Reduced
from tests.ensemble.same import assert_same_summary

ARRAYS = [f.name for f in dataclasses.fields(RunResult)
          if f.name not in ("compiled", "seed", "replications", "pipeline", "market")]
# what a replication alone determines, month by month, by facility and type
# arrays with a replication axis (the tenant arrays are sums over the replications of a batch)
PER_REPLICATION = [name for name in ARRAYS
                   if name not in ("tenant_demand_p", "tenant_served_p", "events")]


def example_dict() -> dict:
    """The docs/design.md example with prices and capex, so that every output is non-trivial."""
    d = YAML(typ="safe").load(EXAMPLE_YAML)
    d["defaults"]["price_per_p_month"] = {"ai": 30000, "hpc": 50000, "general": 20000}
    d["defaults"]["capex_per_p"] = {"ai": 3, "hpc": 5}
    # the outside market, moving rents and money (engine.market, engine.money)
    d["defaults"].update(price_decline=0.2, discount_below={"utilization": 0.5, "share": 0.2})
    d["market"] = {"ai": {"share_of_idle": 0.5, "price_per_p_month": 20000, "ramp_months": 5,
                          "spillover": True, "outside_price": 40000},
                   "hpc": {"share_of_idle": 0.3, "price_per_p_month": 30000, "demand": 40}}
    d["money"] = {"opex_share": 0.03, "subsidy": {"capex_share": 0.1, "per_p_month": 1000}}
    return d


@pytest.fixture(scope="module")
def example():
    return scenario_from_dict(example_dict())


@pytest.fixture(scope="module")
def by_batch(example):
    """The same 50 replications run in batches of 1, 7 (the last one of 1) and 50, every
    monthly row kept per replication."""
    return {size: run_ensemble(example, 50, 11, batch_size=size, keep_rows=True)
            for size in (1, 7, 50)}


def test_the_same_seed_gives_identical_results(example):
    a, b = simulate(example, 7), simulate(example, 7)
    for name in ARRAYS:
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_the_scenario_seed_is_the_default(example):
    a, b = simulate(example), simulate(example, example.seed)
    for name in ARRAYS:
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_different_seeds_differ_where_the_scenario_is_uncertain(example):
    a, b = (run_ensemble(example, 20, seed).reduced for seed in (1, 2))
    p2 = compile_scenario(example).phase_ids.index("nacic.p2")
    assert not np.array_equal(a.phase_online[:, p2], b.phase_online[:, p2])  # triangular build
    assert not np.array_equal(a.event_hit, b.event_hit)  # probability 0.4
    assert not np.array_equal(a.tenant_signed, b.tenant_signed)  # ctrip at 0.5, 18 smes
    # ... and agree where it is not: baidu-ai's phase is online 2023-06 (month 5) in every one
    baidu = compile_scenario(example).phase_ids.index("baidu-ai.p1")
    assert np.all(a.phase_online[:, baidu] == 5) and np.all(b.phase_online[:, baidu] == 5)


def test_a_deterministic_scenario_does_not_depend_on_the_seed():
    d = example_dict()
    d["events"], d["tenants"] = [], d["tenants"][:1]  # no shock, only the signed sugon
    d["facilities"][1]["phases"][1]["build_months"] = 14
    s = scenario_from_dict(d)
    a, b = simulate(s, 1), simulate(s, 99999)
    for name in ARRAYS:
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("seed", [0, 7, 20231114, 2**63 + 5])
def test_replication_generator_is_the_spawned_child(seed):
    children = np.random.SeedSequence(seed).spawn(6)
    for r, child in enumerate(children):
        want = np.random.default_rng(child)
        got = replication_generator(seed, r)
        assert got.bit_generator.state == want.bit_generator.state
        assert_array_equal(got.random(3), want.random(3))


def test_replication_keys_come_from_each_replications_own_generator():
    keys = replication_keys(5, [3, 0])
    assert keys[0] == replication_generator(5, 3).integers(0, 2**64, dtype=np.uint64)
    assert keys[1] == replication_generator(5, 0).integers(0, 2**64, dtype=np.uint64)
    assert replication_keys(5, [0])[0] == keys[1]


def test_a_replication_alone_equals_it_in_a_batch(example):
    c = compile_scenario(example)
    batch = simulate_batch(c, 3, range(6))
    for r in (0, 4):
        alone = simulate(c, 3, replication=r)
        for name in PER_REPLICATION:
            assert_array_equal(getattr(alone, name)[0], getattr(batch, name)[r], err_msg=name)
        for name, values in alone.kpis().items():
            assert_array_equal(values[0], batch.kpis()[name][r], err_msg=name)
        for name, values in alone.target_outcomes().items():
            assert_array_equal(values[0], batch.target_outcomes()[name][r], err_msg=name)


def _same(a, b, name):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_array_equal(a[k], b[k], err_msg=f"{name}.{k}")
    else:
        assert_array_equal(a, b, err_msg=name)


# Reduced fields (per-replication outcomes): all exactly batch-independent
BATCH_EXACT = ["replications", "kpis", "target_capacity", "target_month_met",
               "phase_start", "phase_online", "tenant_signed", "tenant_left", "event_hit",
               "rule_capacity", "rule_month_met", "pipeline_counts", "shock_effects", "cube",
               "cube_rows"]


@pytest.mark.parametrize("size", [7, 50])
def test_replication_r_gives_the_same_numbers_whatever_the_batch(by_batch, size):
    one, other = by_batch[1].reduced, by_batch[size].reduced
    assert_array_equal(one.replications, np.arange(50))
    for name in BATCH_EXACT:
        _same(getattr(one, name), getattr(other, name), name)
    assert_same_summary(by_batch[1].summary, by_batch[size].summary)
    for table in ("targets", "monthly", "kpis", "phases"):
        pd.testing.assert_frame_equal(getattr(by_batch[1], table), getattr(by_batch[size], table),
                                      check_exact=True)


def test_every_reduced_field_is_checked_for_batch_independence():
    names = {f.name for f in dataclasses.fields(Reduced)}
    assert names == set(BATCH_EXACT)


@pytest.mark.parametrize("size", [7, 50])
def test_money_and_bills_are_the_same_whatever_the_batch(by_batch, size):
    assert by_batch[1].has_money
    pd.testing.assert_frame_equal(by_batch[1].settlement, by_batch[size].settlement,
                                  check_exact=True)
    assert by_batch[1].money == by_batch[size].money


@pytest.mark.parametrize("size", [7, 50])
def test_tenant_sums_are_the_same_whatever_the_batch(by_batch, size):
    a, b = by_batch[1].summary, by_batch[size].summary
    assert_array_equal(a.fixed["tenant_demand"], b.fixed["tenant_demand"])
    assert_array_equal(a.fixed["tenant_served"], b.fixed["tenant_served"])
    pd.testing.assert_frame_equal(by_batch[1].tenants, by_batch[size].tenants, check_exact=True)
    pd.testing.assert_frame_equal(by_batch[1].tenant_monthly, by_batch[size].tenant_monthly,
                                  check_exact=True)


def test_the_executor_does_not_change_the_numbers(example, by_batch):
    with cf.ThreadPoolExecutor(3) as pool:
        threaded = run_ensemble(example, 50, 11, pool, batch_size=7, keep_rows=True)
    for name in BATCH_EXACT:
        _same(getattr(by_batch[7].reduced, name), getattr(threaded.reduced, name), name)
    assert_same_summary(by_batch[7].summary, threaded.summary)


def test_worker_processes_give_the_same_numbers(example, by_batch):
    with cf.ProcessPoolExecutor(2) as pool:
        spread = run_ensemble(example, 50, 11, pool, batch_size=7, keep_rows=True)
    for name in BATCH_EXACT:
        _same(getattr(by_batch[7].reduced, name), getattr(spread.reduced, name), name)
    assert_same_summary(by_batch[7].summary, spread.summary)


def test_an_actor_keeps_its_draws_when_another_actor_is_added(example):
    # common random numbers: a what-if that adds a tenant and a facility leaves the build time
    # of nacic.p2, the signing of ctrip and the shock exactly as they were
    d = example_dict()
    d2 = copy.deepcopy(d)
    d2["tenants"].insert(0, {"id": "new", "name": "new", "status": "negotiating",
                             "probability": 0.5, "sign": {"earliest": "2024-01",
                                                          "latest": "2024-06"},
                             "demand": {"ai": 5}})
    d2["facilities"].insert(0, {"id": "extra", "name": "extra", "phases": [
        {"capacity": {"ai": 10}, "start": "2024-01", "build_months": {"min": 1, "mode": 2,
                                                                       "max": 9}}]})
    a = run_ensemble(scenario_from_dict(d), 30, 4).reduced
    b = run_ensemble(scenario_from_dict(d2), 30, 4).reduced
    assert_array_equal(a.event_hit, b.event_hit)
    assert_array_equal(a.tenant_signed, b.tenant_signed[:, 1:])
    # the shock delays ai only, nacic.p2 is hpc: its online month is untouched by the shock
    assert_array_equal(a.phase_online, b.phase_online[:, 1:])
