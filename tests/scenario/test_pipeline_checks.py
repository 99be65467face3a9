"""The `pipeline:` section and the capacity-changing event fields: valid input, each bad input
with its one rendered line, and files without them dumped (and hashed) as before."""

from __future__ import annotations

import copy

import pytest

from simulator import ScenarioError, scenario_from_dict
from simulator.ensemble.run import scenario_hash
from tests.scenario.test_checks import BASE

STREAM = {"id": "city", "type": "ai", "window": {"from": "2024-01", "to": "2024-12"},
          "rate_per_year": 6, "size": {"min": "20P", "mode": "50P", "max": "100P"},
          "build_months": {"min": 4, "mode": 6, "max": 12}}


def with_pipeline(stream_edits=None, event=None) -> dict:
    data = copy.deepcopy(BASE)
    data["pipeline"] = [{**STREAM, **(stream_edits or {})}]
    if event is not None:
        data["events"] = [event]
    return data


def problems(data) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return info.value.lines()


def test_a_pipeline_and_a_capacity_factor_are_valid():
    event = {"id": "h20", "window": {"from": "2024-06", "to": "2024-06"}, "types": ["ai"],
             "capacity_factor": 0.6}
    s = scenario_from_dict(with_pipeline({"approve_when": {"utilization_below": 0.3,
                                                           "types": ["ai"]}}, event))
    assert s.pipeline[0].approve_when.hold_months == 6
    assert s.events[0].delay is None and s.events[0].factor_types == ["ai"]


def test_without_the_new_fields_the_dump_and_hash_are_as_before():
    s = scenario_from_dict(BASE)
    dumped = s.model_dump(mode="json", by_alias=True)
    assert "pipeline" not in dumped
    assert {"types", "capacity_factor"}.isdisjoint(dumped["events"][0])
    assert scenario_hash(s) == scenario_hash(scenario_from_dict(BASE))


@pytest.mark.parametrize("stream_edits, event, expected", [
    pytest.param({"type": "gpu"}, None,
                 ["pipeline.city.type: compute type 'gpu' is not declared in compute_types "
                  "(declared: ai, hpc)"], id="undeclared-type"),
    pytest.param({"facility": "nacc"}, None,
                 ["pipeline.city.facility: unknown facility 'nacc' (did you mean 'nacic'?)"],
                 id="unknown-facility"),
    pytest.param({"id": "nacic"}, None,
                 ["pipeline.nacic.id: stream id 'nacic' is also a facility id; its projects "
                  "would need a new facility of that name (rename the stream, or say facility: "
                  "nacic to add phases to it)"], id="id-clashes-with-facility"),
    pytest.param({"window": {"from": "2024-12", "to": "2024-01"}}, None,
                 ["pipeline.city.window: window ends (2024-01) before it begins (2024-12)"],
                 id="reversed-window"),
    pytest.param({"rate_per_year": 1000, "window": {"from": "2024-01", "to": "2025-12"}}, None,
                 ["pipeline.city.rate_per_year: 2000 projects expected in the window; at most "
                  "200 a stream (split the stream, or model bigger projects)"], id="too-many"),
    pytest.param({}, {"id": "e", "window": {"from": "2024-01", "to": "2024-02"}},
                 ["events.e: the event changes nothing: give 'delay', 'capacity_factor' and/or 'switch' "
                  "(e.g. delay: {types: [ai], months: 6})"], id="event-does-nothing"),
    pytest.param({}, {"id": "e", "window": {"from": "2024-01", "to": "2024-02"},
                      "capacity_factor": 0.5},
                 ["events.e: 'capacity_factor' needs the types it applies to (add types: [ai] "
                  "(or a delay with types))"], id="factor-without-types"),
])
def test_bad_pipeline_input(stream_edits, event, expected):
    assert problems(with_pipeline(stream_edits, event)) == expected


def test_size_out_of_order_is_reported():
    lines = problems(with_pipeline({"size": {"min": "50P", "mode": "20P", "max": "100P"}}))
    assert len(lines) == 1 and "needs min <= mode <= max, got min 50, mode 20, max 100" in lines[0]


def test_capacity_factor_above_one_is_refused():
    event = {"id": "e", "window": {"from": "2024-01", "to": "2024-02"}, "types": ["ai"],
             "capacity_factor": 1.5}
    lines = problems(with_pipeline({}, event))
    assert len(lines) == 1 and "events.e.capacity_factor" in lines[0]
