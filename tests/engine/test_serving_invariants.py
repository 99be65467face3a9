"""Invariants with serving across pools on (hypothesis): demand = served + unmet per type, and no
pool serves more than its usable capacity."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulator import scenario_from_dict
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.engine.run_result import FIXED
from simulator.scenario.hardware import dump
from tests.engine.test_invariants import SETTINGS, TOL, quiet, scenarios


@st.composite
def serving_scenarios(draw):
    scenario, seed = draw(scenarios())
    d = dump(scenario, exclude_none=True)
    d["compute_types"]["hpc"]["serves"] = {"ai": draw(st.sampled_from([0.25, 1.0, 3.0]))}
    if draw(st.booleans()):
        d["compute_types"]["ai"]["serves"] = {"hpc": draw(st.sampled_from([0.1, 0.5, 2.0]))}
    return scenario_from_dict(d), seed


@quiet
@SETTINGS
@given(serving_scenarios())
def test_with_serves_demand_is_served_plus_unmet_and_pools_stay_within_usable(case):
    scenario, seed = case
    c = compile_scenario(scenario)
    r = simulate_batch(c, seed, range(3))
    scale = 1.0 + float(max(r.demand_p.max(initial=0), r.capacity_p.max(initial=0)))
    atol = TOL * scale
    served_pool = r.served_p.sum(axis=2)  # (R, H, T) used of each pool, for its own and others
    own = served_pool - r.served_for_other_p  # served to the pool's own tenants
    # per type: demand = served by its own pool + served by other pools + unmet
    assert np.allclose(own + r.served_from_other_p + r.unmet_p, r.demand_p, rtol=TOL, atol=atol)
    assert np.all(r.unmet_p >= -atol) and np.all(r.served_from_other_p >= 0)
    # a pool serves at most its usable capacity, what it gives others included
    assert np.all(served_pool <= r.capacity_p.sum(axis=2) * c.max_utilization + atol)
    assert np.all(r.served_p <= r.capacity_p * c.max_utilization + atol)
    # what a pool gave is what the other received, at the declared rate
    for t, u, factor in c.counting.serves:
        if len(c.counting.serves) == 1:
            assert np.allclose(r.served_for_other_p[..., t] * factor, r.served_from_other_p[..., u],
                               rtol=TOL, atol=atol)
    # per tenant: served <= demand, and the tenant sums hold the served-across demand too
    fx = len(scenario.tenants) * 3 / FIXED
    assert np.all(r.tenant_served_p <= r.tenant_demand_p + atol + fx)
    assert np.allclose(r.tenant_served_p.sum(axis=1),
                       (own + r.served_from_other_p).sum(axis=0), rtol=TOL, atol=atol + fx)
