"""A full-width colon '：' (typed with a Chinese input method) is named in its YAML error."""

from __future__ import annotations

import pytest

import simulator as sim
from simulator.errors import ScenarioError


def test_a_full_width_colon_is_named(write):
    path = write("s.yaml", "name: x\nstart： 2023-01\nend: 2024-01\n")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path)
    (line,) = info.value.lines()
    assert line.startswith(f"{path}:2:1: ")
    assert "full-width colon '：' (U+FF1A)" in line and "ASCII colon ':'" in line


def test_a_missing_colon_still_says_so(write):
    path = write("s.yaml", "name: x\nstart 2023-01\nend: 2024-01\n")
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path)
    assert "has no ':' after its key" in info.value.lines()[0]
