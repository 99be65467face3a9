"""Cross-field checks on scenario dicts: each bad input gives its one rendered line."""

from __future__ import annotations

import copy

import pytest

from simulator import ScenarioError, scenario_from_dict
from simulator.units import parse_month

# A small valid scenario: two facilities (phases with and without ids), a signed and a
# negotiating tenant, one event. Each case below changes a few fields of a copy.
BASE = {
    "name": "checks",
    "start": "2024-01",
    "end": "2025-12",
    "compute_types": {"ai": {"label": "AI"}, "hpc": {"label": "HPC"}},
    "targets": [{"type": "ai", "capacity": "100P", "by": "2025-06"}],
    "defaults": {"power_kw_per_p": {"ai": 3, "hpc": 25}},
    "facilities": [
        {"id": "nacic", "name": "Innovation center", "phases": [
            {"capacity": {"ai": "50P"}, "online": "2024-01"},
            {"id": "big", "capacity": {"ai": "100P"}, "start": "2024-03", "build_months": 6,
             "after": "p1"},
        ]},
        {"id": "baidu", "name": "Baidu", "phases": [
            {"capacity": {"hpc": "10P"}, "online": "2024-06"},
        ]},
    ],
    "tenants": [
        {"id": "sugon", "name": "Sugon", "demand": {"ai": "10P"}, "from": "2024-02"},
        {"id": "ctrip", "name": "Ctrip", "status": "negotiating", "probability": 0.5,
         "sign": {"earliest": "2024-03", "latest": "2024-09"}, "demand": {"ai": "5P"}},
    ],
    "events": [{"id": "export", "probability": 0.5, "window": {"from": "2024-01", "to": "2024-06"},
                "delay": {"types": ["ai"], "months": 3}}],
}
DELETE = object()


def changed(edits: dict[str, object]) -> dict:
    """A copy of BASE with each dotted path ('facilities.0.phases.1.after') set or deleted."""
    data = copy.deepcopy(BASE)
    for path, value in edits.items():
        *parents, last = [int(s) if s.isdigit() else s for s in path.split(".")]
        node = data
        for seg in parents:
            node = node[seg]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return data


def problems(data) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return info.value.lines()


def test_base_is_valid_and_quiet():
    warnings = []
    scenario = scenario_from_dict(BASE, warnings)
    assert warnings == []
    assert scenario.months == 24
    assert [p.id for p in scenario.facilities[0].phases] == ["p1", "big"]
    assert scenario.facilities[0].phases[1].online is None


