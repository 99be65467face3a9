"""Read scenario files: YAML with positions, `extends` chains, `--set` overrides, located errors."""

from __future__ import annotations

import copy
import difflib
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .checks import render_path, scenario_from_dict
from .errors import Problem, ScenarioError
from .scenario import Scenario

MAX_FILE_BYTES = 2_000_000  # a scenario is a few kB; this guards against the wrong file
MAX_NODES = 200_000  # aliases can expand a small file into a huge tree ("billion laughs")
MAX_DEPTH = 40


class PosDict(dict):
    """A mapping that remembers where each key and value stood: (file, line, column), 1-based."""

    __slots__ = ("where", "kpos", "vpos")

    def __init__(self, *args, where=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.where, self.kpos, self.vpos = where, {}, {}


class PosList(list):
    """A list that remembers where each item stood."""

    __slots__ = ("where", "ipos")

    def __init__(self, *args, where=None):
        super().__init__(*args)
        self.where, self.ipos = where, {}


# ---------------------------------------------------------------- reading one file
def read_yaml(path: str | os.PathLike, *, text: str | None = None) -> object:
    """Parse one YAML file into PosDict/PosList/scalars, or raise ScenarioError located in it."""
    name = str(path)
    if text is None:
        try:
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                raise ScenarioError(Problem(f"the file is {size / 1e6:.1f} MB; a scenario is a few "
                                            f"kB (limit {MAX_FILE_BYTES / 1e6:g} MB)", file=name))
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise ScenarioError(Problem("no such file", file=name)) from None
        except IsADirectoryError:
            raise ScenarioError(Problem("is a directory, not a scenario file", file=name)) from None
        except OSError as exc:
            raise ScenarioError(Problem(f"cannot read: {exc.strerror}", file=name)) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ScenarioError(Problem(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                        file=name, line=line,
                                        hint="save it as UTF-8")) from None
    if "\x00" in text:
        raise ScenarioError(Problem("the file holds binary data, not YAML text", file=name))
    yaml = YAML(typ="rt", pure=True)
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ScenarioError(_yaml_problem(exc, name)) from None
    except YAMLError as exc:
        raise ScenarioError(Problem(f"not valid YAML: {exc}", file=name)) from None
    except RecursionError:
        raise ScenarioError(Problem("nesting is too deep to be a scenario", file=name)) from None
    return _convert(doc, name, (name, 1, 1), [0], 0)


def _yaml_problem(exc: MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    hint = None
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        ctx = exc.context_mark
        first = f" (first at line {ctx.line + 1})" if ctx is not None else ""
        problem = f"duplicate key {key!r}{first}"
        hint = "each key may appear once in a mapping"
    elif "\\t" in problem or "'\\t'" in problem or "tab" in problem.lower():
        hint = "YAML indents with spaces, not tabs"
    elif problem.startswith("found character"):
        hint = "quote the value if it is text"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return Problem(f"YAML: {problem}", file=name, line=line, column=col, hint=hint)


def _convert(node, name, where, count, depth):
    """CommentedMap/Seq to PosDict/PosList, with positions, a node budget and a depth limit."""
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ScenarioError(Problem(f"the document expands to more than {MAX_NODES:,} values "
                                    f"(aliases?); a scenario is far smaller", file=name))
    if depth > MAX_DEPTH:
        raise ScenarioError(Problem(f"nesting deeper than {MAX_DEPTH} levels", file=name,
                                    line=where[1], column=where[2]))
    if isinstance(node, CommentedMap):
        out = PosDict(where=where)
        for key in node:
            kl, kc = _pair(node.lc.key(key))
            vl, vc = _pair(node.lc.value(key))
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                key = str(key)
            out.kpos[key] = (name, kl, kc)
            out.vpos[key] = (name, vl, vc)
            out[key] = _convert(node[key], name, out.vpos[key], count, depth + 1)
        return out
    if isinstance(node, CommentedSeq):
        out = PosList(where=where)
        for i, item in enumerate(node):
            il, ic = _pair(node.lc.item(i))
            out.ipos[i] = (name, il, ic)
            out.append(_convert(item, name, out.ipos[i], count, depth + 1))
        return out
    if isinstance(node, (dict, list)):  # plain containers (from --set values)
        return copy.deepcopy(node)
    return _plain(node)


def _pair(lc) -> tuple[int | None, int | None]:
    try:
        return lc[0] + 1, lc[1] + 1
    except (TypeError, IndexError):
        return None, None


def _plain(value):
    """ruamel's scalar subclasses (ScalarFloat, TaggedScalar, ...) as plain Python values."""
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value if hasattr(value, "year") else str(value)


# ---------------------------------------------------------------- extends and merging
def load_raw(path: str | os.PathLike, _stack: tuple[Path, ...] = ()) -> PosDict:
    """A file merged over the chain of files it extends, still with positions."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {'list' if isinstance(data, list) else 'scalar'}"
        raise ScenarioError(Problem(f"a scenario must be a mapping of keys to values; this file is "
                                    f"{kind}", file=str(path), line=1, column=1))
    if "extends" not in data:
        return data
    ext = data.pop("extends")
    where = data.vpos.pop("extends")
    data.kpos.pop("extends", None)
    if not isinstance(ext, str) or not ext.strip():
        raise ScenarioError(Problem("'extends' must be the path of a scenario file", "extends",
                                    *where))
    base = (path.parent / ext)
    chain = _stack + (path.resolve(),)
    if base.resolve() in chain:
        shown = " -> ".join(str(p.name) for p in chain + (base.resolve(),))
        raise ScenarioError(Problem(f"'extends' forms a cycle: {shown}", "extends", *where))
    if not base.is_file():
        near = difflib.get_close_matches(base.name, [p.name for p in base.parent.glob("*.y*ml")]
                                         if base.parent.is_dir() else [], n=1)
        hint = f"did you mean {near[0]!r}?" if near else "the path is relative to this file"
        raise ScenarioError(Problem(f"'extends' names no file: {ext!r}", "extends", *where,
                                    hint=hint))
    return merge(load_raw(base, chain), data)


def merge(base: object, over: object, key: object = None) -> object:
    """Overlay `over` on `base`: mappings by key, lists of mappings by `id`, else replace.

    In a list merged by id, an item with `remove: true` drops the base item of that id; a new id
    is appended. A mapping value of null removes the key (back to its default).
    """
    if isinstance(base, dict) and isinstance(over, dict):
        out = PosDict(base, where=getattr(base, "where", None))
        out.kpos.update(getattr(base, "kpos", {}))
        out.vpos.update(getattr(base, "vpos", {}))
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
                continue
            out[k] = merge(base[k], v, k) if k in base else v
            out.kpos[k] = getattr(over, "kpos", {}).get(k, out.kpos.get(k))
            out.vpos[k] = getattr(over, "vpos", {}).get(k, out.vpos.get(k))
        return out
    if isinstance(base, list) and isinstance(over, list) and _by_id(base, key) and _by_id(over):
        items = [_with_implicit_id(item, i, key) for i, item in enumerate(base)]
        out = PosList(items, where=getattr(base, "where", None))
        out.ipos.update(getattr(base, "ipos", {}))
        for j, item in enumerate(over):
            ids = [x["id"] for x in out]
            where = getattr(over, "ipos", {}).get(j)
            if item.get("remove") is True:
                if item["id"] not in ids:
                    raise ScenarioError(Problem(f"remove: no item with id {item['id']!r} to remove",
                                                *(_place(where))))
                i = ids.index(item["id"])
                del out[i]
                out.ipos = {(n if n < i else n - 1): p for n, p in out.ipos.items() if n != i}
                continue
            if item["id"] in ids:
                i = ids.index(item["id"])
                out[i] = merge(out[i], item)
                out.ipos[i] = where or out.ipos.get(i)
            else:
                out.append(item)
                out.ipos[len(out) - 1] = where
        return out
    return over


def _place(where) -> tuple:
    return ("", *where) if where else ("",)


def _by_id(items: list, key: object = "") -> bool:
    implicit = key == "phases"
    return all(isinstance(x, dict) and ("id" in x or implicit) for x in items)


def _with_implicit_id(item, i, key):
    """Phases without an id are p1, p2, ... by position, so a what-if can name them."""
    if key == "phases" and isinstance(item, dict) and "id" not in item:
        out = PosDict(item, where=getattr(item, "where", None))
        out.kpos.update(getattr(item, "kpos", {}))
        out.vpos.update(getattr(item, "vpos", {}))
        out["id"] = f"p{i + 1}"
        return out
    return item


# ---------------------------------------------------------------- --set overrides
def parse_set(text: str) -> tuple[str, object]:
    """`path=value` from the command line; the value is read as YAML (`{min: 8, ...}` works)."""
    if "=" not in text:
        raise ScenarioError(Problem(f"--set {text!r}: expected PATH=VALUE, e.g. end=2028-12",
                                    file="--set"))
    path, _, value = text.partition("=")
    path = path.strip()
    if not path or any(not seg for seg in path.split(".")):
        raise ScenarioError(Problem(f"--set {text!r}: the path is empty or has an empty part",
                                    file="--set"))
    try:
        parsed = read_yaml("--set", text=value) if value.strip() else ""
    except ScenarioError:
        parsed = value  # not YAML: take the text as it is
    return path, parsed


def apply_overrides(data: PosDict, overrides: dict[str, object] | None) -> PosDict:
    """Set each `path: value`, with list items named by id (or by 0-based index)."""
    if not overrides:
        return data
    data = copy.deepcopy(data)
    problems = []
    for path, value in overrides.items():
        try:
            _set_path(data, path.split("."), value, path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return data


def _set_path(node, segs: list[str], value, path: str) -> None:
    here = ("--set", None, None)
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if isinstance(node, dict):
            if last:
                node[seg] = value
                node.vpos[seg] = node.kpos[seg] = here
                return
            if not isinstance(node.get(seg), (dict, list)):
                node[seg] = PosDict(where=here)
                node.vpos[seg] = node.kpos[seg] = here
            node = node[seg]
        elif isinstance(node, list):
            idx = _find_item(node, seg, segs[i - 1] if i else "", path, ".".join(segs[:i]))
            if last:
                node[idx] = value
                node.ipos[idx] = here
                return
            node = node[idx]
        else:
            raise ScenarioError(Problem(f"cannot set {path!r}: {'.'.join(segs[:i])} is a value, "
                                        f"not a mapping", file="--set"))


def _find_item(items: list, seg: str, key: str, path: str, where: str) -> int:
    ids = [(x.get("id") if isinstance(x, dict) else None) for x in items]
    if key == "phases":
        ids = [x if x is not None else f"p{n + 1}" for n, x in enumerate(ids)]
    if seg in ids:
        return ids.index(seg)
    if seg.isdigit() and int(seg) < len(items):
        return int(seg)
    known = [str(x) for x in ids if x is not None]
    near = difflib.get_close_matches(seg, known, n=1)
    hint = f"did you mean {near[0]!r}?" if near else (f"ids: {', '.join(known)}" if known else
                                                      f"use an index 0-{len(items) - 1}")
    raise ScenarioError(Problem(f"no item {seg!r} in {where or 'the list'}", path,
                                file="--set", hint=hint))


# ---------------------------------------------------------------- the public entry points
def load_scenario(path: str | os.PathLike, overrides: dict[str, object] | None = None,
                  warnings: list[Problem] | None = None) -> Scenario:
    """Read a scenario file (following `extends`), apply `overrides`, validate; or raise.

    `overrides` maps dotted paths to values, as `--set` does:
    {"facilities.nacic.phases.p2.start": "2024-09"}. Strings are taken as they are.
    Every problem comes back at once in the ScenarioError, each located in the file it came from.
    """
    data = resolve_raw(path, overrides)
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


def resolve_raw(path: str | os.PathLike, overrides: dict[str, object] | None = None) -> PosDict:
    """The merged raw mapping (extends chain, then overrides), positions kept."""
    return apply_overrides(load_raw(path), overrides)


def locate(problem: Problem, data: object, default_file: str) -> Problem:
    """Give a problem found by its field path the file, line and column it stands at."""
    where = getattr(data, "where", None) or (default_file, 1, 1)
    node = data
    for n, seg in enumerate(problem.loc):
        last = n == len(problem.loc) - 1
        if isinstance(node, dict) and seg in node:
            pos = node.kpos if (last and problem.message.startswith("unknown key")) else node.vpos
            where = getattr(node, "vpos", {}) and pos.get(seg) or where
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            where = getattr(node, "ipos", {}).get(seg) or where
            node = node[seg]
        elif isinstance(seg, str) and seg in ("months", "distribution"):
            continue
        else:
            break
    file, line, col = where
    path = problem.path or render_path(data, problem.loc)
    return Problem(problem.message, path, file=file or problem.file or default_file, line=line,
                   column=col, hint=problem.hint, loc=problem.loc)
