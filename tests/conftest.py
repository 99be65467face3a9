"""Shared fixtures: a file writer and the example scenario written to a file (see `tests.helpers`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_YAML


@pytest.fixture
def write(tmp_path):
    """write(name, text) puts dedented `text` in tmp_path/name and returns the path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def example_file(write) -> Path:
    """The docs/design.md example written to tmp_path/baseline.yaml (the name its what-if extends)."""
    return write("baseline.yaml", EXAMPLE_YAML)


# ---------------------------------------------------------------- engine scenarios from dicts
