"""Read scenario files: YAML with positions, `extends` chains, `--set` overrides, located errors."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from simulator.scenario.validate import scenario_from_dict
from simulator.errors import Problem, ScenarioError
from simulator.scenario.layers import SET_WHERE, PosDict, PosList, apply_overrides, merge, positioned
from simulator.scenario.messages import KEY_MARK, UNION_TAGS, render_path
from simulator.scenario.schema import Scenario
from simulator.scenario.yaml_read import not_a_file, read_document, read_yaml

__all__ = ["PosDict", "PosList", "apply_overrides", "load_raw", "load_scenario", "locate", "merge",
           "parse_set", "read_yaml", "resolve_raw"]


# ---------------------------------------------------------------- extends
def load_raw(path: str | os.PathLike, _stack: tuple[Path, ...] = (), *,
             text: str | None = None) -> PosDict:
    """A file merged over the chain of files it extends, still with positions.

    `text`, when given, is read as the file's content (an editor's unsaved buffer)."""
    path = Path(path)
    data, comments_only = read_document(path, text=text)
    if not isinstance(data, dict):
        kind = ("empty" if data is None and not comments_only else
                "empty (it holds only comments)" if data is None else
                "a list" if isinstance(data, list) else "a single value")
        raise ScenarioError(Problem(f"a scenario must be a mapping of keys to values; this file is "
                                    f"{kind}", file=str(path), line=1, column=1))
    if "extends" not in data:
        return data
    ext = data.pop("extends")
    where = data.vpos.pop("extends")
    data.kpos.pop("extends", None)
    if not isinstance(ext, str) or not ext.strip():
        raise ScenarioError(Problem("must be the path of a scenario file", "extends", *where))
    base = path.parent / ext
    chain = _stack + (path.resolve(),)
    try:
        found = base.resolve()
        is_file = base.is_file()
    except (OSError, ValueError, RuntimeError) as exc:  # a NUL, a name too long, a link loop
        raise ScenarioError(Problem(f"cannot use {_short(ext)} as a file name "
                                    f"({getattr(exc, 'strerror', None) or exc})", "extends",
                                    *where)) from None
    if found in chain:
        shown = " -> ".join(p.name for p in chain + (found,))
        raise ScenarioError(Problem(f"forms a cycle: {shown}", "extends", *where,
                                    hint="a file cannot extend itself, directly or not"))
    what = not_a_file(base)
    if what == "no such file" or (what is None and not is_file):
        near = difflib.get_close_matches(base.name, [p.name for p in base.parent.glob("*.y*ml")]
                                         if base.parent.is_dir() else [], n=1)
        hint = f"did you mean {near[0]!r}?" if near else "the path is relative to this file"
        raise ScenarioError(Problem(f"no such file: {_short(ext)}", "extends", *where,
                                    hint=hint))
    if what is not None:
        raise ScenarioError(Problem(f"{_short(ext)} is {what}, not a scenario file", "extends",
                                    *where, hint="extends names a .yaml file"))
    if base.suffix.lower() not in (".yaml", ".yml"):  # never read (and echo) other files
        raise ScenarioError(Problem(f"{_short(ext)} is not a .yaml or .yml file", "extends",
                                    *where, hint="extends names a scenario file, *.yaml"))
    return merge(load_raw(base, chain), data)


def _short(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse_set(text: str) -> tuple[str, object]:
    """`path=value` from the command line; the value is read as YAML (`{min: 8, ...}` works)."""
    path, eq, value = text.partition("=")
    path = path.strip()
    if not eq or not path:
        key, colon, rest = text.partition(":")
        hint = (f"did you mean --set {key.strip()}={rest.strip()}?" if colon and key.strip()
                and rest.strip() and " " not in key.strip() else "e.g. --set end=2028-12")
        raise ScenarioError(Problem(f"{text!r} is not PATH=VALUE", file="--set", hint=hint))
    if not all(path.split(".")):
        raise ScenarioError(Problem(f"the path {path!r} has an empty part", file="--set",
                                    hint="e.g. --set facilities.nacic.phases.p2.start=2024-09"))
    try:
        parsed = read_yaml("--set", text=value) if value.strip() else ""
    except ScenarioError:
        parsed = value  # not YAML: take the text as it is
    return path, positioned(parsed, SET_WHERE)


# ---------------------------------------------------------------- the public entry points
def load_scenario(path: str | os.PathLike, overrides: dict[str, object] | None = None,
                  warnings: list[Problem] | None = None, *, text: str | None = None,
                  raw: list | None = None) -> Scenario:
    """Read a scenario file (following `extends`), apply `overrides`, validate; or raise.

    `overrides` maps dotted paths to values, as `--set` does:
    {"facilities.nacic.phases.p2.start": "2024-09"}. Strings are taken as they are.
    Every problem comes back at once in the ScenarioError, each located in the file it came from.
    `text` stands for the file's content (the workbench's unsaved editor buffer); `raw`, when
    given, receives the merged raw mapping with its positions (where each value stands).
    """
    data = resolve_raw(path, overrides, text=text)
    if raw is not None:
        raw.append(data)
    found: list[Problem] = []
    try:
        scenario = scenario_from_dict(data, found)
    except ScenarioError as exc:
        located = [locate(p, data, str(path)) for p in exc.problems]
        located.sort(key=lambda p: (p.file != str(path), str(p.file), p.line or 0, p.column or 0))
        raise ScenarioError(located) from None
    if warnings is not None:
        warnings.extend(locate(p, data, str(path)) for p in found)
    return scenario


def resolve_raw(path: str | os.PathLike, overrides: dict[str, object] | None = None, *,
                text: str | None = None) -> PosDict:
    """The merged raw mapping (extends chain, then overrides), positions kept."""
    return apply_overrides(load_raw(path, text=text), overrides)


def locate(problem: Problem, data: object, default_file: str) -> Problem:
    """Give a problem found by its field path the file, line and column it stands at.

    An unknown key, or a problem with a mapping's key (`capacity: {gpu: 5P}`), points at the key;
    any other at the value.
    """
    where = getattr(data, "where", None) or (default_file, 1, 1)
    node, loc = data, problem.loc
    for n, seg in enumerate(loc):
        if seg == KEY_MARK:
            continue
        after = loc[n + 1] if n + 1 < len(loc) else None
        if isinstance(node, dict) and seg in node:
            on_key = after == KEY_MARK or (after is None and (
                problem.message.startswith("unknown key") or node[seg] is None))  # no value
            where = getattr(node, "kpos" if on_key else "vpos", {}).get(seg) or where
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            where = getattr(node, "ipos", {}).get(seg) or where
            node = node[seg]
        elif not (isinstance(seg, str) and seg in UNION_TAGS):
            break
    file, line, col = where
    path = problem.path or render_path(data, problem.loc)
    return Problem(problem.message, path, file=file or problem.file or default_file, line=line,
                   column=col, hint=problem.hint, loc=problem.loc)
