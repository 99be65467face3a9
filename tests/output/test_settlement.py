"""settlement.csv and summary.json's money: rows sum to the totals; no money, no new outputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.helpers import engine_scenario

from simulator.ensemble.run import run_ensemble
from simulator.output.run_dir import write_run


def market_scenario(**extra):
    return engine_scenario(
        [{"id": "a", "operator": "op-a", "phases": [{"capacity": {"ai": 60}, "online": "2023-01"}]},
         {"id": "b", "phases": [{"capacity": {"ai": 40, "hpc": 10}, "start": "2024-02",
                                 "build_months": {"min": 2, "mode": 4, "max": 9}}]}],
        [{"id": "t1", "demand": {"ai": 30}, "from": "2024-01", "growth": 0.6},
         {"id": "t2", "demand": {"ai": 20, "hpc": 12}, "status": "negotiating",
          "probability": 0.6, "sign": {"earliest": "2024-01", "latest": "2024-09"}},
         {"id": "t3", "demand": {"ai": 15}, "from": "2024-03", "facility": "a", "count": 2}],
        defaults={"price_per_p_month": {"ai": 9000, "hpc": 100000}, "price_decline": 0.1,
                  "discount_below": {"utilization": 0.5, "share": 0.2},
                  "capex_per_p": {"ai": 1.0, "hpc": 10}},
        scheduling={"max_utilization": 0.9, "leave_after_unserved_months": 3},
        market={"ai": {"share_of_idle": 0.4, "price_per_p_month": 6000, "ramp_months": 6,
                       "spillover": True, "outside_price": 11000},
                "hpc": {"spillover": True, "outside_price": 150000}},
        money={"opex_share": 0.05, "subsidy": {"capex_share": 0.2, "per_p_month": 500}}, **extra)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("market") / "run"
    write_run(run_ensemble(market_scenario(), 40, seed=3), out)
    return out


def test_settlement_rows_sum_to_revenue_and_spillover_cost(run_dir):
    bills = pd.read_csv(run_dir / "settlement.csv")
    totals = json.loads((run_dir / "summary.json").read_text())["money"]["totals"]
    by_kind = bills.groupby("kind")["amount_cny"].sum() / 1e6
    assert set(by_kind.index) == {"rent", "market", "spillover_resale", "spillover_purchase"}
    revenue = by_kind[["rent", "market", "spillover_resale"]].sum()
    assert revenue == pytest.approx(totals["revenue_mcny"]["mean"], rel=1e-6)
    assert by_kind["rent"] == pytest.approx(totals["rent_mcny"]["mean"], rel=1e-6)
    assert by_kind["market"] == pytest.approx(totals["market_revenue_mcny"]["mean"], rel=1e-6)
    assert by_kind["spillover_purchase"] == pytest.approx(
        totals["spillover_cost_mcny"]["mean"], rel=1e-6)


def test_settlement_p_months_match_the_monthly_table(run_dir):
    bills = pd.read_csv(run_dir / "settlement.csv")
    monthly = pd.read_csv(run_dir / "monthly.csv")
    for kind, metric in (("rent", "served_p"), ("market", "market_p"),
                         ("spillover_purchase", "spillover_p")):
        rows = monthly[(monthly.metric == metric) & (monthly.facility == "all")]
        assert bills.loc[bills.kind == kind, "p_months"].sum() == pytest.approx(
            rows["mean"].sum(), rel=1e-6), kind
    # pinned tenants are billed by their own facility only
    assert set(bills.loc[bills.tenant == "t3", "facility"]) == {"a"}


def test_summary_money_per_operator(run_dir):
    money = json.loads((run_dir / "summary.json").read_text())["money"]
    ops = {o["operator"]: o for o in money["operators"]}
    assert list(ops) == ["op-a", "b", "platform"]
    for o in ops.values():
        assert o["npv_mcny"]["p10"] <= o["npv_mcny"]["p50"] <= o["npv_mcny"]["p90"]
        assert len(o["cumulative_mcny"]["p50"]) == 24
    kpis = pd.read_csv(run_dir / "kpis.csv")
    assert {"npv_mcny", "market_p_months", "spillover_p_months"} <= set(kpis.kpi)


def test_a_scenario_without_market_or_money_writes_nothing_new(tmp_path):
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": 10}, "online": "2023-01"}]}],
                        [{"id": "t", "demand": {"ai": 5}, "from": "2024-01"}])
    write_run(run_ensemble(s, 3, seed=1), tmp_path / "run")
    assert not (tmp_path / "run" / "settlement.csv").exists()
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert "money" not in summary
    monthly = pd.read_csv(tmp_path / "run" / "monthly.csv")
    assert not {"market_p", "spillover_p"} & set(monthly.metric)


def test_the_same_bills_whatever_the_batching():
    s = market_scenario()
    a = run_ensemble(s, 12, seed=5, batch_size=12).settlement
    b = run_ensemble(s, 12, seed=5, batch_size=5).settlement
    pd.testing.assert_frame_equal(a, b)
