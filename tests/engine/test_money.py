"""Money against hand-computed cash flows: NPV, payback month, opex, grants and vouchers."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from tests.helpers import engine_scenario

from simulator.engine.money import facility_flows, npv, operator_money, payback
from simulator.engine.processes import simulate


def test_npv_and_payback_of_a_plain_series():
    cash = np.array([[-100.0, 30, 30, 30, 30]])
    assert_allclose(npv(cash, 0.0), [20.0])
    # cumulative -100, -70, -40, -10, 20: paid back in month 4
    assert payback(cash)[0] == 4
    # 10 % a year, month k discounted by 1.1^(k/12)
    expect = -100 + sum(30 * 1.1 ** (-k / 12) for k in range(1, 5))
    assert_allclose(npv(cash, 0.1), [expect])


def test_payback_is_never_when_the_cumulative_ends_negative_and_start_when_never_negative():
    assert np.isinf(payback(np.array([[-100.0, 30, 30]]))[0])
    assert payback(np.array([[5.0, 1.0, 0.0]]))[0] == 0
    # dips below zero again: paid back only from the last crossing
    assert payback(np.array([[-1.0, 2.0, -3.0, 5.0]]))[0] == 3


def one_site(money: dict) -> dict:
    """10 P of AI online 2024-01 with 1 M CNY capex spent then, no power; a 10 P tenant."""
    sc = engine_scenario(
        [{"id": "a", "operator": "op", "phases": [{"capacity": {"ai": 10}, "online": "2024-01",
                                                   "capex": 1.0}]}],
        [{"id": "t", "demand": {"ai": 10}, "from": "2024-01"}],
        defaults={"price_per_p_month": {"ai": 9000}}, money=money)
    return operator_money(simulate(sc, 0))


def test_cash_flow_npv_and_payback_of_one_site():
    # month 0: -1 + 0.09; then +0.09 a month. Cumulative -1 + 0.09 (m + 1) >= 0 from m = 11
    o = one_site({"discount_rate": 0.0})
    assert_allclose(o["cash"][0, :, 0], np.r_[-0.91, np.full(23, 0.09)])
    assert_allclose(o["npv"][0, 0], -1 + 24 * 0.09)
    assert o["payback"][0, 0] == 11
    assert_allclose(o["util"][0, 0], 1.0)
    # break-even: costs 1.0 over income at full use 24 x 0.09
    assert_allclose(o["breakeven"][0, 0], 1.0 / 2.16)


def test_opex_grant_and_vouchers():
    # opex 12 % of 1 M a year = 0.01 a month; grant 0.5 in month 0; vouchers 10 P x 1,000 = 0.01
    o = one_site({"discount_rate": 0.0, "opex_share": 0.12,
                  "subsidy": {"capex_share": 0.5, "per_p_month": 1000}})
    assert_allclose(o["cash"][0, :, 0], np.r_[-1 + 0.5 + 0.09, np.full(23, 0.09)])
    # cumulative -0.5 + 0.09 (m + 1): >= 0 from m = 5 (0.04)
    assert o["payback"][0, 0] == 5


@pytest.mark.parametrize("rate", [0.0, 0.08])
def test_npv_discounts_by_month(rate):
    o = one_site({"discount_rate": rate})
    cash = np.r_[-0.91, np.full(23, 0.09)]
    assert_allclose(o["npv"][0, 0], sum(c * (1 + rate) ** (-k / 12) for k, c in enumerate(cash)))


def test_each_operator_has_its_components_and_they_add_up_to_the_totals():
    """Money per operator by component (rent, market, electricity, opex, capex, ...): summed
    over the operators each is the total, and per operator they add up to its cash flow."""
    import simulator as sim

    from pathlib import Path

    s = sim.load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "dianjun-market.yaml")
    o = operator_money(sim.simulate(s, seed=3))
    for k, total in o["totals"].items():
        assert_allclose(o["by_operator"][k].sum(axis=1), total, rtol=1e-9, atol=1e-9)
    cash = sum(o["by_operator"].values())  # (R, O)
    assert_allclose(cash, o["cash"].sum(axis=1), rtol=1e-9, atol=1e-6)
    assert (o["by_operator"]["capex"] <= 0).all() and (o["by_operator"]["rent"] >= 0).all()


def test_opex_of_a_pipeline_project_is_that_of_its_drawn_size():
    """A stream whose projects are all 50 P at 0.02 M CNY/P: each online project costs
    50 x 0.02 = 1 M CNY, so 12 % opex a year is 0.01 M CNY a month per project online (the
    compiled per-unit capex of the slot would give 0.0002)."""
    sc = engine_scenario(
        [{"id": "a", "phases": [{"capacity": {"ai": 10}, "online": "2023-01", "capex": 0.0}]}],
        [], defaults={"capex_per_p": {"ai": 0.02}},
        money={"discount_rate": 0.0, "opex_share": 0.12},
        pipeline=[{"id": "city", "type": "ai", "window": {"from": "2024-01", "to": "2024-12"},
                   "rate_per_year": 6, "size": {"min": "50P", "mode": "50P", "max": "50P"},
                   "build_months": {"min": 3, "mode": 3, "max": 3}}])
    r = simulate(sc, 4)
    opex = -facility_flows(r)["opex"][0].sum(axis=1)  # (H,) all facilities
    online = r.phase_online[0]
    m = np.arange(r.compiled.months)
    live = (online[None, :] <= m[:, None]).sum(axis=1) - 1  # projects online (less the anchor)
    assert live.max() >= 1, "the seed should bring at least one project online"
    assert_allclose(opex, 0.01 * live)
