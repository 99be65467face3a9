"""Read scenario files: YAML with positions, `extends` chains, `--set` overrides, located errors."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .checks import scenario_from_dict
from .errors import Problem, ScenarioError
from .merging import SET_WHERE, PosDict, PosList, apply_overrides, merge, positioned
from .problems import KEY_MARK, UNION_TAGS, render_path
from .scenario import Scenario

__all__ = ["PosDict", "PosList", "apply_overrides", "load_raw", "load_scenario", "locate", "merge",
           "parse_set", "read_yaml", "resolve_raw"]

MAX_FILE_BYTES = 2_000_000  # a scenario is a few kB; this guards against the wrong file
MAX_NODES = 200_000  # aliases can expand a small file into a huge tree ("billion laughs")
MAX_DEPTH = 40


# ---------------------------------------------------------------- reading one file
class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that a scalar it cannot build stays text.

    `2023-02-31`, an integer of 5000 digits or `!!int ""` make ruamel raise a bare ValueError
    without a position; as text they reach validation, which names the field and the line.
    """


def _or_text(construct):
    def construct_or_text(self, node):
        try:
            return construct(self, node)
        except (ValueError, TypeError, IndexError, OverflowError):
            return str(node.value)
    return construct_or_text


for _tag in ("int", "float", "bool", "timestamp"):
    _name = f"tag:yaml.org,2002:{_tag}"
    _Constructor.add_constructor(_name, _or_text(RoundTripConstructor.yaml_constructors[_name]))


def read_yaml(path: str | os.PathLike, *, text: str | None = None) -> object:
    """Parse one YAML file into PosDict/PosList/scalars, or raise ScenarioError located in it."""
    name = str(path)
    if text is None:
        text = _read_text(path, name)
    if "\x00" in text:
        raise ScenarioError(Problem("the file holds binary data, not YAML text", file=name))
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        raise ScenarioError(_yaml_problem(exc, name, text)) from None
    except ReaderError as exc:  # a control character: YAML allows printable text only
        raise ScenarioError(_reader_problem(exc, name, text)) from None
    except YAMLError as exc:
        raise ScenarioError(Problem(f"not valid YAML: {exc}", file=name)) from None
    except RecursionError:
        raise ScenarioError(Problem("nesting is too deep to be a scenario", file=name)) from None
    except Exception as exc:  # noqa: BLE001 - ruamel fails in odd ways on odd tags (`!!set 1`)
        raise ScenarioError(Problem("YAML: cannot build the document", file=name,
                                    hint="is an explicit tag (!!...) misused?")) from exc
    return _convert(doc, name, (name, 1, 1), [0], 0)


def _read_text(path: str | os.PathLike, name: str) -> str:
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
    except (OSError, ValueError) as exc:  # permissions, a name too long, a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError(Problem(f"cannot read: {reason}", file=name)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(Problem(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                    file=name, line=line, column=column,
                                    hint="save it as UTF-8")) from None


def _reader_problem(exc: ReaderError, name: str, text: str) -> Problem:
    at = exc.position if isinstance(exc.position, int) else 0
    char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return Problem(f"YAML: the character {char} is not allowed in YAML text", file=name,
                   line=text.count("\n", 0, at) + 1,
                   column=at - (text.rfind("\n", 0, at) + 1) + 1,
                   hint="remove it, or write it as an escape in double quotes")


def _yaml_problem(exc: MarkedYAMLError, name: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    context = (exc.context or "").strip() if exc.problem else ""
    ctx = exc.context_mark
    hint = None
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        first = _first_key_line(text, key, ctx, mark)
        problem = f"duplicate key {key!r}" + (f", first at line {first}" if first else "")
        hint = "each key may appear once in a mapping"
    elif "\\t" in problem or "'\\t'" in problem or "tab" in problem.lower():
        hint = "YAML indents with spaces, not tabs"
    elif problem.startswith("found character"):
        hint = "quote the value if it is text"
    elif problem.startswith("mapping values are not allowed"):
        hint = "check the indentation, or quote a value that holds ': '"
    elif context and problem.startswith("but "):  # "expected a single document", "but found ..."
        problem = f"{context}, {problem}"
    elif context and ctx is not None and mark is not None and ctx.line != mark.line:
        hint = f"{context}, which starts at line {ctx.line + 1}"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return Problem(f"YAML: {problem}", file=name, line=line, column=col, hint=hint)


def _first_key_line(text: str, key: str, start, dup) -> int | None:
    """The line of the first `key:` of the block mapping in which `dup` repeats it, if found.

    ruamel marks where the mapping starts, not where the key first stood: search between.
    """
    if start is None or dup is None or not key:
        return None
    lines = text.splitlines()
    for n in range(start.line, min(dup.line, len(lines))):
        line = lines[n]
        before, rest = line[:dup.column], line[dup.column:]
        if (not before.strip(" -") and rest.startswith(key)
                and rest[len(key):].lstrip().startswith(":")):
            return n + 1
    return None


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
        for raw_key, value in node.items():
            kl, kc = _pair(node.lc.key(raw_key))
            vl, vc = _pair(node.lc.value(raw_key))
            key = _plain(raw_key)
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                key = str(key)  # `? [a, b]`, `true:` or a date as a key: text, for the message
            out.kpos[key] = (name, kl, kc)
            out.vpos[key] = (name, vl, vc)
            out[key] = _convert(value, name, out.vpos[key], count, depth + 1)
        return out
    if isinstance(node, CommentedSeq):
        out = PosList(where=where)
        for i, item in enumerate(node):
            il, ic = _pair(node.lc.item(i))
            out.ipos[i] = (name, il, ic)
            out.append(_convert(item, name, out.ipos[i], count, depth + 1))
        return out
    if isinstance(node, (dict, list)):  # plain containers (from --set values)
        return positioned(node, where)
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


# ---------------------------------------------------------------- extends
def load_raw(path: str | os.PathLike, _stack: tuple[Path, ...] = ()) -> PosDict:
    """A file merged over the chain of files it extends, still with positions."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        kind = ("empty" if data is None else "a list" if isinstance(data, list)
                else "a single value")
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
    if not is_file:
        near = difflib.get_close_matches(base.name, [p.name for p in base.parent.glob("*.y*ml")]
                                         if base.parent.is_dir() else [], n=1)
        hint = f"did you mean {near[0]!r}?" if near else "the path is relative to this file"
        raise ScenarioError(Problem(f"no such file: {_short(ext)}", "extends", *where,
                                    hint=hint))
    return merge(load_raw(base, chain), data)


def _short(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse_set(text: str) -> tuple[str, object]:
    """`path=value` from the command line; the value is read as YAML (`{min: 8, ...}` works)."""
    path, eq, value = text.partition("=")
    path = path.strip()
    if not eq or not path:
        raise ScenarioError(Problem(f"{text!r} is not PATH=VALUE", file="--set",
                                    hint="e.g. --set end=2028-12"))
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
            on_key = after == KEY_MARK or (after is None and
                                           problem.message.startswith("unknown key"))
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
