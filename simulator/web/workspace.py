"""The workspace folder the workbench may read and write: paths from the browser confined to it."""

from __future__ import annotations

import os
from pathlib import Path

from simulator.errors import Problem, ScenarioError
from simulator.scenario.yaml_read import MAX_FILE_BYTES, read_document

SUFFIXES = (".yaml", ".yml")


class Workspace:
    """A folder of scenario files; every path the browser names is checked against it."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise ScenarioError(Problem(f"{root} is not a folder", file=str(root)))

    def files(self) -> list[str]:
        """Scenario files in the workspace (top level and sub-folders), as relative paths."""
        found = []
        for path in sorted(self.root.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and not path.name.startswith("."):
                try:
                    found.append(self.relative(path))
                except ValueError:  # a symlink out of the workspace: not listed
                    continue
        return found

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def path(self, name: str, *, must_exist: bool = True) -> Path:
        """The file `name` (relative, inside the workspace, a .yaml), or ValueError saying why."""
        if not isinstance(name, str) or not name or "\x00" in name or "\\" in name:
            raise ValueError("not a file name")
        rel = Path(name)
        if rel.is_absolute() or ".." in rel.parts or name.startswith("~"):
            raise ValueError("paths are relative to the workspace, without '..'")
        if rel.suffix not in SUFFIXES:
            raise ValueError("a scenario file ends in .yaml or .yml")
        full = self.root / rel
        resolved = full.resolve()
        if not resolved.is_relative_to(self.root):
            raise ValueError("the path leads out of the workspace")
        if must_exist and not resolved.is_file():
            raise ValueError(f"no such file: {name}")
        return full

    def read(self, name: str) -> str:
        path = self.path(name)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError("the file is too large to be a scenario")
        return path.read_text(encoding="utf-8")

    def write_new(self, name: str, text: str) -> Path:
        """Create `name` with `text`; an existing file is never overwritten."""
        path = self.path(name, must_exist=False)
        if path.exists() or path.is_symlink():
            raise ValueError(f"{name} exists already; choose another name")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
        return path

    def check_extends(self, path: Path, text: str) -> list[Problem]:
        """Problems where the `extends` chain from `text` leaves the workspace (one per link)."""
        problems, seen = [], set()
        while "extends" in text:
            try:
                data, _ = read_document(path, text=text)
            except ScenarioError:
                return problems  # the loader reports it, located
            ext = data.get("extends") if isinstance(data, dict) else None
            if not isinstance(ext, str) or not ext.strip():
                return problems
            base = (path.parent / ext)
            try:
                resolved = base.resolve()
            except (OSError, RuntimeError, ValueError):
                return problems
            if Path(ext).is_absolute() or not resolved.is_relative_to(self.root):
                line, col = (data.vpos.get("extends") or (None, None, None))[1:]
                problems.append(Problem("must name a file inside the workspace", "extends",
                                        file=str(path), line=line, column=col,
                                        hint=f"the workbench serves {self.root.name}/ only"))
                return problems
            if resolved in seen or not resolved.is_file():
                return problems  # a cycle or a missing file: the loader says so
            seen.add(resolved)
            path, text = base, resolved.read_text(encoding="utf-8", errors="replace")
        return problems
