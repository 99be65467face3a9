"""Form edits keep the YAML as written; a saved what-if holds only what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.web.yaml_edit import changes, load_plain, set_value, whatif_text

BASELINE = Path(__file__).parents[2] / "scenarios" / "dianjun-baseline.yaml"


def _changed_lines(a: str, b: str) -> list[tuple[str, str]]:
    la, lb = a.splitlines(), b.splitlines()
    assert len(la) == len(lb)
    return [(x, y) for x, y in zip(la, lb) if x != y]


def test_setting_a_phase_start_changes_that_one_line_and_keeps_its_comment():
    text = BASELINE.read_text(encoding="utf-8")
    out = set_value(text, "facilities.nacic.phases.p2.start", "2024-09")
    [(before, after)] = _changed_lines(text, out)
    assert before.replace("2024-03", "2024-09") == after  # alignment and comment kept


def test_a_distribution_is_written_inline():
    text = "phases:\n  - id: p1\n    build_months: 4   # months\n"
    out = set_value(text, "phases.p1.build_months", {"min": 3, "mode": 4, "max": 8})
    assert out.splitlines()[2].startswith("    build_months: {min: 3, mode: 4, max: 8}")
    assert out.splitlines()[2].endswith("# months")


def test_a_missing_item_is_added_by_id_under_a_list():
    text = "extends: base.yaml\nname: x\n"
    out = set_value(text, "tenants.ctrip.probability", 0.8)
    assert load_plain(out) == {"extends": "base.yaml", "name": "x",
                               "tenants": [{"id": "ctrip", "probability": 0.8}]}


def test_a_path_through_a_plain_value_is_refused():
    with pytest.raises(ValueError):
        set_value("name: x\n", "name.first", 1)


def test_changes_follow_the_merge_rules_of_extends():
    old = {"name": "a", "facilities": [{"id": "f", "phases": [{"start": "2024-03", "x": 1}]}],
           "tenants": [{"id": "t1", "p": 0.5}, {"id": "t2", "p": 0.5}], "targets": [{"a": 1}]}
    new = {"name": "a", "facilities": [{"id": "f", "phases": [{"start": "2024-09", "x": 1}]}],
           "tenants": [{"id": "t1", "p": 0.5}, {"id": "t3", "p": 1}], "targets": [{"a": 2}]}
    patch, lost = changes(old, new)
    assert patch == {"facilities": [{"id": "f", "phases": [{"id": "p1", "start": "2024-09"}]}],
                     "tenants": [{"id": "t3", "p": 1}, {"id": "t2", "remove": True}],
                     "targets": [{"a": 2}]}  # not by id: replaced whole
    assert lost == []


def test_a_removed_key_is_reported_as_not_expressible():
    assert changes({"a": 1, "b": 2}, {"a": 1}) == (None, ["b"])


def test_whatif_of_the_baseline_holds_the_change_only():
    text = BASELINE.read_text(encoding="utf-8")
    edited = set_value(text, "facilities.nacic.phases.p2.start", "2024-09")
    out, lost = whatif_text(text, edited, "dianjun-baseline.yaml", "p2 late")
    assert load_plain(out) == {"extends": "dianjun-baseline.yaml", "name": "p2 late",
                               "facilities": [{"id": "nacic", "phases": [
                                   {"id": "p2", "start": "2024-09"}]}]}
    assert lost == []
