"""Hardware switches (an event's `switch`): hand-computed capacity, power and capex of switched
phases against the catalogue, phases the switch must leave alone, the order with
capacity_factor, pipeline streams in units.

Horizons start 2024-01, so month index i is ym(i): 0 = 2024-01, 6 = 2024-07. Catalogue (dense
FP16 / FP32 per unit [TFLOPS]): h800-sxm 989 / 67, power 1.275 kW; h20 148 / 44; a800-sxm 312.
The tests give h20 a power (0.9 kW) and both a capex per unit, so every number is known.
"""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from simulator import scenario_from_dict
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate, simulate_batch
from simulator.scenario.hardware import resolve_phase
from simulator.scenario.schema_counting import PRECISIONS
from tests.helpers import engine_dict

AI = 0
FP32 = PRECISIONS.index("fp32")
TYPES = {"ai": {"label": "AI", "precision": "FP16"}, "hpc": {"label": "HPC", "precision": "FP64"}}
HARDWARE = {"h20": {"power_kw": 0.9, "capex_cny": 100_000},
            "h800-sxm": {"capex_cny": 200_000}}
ANCHOR = {"id": "anchor", "phases": [{"capacity": {"ai": "100P"}, "online": "2023-01"}]}


def build(switch=None, factor=None, phases=None):
    new = {"id": "new", "phases": phases or [
        {"id": "a", "hardware": {"h800-sxm": 1000}, "type": "ai", "start": "2024-01",
         "build_months": 6},
        {"id": "b", "hardware": {"h800-sxm": 1000}, "type": "ai", "online": "2023-06"},
        {"id": "c", "hardware": {"a800-sxm": 1000}, "type": "ai", "start": "2024-01",
         "build_months": 6}]}
    event = {"id": "bis", "window": {"from": "2024-03", "to": "2024-03"}}
    if switch is not False:
        event["switch"] = switch or {"from": "h800-sxm", "to": "h20"}
    if factor is not None:
        event.update(capacity_factor=factor, types=["ai"])
    d = engine_dict([ANCHOR, new], events=[event], hardware=HARDWARE)
    d["compute_types"] = TYPES
    return scenario_from_dict(d)


def test_a_switched_phase_has_what_the_catalogue_gives_for_its_new_units():
    # phase a (1000 h800, online 2024-07) is hit in 2024-03: 1000 h20 = 148P FP16, 44P FP32,
    # 1000 x 0.9 = 900 kW IT, 1000 x 100,000 CNY = 100 million CNY. Phase b (online already)
    # keeps 989P; phase c (a800) keeps 312P. AI from month 6: 100 + 148 + 989 + 312 = 1549P.
    s = build()
    r = simulate(s, 0)
    cap = r.type_capacity()[0, :, AI]
    assert_allclose(cap[:6], 100 + 989)
    assert_allclose(cap[6:], 100 + 148 + 989 + 312)
    f = r.compiled.facilities.index("new")
    assert_allclose(r.precision_p[0, 6, f, FP32], 44 + 67 + 19.5)
    # site power: IT x PUE 1.3; a: 900, b: 1000 x 1.275, c: 1000 x 0.8125 [kW]
    assert_allclose(r.power_mw[0, 6, f, AI], (900 + 1275 + 812.5) * 1.3 / 1000)
    assert_allclose(r.capex_mcny[0, 0, f], 100.0)  # a's capex as h20, spent at its start
    # the same as a phase declared with 1000 h20 from the outset
    ref = resolve_phase(s, s.facilities[1], s.facilities[1].phases[0].model_copy(update={
        "hardware": {"h20": 1000}, "capacity": {}, "power_kw": None, "capex": None}))
    assert ref.capacity == {"ai": pytest.approx(148.0)}
    assert (ref.power_kw, ref.capex) == (pytest.approx(900.0), pytest.approx(100.0))
    # what the switch changed: -841P, (900 - 1275) x 1.3 / 1000 MW, 100 - 200 million CNY
    assert_allclose(r.pipeline["effects"][0, 0], [0, 0, 148 - 989, -375 * 1.3 / 1000, -100])


def test_units_factor_scales_the_new_units():
    # 1000 x 0.8 = 800 h20: 118.4P, 720 kW, 80 million CNY
    r = simulate(build({"from": "h800-sxm", "to": "h20", "units_factor": 0.8}), 0)
    assert_allclose(r.type_capacity()[0, 6:, AI], 100 + 118.4 + 989 + 312)
    assert_allclose(r.pipeline["effects"][0, 0, 2:], [118.4 - 989, (720 - 1275) * 1.3 / 1000,
                                                      80 - 200])


def test_switch_then_capacity_factor_of_the_same_event():
    # the switch first (148P), then the factor 0.5 on what the new chips give: 74P; power
    # 450 kW; the capex stays 100 (the factor cuts what is delivered, not what is bought).
    # Phase c (a800, not online) is cut too: 156P. The factor cut 74 + 156 = 230P.
    r = simulate(build(factor=0.5), 0)
    f = r.compiled.facilities.index("new")
    assert_allclose(r.type_capacity()[0, 6:, AI], 100 + 74 + 989 + 156)
    assert_allclose(r.power_mw[0, 6, f, AI], (450 + 1275 + 406.25) * 1.3 / 1000)
    assert_allclose(r.capex_mcny[0, 0, f], 100.0)
    assert_allclose(r.pipeline["effects"][0, 0], [0, 230, 148 - 989, -375 * 1.3 / 1000, -100])


