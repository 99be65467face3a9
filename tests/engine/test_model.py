"""Hand-computed cases of the model, one per rule of docs/design.md "Model semantics".

Every scenario here is deterministic (fixed durations, probabilities 0 or 1), so one replication
gives the one exact answer; the arithmetic a person did is written next to each expectation.
Horizons start 2024-01, so month index i is ym(i): 0 = 2024-01, 6 = 2024-07, 12 = 2025-01.
Compute types are (ai, hpc): type index 0 is ai, 1 is hpc.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.helpers import engine_scenario, ym
from numpy.testing import assert_allclose, assert_array_equal

from simulator.ensemble.run import run_ensemble
from simulator.engine.processes import simulate

AI, HPC = 0, 1
INF = np.inf


def run(*args, **kwargs):
    """One replication (seed 0) of engine_scenario(*args, **kwargs)."""
    return simulate(engine_scenario(*args, **kwargs), 0)


def series(values: dict[int, float], months: int = 24, default: float = 0.0) -> np.ndarray:
    """A monthly series: `values` maps a first month index to the value from then on."""
    out = np.full(months, default)
    for m in sorted(values):
        out[m:] = values[m]
    return out


def operating(capacity: dict, online: str = "2023-01", **extra) -> dict:
    return {"capacity": capacity, "online": online, **extra}


# ---------------------------------------------------------------- phases: online arithmetic
def test_fixed_build_of_4_months_from_2024_03_is_online_2024_07():
    # start 2024-03 = index 2; online = 2 + ceil(4) = 6 = 2024-07
    r = run([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-03",
                                      "build_months": 4}]}])
    assert ym(int(r.phase_online[0, 0])) == "2024-07"
    assert r.phase_start[0, 0] == 2
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({6: 10}))
    # planned before the start (0, 1), under construction 2..5, installed from 6
    assert_array_equal(r.planned_p[0, :, 0, AI], series({0: 10, 2: 0}))
    assert_array_equal(r.under_construction_p[0, :, 0, AI], series({2: 10, 6: 0}))


@pytest.mark.parametrize("build", [9.2, {"min": 9.2, "mode": 9.2, "max": 9.2}],
                         ids=["fixed-9.2", "degenerate-triangular-9.2"])
def test_sampled_9_2_build_months_is_online_in_the_10th_month(build):
    # start 2024-03 = index 2; ceil(9.2) = 10; online = 12 = 2025-01 (not 11 = 2024-12)
    r = run([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-03",
                                      "build_months": build}]}])
    assert r.phase_online[0, 0] == 12
    assert r.capacity_p[0, 11, 0, AI] == 0
    assert r.capacity_p[0, 12, 0, AI] == 10


def test_a_phase_online_before_start_operates_from_month_0():
    r = run([{"id": "a", "phases": [operating({"ai": 10}, "2020-05")]}])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({0: 10}))


def test_a_phase_online_after_end_never_counts():
    # end 2025-12; online 2026-02 is beyond the horizon: nothing installed, ever
    r = run([{"id": "a", "phases": [operating({"ai": 5}, "2024-01"),
                                    {"capacity": {"ai": 10}, "start": "2025-06",
                                     "build_months": 8}]}])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({0: 5}))
    assert r.phase_online[0, 1] == 17 + 8  # 2025-06 = 17; 25 = 2026-02 > 23 = end


def test_after_chains_start_each_phase_when_its_predecessor_is_online():
    # a.p1 fixed online 2024-04 (3)
    # a.p2 after p1, build 3: starts 3, online 6 (2024-07)
    # a.p3 after p2, not before 2024-09 (8), build 2: starts max(6, 8) = 8, online 10 (2024-11)
    # b.q  after a.p3 (another facility), not before 2024-01 (0), build 1: starts 10, online 11
    r = run([{"id": "a", "phases": [
                {"id": "p1", "capacity": {"ai": 10}, "online": "2024-04"},
                {"id": "p2", "capacity": {"ai": 10}, "after": "p1", "build_months": 3},
                {"id": "p3", "capacity": {"hpc": 10}, "after": "p2", "start": "2024-09",
                 "build_months": 2}]},
             {"id": "b", "phases": [
                {"id": "q", "capacity": {"ai": 5}, "after": "a.p3", "start": "2024-01",
                 "build_months": 1}]}])
    assert_array_equal(r.phase_start[0, 1:], [3, 8, 10])
    assert_array_equal(r.phase_online[0], [3, 6, 10, 11])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({3: 10, 6: 20}))
    assert_array_equal(r.capacity_p[0, :, 0, HPC], series({10: 10}))
    assert_array_equal(r.capacity_p[0, :, 1, AI], series({11: 5}))


def test_after_a_phase_that_never_comes_online_never_starts():
    r = run([{"id": "a", "phases": [
        {"id": "p1", "capacity": {"ai": 10}, "online": "2027-01"},  # after the end
        {"id": "p2", "capacity": {"ai": 10}, "after": "p1", "build_months": 1}]}])
    assert r.phase_start[0, 1] == INF
    assert not r.capacity_p.any()
    assert_array_equal(r.planned_p[0, :, 0, AI], series({0: 20}))


# ---------------------------------------------------------------- phases: start_when trigger
TRIGGERED = {"capacity": {"ai": 20}, "build_months": 2, "capex": 7,
             "start_when": {"utilization_above": 0.8, "for_months": 3}}


def test_utilisation_trigger_starts_construction_the_month_after_the_run():
    # installed ai 10; demand 9 from 2024-03 (2): utilisation 9/10 = 0.9 > 0.8 in months 2, 3, 4
    # -> three consecutive months at the end of month 4 -> construction starts in month 5
    # (2024-06), online 5 + 2 = 7; the capex of 7 is spent in month 5
    r = run([{"id": "a", "phases": [operating({"ai": 10}), TRIGGERED]}],
            [{"id": "x", "from": "2024-03", "demand": {"ai": 9}}])
    assert_allclose(r.utilization[0, :6, 0, AI], [0, 0, 0.9, 0.9, 0.9, 0.9])
    assert r.phase_start[0, 1] == 5
    assert r.phase_online[0, 1] == 7
    assert_array_equal(r.capex_mcny[0, :, 0], series({5: 7, 6: 0}))
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({0: 10, 7: 30}))


def test_utilisation_trigger_needs_consecutive_months():
    # y: 5 from 2024-01; x: 4 in 2024-03..2024-04 (2, 3); z: 4 from 2024-06 (5)
    # utilisation 0.5, 0.5, 0.9, 0.9, 0.5, 0.9, 0.9, 0.9 -> runs 0 0 1 2 0 1 2 3
    # the run of 3 completes in month 7 -> start 8, online 10
    r = run([{"id": "a", "phases": [operating({"ai": 10}), TRIGGERED]}],
            [{"id": "y", "from": "2024-01", "demand": {"ai": 5}},
             {"id": "x", "from": "2024-03", "until": "2024-04", "demand": {"ai": 4}},
             {"id": "z", "from": "2024-06", "demand": {"ai": 4}}])
    assert_allclose(r.utilization[0, :8, 0, AI], [.5, .5, .9, .9, .5, .9, .9, .9])
    assert r.phase_start[0, 1] == 8
    assert r.phase_online[0, 1] == 10


def test_utilisation_trigger_does_not_start_before_the_phase_start():
    # utilisation 0.9 from month 2: the run is complete at month 4, but `start: 2024-12` (11)
    # holds construction back until month 11; online 13
    r = run([{"id": "a", "phases": [operating({"ai": 10}), {**TRIGGERED, "start": "2024-12"}]}],
            [{"id": "x", "from": "2024-03", "demand": {"ai": 9}}])
    assert r.phase_start[0, 1] == 11
    assert r.phase_online[0, 1] == 13


def test_utilisation_trigger_never_fires_at_or_below_the_level():
    # utilisation exactly 0.8 is not above 0.8
    r = run([{"id": "a", "phases": [operating({"ai": 10}), TRIGGERED]}],
            [{"id": "x", "from": "2024-01", "demand": {"ai": 8}}])
    assert r.phase_start[0, 1] == INF
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({0: 10}))


# ---------------------------------------------------------------- phases: retirement
def test_retire_stops_counting_at_its_month():
    # retire 2024-04 (3): counts in months 0, 1, 2 only
    r = run([{"id": "a", "phases": [operating({"ai": 10}, retire="2024-04")]}])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({0: 10, 3: 0}))


def test_lifetime_counts_that_many_months_from_online():
    # start 2024-02 (1) + build 2 -> online 3; lifetime 5 -> months 3..7, gone from 8
    r = run([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-02",
                                      "build_months": 2, "lifetime_months": 5}]}])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({3: 10, 8: 0}))


# ---------------------------------------------------------------- tenants
AMPLE = [{"id": "a", "phases": [operating({"ai": 1000, "hpc": 1000})]}]


def test_ramp_rises_linearly_from_the_first_month():
    # full 8, ramp 4, from 2024-02 (1): k = 0, 1, 2, 3, 4 -> min(1, (k+1)/4) x 8 = 2, 4, 6, 8, 8
    r = run(AMPLE, [{"id": "x", "from": "2024-02", "ramp_months": 4, "demand": {"ai": 8}}])
    assert_allclose(r.demand_p[0, :7, AI], [0, 2, 4, 6, 8, 8, 8])
    assert_allclose(r.served_p[0, :7, 0, AI], [0, 2, 4, 6, 8, 8, 8])


def test_growth_compounds_per_year_applied_monthly():
    # 10 x 1.21^(k/12): k = 6 -> 10 x 1.1 = 11; k = 12 -> 12.1; k = 18 -> 10 x 1.331 = 13.31
    r = run(AMPLE, [{"id": "x", "from": "2024-01", "growth": "21%", "demand": {"ai": 10}}])
    d = r.demand_p[0, :, AI]
    assert_allclose([d[0], d[6], d[12], d[18]], [10, 11, 12.1, 13.31], rtol=1e-12)
    assert_allclose(d, 10 * 1.21 ** (np.arange(24) / 12), rtol=1e-12)


def test_ramp_and_growth_multiply():
    # ramp 2, 21 %: k = 0 -> 0.5 x 10 = 5; k = 1 -> 1 x 10 x 1.21^(1/12); k = 12 -> 12.1
    r = run(AMPLE, [{"id": "x", "from": "2024-01", "ramp_months": 2, "growth": 0.21,
                     "demand": {"ai": 10}}])
    d = r.demand_p[0, :, AI]
    assert_allclose([d[0], d[1], d[12]], [5, 10 * 1.21 ** (1 / 12), 12.1], rtol=1e-12)


def test_until_is_the_last_month_of_demand():
    # from 2024-02 (1) until 2024-06 (5), inclusive
    r = run(AMPLE, [{"id": "x", "from": "2024-02", "until": "2024-06", "demand": {"hpc": 3}}])
    assert_array_equal(r.demand_p[0, :, HPC], series({1: 3, 6: 0}))


def test_a_certain_negotiation_demands_from_its_one_month_window():
    r = run(AMPLE, [{"id": "x", "status": "negotiating", "probability": 1.0,
                     "sign": {"earliest": "2024-05", "latest": "2024-05"}, "demand": {"ai": 4}}])
    assert r.tenant_signed_at[0, 0] == 4
    assert_array_equal(r.demand_p[0, :, AI], series({4: 4}))


def test_a_hopeless_negotiation_never_demands():
    r = run(AMPLE, [{"id": "x", "status": "negotiating", "probability": 0,
                     "sign": {"earliest": "2024-05", "latest": "2024-08"}, "demand": {"ai": 4}}])
    assert r.tenant_signed_at[0, 0] == INF
    assert not r.demand_p.any()


def test_count_is_that_many_alike_tenants():
    # 3 x (1 ai + 2 hpc)
    r = run(AMPLE, [{"id": "x", "from": "2024-01", "count": 3, "demand": {"ai": 1, "hpc": 2}}])
    assert_array_equal(r.demand_p[0, 0], [3, 6])
    assert_array_equal(r.tenant_demand_p[0, 0], [3, 6])  # summed per entry


# ---------------------------------------------------------------- scheduling
# installed ai 50, max_utilization 0.8 -> usable 40; a wants 30, b wants 20 (50 > 40)
SHARED = [{"id": "f", "phases": [operating({"ai": 50})]}]


def _two(policy, a_from="2024-01", b_from="2024-01"):
    return run(SHARED, [{"id": "a", "from": a_from, "demand": {"ai": 30}},
                        {"id": "b", "from": b_from, "demand": {"ai": 20}}],
               scheduling={"policy": policy, "max_utilization": 0.8})


def test_priority_serves_in_file_order_when_signed_together():
    # a first: 30 of 30; b: 40 - 30 = 10 of 20; unmet 10; utilisation 40 / 50 = 0.8
    r = _two("priority")
    assert_allclose(r.tenant_served_p[0, :, AI], [30, 10])
    assert r.unmet_p[0, 0, AI] == pytest.approx(10)
    assert r.served_p[0, 0, 0, AI] == pytest.approx(40)
    assert r.utilization[0, 0, 0, AI] == pytest.approx(0.8)


def test_priority_serves_the_earlier_signing_first():
    # b signed 2023-06, before a (2024-01): b 20 of 20, a 40 - 20 = 20 of 30
    r = _two("priority", b_from="2023-06")
    assert_allclose(r.tenant_served_p[0, :, AI], [20, 20])


def test_proportional_gives_everyone_the_same_fraction():
    # 40 / 50 = 0.8 of each: a 24, b 16
    r = _two("proportional")
    assert_allclose(r.tenant_served_p[0, :, AI], [24, 16])
    assert r.unmet_p[0, 0, AI] == pytest.approx(10)


TWO_SITES = [{"id": "a", "phases": [operating({"ai": 10})]},
             {"id": "b", "phases": [operating({"ai": 30})]}]


def test_pinned_first_then_unpinned_in_proportion_to_what_is_left():
    # q (unpinned, signed earlier) wants 20; p pinned to a wants 6 (served first, from a)
    # left: a 10 - 6 = 4, b 30 -> q's 20 spread 4/34 and 30/34: a 80/34, b 600/34
    r = run(TWO_SITES, [{"id": "q", "from": "2023-01", "demand": {"ai": 20}},
                        {"id": "p", "from": "2024-01", "facility": "a", "demand": {"ai": 6}}])
    assert_allclose(r.tenant_served_p[0, :, AI], [20, 6])
    assert_allclose(r.served_p[0, 0, :, AI], [6 + 80 / 34, 600 / 34])


def test_a_pinned_tenant_is_not_served_from_another_facility():
    # p pinned to a wants 15: only a's 10; q gets 20 of b's 30; unmet 5 although b has 10 idle
    r = run(TWO_SITES, [{"id": "q", "from": "2024-01", "demand": {"ai": 20}},
                        {"id": "p", "from": "2024-01", "facility": "a", "demand": {"ai": 15}}])
    assert_allclose(r.tenant_served_p[0, :, AI], [20, 10])
    assert_allclose(r.served_p[0, 0, :, AI], [10, 20])
    assert r.unmet_p[0, 0, AI] == pytest.approx(5)


def test_demand_of_a_type_no_facility_offers_is_unmet():
    # hpc 5 wanted, no hpc anywhere: demand 5, served 0, unmet 5 (served + unmet = demand)
    r = run([{"id": "a", "phases": [operating({"ai": 10})]}],
            [{"id": "x", "from": "2024-01", "demand": {"hpc": 5}}])
    assert r.demand_p[0, 0, HPC] == 5
    assert r.unmet_p[0, 0, HPC] == 5


def test_demand_pinned_to_a_facility_without_its_type_is_unmet():
    r = run([{"id": "a", "phases": [operating({"ai": 10})]},
             {"id": "b", "phases": [operating({"hpc": 10})]}],
            [{"id": "x", "from": "2024-01", "facility": "a", "demand": {"hpc": 5}}])
    assert r.demand_p[0, 0, HPC] == 5
    assert r.unmet_p[0, 0, HPC] == 5


# ---------------------------------------------------------------- churn
CHURN = [{"id": "f", "phases": [operating({"ai": 10})]}]


def test_a_tenant_short_for_n_consecutive_months_is_gone_the_next_month():
    # a 8 from 2024-01; b 5 from 2024-02 gets 10 - 8 = 2, short in months 1, 2, 3
    # leave after 3 -> b is gone from month 4: demand 13 in 1..3, 8 from 4
    r = run(CHURN, [{"id": "a", "from": "2024-01", "demand": {"ai": 8}},
                    {"id": "b", "from": "2024-02", "demand": {"ai": 5}}],
            scheduling={"leave_after_unserved_months": 3})
    assert_array_equal(r.demand_p[0, :, AI], series({0: 8, 1: 13, 4: 8}))
    assert_array_equal(r.tenant_left_at[0], [INF, 4])
    assert_array_equal(r.kpis()["tenants_lost"][0], [1, 0])  # one ai tenant lost


def test_a_shortage_that_ends_in_time_keeps_the_tenant():
    # as above, but ai +10 online 2024-03 (2): b is short in months 1 only -> stays
    r = run([{"id": "f", "phases": [operating({"ai": 10}), operating({"ai": 10}, "2024-03")]}],
            [{"id": "a", "from": "2024-01", "demand": {"ai": 8}},
             {"id": "b", "from": "2024-02", "demand": {"ai": 5}}],
            scheduling={"leave_after_unserved_months": 2})
    assert_array_equal(r.tenant_left_at[0], [INF, INF])
    assert r.demand_p[0, -1, AI] == 13


def test_without_leave_after_nobody_leaves():
    r = run(CHURN, [{"id": "a", "from": "2024-01", "demand": {"ai": 8}},
                    {"id": "b", "from": "2024-02", "demand": {"ai": 5}}])
    assert_array_equal(r.tenant_left_at[0], [INF, INF])
    assert r.unmet_p[0, -1, AI] == pytest.approx(3)


# ---------------------------------------------------------------- events
SHOCK = {"id": "controls", "probability": 1.0, "window": {"from": "2024-05", "to": "2024-05"},
         "delay": {"types": ["ai"], "months": 3}}


def test_an_event_delays_only_phases_of_its_types_not_yet_online():
    # the shock hits in 2024-05 (4) and delays ai phases not yet online by exactly 3 months
    r = run([{"id": "a", "phases": [
        operating({"ai": 10}, "2024-03"),                                   # online 2: untouched
        {"capacity": {"ai": 10}, "start": "2024-02", "build_months": 6},    # online 7 -> 10
        {"capacity": {"hpc": 10}, "start": "2024-02", "build_months": 6},   # other type: 7
        operating({"ai": 5}, "2024-09"),                                    # fixed 8 -> 11
        operating({"ai": 1}, "2024-05"),                  # online in the shock's month: 4
    ]}], events=[SHOCK])
    assert r.event_at[0, 0] == 4
    assert_array_equal(r.phase_online[0], [2, 10, 7, 11, 4])
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({2: 10, 4: 11, 10: 21, 11: 26}))
    assert_array_equal(r.capacity_p[0, :, 0, HPC], series({7: 10}))


def test_an_event_delay_counts_whole_months():
    # a drawn delay of 2.3 months postpones by ceil(2.3) = 3 months: online 7 -> 10
    shock = {**SHOCK, "delay": {"types": ["ai"], "months": {"min": 2.3, "mode": 2.3, "max": 2.3}}}
    r = run([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-02",
                                      "build_months": 6}]}], events=[shock])
    assert r.phase_online[0, 0] == 10


def test_an_event_with_probability_0_changes_nothing():
    r = run([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-02",
                                      "build_months": 6}]}], events=[{**SHOCK, "probability": 0}])
    assert r.event_at[0, 0] == INF
    assert r.phase_online[0, 0] == 7


def test_an_event_delays_a_phase_waiting_for_a_delayed_predecessor_once():
    # p1 building, online 4 (2024-05); p2 after p1, build 3 -> online 7 without the event.
    # The shock in 2024-02 (1) delays both, each not yet online, by 2: p1 online 6; p2 then
    # starts at 6 and is online at 9 = 7 + 2 ("delays by one drawn number of months")
    r = run([{"id": "a", "phases": [
        {"id": "p1", "capacity": {"ai": 10}, "start": "2024-01", "build_months": 4},
        {"id": "p2", "capacity": {"ai": 10}, "after": "p1", "build_months": 3}]}],
        events=[{**SHOCK, "window": {"from": "2024-02", "to": "2024-02"},
                 "delay": {"types": ["ai"], "months": 2}}])
    assert r.phase_online[0, 0] == 6
    assert r.phase_online[0, 1] == 9


def test_an_event_before_start_delays_phases_not_yet_online_then():
    # the shock hits 2023-06 (-7) with a 3-month delay; a phase online 2023-12 (-1) was not yet
    # online then: it moves to 2024-03 (2), so nothing is installed in months 0 and 1
    r = run([{"id": "a", "phases": [operating({"ai": 10}, "2023-12")]}],
            events=[{**SHOCK, "window": {"from": "2023-06", "to": "2023-06"}}])
    assert r.phase_online[0, 0] == 2
    assert_array_equal(r.capacity_p[0, :, 0, AI], series({2: 10}))


# ---------------------------------------------------------------- targets
def _targets():
    # ai: 60 operating + 50 online 2024-04 (3) -> 110 from month 3
    # hpc: 20 operating + 30 online 2024-09 (8) -> 50 from month 8
    return engine_scenario(
        [{"id": "a", "phases": [operating({"ai": 60, "hpc": 20}),
                                operating({"ai": 50}, "2024-04"),
                                operating({"hpc": 30}, "2024-09")]}],
        targets=[{"type": "ai", "capacity": 100, "by": "2024-06"},     # met in 3 <= 5
                 {"type": "hpc", "capacity": 50, "by": "2024-06"},     # met in 8 > 5: late
                 {"type": "ai", "capacity": 500, "by": "2025-12"}])    # never


def test_target_month_met_met_and_gap_at_the_deadline():
    out = simulate(_targets(), 0).target_outcomes()
    assert_array_equal(out["month_met"][0], [3, 8, INF])
    assert_array_equal(out["met"][0], [True, False, False])
    # capacity at by: ai 110 at 2024-06; hpc 20 at 2024-06; ai 110 at 2025-12
    assert_array_equal(out["capacity_p"][0], [110, 20, 110])
    # gap = target - capacity at by: 100 - 110, 50 - 20, 500 - 110
    assert_array_equal(out["gap_p"][0], [-10, 30, 390])


def test_target_table_of_a_deterministic_scenario():
    table = run_ensemble(_targets(), 3, 0).targets.set_index("target")
    assert list(table.index) == ["ai-2024-06", "hpc-2024-06", "ai-2025-12"]
    assert list(table["probability_met"]) == [1.0, 0.0, 0.0]
    assert list(table["month_met_p50"][:2]) == ["2024-04", "2024-09"]
    assert pd.isna(table["month_met_p50"].iloc[2])  # never met within the horizon
    assert list(table["gap_p50"]) == [-10, 30, 390]
    assert list(table["capacity_p50"]) == [110, 20, 110]


def test_a_target_met_exactly_at_its_deadline_counts():
    s = engine_scenario([{"id": "a", "phases": [operating({"ai": 100}, "2024-06")]}],
                        targets=[{"type": "ai", "capacity": 100, "by": "2024-06"}])
    out = simulate(s, 0).target_outcomes()
    assert out["month_met"][0, 0] == 5 and out["met"][0, 0]


# ---------------------------------------------------------------- economics
def _economics():
    # a: own PUE 1.25; ai 100 operating; ai 50 built 2024-03 (2) + 4 -> online 6, capex
    #    50 x 2 = 100 spent in month 2; hpc 10 starting 2024-02 (1), capex 42 in month 1, never
    #    online within 2024
    # b: default PUE 1.3, own electricity price 0.6; hpc 4 operating, no demand
    # tenant x: ai 60 all year, max_utilization 0.9 (usable 90 then 135: always fully served)
    return engine_scenario(
        [{"id": "a", "pue": 1.25, "phases": [
            operating({"ai": 100}),
            {"capacity": {"ai": 50}, "start": "2024-03", "build_months": 4},
            {"capacity": {"hpc": 10}, "start": "2024-02", "build_months": 30, "capex": 42}]},
         {"id": "b", "electricity_price": 0.6, "phases": [operating({"hpc": 4})]}],
        [{"id": "x", "from": "2024-01", "demand": {"ai": 60}}],
        end="2024-12",
        defaults={"pue": 1.3, "power_kw_per_p": {"ai": 3.0, "hpc": 25},
                  "electricity_price": 0.5, "idle_share": 0.3,
                  "price_per_p_month": {"ai": 20000}, "capex_per_p": {"ai": 2}},
        scheduling={"max_utilization": 0.9})


def test_power_energy_cost_and_revenue_of_a_month():
    r = simulate(_economics(), 0)
    # month 0, a/ai: IT 100 P x 3 kW/P = 300 kW; site 300 x 1.25 = 375 kW = 0.375 MW
    # utilisation 60 / 100 = 0.6; energy 300 x (0.3 + 0.7 x 0.6) x 1.25 x 730 h = 197 100 kWh
    # = 197.1 MWh; cost 197 100 kWh x 0.5 CNY = 98 550 CNY = 0.09855 million CNY
    # revenue 60 P-months x 20 000 CNY = 1.2 million CNY
    assert r.power_mw[0, 0, 0, AI] == pytest.approx(0.375)
    assert r.energy_mwh[0, 0, 0, AI] == pytest.approx(197.1)
    assert r.energy_cost_mcny[0, 0, 0, AI] == pytest.approx(0.09855)
    assert r.revenue_mcny[0, 0, 0, AI] == pytest.approx(1.2)
    # month 6, a/ai: 150 P installed, utilisation 0.4: site 450 x 1.25 = 562.5 kW;
    # energy 450 x (0.3 + 0.7 x 0.4) x 1.25 x 730 = 238 162.5 kWh = 238.1625 MWh
    assert r.power_mw[0, 6, 0, AI] == pytest.approx(0.5625)
    assert r.energy_mwh[0, 6, 0, AI] == pytest.approx(238.1625)
    assert r.energy_cost_mcny[0, 6, 0, AI] == pytest.approx(0.11908125)
    # b/hpc idle: IT 4 x 25 = 100 kW; site 130 kW; energy 100 x 0.3 x 1.3 x 730 = 28 470 kWh
    # = 28.47 MWh; cost 28 470 x 0.6 = 17 082 CNY
    assert r.power_mw[0, 0, 1, HPC] == pytest.approx(0.13)
    assert r.energy_mwh[0, 0, 1, HPC] == pytest.approx(28.47)
    assert r.energy_cost_mcny[0, 0, 1, HPC] == pytest.approx(0.017082)
    assert r.revenue_mcny[0, :, 1, HPC].sum() == 0  # no price for hpc
    # a/hpc is under construction all year: no power, no energy
    assert not r.power_mw[0, :, 0, HPC].any() and not r.energy_mwh[0, :, 0, HPC].any()


def test_capex_is_spent_in_the_month_construction_starts():
    r = simulate(_economics(), 0)
    # a: 42 (hpc, explicit) in 2024-02 (1); 50 P x 2 million CNY/P = 100 in 2024-03 (2)
    assert_array_equal(r.capex_mcny[0, :, 0], series({1: 42, 2: 100, 3: 0}, 12))
    assert not r.capex_mcny[0, :, 1].any()


def test_kpis_of_the_economics_year():
    k = simulate(_economics(), 0).kpis()
    # energy: a/ai 6 x 197.1 + 6 x 238.1625 = 2611.575; b/hpc 12 x 28.47 = 341.64
    assert k["energy_mwh"][0] == pytest.approx(2611.575 + 341.64)
    # cost: 2611.575 x 0.5 / 1000 + 341.64 x 0.6 / 1000 = 1.3057875 + 0.204984
    assert k["electricity_cost_mcny"][0] == pytest.approx(1.3057875 + 0.204984)
    assert k["revenue_mcny"][0] == pytest.approx(12 * 1.2)
    assert k["capex_mcny"][0] == pytest.approx(142)
    # peak site power from month 6: 0.5625 + 0.13
    assert k["peak_site_power_mw"][0] == pytest.approx(0.6925)
    # ai: 720 P-months served of 6 x 100 + 6 x 150 = 1500 installed -> 0.48, 780 idle
    # hpc: 48 installed P-months (b), nothing served
    assert_allclose(k["served_p_months"][0], [720, 0])
    assert_allclose(k["demand_p_months"][0], [720, 0])
    assert_allclose(k["mean_utilization"][0], [0.48, 0])
    assert_allclose(k["idle_p_months"][0], [780, 48])
    assert_allclose(k["unmet_p_months"][0], [0, 0])
    assert_allclose(k["tenants_lost"][0], [0, 0])


def test_unmet_kpis_count_p_months_and_the_peak():
    # priority case: unmet 10 every month of 24 -> 240 P-months, peak 10
    k = _two("priority").kpis()
    assert k["unmet_p_months"][0, AI] == pytest.approx(240)
    assert k["peak_unmet_p"][0, AI] == pytest.approx(10)
