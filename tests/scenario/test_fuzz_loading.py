"""Any mapping, byte string, what-if or --set either loads or raises ScenarioError, never else."""

from __future__ import annotations

import copy
import json
import os

import pytest
from tests.helpers import EXAMPLE_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Scenario, ScenarioError, load_scenario, scenario_from_dict
from simulator.scenario.load import merge, parse_set, read_yaml

# Examples per property: 300 in `make test` (and CI); 100 in `make check`, the fast loop, which
# sets CAPSIM_FAST_LOOP (new random ones each run; a failure found is replayed from .hypothesis).
EXAMPLES = 100 if os.environ.get("CAPSIM_FAST_LOOP") else 300
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
EXAMPLE = json.loads(json.dumps(read_yaml("<example>", text=EXAMPLE_YAML)))

# Scalars a scenario holds, valid and not: units, months, ids of the example, odd numbers.
WORDS = ["50P", "1.2E", "800T", "-5P", "1e999P", "15%", "2024-03", "2023-13", "1850-01", "p1",
         "p2", "nacic", "nacic.p1", "baidu-ai", "ai", "hpc", "gpu", "signed", "negotiating",
         "priority", "id", "remove", "{", "a b", ""]
KEYS = ["id", "name", "after", "online", "start", "end", "build_months", "min", "mode", "max",
        "remove", "from", "to", "until", "facility", "probability", "sign", "capacity", "demand",
        "phases", "facilities", "tenants", "events", "targets", "types", "months", "count"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=6),
                    st.sampled_from(WORDS), st.dates(), st.binary(max_size=3))
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=4), st.integers(-2, 2))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def paths(node, prefix=()):
    """Every path into a nested dict/list, the root included."""
    yield prefix
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in items:
        yield from paths(child, prefix + (key,))


EXAMPLE_PATHS = list(paths(EXAMPLE))[1:]


@st.composite
def mutated_example(draw) -> dict:
    """The example with a few values replaced, deleted or given an extra key."""
    data = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        *parents, last = draw(st.sampled_from(EXAMPLE_PATHS))
        node = _follow(data, parents)
        if node is None or not _has(node, last):
            continue  # an earlier mutation removed or replaced the path
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if action == "set":
            node[last] = draw(values)
        elif action == "delete":
            del node[last]
        elif isinstance(node[last], dict):
            node[last][draw(keys)] = draw(values)
    return data


def _has(node, key) -> bool:
    """Whether `key` still leads somewhere in the mapping or list `node`."""
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _follow(data, parents):
    """The mapping or list at `parents` inside `data`, or None where the path no longer leads."""
    node = data
    for seg in parents:
        if not _has(node, seg):
            return None
        node = node[seg]
    return node if isinstance(node, (dict, list)) else None


@st.composite
def mutated_text(draw) -> bytes:
    """The example's bytes with a few snippets of YAML syntax (or noise) inserted or cut."""
    snippets = st.sampled_from([b":", b"- ", b"{", b"]", b"&a ", b"*a", b"<<: *a", b"!!set ",
                                b"!!int ", b"!!binary ", b"'", b'"', b"\t", b"\n  ", b"? ",
                                b"---\n", b"\xff", b"\x00", b"2023-02-31", b"9" * 5000,
                                b"extends: baseline.yaml\n", b"extends: nowhere.yaml\n"])
    data = bytearray(EXAMPLE_YAML.encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(snippets | st.binary(max_size=3))
        else:
            del data[at:at + draw(st.integers(1, 30))]
    return bytes(data)


def loads_or_scenario_error(load) -> None:
    try:
        assert isinstance(load(), Scenario)
    except ScenarioError as exc:
        rendered = exc.lines()
        assert rendered and all(line and "\n" not in line for line in rendered), rendered


@FUZZ
@given(st.dictionaries(keys, values, max_size=8) | values)
def test_any_value_loads_or_raises_scenario_error(data):
    loads_or_scenario_error(lambda: scenario_from_dict(data))


@FUZZ
@given(mutated_example())
def test_a_mutated_example_loads_or_raises_scenario_error(data):
    loads_or_scenario_error(lambda: scenario_from_dict(data))


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=4))
def test_any_what_if_merges_and_loads_or_raises_scenario_error(over):
    loads_or_scenario_error(lambda: scenario_from_dict(merge(copy.deepcopy(EXAMPLE), over)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz")
    (path / "baseline.yaml").write_text(EXAMPLE_YAML, encoding="utf-8")
    return path


@FUZZ
@given(text=mutated_text() | st.binary(max_size=60))
def test_any_bytes_load_or_raise_scenario_error(folder, text):
    path = folder / "fuzzed.yaml"
    path.write_bytes(text)
    loads_or_scenario_error(lambda: load_scenario(path))
    try:
        read_yaml(path)
    except ScenarioError:
        pass


SEGMENTS = ["facilities", "nacic", "baidu-ai", "phases", "p1", "p2", "p9", "0", "7", "start",
            "build_months", "tenants", "sugon", "demand", "ai", "scheduling", "policy", "name",
            "events", "x"]


@FUZZ
@given(sets=st.lists(st.tuples(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5),
                               st.sampled_from(WORDS + ["{min: 8, mode: 9, max: 10}", "[1, 2]",
                                                        "null", "a: b: c", "!!set 1"])
                               | st.text(max_size=5)), max_size=3))
def test_any_set_loads_or_raises_scenario_error(folder, sets):
    def load():
        overrides = dict(parse_set(".".join(path) + "=" + value) for path, value in sets)
        return load_scenario(folder / "baseline.yaml", overrides)

    loads_or_scenario_error(load)
