"""Sensitivity (tornado), the backcast (plan) and sweeps, on scenarios a person can work out."""

from __future__ import annotations

import numpy as np
import pytest

import simulator as sim
from simulator.analysis.plan import plan
from simulator.ensemble.run import run_ensemble
from simulator.analysis.sensitivity import sensitivity, uncertain_inputs
from simulator.analysis.sweep import grid, run_sweep, split_values


def scenario(**changes) -> sim.Scenario:
    data = {
        "name": "small", "start": "2024-01", "end": "2027-12", "seed": 3,
        "compute_types": {"ai": {"label": "智算", "label_en": "AI"}},
        "targets": [{"type": "ai", "capacity": "300P", "by": "2025-12"}],
        "facilities": [{"id": "f", "name": "F", "phases": [
            {"id": "built", "capacity": {"ai": "100P"}, "online": "2023-06"},
            # dominant: anywhere from 2 to 40 months
            {"id": "wide", "capacity": {"ai": "100P"}, "start": "2024-06",
             "build_months": {"min": 2, "mode": 12, "max": 40}},
            # minor: 11 to 13 months
            {"id": "narrow", "capacity": {"ai": "100P"}, "start": "2024-06",
             "build_months": {"min": 11, "mode": 12, "max": 13}},
        ]}],
        "tenants": [{"id": "t", "name": "T", "status": "negotiating", "probability": 0.5,
                     "sign": {"earliest": "2024-01", "latest": "2024-06"}, "demand": {"ai": 10}}],
    }
    data.update(changes)
    return sim.scenario_from_dict(data)


def test_every_uncertain_input_is_found_with_its_swing():
    inputs = {i.path: i for i in uncertain_inputs(scenario())}
    assert set(inputs) == {"facilities.f.phases.wide.build_months",
                           "facilities.f.phases.narrow.build_months", "tenants.t.probability"}
    wide = inputs["facilities.f.phases.wide.build_months"]
    # p10 of triangular(2, 12, 40): F(x) = (x-2)^2 / ((40-2)(12-2)) = 0.1 -> x = 2 + sqrt(38)
    assert wide.low == pytest.approx(2 + np.sqrt(38.0), abs=1e-6)
    # p90: 1 - (40-x)^2 / ((40-2)(40-12)) = 0.9 -> x = 40 - sqrt(0.1 * 38 * 28)
    assert wide.high == pytest.approx(40 - np.sqrt(0.1 * 38 * 28), abs=1e-6)
    assert (inputs["tenants.t.probability"].low, inputs["tenants.t.probability"].high) == (0, 1)


def test_the_tornado_ranks_the_dominant_input_first():
    df = sensitivity(scenario(), replications=200)
    assert list(df["rank"]) == [1, 2, 3]
    first = df.iloc[0]
    assert first.input == "facilities.f.phases.wide.build_months"
    # wide at p10 (9 months) -> online 2025-03, met; at p90 (31 months) -> 2027-01, missed
    assert first.p_met_low == 1.0 and first.p_met_high == 0.0
    # the tenant's probability cannot move installed capacity
    tenant = df[df.input == "tenants.t.probability"].iloc[0]
    assert tenant.swing_p_met == 0 and tenant.swing_gap_p50 == 0 and tenant["rank"] == 3


def test_sensitivity_uses_common_random_numbers():
    # the narrow phase swung low and high never changes whether `wide` is online: every
    # difference between the two runs comes from `narrow` alone
    df = sensitivity(scenario(), replications=100).set_index("input")
    row = df.loc["facilities.f.phases.narrow.build_months"]
    assert row.p_met_low == row.p_met_high  # narrow is online by 2025-12 either way


def test_a_sweep_of_a_fixed_build_time_moves_month_met_by_the_swept_months():
    s = scenario(facilities=[{"id": "f", "name": "F", "phases": [
        {"id": "built", "capacity": {"ai": "200P"}, "online": "2023-06"},
        {"id": "new", "capacity": {"ai": "100P"}, "start": "2024-03", "build_months": 4}]}])
    points, ensembles, table = run_sweep(s, {"facilities.f.phases.new.build_months": [4, 6, 9]},
                                         replications=5)
    # online = 2024-03 + build: 2024-07, 2024-09, 2024-12
    assert list(table.month_met_p50) == ["2024-07", "2024-09", "2024-12"]
    assert list(table.probability_met) == [1.0, 1.0, 1.0]
    assert list(table["facilities.f.phases.new.build_months"]) == [4, 6, 9]


