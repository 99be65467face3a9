"""Invariants that hold for every scenario and every allocation (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.helpers import engine_dict, ym
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator import scenario_from_dict
from simulator.engine.allocation import allocate
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.engine.run_result import FIXED, HOURS_PER_MONTH

TYPES = ("ai", "hpc")
TOL = 1e-9  # relative; amounts are at most a few thousand P
SETTINGS = settings(max_examples=50, deadline=None)


# ---------------------------------------------------------------- generated scenarios
def _capacity(draw) -> dict:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True))
    return {t: draw(st.floats(0.5, 200, allow_nan=False)) for t in types}


def _duration(draw, low=0.0, high=14.0):
    if draw(st.booleans()):
        return draw(st.one_of(st.integers(0, int(high)), st.floats(low, high)))
    a, b, c = sorted(draw(st.floats(low, high)) for _ in range(3))
    return {"min": a, "mode": b, "max": c}


@st.composite
def phases(draw, index: int, horizon: int) -> dict:
    p = {"id": f"p{index + 1}", "capacity": _capacity(draw)}
    kind = draw(st.sampled_from(["online", "build", "after", "trigger"] if index else
                                ["online", "build", "trigger"]))
    if kind == "online":
        p["online"] = ym(draw(st.integers(-6, horizon + 2)))
        if draw(st.booleans()):
            p["retire"] = ym(draw(st.integers(-5, horizon + 3)))
            if p["retire"] <= p["online"]:
                del p["retire"]
    else:
        p["build_months"] = _duration(draw)
        if kind == "after":
            p["after"] = f"p{draw(st.integers(1, index))}"
        if kind == "trigger":
            p["start_when"] = {"utilization_above": draw(st.floats(0.05, 1.0)),
                               "for_months": draw(st.integers(1, 3))}
        if kind == "build" or draw(st.booleans()):
            p["start"] = ym(draw(st.integers(-8, horizon)))
    if "retire" not in p and draw(st.booleans()):
        p["lifetime_months"] = draw(st.integers(1, 12))
    return p


@st.composite
def tenants(draw, index: int, horizon: int, facilities: list[str]) -> dict:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True))
    t = {"id": f"t{index}", "demand": {ty: draw(st.floats(0, 120)) for ty in types},
         "ramp_months": draw(st.sampled_from([0, 0, 1, 3, 5.5])),
         "growth": draw(st.sampled_from([0, 0.1, 0.5, -0.3])),
         "count": draw(st.integers(1, 3))}
    if draw(st.booleans()):
        first = draw(st.integers(-6, horizon))
        t["from"] = ym(first)
    else:
        first = draw(st.integers(-3, horizon))
        t.update(status="negotiating", probability=draw(st.floats(0, 1)),
                 sign={"earliest": ym(first), "latest": ym(first + draw(st.integers(0, 6)))})
    if draw(st.booleans()):
        t["until"] = ym(first + draw(st.integers(0, 12)))
    if draw(st.integers(0, 3)) == 0:
        t["facility"] = draw(st.sampled_from(facilities))
    return t


@st.composite
def events(draw, index: int, horizon: int) -> dict:
    first = draw(st.integers(-2, horizon))
    return {"id": f"e{index}", "probability": draw(st.sampled_from([0.0, 0.5, 1.0])),
            "window": {"from": ym(first), "to": ym(first + draw(st.integers(0, 4)))},
            "delay": {"types": draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2,
                                             unique=True)),
                      "months": _duration(draw, 0.0, 8.0)}}


@st.composite
def scenarios(draw):
    horizon = draw(st.integers(5, 23))  # index of the last month
    facilities = []
    for f in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 3))
        facilities.append({"id": f"f{f}", "pue": draw(st.sampled_from([1.0, 1.3, 2.0])),
                           "phases": [draw(phases(i, horizon)) for i in range(n)]})
    ids = [f["id"] for f in facilities]
    d = engine_dict(
        facilities, [draw(tenants(i, horizon, ids)) for i in range(draw(st.integers(0, 5)))],
        end=ym(horizon), types=TYPES,
        events=[draw(events(i, horizon)) for i in range(draw(st.integers(0, 2)))],
        defaults={"power_kw_per_p": {"ai": 3.0, "hpc": 25.0},
                  "idle_share": draw(st.sampled_from([0.0, 0.3, 1.0])),
                  "price_per_p_month": {"ai": 20000.0}, "capex_per_p": {"hpc": 4.0}},
        scheduling={"policy": draw(st.sampled_from(["priority", "proportional"])),
                    "max_utilization": draw(st.sampled_from([1.0, 0.95, 0.5])),
                    **({"leave_after_unserved_months": draw(st.integers(1, 4))}
                       if draw(st.booleans()) else {})})
    return scenario_from_dict(d), draw(st.integers(0, 2**32 - 1))


def _close_or_below(a, b, scale):
    """a <= b within a relative tolerance."""
    return np.all(a <= b + TOL * (1.0 + scale))


def _run(case):
    """Three replications of a generated scenario, its compiled form and its size [P]."""
    scenario, seed = case
    c = compile_scenario(scenario)
    r = simulate_batch(c, seed, range(3))
    scale = float(max(r.demand_p.max(initial=0), r.capacity_p.max(initial=0)))
    return c, r, scale


# tiny generated demands make allocation.py warn on overflow (see test_allocation.py)
quiet = pytest.mark.filterwarnings("ignore:overflow encountered in divide:RuntimeWarning")


@quiet
@SETTINGS
@given(scenarios())
def test_nothing_is_negative_or_undefined(case):
    c, r, _ = _run(case)
    for name in ("capacity_p", "under_construction_p", "planned_p", "served_p", "power_mw",
                 "energy_mwh", "energy_cost_mcny", "revenue_mcny", "capex_mcny", "demand_p",
                 "unmet_p", "tenant_demand_p", "tenant_served_p"):
        a = getattr(r, name)
        assert np.all(np.isfinite(a)), name
        assert np.all(a >= 0), name
    for name, values in r.kpis().items():
        assert np.all(np.isfinite(values)), name
    for name, values in r.target_outcomes().items():
        assert not np.any(np.isnan(values)), name


@quiet
@SETTINGS
@given(scenarios())
def test_served_plus_unmet_is_demand(case):
    c, r, scale = _run(case)
    served_t = r.served_p.sum(axis=2)  # over facilities (R, H, T)
    assert np.allclose(served_t + r.unmet_p, r.demand_p, rtol=TOL, atol=TOL * (1 + scale))
    # per tenant entry: served <= demand; their totals agree with the per-type totals
    assert _close_or_below(r.tenant_served_p, r.tenant_demand_p, scale)
    # tenant sums are fixed point (2^-24 P per value, results.FIXED): allow that rounding
    fx = len(c.scenario.tenants) * len(r.replications) / FIXED
    assert np.allclose(r.tenant_demand_p.sum(axis=1), r.demand_p.sum(axis=0),
                       rtol=TOL, atol=TOL * (1 + scale) + fx)
    assert np.allclose(r.tenant_served_p.sum(axis=1), served_t.sum(axis=0),
                       rtol=TOL, atol=TOL * (1 + scale) + fx)


@quiet
@SETTINGS
@given(scenarios())
def test_served_stays_within_usable_capacity(case):
    c, r, scale = _run(case)
    mu = c.max_utilization
    assert _close_or_below(r.served_p, r.capacity_p * mu, scale)
    util = r.utilization
    assert np.all(util >= 0) and np.all(util <= mu + TOL)
    # a phase is planned, under construction, installed or gone: never more than it has
    total = np.zeros((len(c.facilities), len(c.types)))
    np.add.at(total, c.phase_facility, c.phase_capacity)
    states = r.capacity_p + r.under_construction_p + r.planned_p
    assert _close_or_below(states, total[None, None], scale)
    # online never before construction starts
    finite = np.isfinite(r.phase_start)
    assert np.all(r.phase_online[finite] >= r.phase_start[finite])


@quiet
@SETTINGS
@given(scenarios())
def test_power_and_energy_follow_from_capacity_and_utilisation(case):
    c, r, _ = _run(case)
    it_kw = r.capacity_p * c.power_kw_per_p
    assert np.allclose(r.power_mw, it_kw * c.pue[:, None] / 1000.0, rtol=1e-12)
    # energy lies between the idle draw and the full draw of what is installed
    full = it_kw * c.pue[:, None] * HOURS_PER_MONTH / 1000.0  # MWh at full load
    idle = c.idle_share[:, None]
    assert _close_or_below(idle * full, r.energy_mwh, full.max(initial=0))
    assert _close_or_below(r.energy_mwh, full, full.max(initial=0))


# ---------------------------------------------------------------- the allocation function
@st.composite
def allocations(draw):
    R, F, N = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(0, 8))
    amount = st.one_of(st.just(0.0), st.floats(0, 100, allow_subnormal=False),
                       st.integers(0, 20).map(float))
    usable = draw(hnp.arrays(float, (R, F), elements=amount))
    demand = draw(hnp.arrays(float, (R, N), elements=amount))
    pin = draw(hnp.arrays(np.intp, N, elements=st.integers(-1, F - 1)))
    rank = draw(hnp.arrays(float, (R, N), elements=st.integers(0, 4).map(float)))
    policy = draw(st.sampled_from(["priority", "proportional"]))
    return usable, demand, pin, rank, policy


ALLOC = settings(max_examples=100, deadline=None)


@quiet
@ALLOC
@given(allocations())
def test_allocation_stays_within_demand_and_capacity(case):
    usable, demand, pin, rank, policy = case
    served, by_f = allocate(usable, demand, pin, rank, policy)
    tol = 1e-9 * (1 + usable.sum() + demand.sum())
    assert served.shape == demand.shape and by_f.shape == usable.shape
    assert np.all(served >= 0) and np.all(served <= demand + tol)
    assert np.all(by_f >= 0) and np.all(by_f <= usable + tol)
    # what tenants get is what facilities give
    assert np.allclose(served.sum(axis=1), by_f.sum(axis=1), atol=tol)


@quiet
@ALLOC
@given(allocations())
def test_allocation_serves_all_it_can(case):
    # pinned pools first, each serves all its tenants ask or all it has; the unpinned pool
    # then does the same with what is left of every facility
    usable, demand, pin, rank, policy = case
    served, _ = allocate(usable, demand, pin, rank, policy)
    tol = 1e-9 * (1 + usable.sum() + demand.sum())
    for r in range(usable.shape[0]):
        left = usable[r].copy()
        for f in range(usable.shape[1]):
            mine = pin == f
            want = demand[r, mine].sum()
            assert abs(served[r, mine].sum() - min(usable[r, f], want)) <= tol
            left[f] -= min(usable[r, f], want)
        free = pin < 0
        assert abs(served[r, free].sum() - min(left.sum(), demand[r, free].sum())) <= tol


@quiet
@ALLOC
@given(allocations())
def test_allocation_policy_within_a_pool(case):
    usable, demand, pin, rank, policy = case
    served, _ = allocate(usable, demand, pin, rank, policy)
    tol = 1e-9 * (1 + usable.sum() + demand.sum())
    for r in range(usable.shape[0]):
        for pool in range(-1, usable.shape[1]):
            cols = np.flatnonzero(pin == pool)
            if policy == "priority":
                # never a later tenant served while an earlier one of its pool is short
                # (rank first, ties in column order)
                short = False
                for j in cols[np.lexsort((cols, rank[r, cols]))]:
                    if short:
                        assert served[r, j] <= tol, (r, pool, j)
                    short |= served[r, j] < demand[r, j] - tol
            else:
                # every tenant of the pool gets the same fraction of its demand
                asked = cols[demand[r, cols] > 1e-6]
                if asked.size:
                    fraction = served[r, asked] / demand[r, asked]
                    assert np.ptp(fraction) <= 1e-9 * (1 + demand[r].sum())
