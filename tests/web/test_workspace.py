"""Paths from the browser stay inside the workspace: no '..', no absolute paths, no links out."""

from __future__ import annotations

import pytest

from simulator.web.workspace import Workspace


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.yaml").write_text("name: a\n")
    (tmp_path / "secret.yaml").write_text("name: secret\n")
    return Workspace(root)


@pytest.mark.parametrize("name", ["../secret.yaml", "/etc/passwd.yaml", "sub/../../secret.yaml",
                                  "a.txt", "", "a\x00.yaml", "~/x.yaml", "..\\secret.yaml"])
def test_paths_out_of_the_workspace_are_refused(ws, name):
    with pytest.raises(ValueError):
        ws.path(name)


def test_a_symlink_out_of_the_workspace_is_refused_and_not_listed(ws, tmp_path):
    (ws.root / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(ValueError, match="out of the workspace"):
        ws.read("link.yaml")
    assert ws.files() == ["a.yaml"]


def test_an_existing_file_is_never_overwritten(ws):
    with pytest.raises(ValueError, match="exists"):
        ws.write_new("a.yaml", "name: b\n")
    assert ws.read("a.yaml") == "name: a\n"
    ws.write_new("sub/b.yaml", "name: b\n")
    assert ws.files() == ["a.yaml", "sub/b.yaml"]


def test_extends_out_of_the_workspace_is_a_located_problem(ws):
    [p] = ws.check_extends(ws.root / "a.yaml", "name: x\nextends: ../secret.yaml\n")
    assert (p.path, p.line, p.column) == ("extends", 2, 10)
    assert "inside the workspace" in p.message
    assert ws.check_extends(ws.root / "b.yaml", "extends: a.yaml\n") == []
