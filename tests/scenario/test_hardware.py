"""The hardware catalogue, phases given in hardware units, precisions and counting rules: loading
and the messages for bad input."""

from __future__ import annotations

import pytest

from simulator import scenario_from_dict
from simulator.errors import ScenarioError
from simulator.scenario.hardware import catalogue, dump, shipped_catalogue, uses_counting
from simulator.scenario.schema_counting import PRECISIONS, CountPrecision, CountTypes
from tests.helpers import engine_dict

PEAKS = ("fp64", "fp32", "fp16", "int8")


def test_every_catalogue_number_has_a_source_or_is_unknown():
    cat = shipped_catalogue()
    for key, e in cat.items():
        assert e.name and e.vendor and e.kind, key
        known_peaks = [p for p in PEAKS if getattr(e.tflops, p) is not None]
        if known_peaks:
            assert e.sources.get("tflops"), f"{key}: peaks without a source"
        for field in ("power_kw", "capex_cny", "tdp_kw"):
            if getattr(e, field) is not None:
                assert e.sources.get(field), f"{key}.{field} has no source"
        assert set(e.sources) <= {"tflops", "power_kw", "capex_cny", "tdp_kw"}, key


def test_the_catalogue_holds_what_chinese_centres_buy():
    cat = shipped_catalogue()
    for wanted in ("a800-sxm", "a100-sxm", "h800-sxm", "h100-sxm", "h20", "ascend-910b"):
        assert wanted in cat
    assert any(k.startswith("hygon") for k in cat)
    assert any(k.startswith("kunlun") for k in cat)
    assert any(e.kind == "cpu-node" for e in cat.values())


def test_the_catalogue_file_writes_unknown_not_a_guess():
    # the Hygon DCU's peaks are not public: every one is unknown (None), none is 0
    dcu = shipped_catalogue()["hygon-dcu-z100"]
    assert all(getattr(dcu.tflops, p) is None for p in PEAKS)


def _d(phases, **kw):
    d = engine_dict([{"id": "f", "phases": phases}], types=("ai", "hpc"), **kw)
    d["compute_types"]["ai"]["precision"] = "FP16"
    d["compute_types"]["hpc"]["precision"] = "FP64"
    return d


def test_a_phase_in_units_holds_units_times_the_peak_at_its_pools_precision():
    s = scenario_from_dict(_d([{"hardware": {"h800-sxm": 1000}, "type": "ai", "online": "2024-01"},
                               {"hardware": {"a800-sxm": 100}, "type": "hpc", "online": "2024-01"}]))
    p1, p2 = s.facilities[0].phases
    assert p1.capacity == {"ai": pytest.approx(989.0)}  # 1000 x 989 TFLOPS FP16
    assert p2.capacity == {"hpc": pytest.approx(1.95)}  # 100 x 19.5 TFLOPS FP64
    assert p1.power_kw == pytest.approx(1275.0)  # 1000 x 1.275 kW (DGX H100 / 8)
    assert p1.capex is None  # the catalogue does not know the price: capex_per_p applies
    assert uses_counting(s)


def test_the_facility_s_power_per_p_wins_over_the_catalogue():
    d = _d([{"hardware": {"h800-sxm": 10}, "type": "ai", "online": "2024-01"}])
    d["facilities"][0]["power_kw_per_p"] = {"ai": 2.0}
    assert scenario_from_dict(d).facilities[0].phases[0].power_kw is None


def test_a_scenario_adds_and_overrides_hardware():
    d = _d([{"hardware": {"my-card": 10, "h20": 10}, "type": "ai", "online": "2024-01"}],
           hardware={"my-card": {"name": "Mine", "tflops": {"fp16": 100}, "power_kw": 0.5,
                                 "capex_cny": 100000, "sources": {"tflops": "our tender"}},
                     "h20": {"power_kw": 0.6, "capex_cny": 120000}})
    s = scenario_from_dict(d)
    cat = catalogue(s)
    assert cat["h20"].tflops.fp16 == 148 and cat["h20"].power_kw == 0.6  # merged field by field
    assert cat["h20"].sources["tflops"]  # the shipped sources stay
    p = s.facilities[0].phases[0]
    assert p.capacity["ai"] == pytest.approx((10 * 100 + 10 * 148) / 1000)
    assert p.capex == pytest.approx((10 * 100000 + 10 * 120000) / 1e6)  # million CNY
    assert p.power_kw == pytest.approx(10 * 0.5 + 10 * 0.6)


def test_the_resolved_scenario_loads_again_to_the_same_capacity():
    s = scenario_from_dict(_d([{"hardware": {"h20": 2000}, "type": "ai", "online": "2024-01"}]))
    again = scenario_from_dict(dump(s, exclude_none=True))
    assert again.facilities[0].phases[0].capacity == s.facilities[0].phases[0].capacity


def test_what_follows_from_the_units_is_not_dumped_so_a_change_of_units_counts():
    s = scenario_from_dict(_d([{"hardware": {"h20": 2000}, "type": "ai", "online": "2024-01"},
                               {"hardware": {"h20": 10}, "type": "ai", "capacity": {"ai": 1},
                                "online": "2024-01"}]))
    d = dump(s, exclude_none=True)
    p1, p2 = d["facilities"][0]["phases"]
    assert "capacity" not in p1 and p2["capacity"] == {"ai": "1P"}  # given: kept
    p1["hardware"]["h20"] = 4000  # as a sweep or a variant would change it
    assert scenario_from_dict(d).facilities[0].phases[0].capacity["ai"] == pytest.approx(592.0)


