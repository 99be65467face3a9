"""Reading scenario files: located errors, `extends` chains, merge rules and `--set` overrides."""

from __future__ import annotations

import pytest
from tests.helpers import EXAMPLE_YAML, line_of

from simulator import ScenarioError, load_scenario
from simulator.scenario.load import merge, parse_set, read_yaml
from simulator.units import parse_month

WHAT_IF = """\
extends: baseline.yaml         # path relative to this file
name: Innovation center phase 2 slips to 2024-09
facilities:
  - id: nacic
    phases:
      - {id: p2, start: 2024-09}
"""
MINIMAL = """\
name: minimal
start: 2024-01
end: 2025-12
compute_types: {ai: {label: AI}}
facilities:
  - id: f1
    name: F1
    phases:
      - {capacity: {ai: 10P}, online: 2024-01}
"""


def lines(path, overrides=None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return info.value.lines()


def phase(scenario, facility: str, ident: str):
    fac = next(f for f in scenario.facilities if f.id == facility)
    return next(p for p in fac.phases if p.id == ident)


def test_design_example_loads_unchanged(example_file):
    warnings = []
    s = load_scenario(example_file, warnings=warnings)
    assert warnings == []
    assert (s.name, s.months, s.seed) == ("Dianjun compute baseline (Nov 2023)", 60, 20231114)
    assert [(t.type, t.capacity) for t in s.targets] == [("hpc", 1000.0), ("ai", 3000.0)]
    assert phase(s, "baidu-ai", "p1").online == parse_month("2023-06")
    assert phase(s, "nacic", "p2").build_months.mode == 14
    assert [t.growth for t in s.tenants] == [0.15, 0.0, 0.30]


# ---------------------------------------------------------------- one file, located problems
@pytest.mark.parametrize("text, expected", [
    pytest.param("name: a\nstart: [2023-01\nend: 2027-12\n",
                 ["{f}:3:4: YAML: expected ',' or ']', but got ':' (is the '[' at line 2, "
                  "column 8 closed?)"], id="unclosed-bracket"),
    pytest.param("name: a\nstart: 2023-01\nname: b\n",
                 ["{f}:3:1: YAML: duplicate key 'name', first at line 1 (each key may appear "
                  "once in a mapping)"], id="duplicate-key"),
    pytest.param("name: a\n\tstart: 2023-01\n",
                 ["{f}:2:1: YAML: a tab character, where YAML allows none (YAML indents with "
                  "spaces, not tabs)"], id="tab"),
    pytest.param("name: a\n  start: 2023-01\n",
                 ["{f}:2:8: YAML: a 'key: value' cannot start here (check the indentation, "
                  "or quote a value that holds ': ')"], id="bad-indent"),
    pytest.param("name: 'open\n", ["{f}:1:7: YAML: this quoted text is never closed (add the "
                                   "closing quote)"], id="open-quote"),
    pytest.param("a: 1\n---\nb: 2\n", ["{f}:2:1: YAML: a second document ('---') in the file; "
                                      "a scenario is one document (remove the '---' line, or put "
                                      "each scenario in a file of its own)"], id="two-documents"),
    pytest.param("- name: a\n", ["{f}:1:1: a scenario must be a mapping of keys to values; this "
                                 "file is a list"], id="list"),
    pytest.param("just words\n", ["{f}:1:1: a scenario must be a mapping of keys to values; this "
                                  "file is a single value"], id="scalar"),
    pytest.param("# nothing\n", ["{f}:1:1: a scenario must be a mapping of keys to values; this "
                                 "file is empty (it holds only comments)"], id="empty"),
    pytest.param("name: caf\xe9\n".encode("latin-1"),
                 ["{f}:1:10: the file is not UTF-8 text (byte 0xe9); it may be Latin-1 "
                  "(Windows-1252) text (save it as UTF-8)"],
                 id="latin-1"),
    pytest.param(b"name: a\x00\n", ["{f}: the file holds binary data, not YAML text (is it "
                                     "the right file?)"],
                 id="binary"),
    pytest.param("name: a\nstart: x\x01y\n", ["{f}:2:9: YAML: the character U+0001 is not "
                                             "allowed in YAML text (remove it, or write it as an "
                                             "escape in double quotes)"], id="control-character"),
    pytest.param(MINIMAL.replace("online: 2024-01", "online: 2024-13"),
                 ["{f}:9:39: facilities.f1.phases.p1.online: '2024-13': month 13 is not 1-12"],
                 id="bad-month"),
    pytest.param(MINIMAL.replace("    name: F1\n", ""),
                 ["{f}:6:5: facilities.f1.name: required key 'name' is missing"],
                 id="missing-key-points-at-its-mapping"),
    pytest.param(MINIMAL.replace("{ai: 10P}", "{gpu: 10P}"),
                 ["{f}:9:21: facilities.f1.phases.p1.capacity.gpu: compute type 'gpu' is not "
                  "declared in compute_types (declared: ai)"], id="undeclared-type-at-key"),
    pytest.param(MINIMAL + "scheduling: {policy: priority, max_utilisation: 0.9}\n",
                 ["{f}:10:32: scheduling.max_utilisation: unknown key 'max_utilisation' (did you "
                  "mean 'max_utilization'?)"], id="unknown-key-at-key"),
    pytest.param(MINIMAL + "end: 2026-12\n",
                 ["{f}:10:1: YAML: duplicate key 'end', first at line 3 (each key may appear "
                  "once in a mapping)"], id="duplicate-top-level-key"),
])
def test_bad_file_gives_located_lines(write, text, expected):
    path = write("s.yaml", text)
    assert lines(path) == [e.format(f=path) for e in expected]


def test_missing_file_and_directory(tmp_path):
    assert lines(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file"]
    assert lines(tmp_path) == [f"{tmp_path}: is a directory, not a scenario file"]


@pytest.mark.parametrize("date", ["2025-02-14", "2025-02-31"], ids=["yaml-date", "no-such-day"])
def test_a_date_is_its_month(write, date):
    path = write("s.yaml", MINIMAL.replace("end: 2025-12", f"end: {date}"))
    assert load_scenario(path).end == parse_month("2025-02")  # the day is ignored


def test_read_yaml_keeps_positions(write):
    data = read_yaml(write("s.yaml", MINIMAL))
    assert data.vpos["start"][1:] == (2, 8)
    assert data["facilities"][0]["phases"].ipos[0][1:] == (9, 9)


# ---------------------------------------------------------------- extends
def test_design_what_if_extends_the_example(example_file, write):
    s = load_scenario(write("p2-slips.yaml", WHAT_IF))
    assert s.name == "Innovation center phase 2 slips to 2024-09"
    p2 = phase(s, "nacic", "p2")
    assert p2.start == parse_month("2024-09")
    assert (p2.after, p2.capacity) == ("p1", {"hpc": 375.0})  # the rest comes from the base
    assert len(s.tenants) == 3


def test_extends_chains_with_paths_relative_to_each_file(example_file, write):
    write("whatifs/slip.yaml", WHAT_IF.replace("baseline.yaml", "../baseline.yaml"))
    path = write("whatifs/deeper/slip-more.yaml",
                 "extends: ../slip.yaml\nfacilities: [{id: nacic, phases: [{id: p2, start: "
                 "2024-12}]}]\n")
    s = load_scenario(path)
    assert s.name == "Innovation center phase 2 slips to 2024-09"
    assert phase(s, "nacic", "p2").start == parse_month("2024-12")


def test_extends_cycle_shows_the_chain(write):
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "name: b\nextends: c.yaml\n")
    c = write("c.yaml", "extends: a.yaml\n")
    assert lines(c.parent / "a.yaml") == [
        f"{c}:1:10: extends: forms a cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml (a file "
        f"cannot extend itself, directly or not)"]


@pytest.mark.parametrize("extends, expected", [
    pytest.param("baselne.yaml", "no such file: 'baselne.yaml' (did you mean 'baseline.yaml'?)",
                 id="typo-suggests"),
    pytest.param("other/x.yaml", "no such file: 'other/x.yaml' (the path is relative to this "
                 "file)", id="missing"),
    pytest.param('"a\\0b"', "cannot use 'a\\x00b' as a file name (embedded null byte)",
                 id="nul-in-name"),
    pytest.param("[a.yaml]", "must be the path of a scenario file", id="not-text"),
])
def test_extends_names_no_usable_file(example_file, write, extends, expected):
    path = write("w.yaml", f"name: w\nextends: {extends}\n")
    assert lines(path) == [f"{path}:2:10: extends: {expected}"]


def test_problems_point_into_the_file_they_came_from(write):
    base = write("baseline.yaml", EXAMPLE_YAML.replace("ramp_months: 6", "ramp_month: 6"))
    what_if = write("w.yaml", WHAT_IF.replace("{id: p2, start: 2024-09}",
                                              "{id: p2, strat: 2024-09}"))
    assert lines(what_if) == [
        f"{what_if}:6:18: facilities.nacic.phases.p2.strat: unknown key 'strat' (did you mean "
        f"'start'?)",
        f"{base}:{line_of(EXAMPLE_YAML, 'ramp_months')}:5: tenants.sugon.ramp_month: unknown "
        f"key 'ramp_month' (did you mean 'ramp_months'?)",
    ]


def test_a_yaml_error_in_the_base_is_the_base_s(write):
    base = write("baseline.yaml", "name: [x\n")
    assert lines(write("w.yaml", WHAT_IF)) == [
        f"{base}:2:1: YAML: expected ',' or ']', but got the end of the file (is the '[' at "
        f"line 1, column 7 closed?)"]


# ---------------------------------------------------------------- merge rules
@pytest.mark.parametrize("base, over, expected", [
    pytest.param({"a": 1, "m": {"x": 1, "y": 2}}, {"m": {"y": 3, "z": 4}},
                 {"a": 1, "m": {"x": 1, "y": 3, "z": 4}}, id="mappings-by-key"),
    pytest.param({"a": 1, "b": 2}, {"b": None}, {"a": 1}, id="null-removes-key"),
    pytest.param({"a": 1}, {"b": None}, {"a": 1}, id="null-of-absent-key"),
    pytest.param({"l": [{"id": "x", "v": 1}, {"id": "y", "v": 2}]},
                 {"l": [{"id": "y", "v": 3}]},
                 {"l": [{"id": "x", "v": 1}, {"id": "y", "v": 3}]}, id="list-item-by-id"),
    pytest.param({"l": [{"id": "x", "v": 1}]}, {"l": [{"id": "z", "v": 9}]},
                 {"l": [{"id": "x", "v": 1}, {"id": "z", "v": 9}]}, id="new-id-appended"),
    pytest.param({"l": [{"id": "x"}, {"id": "y"}, {"id": "z"}]}, {"l": [{"id": "y", "remove": True}]},
                 {"l": [{"id": "x"}, {"id": "z"}]}, id="remove-true-drops"),
    pytest.param({"l": [{"id": "x", "v": 1}]}, {"l": [{"id": "x", "v": 2, "remove": False}]},
                 {"l": [{"id": "x", "v": 2}]}, id="remove-false-is-dropped"),
    pytest.param({"l": [{"id": "x", "v": 1}]}, {"l": [{"v": 2}]}, {"l": [{"v": 2}]},
                 id="items-without-id-replace"),
    pytest.param({"l": [1, 2, 3]}, {"l": [4]}, {"l": [4]}, id="scalar-list-replaces"),
    pytest.param({"l": [{"id": "x"}]}, {"l": []}, {"l": []}, id="empty-list-replaces"),
    pytest.param({"m": {"x": 1}}, {"m": 5}, {"m": 5}, id="scalar-replaces-mapping"),
    pytest.param({"phases": [{"v": 1}, {"v": 2}]}, {"phases": [{"id": "p2", "v": 3}]},
                 {"phases": [{"id": "p1", "v": 1}, {"id": "p2", "v": 3}]},
                 id="phases-without-id-are-p1-p2"),
    pytest.param({"f": [{"id": "n", "phases": [{"v": 1}]}]},
                 {"f": [{"id": "n", "phases": [{"id": "p1", "remove": True}, {"id": "q"}]}]},
                 {"f": [{"id": "n", "phases": [{"id": "q"}]}]}, id="nested-remove-and-add"),
])
def test_merge_rules(base, over, expected):
    assert merge(base, over) == expected


def test_merge_remove_of_unknown_id_is_located(write, example_file):
    path = write("w.yaml", "extends: baseline.yaml\ntenants:\n  - {id: ctrp, remove: true}\n")
    assert lines(path) == [f"{path}:3:5: tenants.ctrp: remove: true, but there is no item with "
                           f"id 'ctrp' (did you mean 'ctrip'?)"]


def test_what_if_removes_and_resets(example_file, write):
    path = write("w.yaml", """\
        extends: baseline.yaml
        facilities:
          - {id: baidu-ai, remove: true}
        tenants:
          - {id: new, name: New, demand: {ai: 5P}, from: 2024-01}
        scheduling: {leave_after_unserved_months: null}
        events: []
        """)
    s = load_scenario(path)
    assert [f.id for f in s.facilities] == ["nacic"]
    assert [t.id for t in s.tenants] == ["sugon", "ctrip", "smes", "new"]
    assert s.scheduling.leave_after_unserved_months is None
    assert s.scheduling.max_utilization == 0.95
    assert s.events == []


# ---------------------------------------------------------------- --set
@pytest.mark.parametrize("text, expected", [
    pytest.param("end=2028-12", ("end", "2028-12"), id="month-stays-text"),
    pytest.param("seed=7", ("seed", 7), id="number"),
    pytest.param("facilities.nacic.phases.p2.build_months={min: 8, mode: 9, max: 12}",
                 ("facilities.nacic.phases.p2.build_months", {"min": 8, "mode": 9, "max": 12}),
                 id="yaml-mapping"),
    pytest.param("name=a: b: c", ("name", "a: b: c"), id="not-yaml-stays-text"),
    pytest.param("name=", ("name", ""), id="empty-value"),
    pytest.param(" name = x=y", ("name", "x=y"), id="first-equals-splits"),
])
def test_parse_set(text, expected):
    assert parse_set(text) == expected


@pytest.mark.parametrize("text, expected", [
    pytest.param("end", "--set: 'end' is not PATH=VALUE (e.g. --set end=2028-12)", id="no-equals"),
    pytest.param("=1", "--set: '=1' is not PATH=VALUE (e.g. --set end=2028-12)", id="no-path"),
    pytest.param("a..b=1", "--set: the path 'a..b' has an empty part (e.g. --set "
                 "facilities.nacic.phases.p2.start=2024-09)", id="empty-part"),
])
def test_parse_set_rejects(text, expected):
    with pytest.raises(ScenarioError) as info:
        parse_set(text)
    assert info.value.lines() == [expected]


@pytest.mark.parametrize("sets, check", [
    pytest.param(["facilities.nacic.phases.p2.start=2024-09"],
                 lambda s: phase(s, "nacic", "p2").start == parse_month("2024-09"), id="by-ids"),
    pytest.param(["facilities.baidu-ai.phases.p1.online=2023-01"],
                 lambda s: phase(s, "baidu-ai", "p1").online == parse_month("2023-01"),
                 id="implicit-phase-id"),
    pytest.param(["tenants.0.growth=50%"], lambda s: s.tenants[0].growth == 0.5, id="by-index"),
    pytest.param(["scheduling.policy=proportional", "end=2028-12"],
                 lambda s: (s.scheduling.policy, s.months) == ("proportional", 72), id="two"),
    pytest.param(["facilities.nacic.phases.p2.build_months={min: 8, mode: 9, max: 12}"],
                 lambda s: phase(s, "nacic", "p2").build_months.max == 12, id="mapping-value"),
])
def test_set_overrides(example_file, sets, check):
    assert check(load_scenario(example_file, dict(parse_set(t) for t in sets)))


def test_set_wins_over_the_what_if_which_wins_over_the_base(example_file, write):
    path = write("w.yaml", WHAT_IF)
    s = load_scenario(path, {"name": "from --set"})
    assert (s.name, phase(s, "nacic", "p2").start) == ("from --set", parse_month("2024-09"))


def test_python_overrides_take_plain_values(example_file):
    s = load_scenario(example_file, {"scheduling": {"policy": "proportional"}, "end": "2028-12"})
    assert (s.scheduling.policy, s.scheduling.max_utilization) == ("proportional", 1.0)


@pytest.mark.parametrize("sets, expected", [
    pytest.param(["facilities.nacik.phases.p2.start=2024-09"],
                 ["--set: facilities.nacik.phases.p2.start: no item 'nacik' in facilities (did "
                  "you mean 'nacic'?)"], id="unknown-id-suggests"),
    pytest.param(["facilities.nacic.phases.p7.start=2024-09"],
                 ["--set: facilities.nacic.phases.p7.start: no item 'p7' in "
                  "facilities.nacic.phases (ids: p1, p2)"], id="unknown-phase-lists"),
    pytest.param(["end=2023-13"], ["--set: end: '2023-13': month 13 is not 1-12"],
                 id="bad-value"),
    pytest.param(["scheduling.polcy=priority"],
                 ["--set: scheduling.polcy: unknown key 'polcy' (did you mean 'policy'?)"],
                 id="unknown-key"),
    pytest.param(["name.first=x"], ["--set: name.first: name is a single value, so it has no "
                                    "'first' to set"], id="into-a-value"),
    pytest.param(["facilities.nacic.phases.p2.build_months={min: 9, mode: 8, max: 12}"],
                 ["--set: facilities.nacic.phases.p2.build_months: needs min <= mode <= max, got "
                  "min 9, mode 8, max 12"], id="bad-distribution"),
])
def test_set_problems(example_file, sets, expected):
    assert lines(example_file, dict(parse_set(t) for t in sets)) == expected
