"""Pydantic validation errors as readable Problems: field paths with ids, messages, hints."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping

from pydantic import BaseModel

from simulator.errors import Problem
from simulator.scenario.schema import Scenario

# Segments pydantic adds to a location that are not keys of the data: the tags of the duration
# union, and the marker of an error in a mapping's key rather than its value.
UNION_TAGS = {"months", "distribution"}
KEY_MARK = "[key]"


def suggest(word: object, options) -> str | None:
    """'did you mean ...?' for the option nearest to `word`, or None."""
    word, options = str(word), [str(o) for o in options]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    # difflib misses what short words suffer most: a swapped pair ('ia') or the case ('AI').
    close = close or [o for o in options if o.lower() in _variants(word.lower())][:1]
    return f"did you mean {close[0]!r}?" if close else None


def _variants(word: str) -> set[str]:
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    return swaps | {word}


def render_path(data: object, loc: tuple) -> str:
    """A field path with list items named by their id: facilities.nacic.phases.p2.start."""
    parts: list[str] = []
    node = data
    for seg in loc:
        if seg == KEY_MARK:
            continue
        if isinstance(node, Mapping) and isinstance(seg, str) and seg in node:
            parts.append(_segment(seg))
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            item = node[seg]
            ident = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(ident, (str, int)) and not isinstance(ident, bool):
                parts.append(_segment(ident))
            elif parts and parts[-1] == "phases" and isinstance(item, Mapping):
                parts.append(f"p{seg + 1}")  # the name a phase without an id goes by
            else:
                parts.append(f"[{seg}]")
            node = item
        elif isinstance(seg, str) and seg in UNION_TAGS:
            continue
        else:
            parts.append(_segment(seg))  # a missing key, an unknown one, or a non-text key
            node = None
    return ".".join(parts).replace(".[", "[")


def _segment(key: object) -> str:
    """A key as a path segment: as it is when plain, quoted when it holds spaces, dots, ..."""
    text = str(key)
    plain = text and text.isprintable() and not any(c.isspace() or c in ".[]'\"" for c in text)
    return text if plain else repr(text)


def known_keys(loc: tuple, root: type[BaseModel] = Scenario) -> list[str]:
    """The keys the model accepts at `loc` (a path to a mapping), by their YAML names."""
    model: object = root
    for seg in loc:
        model = _descend(model, seg)
        if model is None:
            return []
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _descend(tp: object, seg) -> object | None:
    tp = _unwrap(tp)
    if seg in UNION_TAGS:  # the branch of a union: _unwrap already chose the model in it
        return tp
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if seg in (name, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(tp)
    if origin is list and isinstance(seg, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def _unwrap(tp: object) -> object:
    """Strip Annotated and Optional to reach the model or container inside."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(_unwrap(a), type)
                      and issubclass(_unwrap(a), BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


_MESSAGES = {
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "string_type": "must be text",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "invalid_key": "keys must be text",
}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
           "less_than_equal": "<="}


def from_pydantic(err: Mapping, data: object, root: type[BaseModel] = Scenario) -> Problem:
    """One pydantic error (an item of ValidationError.errors()) as a Problem with a field path;
    `root` is the model validated (a Scenario, or another file's model such as observations)."""
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    hint = None
    if kind == "extra_forbidden":
        key = loc[-1]
        message = f"unknown key {key!r}"
        known = known_keys(loc[:-1], root)
        hint = suggest(key, known) or (f"known keys: {', '.join(known)}" if known else None)
    elif kind == "missing":
        message = f"required key {loc[-1]!r} is missing"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        message = f"must be one of {expected}, got {_show(value)}"
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        hint = suggest(value, options) if isinstance(value, str) else None
    elif kind in _BOUNDS:
        bound = next(iter(ctx.values()), "")
        bound = f"{bound:g}" if isinstance(bound, float) else bound  # 1, not 1.0
        message = f"must be {_BOUNDS[kind]} {bound}, got {_show(value)}"
    elif kind == "too_short":
        message = "must not be empty" if ctx.get("min_length") == 1 else err["msg"]
        if loc and loc[-1] in ("facilities", "phases"):
            message = f"needs at least one {'facility' if loc[-1] == 'facilities' else 'phase'}"
        elif loc and loc[-1] == "capacity":
            message = "needs the capacity of at least one compute type"
            hint = "e.g. capacity: {ai: 50P}"
    elif kind == "string_pattern_mismatch":
        message = (f"{_show(value)} is not a valid id: use letters, digits, '-' and '_', "
                   f"starting with a letter or digit")
    elif loc and loc[-1] == "months" and kind in ("float_type", "float_parsing"):
        message = f"must be a number of months or {{min, mode, max}}, got {_show(value)}"
    elif kind in _MESSAGES:
        message = f"{_MESSAGES[kind]}, got {_show(value)}"
        if kind == "string_type" and value is None:
            hint = "write a value after the ':'"
        elif kind == "string_type" and isinstance(value, (bool, int, float)):
            hint = f"quote it if it is text: '{_show(value)}'"
        if kind == "list_type" and isinstance(value, Mapping):
            hint = "a list has one item per line, each starting with '- '"
        elif kind == "list_type" and isinstance(value, (str, int, float)):
            hint = f"for a list of one, write [{value}]"
    else:
        message = err["msg"]
    return Problem(message, render_path(data, loc), hint=hint, loc=loc)


def _show(value: object) -> str:
    """A value as the message quotes it, in YAML's words: 'text', 12, true, null, a list."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def combine_typos(problems: list[Problem]) -> list[Problem]:
    """An unknown key and the required key it misspells, in one mapping, as one problem.

    `{lable: x}` makes pydantic report both 'label' missing and 'lable' unknown: one mistake,
    so one line, at the misspelt key, with 'did you mean'. Pairs are made by similarity; a lone
    unknown key beside a lone missing one (`{from: ..., until: ...}`) is likely one mistake too,
    and shares a line, but without the suggestion.
    """
    unknown = {i: p for i, p in enumerate(problems)
               if p.loc and p.message.startswith("unknown key")}
    missing = {i: p for i, p in enumerate(problems)
               if p.loc and p.message.startswith("required key")}
    if not unknown or not missing:
        return problems
    merged: dict[int, Problem] = {}
    dropped: set[int] = set()
    parents = {p.loc[:-1] for p in missing.values()}
    for parent in parents:
        miss = {i: p.loc[-1] for i, p in missing.items() if p.loc[:-1] == parent}
        unk = {i: p.loc[-1] for i, p in unknown.items() if p.loc[:-1] == parent}
        for u, key in list(unk.items()):
            near = suggest(key, [str(m) for m in miss.values()])
            matches = [m for m, name in miss.items() if near == f"did you mean {str(name)!r}?"]
            if matches:
                merged[u] = _typo(unknown[u], miss.pop(matches[0]), similar=True)
                dropped.add(matches[0])
                del unk[u]
        if len(unk) == 1 and len(miss) == 1:
            (u, _), (m, name) = next(iter(unk.items())), next(iter(miss.items()))
            merged[u] = _typo(unknown[u], name, similar=False)
            dropped.add(m)
    return [merged.get(i, p) for i, p in enumerate(problems) if i not in dropped]


def _typo(unknown: Problem, missing_key: object, similar: bool) -> Problem:
    key = unknown.loc[-1]
    return Problem(f"unknown key {key!r}, and the required {str(missing_key)!r} is missing",
                   unknown.path, hint=f"did you mean {str(missing_key)!r}?" if similar else None,
                   loc=unknown.loc)