@pytest.mark.parametrize("edits, expected", [
    # -- compute types
    pytest.param({"facilities.0.phases.0.capacity": {"gpu": "50P"}},
                 ["facilities.nacic.phases.p1.capacity.gpu: compute type 'gpu' is not declared "
                  "in compute_types (declared: ai, hpc)"], id="undeclared-type-in-phase"),
    pytest.param({"tenants.0.demand": {"ia": "10P"}},
                 ["tenants.sugon.demand.ia: compute type 'ia' is not declared in compute_types "
                  "(did you mean 'ai'?)"], id="undeclared-type-suggests"),
    pytest.param({"tenants.0.demand": {"AI": "10P"}},
                 ["tenants.sugon.demand.AI: compute type 'AI' is not declared in compute_types "
                  "(did you mean 'ai'?)"], id="undeclared-type-case"),
    pytest.param({"targets.0.type": "hcp"},
                 ["targets[0].type: compute type 'hcp' is not declared in compute_types "
                  "(did you mean 'hpc'?)"], id="undeclared-type-in-target"),
    pytest.param({"events.0.delay.types": ["ai", "npu"]},
                 ["events.export.delay.types[1]: compute type 'npu' is not declared in "
                  "compute_types (declared: ai, hpc)"], id="undeclared-type-in-event"),
    pytest.param({"defaults.power_kw_per_p": {"ai": 3, "hpc": 25, "cpu": 10}},
                 ["defaults.power_kw_per_p.cpu: compute type 'cpu' is not declared in "
                  "compute_types (declared: ai, hpc)"], id="undeclared-type-in-economics"),
    # -- ids
    pytest.param({"facilities.1.id": "nacic"},
                 ["facilities.nacic: duplicate facility id 'nacic' (ids must be unique)"],
                 id="duplicate-facility"),
    pytest.param({"tenants.1.id": "sugon"},
                 ["tenants.sugon: duplicate tenant id 'sugon' (ids must be unique)"],
                 id="duplicate-tenant"),
    pytest.param({"facilities.0.phases.1.id": "p1", "facilities.0.phases.1.after": DELETE,
                  "facilities.0.phases.1.start": "2024-03"},
                 ["facilities.nacic.phases.p1: duplicate phase id 'p1' (ids must be unique)"],
                 id="duplicate-phase-with-implicit-id"),
    pytest.param({"targets": BASE["targets"] * 2},
                 ["targets[1]: duplicate target id 'ai-2025-06' (ids must be unique)"],
                 id="duplicate-target"),
    pytest.param({"events": [BASE["events"][0]] * 2},
                 ["events.export: duplicate event id 'export' (ids must be unique)"],
                 id="duplicate-event"),
    # -- after
    pytest.param({"facilities.0.phases.1.after": "p9"},
                 ["facilities.nacic.phases.big.after: 'after' names no phase: 'p9' (phases of "
                  "nacic: p1, big; another facility's as 'facility.phase')"],
                 id="after-names-nothing"),
    pytest.param({"facilities.0.phases.1.after": "baidu.p2"},
                 ["facilities.nacic.phases.big.after: 'after' names no phase: 'baidu.p2' "
                  "(did you mean 'baidu.p1'?)"], id="after-other-facility-suggests"),
    pytest.param({"facilities.0.phases.1.after": "big"},
                 ["facilities.nacic.phases.big.after: 'after' forms a cycle: nacic.big -> "
                  "nacic.big (a phase cannot wait for itself)"], id="after-itself"),
    pytest.param({"facilities.1.phases": [
        {"id": "a", "capacity": {"hpc": 1}, "start": "2024-01", "build_months": 2, "after": "b"},
        {"id": "b", "capacity": {"hpc": 1}, "start": "2024-01", "build_months": 2,
         "after": "nacic.big"},
    ], "facilities.0.phases.1.after": "baidu.a"},
                 ["facilities.nacic.phases.big.after: 'after' forms a cycle: nacic.big -> "
                  "baidu.a -> baidu.b -> nacic.big (so none of them can start: drop one "
                  "'after')"], id="after-cycle-across-facilities"),
    # -- horizon and order
    pytest.param({"targets.0.by": "2026-12"},
                 ["targets[0].by: deadline 2026-12 is outside the horizon 2024-01..2025-12 "
                  "(move 'by' or widen start/end)"], id="target-after-end"),
    pytest.param({"targets.0.by": "2023-12"},
                 ["targets[0].by: deadline 2023-12 is outside the horizon 2024-01..2025-12 "
                  "(move 'by' or widen start/end)"], id="target-before-start"),
    pytest.param({"end": "2023-12", "targets": []},
                 ["end: end 2023-12 is before start 2024-01"], id="end-before-start"),
    pytest.param({"tenants.1.sign": {"earliest": "2024-09", "latest": "2024-03"}},
                 ["tenants.ctrip.sign: sign window is reversed: latest 2024-03 is before "
                  "earliest 2024-09"], id="reversed-sign-window"),
    pytest.param({"events.0.window": {"from": "2024-06", "to": "2024-01"}},
                 ["events.export.window: window ends (2024-01) before it begins (2024-06)"],
                 id="reversed-event-window"),
    pytest.param({"tenants.0.until": "2024-01"},
                 ["tenants.sugon.until: 'until' 2024-01 is before the first month of demand "
                  "2024-02"], id="until-before-from"),
    # -- phases
    pytest.param({"facilities.1.phases.0.online": DELETE},
                 ["facilities.baidu.phases.p1: the phase has neither 'online' nor 'start' (add "
                  "online: YYYY-MM, or start: YYYY-MM with build_months)"], id="phase-no-date"),
    pytest.param({"facilities.0.phases.1.build_months": DELETE},
                 ["facilities.nacic.phases.big: a phase that is built needs 'build_months' (e.g. "
                  "build_months: 12 or {min: 9, mode: 12, max: 15})"], id="built-no-duration"),
    pytest.param({"facilities.1.phases.0.start": "2024-01"},
                 ["facilities.baidu.phases.p1: give either 'online' or a construction start "
                  "('start', 'after', 'start_when'), not both"], id="online-and-start"),
    # -- values
    pytest.param({"tenants.1.probability": 1.5},
                 ["tenants.ctrip.probability: must be <= 1, got 1.5"], id="probability-above-1"),
    pytest.param({"events.0.probability": "-10%"},
                 ["events.export.probability: must be >= 0, got '-10%'"],
                 id="probability-below-0"),
    pytest.param({"facilities.0.phases.0.capacity.ai": "0P"},
                 ["facilities.nacic.phases.p1.capacity.ai: must be > 0, got '0P'"],
                 id="zero-capacity"),
    pytest.param({"targets.0.capacity": -100},
                 ["targets[0].capacity: must be > 0, got -100"], id="negative-target"),
    pytest.param({"tenants.0.demand.ai": "-1P"},
                 ["tenants.sugon.demand.ai: must be >= 0, got '-1P'"], id="negative-demand"),
    # -- tenants
    pytest.param({"tenants.0.facility": "nacik"},
                 ["tenants.sugon.facility: pinned to an unknown facility 'nacik' (did you mean "
                  "'nacic'?)"], id="pin-unknown-suggests"),
    pytest.param({"tenants.0.facility": "zzz"},
                 ["tenants.sugon.facility: pinned to an unknown facility 'zzz' (facilities: "
                  "nacic, baidu)"], id="pin-unknown-lists"),
    pytest.param({"tenants.1.probability": DELETE},
                 ["tenants.ctrip: a negotiating tenant needs 'probability' (the chance the deal "
                  "is signed, e.g. probability: 0.5)"], id="negotiating-no-probability"),
    pytest.param({"tenants.0.probability": 0.5},
                 ["tenants.sugon.probability: 'probability' applies to negotiating tenants only "
                  "(remove it or set status: negotiating)"], id="signed-with-probability"),
    # -- keys
    pytest.param({"scheduling": {"polcy": "priority"}},
                 ["scheduling.polcy: unknown key 'polcy' (did you mean 'policy'?)"],
                 id="unknown-key-suggests"),
    pytest.param({"facilities.0.phases.1.build_months": {"min": 1, "mode": 2, "max": 3, "avg": 2}},
                 ["facilities.nacic.phases.big.build_months.avg: unknown key 'avg' (known keys: "
                  "min, mode, max)"], id="unknown-key-lists"),
    pytest.param({"compute_types.a b": {"label": "x"}},
                 ["compute_types.'a b': 'a b' is not a valid id: use letters, digits, '-' and '_', "
                  "starting with a letter or digit"], id="bad-type-id"),
    pytest.param({"scheduling": {"policy": "fifo"}},
                 ["scheduling.policy: must be one of 'priority' or 'proportional', got 'fifo'"],
                 id="unknown-policy"),
    pytest.param({"scheduling": {"max_utilisation": 0.9, "policy": "priority"},
                  "events.0.window": {"from": "2024-01", "ot": "2024-06"}},
                 ["scheduling.max_utilisation: unknown key 'max_utilisation' (did you mean "
                  "'max_utilization'?)",
                  "events.export.window.ot: unknown key 'ot', and the required 'to' is missing "
                  "(did you mean 'to'?)"], id="typo-of-a-required-key-is-one-line"),
    pytest.param({"events.0.window": {"from": "2024-01", "until": "2024-06"}},
                 ["events.export.window.until: unknown key 'until', and the required 'to' is "
                  "missing"], id="lone-unknown-beside-lone-missing-is-one-line"),
    pytest.param({"facilities.1.name": DELETE, "facilities.1.operater": "x",
                  "facilities.1.phases.0.onlin": "2024-06"},
                 ["facilities.baidu.phases.p1.onlin: unknown key 'onlin' (did you mean "
                  "'online'?)",
                  "facilities.baidu.operater: unknown key 'operater', and the required 'name' is "
                  "missing"], id="unrelated-pair-shares-a-line-without-a-guess"),
    pytest.param({"facilities.1.phases.0.capacity": {}},
                 ["facilities.baidu.phases.p1.capacity: needs the capacity of at least one "
                  "compute type (e.g. capacity: {ai: 50P})"], id="phase-without-capacity"),
    pytest.param({"name": None}, ["name: must be text, got nothing (null) (write a value after "
                                  "the ':')"], id="null-for-text"),
    pytest.param({"tenants.0.id": True}, ["tenants[0].id: must be text, got true (quote it if it "
                                          "is text: 'true')"], id="bool-for-text"),
    pytest.param({"events.0.delay.types": "ai"},
                 ["events.export.delay.types: must be a list, got 'ai' (for a list of one, write "
                  "[ai])"], id="text-for-list"),
    pytest.param({"end": "2023-06"}, ["end: end 2023-06 is before start 2024-01"],
                 id="end-before-start-alone"),  # not also every target 'outside the horizon'
    # -- all at once
    pytest.param({"targets.0.by": "2027-01", "tenants.0.facility": "zzz",
                  "facilities.0.phases.1.after": "p9"},
                 ["targets[0].by: deadline 2027-01 is outside the horizon 2024-01..2025-12 "
                  "(move 'by' or widen start/end)",
                  "facilities.nacic.phases.big.after: 'after' names no phase: 'p9' (phases of "
                  "nacic: p1, big; another facility's as 'facility.phase')",
                  "tenants.sugon.facility: pinned to an unknown facility 'zzz' (facilities: "
                  "nacic, baidu)"], id="three-problems-at-once"),
])
def test_invalid_gives_rendered_lines(edits, expected):
    assert problems(changed(edits)) == expected


