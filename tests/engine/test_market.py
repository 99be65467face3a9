"""Hand-computed cases of the outside market, spillover, churn with a threshold, and rents that
fall or are discounted. Every scenario is deterministic: one replication is the exact answer.

Horizons start 2024-01 (index 0) and run 24 months; type index 0 is ai. The default AI rent is
9,000 CNY per P-month unless a test says otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from tests.helpers import engine_scenario

from simulator.engine.processes import simulate

AI = 0
H = 24


def run(facilities, tenants=(), **sections):
    sections.setdefault("defaults", {"price_per_p_month": {"ai": 9000}})
    return simulate(engine_scenario(facilities, tenants, **sections), 0)


def site(cap=100.0, fid="a"):
    return {"id": fid, "phases": [{"capacity": {"ai": cap}, "online": "2023-01"}]}


def tenant(p, tid="t", **kw):
    return {"id": tid, "demand": {"ai": p}, "from": "2024-01", **kw}


# ---------------------------------------------------------------- market sales
def test_half_of_the_idle_usable_capacity_is_sold_outside():
    # usable 100 x 0.9 = 90; local 30; idle 60; half of it sold: 30 P every month
    r = run([site()], [tenant(30)], scheduling={"max_utilization": 0.9},
            market={"ai": {"share_of_idle": 0.5, "price_per_p_month": 6000}})
    assert_allclose(r.market.market_p[0, :, 0, AI], np.full(H, 30.0))
    # outside sales 30 x 6,000 = 180,000 CNY; local rent 30 x 9,000 = 270,000 CNY a month
    assert_allclose(r.market.market_mcny[0, :, 0, AI], np.full(H, 0.18))
    assert_allclose(r.revenue_mcny[0, :, 0, AI], np.full(H, 0.18 + 0.27))
    # utilisation counts what is sold: (30 + 30) / 100; served stays the local 30
    assert_allclose(r.utilization[0, :, 0, AI], np.full(H, 0.6))
    assert_allclose(r.served_p[0, :, 0, AI], np.full(H, 30.0))
    k = r.kpis()
    assert_allclose(k["idle_p_months"][0, AI], 24 * 40.0)
    assert_allclose(k["served_p_months"][0, AI], 24 * 30.0)


def test_sales_ramp_from_their_first_month():
    # from 2024-03 (index 2) with a 4-month ramp: 1/4, 2/4, 3/4 of the 30 P, then all of it
    r = run([site()], [tenant(30)], scheduling={"max_utilization": 0.9},
            market={"ai": {"share_of_idle": 0.5, "price_per_p_month": 6000, "from": "2024-03",
                           "ramp_months": 4, "until": "2025-06"}})
    expect = np.r_[0, 0, 7.5, 15, 22.5, np.full(13, 30.0), np.zeros(6)]
    assert_allclose(r.market.market_p[0, :, 0, AI], expect)


def test_outside_demand_caps_the_sales_and_splits_them_by_what_each_site_offers():
    # two sites of 100 P and 50 P, usable 1.0; a 30 P tenant spread 2:1 (20 + 10 P) leaves
    # 80 + 40 idle; offered 0.5 x = 40 + 20; outside demand 12 P takes 12 x 40/60 and 12 x 20/60
    r = run([site(100, "a"), site(50, "b")], [tenant(30)],
            market={"ai": {"share_of_idle": 0.5, "price_per_p_month": 6000, "demand": 12}})
    assert_allclose(r.market.market_p[0, 0, :, AI], [8.0, 4.0])
    assert_allclose(r.market.market_p.sum(axis=2)[0, :, AI], np.full(H, 12.0))


# ---------------------------------------------------------------- spillover
def test_spillover_buys_the_shortfall_outside_and_keeps_the_tenant():
    # 50 P for an 80 P tenant: 30 P short every month
    base = dict(scheduling={"max_utilization": 1.0, "leave_after_unserved_months": 1})
    lost = run([site(50)], [tenant(80)], **base)
    assert lost.tenant_left_at[0, 0] == 1  # short in month 0: gone from month 1
    r = run([site(50)], [tenant(80)], **base,
            market={"ai": {"spillover": True, "outside_price": 12000}})
    assert np.isinf(r.tenant_left_at[0, 0])
    assert_allclose(r.market.spillover_p[0, :, AI], np.full(H, 30.0))
    assert_allclose(r.unmet_p[0, :, AI], 0.0)
    assert_allclose(r.served_p[0, :, 0, AI] + r.market.spillover_p[0, :, AI] + r.unmet_p[0, :, AI],
                    r.demand_p[0, :, AI])
    from simulator.engine.money import platform_flows

    flows = platform_flows(r)  # bought at 12,000, resold at the 9,000 rent: 30 P a month
    assert_allclose(flows["purchase"][0], np.full(H, -0.36))
    assert_allclose(flows["resale"][0], np.full(H, 0.27))


# ---------------------------------------------------------------- churn with a threshold
@pytest.mark.parametrize("threshold, left", [(0.0, 2.0), (0.09, 2.0), (0.1, np.inf)])
def test_a_tenant_leaves_only_when_its_unmet_share_is_above_the_threshold(threshold, left):
    # 50 P for 55 P: unmet share 5/55 = 0.0909 every month; two short months -> gone at 2
    r = run([site(50)], [tenant(55)],
            scheduling={"max_utilization": 1.0, "leave_after_unserved_months": 2,
                        "leave_threshold": threshold})
    assert r.tenant_left_at[0, 0] == left


# ---------------------------------------------------------------- rents that move
def test_rent_falls_by_the_yearly_decline_compounded_monthly():
    # 19 % a year: month 12 costs 0.81 x 9,000, month 6 sqrt(0.81) = 0.9 x 9,000
    r = run([site()], [tenant(30)], scheduling={"max_utilization": 1.0},
            defaults={"price_per_p_month": {"ai": 9000}, "price_decline": 0.19})
    rent = r.revenue_mcny[0, :, 0, AI] * 1e6
    assert_allclose(rent[[0, 6, 12]], [30 * 9000, 30 * 8100, 30 * 7290])


def test_discount_below_a_utilisation_and_market_sales_lift_it():
    disc = {"price_per_p_month": {"ai": 9000},
            "discount_below": {"utilization": 0.5, "share": 0.2}}
    # 30 / 100 = 0.3 < 0.5: 20 % off, 30 x 7,200 = 216,000 CNY
    r = run([site()], [tenant(30)], scheduling={"max_utilization": 1.0}, defaults=disc)
    assert_allclose(r.revenue_mcny[0, :, 0, AI] * 1e6, np.full(H, 216000.0))
    # selling 30 of the 70 idle (share 3/7) lifts utilisation to 0.6: full rent again
    r = run([site()], [tenant(30)], scheduling={"max_utilization": 1.0}, defaults=disc,
            market={"ai": {"share_of_idle": 3 / 7, "price_per_p_month": 0}})
    assert_allclose(r.revenue_mcny[0, :, 0, AI] * 1e6, np.full(H, 270000.0))


def test_default_lifetime_retires_phases_without_their_own():
    r = run([site()], [tenant(30)], defaults={"lifetime_months": 18})
    # online 2023-01 (index -12): retires 18 months later, index 6
    assert_array_equal(r.capacity_p[0, :, 0, AI], np.r_[np.full(6, 100.0), np.zeros(18)])


def test_without_market_or_money_the_engine_keeps_no_market_record():
    r = run([site()], [tenant(30)])
    assert r.market is None
