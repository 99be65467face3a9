"""An event's `switch` and a stream's `hardware`: valid input, each bad input as one located line
(file:line:col from a YAML file), warnings, and old scenarios dumped and hashed as before."""

from __future__ import annotations

import pytest
import yaml

from simulator import ScenarioError, load_scenario, scenario_from_dict
from simulator.ensemble.run import scenario_hash
from simulator.scenario.json_schema import scenario_schema
from tests.helpers import engine_dict

SWITCH = {"id": "bis", "window": {"from": "2024-03", "to": "2024-03"},
          "switch": {"from": "h800-sxm", "to": "h20"}}
STREAM = {"id": "city", "type": "ai", "hardware": "h800-sxm",
          "window": {"from": "2024-01", "to": "2024-12"}, "rate_per_year": 6,
          "size": {"min": 100, "mode": 500, "max": 2000, "unit": "units"}, "build_months": 6}


def data(event=None, stream=None, phase_hw="h800-sxm") -> dict:
    phases = [{"hardware": {phase_hw: 1000}, "type": "ai", "start": "2024-01", "build_months": 6}]
    d = engine_dict([{"id": "f", "phases": phases}], events=[event or SWITCH],
                    **({"pipeline": [stream]} if stream else {}))
    d["compute_types"]["ai"]["precision"] = "FP16"
    d["compute_types"]["hpc"]["precision"] = "FP64"
    return d


def located(tmp_path, d, warnings=None) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.lines()


def test_a_switch_and_a_stream_in_units_are_valid():
    s = scenario_from_dict(data(stream=STREAM))
    sw = s.events[0].switch
    assert (sw.from_, sw.to, sw.units_factor) == ("h800-sxm", "h20", 1.0)
    assert s.pipeline[0].hardware == "h800-sxm" and s.pipeline[0].size.unit == "units"


@pytest.mark.parametrize("edit, expected", [
    ({"from": "h800"}, ["events.bis.switch.from: unknown hardware 'h800' (did you mean "
                        "'h800-sxm'?)"]),
    ({"to": "zz9"}, ["events.bis.switch.to: unknown hardware 'zz9' (known: a100-sxm, a800-sxm, "
                     "h100-sxm, h800-sxm, h20, ascend-910b, ascend-910, hygon-dcu-z100, "
                     "kunlun-k200, cpu-2x-xeon-8358 (or add it under hardware:))"]),
    ({"to": "cpu-2x-xeon-8358"}, [
        "events.bis.switch.to: switch from accelerator 'h800-sxm' to cpu-node "
        "'cpu-2x-xeon-8358': another kind of hardware (a switch replaces chips by chips of "
        "the same kind)",
        "events.bis.switch.to: 'cpu-2x-xeon-8358' has no known fp16 peak, so ai phases "
        "holding 'h800-sxm' would have no capacity after the switch (switch to hardware with "
        "a fp16 peak, or give hardware.cpu-2x-xeon-8358.tflops.fp16 with its source)"]),
    ({"units_factor": 0}, ["events.bis.switch.units_factor: must be > 0, got 0"]),
])
def test_bad_switch_is_one_located_line_each(tmp_path, edit, expected):
    event = {**SWITCH, "switch": {**SWITCH["switch"], **edit}}
    lines = located(tmp_path, data(event))
    assert len(lines) == len(expected), lines
    for line, want in zip(lines, expected):
        where, _, text = line.partition(": ")
        assert where.startswith(str(tmp_path / "s.yaml") + ":") and where.count(":") >= 2, line
        assert want in line, line


def test_a_switch_whose_from_nobody_holds_is_a_warning():
    warns: list = []
    scenario_from_dict(data(phase_hw="a800-sxm"), warns)
    assert "no phase or stream holds 'h800-sxm': the switch changes nothing" in [
        w.message for w in warns]
    warns.clear()
    scenario_from_dict(data(), warns)
    assert not any("switch" in w.message for w in warns)


def test_bad_stream_hardware():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data(stream={**STREAM, "hardware": "h2O"}))
    assert info.value.lines() == ["pipeline.city.hardware: unknown hardware 'h2O' (did you mean "
                                  "'h20'?)"]
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data(stream={k: v for k, v in STREAM.items() if k != "hardware"}))
    assert info.value.lines() == ["pipeline.city.size.unit: a size in units needs the stream's "
                                  "hardware (add hardware: <catalogue id>, or count in P)"]


def test_without_the_new_fields_the_dump_and_hash_are_as_before():
    d = data(event={"id": "e", "window": {"from": "2024-03", "to": "2024-03"}, "types": ["ai"],
                    "capacity_factor": 0.5},
             stream={**STREAM, "size": {"min": 1, "mode": 2, "max": 3}, "hardware": None})
    del d["pipeline"][0]["hardware"]
    s = scenario_from_dict(d)
    dumped = s.model_dump(mode="json", by_alias=True)
    assert "switch" not in dumped["events"][0]
    assert "hardware" not in dumped["pipeline"][0] and "unit" not in dumped["pipeline"][0]["size"]
    assert scenario_hash(s) == scenario_hash(scenario_from_dict(d))


def test_the_json_schema_knows_the_new_fields():
    defs = scenario_schema()["$defs"]
    assert {"from", "to", "units_factor"} <= set(defs["Switch"]["properties"])
    assert "switch" in defs["Event"]["properties"]
    assert "hardware" in defs["Stream"]["properties"]
    assert "unit" in defs["Size"]["properties"]