def test_cross_checks_wait_for_valid_fields():
    # Cross-checks need a whole Scenario: with a field error present, an undeclared compute type
    # elsewhere is reported only once the field error is fixed.
    data = changed({"scheduling": {"polcy": "priority"}, "tenants.0.demand": {"gpu": "1P"}})
    assert problems(data) == ["scheduling.polcy: unknown key 'polcy' (did you mean 'policy'?)"]


@pytest.mark.parametrize("edits, expected", [
    pytest.param({"facilities.1.phases.0.online": "2026-03"},
                 ["facilities.baidu.phases.p1: comes online at 2026-03 at the earliest, after the "
                  "end 2025-12; it never counts"], id="online-after-end"),
    pytest.param({"facilities.0.phases.1.start": "2025-09", "facilities.0.phases.1.build_months":
                  {"min": 4, "mode": 6, "max": 9}},
                 ["facilities.nacic.phases.big: comes online at 2026-01 at the earliest, after the "
                  "end 2025-12; it never counts"], id="built-after-end"),
    pytest.param({"tenants.0.growth": 15},
                 ["tenants.sugon.growth: growth 15 is 1500% a year (for 15% write 15%)"],
                 id="growth-as-bare-percent"),
    pytest.param({"tenants.0.facility": "baidu"},
                 ["tenants.sugon.demand.ai: demand of type 'ai' can never be served: facility "
                  "'baidu' has none"], id="pinned-demand-unservable"),
    pytest.param({"compute_types.quantum": {"label": "Q"}, "tenants.0.demand.quantum": "2P"},
                 ["tenants.sugon.demand.quantum: demand of type 'quantum' can never be served: "
                  "no facility has any"], id="demand-nobody-offers"),  # and no power warning
])
def test_suspicious_input_warns_but_loads(edits, expected):
    warnings = []
    scenario_from_dict(changed(edits), warnings)
    assert [w.render() for w in warnings] == expected