def test_sweep_grid_and_value_splitting():
    assert split_values("4,6, 9") == ["4", "6", "9"]
    assert split_values("{min: 1, mode: 2, max: 3},5") == ["{min: 1, mode: 2, max: 3}", "5"]
    assert grid({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]


@pytest.mark.parametrize("confidence", [0.8, 0.95])
def test_the_plans_phases_added_reach_the_confidence(confidence):
    s = scenario()
    p = plan(s, confidence=confidence, replications=300)
    rows = p.table[p.table.status == "plan"]
    # P(met) now = P(wide online by 2025-12) = F(19) = 1 - 21^2 / (38 * 28) = 0.585 < 0.8
    assert list(rows.build_class) == ["fit-out", "new-building"]
    # a campus (18-36 months) started at 2024-01 is online by 2025-12 with probability
    # (23-18)^2 / ((36-18)(24-18)) = 0.23: 0.585 + 0.415 * 0.23 = 0.68 < 0.8 at best
    campus = p.table[p.table.build_class == "campus"].iloc[0]
    assert campus.status == "too late"
    assert (rows.p_met_checked >= confidence).all()
    # check independently: add each class's facilities and simulate
    for build_class, whatif in p.whatifs.items():
        data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["facilities"] += whatif["facilities"]
        got = run_ensemble(sim.scenario_from_dict(data), 300).targets.probability_met[0]
        assert got >= confidence, build_class
    # the latest start leaves at least the class's minimum build time before the deadline
    for row in rows.itertuples():
        start = int(row.latest_start[:4]) * 12 + int(row.latest_start[5:]) - 1
        assert start + row.build_min <= 2025 * 12 + 11


def test_a_plan_for_a_met_target_adds_nothing():
    s = scenario(targets=[{"type": "ai", "capacity": "100P", "by": "2025-12"}])
    p = plan(s, confidence=0.9, replications=50)
    assert set(p.table.status) == {"met"} and p.whatifs == {}


def test_a_plan_that_cannot_make_the_deadline_says_too_late():
    s = scenario(targets=[{"type": "ai", "capacity": "1000P", "by": "2024-03"}])
    p = plan(s, confidence=0.8, replications=50)
    # even a fit-out (4-6 months) started at 2024-01 is online 2024-05 at the earliest
    assert set(p.table.status) == {"too late"}


def test_market_and_rent_inputs_are_swung_and_their_npv_reported():
    s = scenario(market={"ai": {"share_of_idle": 0.4, "price_per_p_month": 6000}},
                 defaults={"price_per_p_month": {"ai": 9000}, "price_decline": 0.2})
    inputs = {i.path: i for i in uncertain_inputs(s)}
    share = inputs["market.ai.share_of_idle"]
    assert (share.kind, share.low, share.high) == ("market_share", 0.2, pytest.approx(0.6))
    assert (inputs["market.ai.price_per_p_month"].low,
            inputs["market.ai.price_per_p_month"].high) == (3000, 9000)
    assert (inputs["defaults.price_decline"].low,
            inputs["defaults.price_decline"].high) == (0.1, pytest.approx(0.3))
    df = sensitivity(s, replications=20)
    rows = df.drop_duplicates("input").set_index("input")
    # selling more idle capacity at a price, or letting rents fall less, raises the NPV
    assert rows.at["market.ai.share_of_idle", "npv_mcny_high"] > \
        rows.at["market.ai.share_of_idle", "npv_mcny_low"]
    assert rows.at["defaults.price_decline", "npv_mcny_low"] > \
        rows.at["defaults.price_decline", "npv_mcny_high"]
    # they cannot move installed capacity
    assert rows.at["market.ai.share_of_idle", "swing_p_met"] == 0
    # without money there are no NPV columns
    assert "npv_mcny_base" not in sensitivity(scenario(), replications=10)
