"""`capsim validate` and `capsim schema` as a user runs them: output lines and exit codes.

`capsim` starts a real process; `in_process` runs the same CLI app in this process (cheaper), for
the single-file messages the gallery (tests/cli/test_gallery.py) also checks as processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.helpers import EXAMPLE_YAML, line_of
from tests.helpers import capsim_in_process as in_process

SUMMARY = ("baseline.yaml: ok: Dianjun compute baseline (Nov 2023): 2 facilities, 3 phases, "
           "3 tenant entries (20 tenants), 2 targets, 1 event, 2023-01..2027-12 (60 months)")


def capsim(*args: str, cwd) -> subprocess.CompletedProcess:
    """`python -m simulator ARGS` in `cwd`, its output as text."""
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "simulator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_valid_file_prints_one_summary_line(example_file):
    done = capsim("validate", "baseline.yaml", cwd=example_file.parent)
    assert (done.returncode, done.stdout.splitlines(), done.stderr) == (0, [SUMMARY], "")


def test_three_typos_give_three_located_lines_and_exit_2(write, tmp_path):
    """The issue's 'done when': a copy of the example with three typos in three places."""
    text = (EXAMPLE_YAML
            .replace("build_months: {min: 10", "build_month: {min: 10")
            .replace("ramp_months: 6", "ramp_month: 6")
            .replace("max_utilization: 0.95", "max_utilisaton: 0.95"))
    write("typos.yaml", text)
    done = capsim("validate", "typos.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"typos.yaml:{line_of(text, 'build_month:')}:9: facilities.nacic.phases.p2.build_month: "
        f"unknown key 'build_month' (did you mean 'build_months'?)",
        f"typos.yaml:{line_of(text, 'ramp_month:')}:5: tenants.sugon.ramp_month: unknown key "
        f"'ramp_month' (did you mean 'ramp_months'?)",
        f"typos.yaml:{line_of(text, 'max_utilisaton')}:3: scheduling.max_utilisaton: unknown "
        f"key 'max_utilisaton' (did you mean 'max_utilization'?)",
    ]
    assert [line_of(text, k) for k in ("build_month:", "ramp_month:", "max_utilisaton")] == \
        [34, 43, 60]  # the line numbers in the example, spelled out once


def test_valid_and_invalid_files_together(example_file, write):
    write("broken.yaml", "name: [x\n")
    done = capsim("validate", "baseline.yaml", "broken.yaml", "missing.yaml",
                  cwd=example_file.parent)
    assert done.returncode == 2
    assert done.stdout.splitlines() == [SUMMARY]
    assert done.stderr.splitlines() == [
        "broken.yaml:2:1: YAML: expected ',' or ']', but got the end of the file (is the '[' at "
        "line 1, column 7 closed?)",
        "missing.yaml: no such file",
    ]


@pytest.mark.parametrize("content, expected", [
    pytest.param(b"name: caf\xe9\n", "bad.yaml:1:10: the file is not UTF-8 text (byte 0xe9); "
                 "it may be Latin-1 (Windows-1252) text (save it as UTF-8)", id="not-utf8"),
    pytest.param(b"- a\n", "bad.yaml:1:1: a scenario must be a mapping of keys to values; this "
                 "file is a list", id="not-a-mapping"),
    pytest.param(b"a: 1\na: 2\n", "bad.yaml:2:1: YAML: duplicate key 'a', first at line 1 "
                 "(each key may appear once in a mapping)", id="duplicate-key"),
    pytest.param(b"a: !!set 1\n", "bad.yaml:1:4: YAML: the tag !!set is not allowed in a "
                 "scenario (remove the tag; a scenario holds text, numbers, lists and mappings)",
                 id="odd-tag"),
])
def test_bad_input_is_one_line_without_traceback(write, content, expected):
    path = write("bad.yaml", content)
    done = in_process("validate", "bad.yaml", cwd=path.parent)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (2, "", [expected])