@pytest.mark.parametrize("edits, check", [
    pytest.param({"start": "2024-01-15"}, lambda s: s.start == parse_month("2024-01"),
                 id="day-ignored"),
    pytest.param({"facilities.0.phases.1.after": "nacic.p1"},
                 lambda s: s.facilities[0].phases[1].after == "nacic.p1", id="after-qualified"),
    pytest.param({"tenants.0.growth": "15%"}, lambda s: s.tenants[0].growth == 0.15,
                 id="growth-percent"),
    pytest.param({"targets.0.capacity": "1.2E"}, lambda s: s.targets[0].capacity == 1200,
                 id="capacity-E"),
    pytest.param({"events.0.probability": 0, "tenants.1.probability": 1},
                 lambda s: s.events[0].probability == 0, id="probability-bounds"),
    pytest.param({"facilities.1.phases.0.capacity.hpc": "800T"},
                 lambda s: s.facilities[1].phases[0].capacity["hpc"] == pytest.approx(0.8),
                 id="capacity-T"),
])
def test_valid_variants(edits, check):
    assert check(scenario_from_dict(changed(edits)))


@pytest.mark.parametrize("data, expected", [
    pytest.param([], ["a scenario must be a mapping of keys to values, not a list"], id="list"),
    pytest.param(None, ["a scenario must be a mapping of keys to values, not an empty document"],
                 id="none"),
    pytest.param({}, [f"{k}: required key {k!r} is missing" for k in
                      ("name", "start", "end", "compute_types", "facilities")], id="empty"),
    pytest.param({1: 2, **BASE}, ["1: keys must be text, got 1"], id="non-text-key"),
])
def test_not_a_scenario(data, expected):
    assert problems(data) == expected


@pytest.mark.parametrize("edits, expected", [
    pytest.param({"market": {"gpu": {"share_of_idle": 0.5}}},
                 ["market.gpu: compute type 'gpu' is not declared in compute_types "
                  "(declared: ai, hpc)"], id="market-undeclared-type"),
    pytest.param({"market": {"ai": {"spillover": True}}},
                 ["market.ai: spillover needs the price paid outside "
                  "(add outside_price: CNY per P-month)"], id="spillover-without-price"),
    pytest.param({"market": {"ai": {"from": "2025-01", "until": "2024-06"}}},
                 ["market.ai.until: until 2024-06 is before from 2025-01"], id="market-window"),
    pytest.param({"money": {"subsidy": {"per_p_month": {"gpu": 100}}}},
                 ["money.subsidy.per_p_month.gpu: compute type 'gpu' is not declared in "
                  "compute_types (declared: ai, hpc)"], id="voucher-undeclared-type"),
])
def test_market_and_money_checks(edits, expected):
    assert problems(changed(edits)) == expected


def test_market_and_money_fields_reject_bad_values():
    lines = problems(changed({"market": {"ai": {"share_of_idle": 1.5}},
                              "scheduling": {"leave_threshold": 1.0}}))
    assert len(lines) == 2
    assert any(line.startswith("market.ai.share_of_idle:") for line in lines)
    assert any(line.startswith("scheduling.leave_threshold:") for line in lines)