def test_under_construction_shows_the_old_hardware_before_the_switch():
    r = simulate(build(), 0)
    f = r.compiled.facilities.index("new")
    uc = r.under_construction_p[0, :, f, AI]
    assert_allclose(uc[:8], [989 + 312] * 2 + [148 + 312] * 4 + [0, 0])


def test_a_stream_in_units_is_switched_also_for_projects_announced_later():
    # 1000 h800 per project (size in units), 1 build month; the switch hits 2024-03 (month 2):
    # projects online by then keep 989P, every other one announced in the horizon has 148P
    st = {"id": "city", "type": "ai", "hardware": "h800-sxm",
          "window": {"from": "2024-01", "to": "2024-12"}, "rate_per_year": 12,
          "size": {"min": 1000, "mode": 1000, "max": 1000, "unit": "units"}, "build_months": 1}
    event = {"id": "bis", "window": {"from": "2024-03", "to": "2024-03"},
             "switch": {"from": "h800-sxm", "to": "h20"}}
    d = engine_dict([ANCHOR], pipeline=[st], events=[event], hardware=HARDWARE)
    d["compute_types"] = TYPES
    c = compile_scenario(scenario_from_dict(d))
    r = simulate_batch(c, 1, range(60))
    ann = r.pipeline["phase_announced"][:, c.pipeline.slots[0]]
    before = (ann + 1 <= 2).sum(axis=1)
    others = ((ann + 1 > 2) & (ann < 24)).sum(axis=1)
    assert_allclose(r.pipeline["capacity_p"][:, 23, AI], 989 * before + 148 * others)
    assert others.sum() > 0 and before.sum() > 0


def test_a_stream_size_in_p_is_converted_to_units_of_its_hardware():
    # 98.9P of h800 = 100 units; after the switch 100 h20 = 14.8P
    st = {"id": "city", "type": "ai", "hardware": "h800-sxm",
          "window": {"from": "2024-05", "to": "2024-12"}, "rate_per_year": 12,
          "size": {"min": "98.9P", "mode": "98.9P", "max": "98.9P"}, "build_months": 1}
    d = engine_dict([ANCHOR], pipeline=[st], hardware=HARDWARE)
    d["compute_types"] = TYPES
    c = compile_scenario(scenario_from_dict(d))
    assert_allclose(c.pipeline.size[0], [100.0] * 3)
    r = simulate_batch(c, 1, range(20))
    on = ((r.phase_online[:, c.pipeline.slots[0]]) <= 23).sum(axis=1)
    assert_allclose(r.pipeline["capacity_p"][:, 23, AI], 98.9 * on)


def test_switches_give_the_same_numbers_whatever_the_batch():
    import pandas as pd

    from simulator.ensemble.run import run_ensemble

    st = {"id": "city", "type": "ai", "hardware": "h800-sxm", "probability_built": 0.8,
          "window": {"from": "2024-01", "to": "2024-12"}, "rate_per_year": 12,
          "size": {"min": 100, "mode": 500, "max": 2000, "unit": "units"},
          "build_months": {"min": 2, "mode": 4, "max": 9}}
    events = [{"id": "bis", "probability": 0.7, "window": {"from": "2024-02", "to": "2024-08"},
               "switch": {"from": "h800-sxm", "to": "h20", "units_factor": 1.5},
               "capacity_factor": 0.9, "types": ["ai"]},
              {"id": "licence", "probability": 0.5, "window": {"from": "2024-06", "to": "2025-01"},
               "switch": {"from": "h20", "to": "ascend-910b"}}]
    d = engine_dict([ANCHOR], pipeline=[st], events=events, hardware=HARDWARE)
    d["compute_types"] = TYPES
    s = scenario_from_dict(d)
    one, many = run_ensemble(s, 24, 4, batch_size=1), run_ensemble(s, 24, 4, batch_size=11)
    pd.testing.assert_frame_equal(one.monthly, many.monthly, check_exact=True)
    assert_allclose(one.reduced.shock_effects, many.reduced.shock_effects)


def test_precision_of_hardware_phases_after_a_stream_booked_to_an_earlier_facility():
    # the stream's slots are phases of `anchor` (the first facility), so the hardware phase of
    # `new` comes after them: its FP32 is still 1000 x 67 TFLOPS = 67P
    st = {"id": "city", "type": "ai", "facility": "anchor", "rate_per_year": 6,
          "window": {"from": "2024-01", "to": "2024-12"},
          "size": {"min": "10P", "mode": "10P", "max": "10P"}, "build_months": 3}
    new = {"id": "new", "phases": [{"hardware": {"h800-sxm": 1000}, "type": "ai",
                                    "online": "2023-06"}]}
    d = engine_dict([ANCHOR, new], pipeline=[st], hardware=HARDWARE)
    d["compute_types"] = TYPES
    r = simulate(scenario_from_dict(d), 0)
    f = r.compiled.facilities.index("new")
    assert_allclose(r.precision_p[0, :, f, FP32], 67.0)
