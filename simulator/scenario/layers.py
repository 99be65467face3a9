"""Scenario data with positions, and how layers of it combine: `extends` merging, `--set` paths."""

from __future__ import annotations

import copy

from simulator.errors import Problem, ScenarioError
from simulator.scenario.messages import suggest

SET_WHERE = ("--set", None, None)  # the position of whatever the command line set


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


def positioned(value: object, where: tuple) -> object:
    """`value` with every mapping and list a PosDict/PosList placed at `where`."""
    if isinstance(value, dict):
        out = PosDict({k: positioned(v, where) for k, v in value.items()}, where=where)
        out.kpos = dict.fromkeys(out, where)
        out.vpos = dict.fromkeys(out, where)
        return out
    if isinstance(value, list):
        out = PosList([positioned(v, where) for v in value], where=where)
        out.ipos = dict.fromkeys(range(len(out)), where)
        return out
    return value


# ---------------------------------------------------------------- extends
def merge(base: object, over: object, key: object = None, *, _path: tuple = ()) -> object:
    """Overlay `over` on `base`: mappings by key, lists of mappings by `id`, else replace.

    In a list merged by id, an item with `remove: true` drops the base item of that id; a new id
    is appended; phases without an id are p1, p2, ... by position. A mapping value of null
    removes the key (back to its default). An empty list replaces, so `events: []` clears.
    """
    if isinstance(base, dict) and isinstance(over, dict):
        out = PosDict(base, where=getattr(base, "where", None))
        out.kpos.update(getattr(base, "kpos", {}))
        out.vpos.update(getattr(base, "vpos", {}))
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
                continue
            out[k] = merge(base[k], v, k, _path=_path + (k,)) if k in base else v
            out.kpos[k] = getattr(over, "kpos", {}).get(k, out.kpos.get(k))
            out.vpos[k] = getattr(over, "vpos", {}).get(k, out.vpos.get(k))
        return out
    if (isinstance(base, list) and isinstance(over, list) and over and _by_id(base, key)
            and _by_id(over)):
        return _merge_by_id(base, over, key, _path)
    return over


def _merge_by_id(base: list, over: list, key: object, path: tuple) -> PosList:
    out = PosList([_with_implicit_id(item, i, key) for i, item in enumerate(base)],
                  where=getattr(base, "where", None))
    out.ipos.update(getattr(base, "ipos", {}))
    for j, item in enumerate(over):
        ids = [x["id"] for x in out]
        where = getattr(over, "ipos", {}).get(j)
        if item.get("remove") is True:
            if item["id"] not in ids:
                shown = ".".join(str(p) for p in path + (item["id"],))
                raise ScenarioError(Problem(f"remove: true, but there is no item with id "
                                            f"{item['id']!r}", shown, *(where or ()),
                                            hint=suggest(item["id"], ids)))
            i = ids.index(item["id"])
            del out[i]
            out.ipos = {(n if n < i else n - 1): p for n, p in out.ipos.items() if n != i}
            continue
        if item.get("remove") is False:  # says what is the default anyway
            item = _without(item, "remove")
        if item["id"] in ids:
            i = ids.index(item["id"])
            out[i] = merge(out[i], item, _path=path + (item["id"],))
            out.ipos[i] = where or out.ipos.get(i)
        else:
            out.append(item)
            out.ipos[len(out) - 1] = where
    return out


def _by_id(items: list, key: object = "") -> bool:
    implicit = key == "phases"
    return all(isinstance(x, dict) and ("id" in x or implicit) for x in items)


def _with_implicit_id(item, i, key):
    """Phases without an id are p1, p2, ... by position, so a what-if can name them."""
    if key == "phases" and isinstance(item, dict) and "id" not in item:
        out = _without(item, None)
        out["id"] = f"p{i + 1}"
        return out
    return item


def _without(item: dict, drop: object) -> PosDict:
    out = PosDict({k: v for k, v in item.items() if k != drop}, where=getattr(item, "where", None))
    out.kpos.update(getattr(item, "kpos", {}))
    out.vpos.update(getattr(item, "vpos", {}))
    return out


# ---------------------------------------------------------------- --set
def apply_overrides(data: PosDict, overrides: dict[str, object] | None) -> PosDict:
    """Set each `path: value`, with list items named by id (or by 0-based index)."""
    if not overrides:
        return data
    data = copy.deepcopy(data)
    problems = []
    for path, value in overrides.items():
        segs = str(path).split(".")
        if not all(segs):
            problems.append(Problem(f"the path {path!r} is empty or has an empty part",
                                    file="--set"))
            continue
        try:
            _set_path(data, segs, positioned(value, SET_WHERE), str(path))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return data


def _set_path(node, segs: list[str], value, path: str) -> None:
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if isinstance(node, dict):
            if last:
                node[seg] = value
                node.vpos[seg] = node.kpos[seg] = SET_WHERE
                return
            if node.get(seg) is None:
                node[seg] = PosDict(where=SET_WHERE)
                node.vpos[seg] = node.kpos[seg] = SET_WHERE
            node = node[seg]
        elif isinstance(node, list):
            idx = _find_item(node, seg, segs[i - 1] if i else "", path, ".".join(segs[:i]))
            if last:
                node[idx] = value
                node.ipos[idx] = SET_WHERE
                return
            node = node[idx]
        else:
            raise ScenarioError(Problem(f"{'.'.join(segs[:i])} is a single value, so it has no "
                                        f"{seg!r} to set", path, file="--set"))


def _find_item(items: list, seg: str, key: str, path: str, where: str) -> int:
    ids = [(x.get("id") if isinstance(x, dict) else None) for x in items]
    if key == "phases":
        ids = [x if x is not None else f"p{n + 1}" for n, x in enumerate(ids)]
    if seg in ids:
        return ids.index(seg)
    if seg.isdigit() and int(seg) < len(items):
        return int(seg)
    known = [str(x) for x in ids if x is not None]
    hint = suggest(seg, known) or (f"ids: {', '.join(known)}" if known else
                                   f"use an index 0-{len(items) - 1}" if items else "it is empty")
    raise ScenarioError(Problem(f"no item {seg!r} in {where or 'the list'}", path,
                                file="--set", hint=hint))
