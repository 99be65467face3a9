"""Invariants of the market and spillover for generated scenarios (hypothesis):
served locally + sold outside <= usable capacity; served + spillover + unmet = demand;
the bills per tenant and facility add up to the rent."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import scenario_from_dict
from simulator.engine.market import FIXED_CNY, FIXED_P
from tests.engine.test_invariants import TOL, TYPES, _run, quiet, scenarios
from tests.helpers import ym

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def market_scenarios(draw):
    scenario, seed = draw(scenarios())
    d = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    market = {}
    for t in draw(st.lists(st.sampled_from(TYPES), max_size=2, unique=True)):
        market[t] = {"share_of_idle": draw(st.floats(0, 1)),
                     "price_per_p_month": draw(st.sampled_from([0, 5000.0])),
                     "ramp_months": draw(st.sampled_from([0, 3])),
                     "spillover": draw(st.booleans()), "outside_price": 12000.0}
        if draw(st.booleans()):
            market[t]["demand"] = draw(st.floats(0, 50))
            market[t]["growth"] = draw(st.sampled_from([0, 0.5]))
        if draw(st.booleans()):
            market[t]["from"] = ym(draw(st.integers(-3, 10)))
    d["market"] = market
    d["defaults"]["price_decline"] = draw(st.sampled_from([0, 0.2]))
    if draw(st.booleans()):
        d["defaults"]["discount_below"] = {"utilization": 0.5, "share": 0.3}
    d["scheduling"]["leave_threshold"] = draw(st.sampled_from([0, 0.25]))
    return scenario_from_dict(d), seed


@quiet
@SETTINGS
@given(market_scenarios())
def test_local_plus_market_stays_within_usable_capacity(case):
    c, r, scale = _run(case)
    mk = r.market
    assert np.all(mk.market_p >= 0)
    busy = r.served_p + mk.market_p
    assert np.all(busy <= r.capacity_p * c.max_utilization + TOL * (1 + scale))
    assert np.all(r.utilization <= c.max_utilization + TOL)


@quiet
@SETTINGS
@given(market_scenarios())
def test_served_plus_spillover_plus_unmet_is_demand(case):
    c, r, scale = _run(case)
    mk = r.market
    assert np.all(mk.spillover_p >= 0) and np.all(r.unmet_p >= 0)
    total = r.served_p.sum(axis=2) + mk.spillover_p + r.unmet_p
    assert np.allclose(total, r.demand_p, rtol=TOL, atol=TOL * (1 + scale))
    # where spillover is on, nothing stays unmet
    assert np.all(r.unmet_p[:, c.market.spill] <= TOL * (1 + scale))


@quiet
@SETTINGS
@given(market_scenarios())
def test_bills_per_tenant_and_facility_add_up_to_served_and_rent(case):
    c, r, scale = _run(case)
    mk = r.market
    R = len(r.replications)
    n = len(c.scenario.tenants) * R / FIXED_P
    p = mk.settle_p_fx.sum(axis=1) / FIXED_P  # (H, F, T) summed over R
    assert np.allclose(p, r.served_p.sum(axis=0), rtol=1e-7, atol=1e-7 * (1 + scale) + n)
    cny = mk.settle_cny_fx.sum(axis=1) / FIXED_CNY / 1e6
    rent = mk.rent_mcny.sum(axis=0)
    assert np.allclose(cny, rent, rtol=1e-7, atol=1e-7 * (1 + rent.max(initial=0)) + 1e-5)