def test_a_scenario_without_counting_dumps_no_new_keys():
    s = scenario_from_dict(_d([{"capacity": {"ai": 5}, "online": "2024-01"}],
                              targets=[{"type": "ai", "capacity": 1, "by": "2024-06"}]))
    d = dump(s)
    assert not uses_counting(s)
    assert "hardware" not in d and "count" not in d["targets"][0]
    assert "equivalents" not in d["compute_types"]["ai"]
    assert "hardware" not in d["facilities"][0]["phases"][0]


def test_counting_rules_parse():
    d = _d([{"capacity": {"ai": 5}, "online": "2024-01"}],
           targets=[{"type": "hpc", "capacity": 1, "by": "2024-06", "count": {"precision": "BF16"},
                     "also_count": ["pool", {"types": ["ai", "hpc"]}]}])
    tg = scenario_from_dict(d).targets[0]
    assert isinstance(tg.count, CountPrecision) and tg.also_count[0] == "pool"
    assert isinstance(tg.also_count[1], CountTypes)
    assert "fp16" in PRECISIONS


@pytest.mark.parametrize("change, message", [
    (lambda d: d["facilities"][0]["phases"].append({"hardware": {"h800": 1}, "type": "ai",
                                                     "online": "2024-01"}),
     "facilities.f.phases.p2.hardware.h800: unknown hardware 'h800' (did you mean 'h800-sxm'?)"),
    (lambda d: d["facilities"][0]["phases"].append({"hardware": {"h20": 1}, "online": "2024-01"}),
     "facilities.f.phases.p2: a phase with hardware needs 'type'"),
    (lambda d: d["facilities"][0]["phases"].append({"hardware": {"ascend-910b": 1}, "type": "hpc",
                                                     "online": "2024-01"}),
     "hardware 'ascend-910b' has no known fp64 peak"),
    (lambda d: d["facilities"][0]["phases"].append({"capacity": {"ai": 1}, "type": "ai",
                                                     "online": "2024-01"}),
     "facilities.f.phases.p2.type: 'type' applies to a phase with hardware"),
    (lambda d: d["facilities"][0]["phases"].append({"online": "2024-01"}),
     "facilities.f.phases.p2: needs the capacity of at least one compute type"),
    (lambda d: d["compute_types"]["ai"].update(serves={"gpu": 1}),
     "compute_types.ai.serves.gpu: serves 'gpu', which is not another declared compute type"),
    (lambda d: d["compute_types"]["ai"].update(equivalents={"fp99": 1}),
     "compute_types.ai.equivalents.fp99: unknown precision 'fp99'"),
    (lambda d: d.update(targets=[{"type": "ai", "capacity": 1, "by": "2024-06",
                                  "count": {"precision": "fp8"}}]),
     "targets[0].count.precision: unknown precision 'fp8'"),
    (lambda d: d.update(targets=[{"type": "ai", "capacity": 1, "by": "2024-06",
                                  "also_count": [{"types": ["ai", "cpu"]}]}]),
     "targets[0].also_count[0].types[1]: compute type 'cpu' is not declared"),
])
def test_bad_counting_input_is_one_line_each(change, message):
    d = _d([{"capacity": {"ai": 5}, "online": "2024-01"}])
    change(d)
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    assert any(message in line for line in err.value.lines()), err.value.lines()


def test_demand_of_a_type_another_pool_serves_is_not_warned_as_unservable():
    d = _d([{"capacity": {"hpc": 5}, "online": "2024-01"}],
           tenants=[{"id": "t", "name": "t", "demand": {"ai": 1}, "from": "2024-01"}])
    warns: list = []
    scenario_from_dict(d, warns)
    assert any("can never be served" in w.message for w in warns)
    d["compute_types"]["hpc"]["serves"] = {"ai": 1}
    warns = []
    scenario_from_dict(d, warns)
    assert not any("can never be served" in w.message for w in warns)


def test_a_catalogue_entry_s_lifetime_retires_the_phase_that_holds_it():
    """`lifetime_months` per catalogue entry (here set by the scenario over the shipped entry):
    a phase in units of it, online 2024-01 with 12 months of life, is gone from 2025-01."""
    from simulator.engine.processes import simulate

    d = _d([{"hardware": {"h800-sxm": 1000}, "type": "ai", "online": "2024-01"}])
    d["hardware"] = {"h800-sxm": {"lifetime_months": 12}}
    s = scenario_from_dict(d)
    assert s.facilities[0].phases[0].lifetime_months == 12
    cap = simulate(s, seed=1).capacity_p[0, :, 0, 0]  # (months,) of facility f, type ai
    assert cap[11] == pytest.approx(989.0) and cap[12] == 0.0
    # a phase's own lifetime wins over the catalogue's
    d["facilities"][0]["phases"][0]["lifetime_months"] = 6
    assert scenario_from_dict(d).facilities[0].phases[0].lifetime_months == 6
