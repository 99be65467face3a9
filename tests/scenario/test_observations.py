"""Observations files: the shipped one loads, a source per figure; a bad one gets located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.errors import ScenarioError
from simulator.scenario.observations import METRICS, load_observations
from tests.helpers import line_of

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "observations" / "yichang-2023-2025.yaml"


def test_the_shipped_observations_load_and_each_names_its_source():
    obs = load_observations(SHIPPED)
    assert len(obs.observations) >= 10
    for o in obs.observations:
        assert o.source.strip() and o.counting.strip()
        assert o.metric in METRICS and o.value > 0
    ids = [o.id for o in obs.observations]
    assert len(ids) == len(set(ids))
    assert {o.scope.key[0] for o in obs.observations} >= {"district", "city", "province",
                                                          "facilities"}


def test_the_shipped_observations_hold_the_reported_figures():
    got = {o.id: o.value for o in load_observations(SHIPPED).observations}
    assert got["yichang-built-2024-08"] == 1050.0          # People's Daily Online, 2024-08-22
    assert got["yichang-under-construction-2024-08"] == 1525.0
    assert got["hubei-ai-2023-12"] == 1025.0               # CRI, 2024-12-10
    assert got["dianjun-ai-under-construction-2024-10"] == 10_000.0


def test_every_repo_file_the_observations_cite_exists():
    text = SHIPPED.read_text(encoding="utf-8")
    cited = set(re.findall(r"(docs/[\w./-]+\.(?:md|txt)|observations/[\w./-]+)", text))
    assert cited, "the observations cite their sources"
    for path in cited:
        assert (ROOT / path.rstrip(".")).is_file(), path


GOOD = """\
name: test
observations:
  - id: a
    month: 2024-08
    metric: capacity_p
    total: true
    scope: {city: yichang}
    value: 1050P
    counting: nominal
    source: People's Daily Online, 2024-08-22
"""


def problems(write, text: str) -> list[str]:
    path = write("obs.yaml", text)
    with pytest.raises(ScenarioError) as info:
        load_observations(path)
    return info.value.lines()


def test_a_good_file_loads(write):
    (o,) = load_observations(write("obs.yaml", GOOD)).observations
    assert (o.value, o.scope.key, o.selection) == (1050.0, ("city", "yichang"), "total")


def test_a_bad_file_gets_every_problem_located(write):
    text = GOOD.replace("    month: 2024-08", "    month: 2024-13") \
               .replace("    metric: capacity_p", "    metirc: capacity_p\n    type: ai") \
               .replace("    source: People's Daily Online, 2024-08-22\n", "    sorce: x\n")
    lines = problems(write, text)
    name = str(Path(write("obs.yaml", text)))
    assert f"{name}:{line_of(text, 'month:')}:12: observations.a.month: '2024-13': month 13 " \
           f"is not 1-12" in lines
    assert any(line.startswith(f"{name}:{line_of(text, 'metirc')}:5: observations.a.metirc: "
                               f"unknown key 'metirc', and the required 'metric' is missing")
               and "did you mean 'metric'?" in line for line in lines), lines
    assert any(line.startswith(f"{name}:{line_of(text, 'sorce')}:5: observations.a.sorce: ")
               for line in lines), lines


@pytest.mark.parametrize("change, expected", [
    (("    total: true\n", "    total: true\n    type: ai\n"),
     "needs exactly one of type, precision or total: true; got type, total"),
    (("    scope: {city: yichang}", "    scope: {city: yichang, district: dianjun}"),
     "needs exactly one of facilities, district, city, province, country; got district, city"),
    (("    metric: capacity_p", "    metric: capacity"),
     "must be one of 'capacity_p', 'under_construction_p'"),
    (("    value: 1050P", "    value: 1050X"), "'1050X' is not a capacity"),
    (("    value: 1050P", "    value: -5"), "must be >= 0, got -5"),
])
def test_a_bad_value_is_named_at_its_line(write, change, expected):
    text = GOOD.replace(*change)
    (line,) = problems(write, text)
    assert expected in line, line
    assert re.match(r"^.*obs\.yaml:\d+:\d+: observations\.a(\.\w+)?: ", line), line


def test_a_duplicate_id_points_at_the_second(write):
    text = GOOD + GOOD.split("observations:\n")[1]
    (line,) = problems(write, text)
    assert re.search(r"obs\.yaml:11:9: observations\.a\.id: duplicate observation id 'a'",
                     line), line


@pytest.mark.parametrize("text, expected", [
    ("", "this file is empty"),
    ("# only a comment\n", "this file is empty (it holds only comments)"),
    ("- a\n- b\n", "this file is a list"),
    ("name: [unclosed\n", "obs.yaml:"),
])
def test_not_an_observations_file(write, text, expected):
    (line,) = problems(write, text)
    assert expected in line, line


def test_a_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_observations(tmp_path / "nope.yaml")
    assert info.value.lines() == [f"{tmp_path / 'nope.yaml'}: no such file"]


def test_a_scenario_without_scope_keeps_its_hash(example_file):
    """The `scope` field is new: a scenario that does not give one dumps (and hashes) as before."""
    import simulator
    from simulator.ensemble.run import scenario_hash

    s = simulator.load_scenario(example_file)
    assert "scope" not in s.model_dump()
    scoped = s.model_copy(update={"scope": s.model_validate(
        {**s.model_dump(mode="json", by_alias=True), "scope": {"city": "x"}}).scope})
    assert scoped.model_dump()["scope"]["city"] == "x"
    assert scenario_hash(scoped) != scenario_hash(s)