def test_debug_adds_the_traceback(write):
    path = write("bad.yaml", "- a\n")
    quiet = capsim("validate", "bad.yaml", cwd=path.parent)
    loud = capsim("--debug", "validate", "bad.yaml", cwd=path.parent)
    assert "Traceback" not in quiet.stderr
    assert "Traceback (most recent call last)" in loud.stderr
    assert "simulator.errors.ScenarioError" in loud.stderr
    assert loud.returncode == 2


def test_warnings_are_marked_and_do_not_fail(write):
    text = EXAMPLE_YAML.replace("online: 2023-06}", "online: 2028-06}")
    path = write("late.yaml", text)
    done = in_process("validate", "late.yaml", cwd=path.parent)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        f"late.yaml:{line_of(text, '2028-06')}:9: facilities.baidu-ai.phases.p1: comes online at "
        f"2028-06 at the earliest, after the end 2027-12; it never counts [warning]"]
    assert done.stdout.startswith("late.yaml: ok: ")


def test_set_applies_to_every_file(example_file, write):
    write("p2-slips.yaml", "extends: baseline.yaml\nname: slip\n")
    done = in_process("validate", "baseline.yaml", "p2-slips.yaml", "--set", "end=2028-12",
                      cwd=example_file.parent)
    assert done.returncode == 0, done.stderr
    assert [line.endswith("2023-01..2028-12 (72 months)") for line in done.stdout.splitlines()] \
        == [True, True]


def test_bad_set_is_reported_once(example_file, write):
    write("other.yaml", "extends: baseline.yaml\n")
    done = in_process("validate", "baseline.yaml", "other.yaml", "--set", "end", "--set",
                      "a..b=1", cwd=example_file.parent)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "--set: 'end' is not PATH=VALUE (e.g. --set end=2028-12)",
        "--set: the path 'a..b' has an empty part (e.g. --set "
        "facilities.nacic.phases.p2.start=2024-09)"]


def test_set_with_an_unknown_id(example_file):
    done = in_process("validate", "baseline.yaml", "--set",
                      "facilities.nacik.phases.p2.start=2024-09", cwd=example_file.parent)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "--set: facilities.nacik.phases.p2.start: no item 'nacik' in facilities (did you mean "
        "'nacic'?)"]


def test_usage_errors_exit_2(tmp_path):
    assert capsim("validate", cwd=tmp_path).returncode == 2
    assert capsim("validate", "--bogus", "x.yaml", cwd=tmp_path).returncode == 2


def test_schema_prints_the_json_schema(tmp_path):
    done = in_process("schema", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert schema["title"] == "capsim scenario"
    assert {"extends", "name", "start", "facilities", "tenants"} <= set(schema["properties"])
    assert schema["then"]["required"] == ["name", "start", "end", "compute_types", "facilities"]
    phase = schema["$defs"]["Phase"]["properties"]
    assert phase["build_months"]["description"].startswith("construction time [months]")
    assert "required" not in schema["$defs"]["PhasePatch"]
    assert "remove" in schema["$defs"]["PhasePatch"]["properties"]


def test_schema_accepts_what_ifs_and_rejects_typos():
    jsonschema = pytest.importorskip("jsonschema")
    from simulator.scenario.load import read_yaml
    from simulator.scenario.json_schema import scenario_schema

    validator = jsonschema.Draft202012Validator(scenario_schema())
    example = json.loads(json.dumps(read_yaml("x", text=EXAMPLE_YAML), default=str))
    what_if = {"extends": "baseline.yaml", "name": "slip",
               "facilities": [{"id": "nacic", "phases": [{"id": "p2", "start": "2024-09"}]},
                              {"id": "baidu-ai", "remove": True}],
               "scheduling": {"leave_after_unserved_months": None}}
    assert list(validator.iter_errors(example)) == []
    assert list(validator.iter_errors(what_if)) == []
    assert [e.message for e in validator.iter_errors({**example, "nmae": "x"})] == [
        "Additional properties are not allowed ('nmae' was unexpected)"]
    assert not validator.is_valid({**what_if, "facilities": [{"id": "x", "phases": [{"cap": 1}]}]})
