"""Field paths into scenario mappings, with list items named by id: facilities.nacic.phases.p2."""

from __future__ import annotations

import copy

from .errors import Problem, ScenarioError


def _index(items: list, seg: str, where: str) -> int:
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if seg in ids:
        return ids.index(seg)
    if seg.isdigit() and int(seg) < len(items):
        return int(seg)
    known = ", ".join(str(i) for i in ids if i is not None)
    raise ScenarioError(Problem(f"no item {seg!r} in {where or 'the list'}",
                                hint=f"ids: {known}" if known else None))


def get_path(data: dict, path: str):
    """The value at a dotted path (ids or 0-based indices for list items)."""
    node = data
    done = []
    for seg in path.split("."):
        if isinstance(node, dict) and seg in node:
            node = node[seg]
        elif isinstance(node, list):
            node = node[_index(node, seg, ".".join(done))]
        else:
            raise ScenarioError(Problem(f"no field {seg!r} in {'.'.join(done) or 'the scenario'}",
                                        path))
        done.append(seg)
    return node


def set_path(data: dict, path: str, value) -> dict:
    """A deep copy of `data` with the value at `path` replaced (missing mapping keys are added)."""
    out = copy.deepcopy(data)
    node = out
    segs = path.split(".")
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if isinstance(node, dict):
            if last:
                node[seg] = value
            else:
                node = node.setdefault(seg, {})
        elif isinstance(node, list):
            k = _index(node, seg, ".".join(segs[:i]))
            if last:
                node[k] = value
            else:
                node = node[k]
        else:
            raise ScenarioError(Problem(f"cannot set {path!r}: {'.'.join(segs[:i])} is a value",
                                        path))
    return out


def flatten(data, prefix: str = "") -> dict[str, object]:
    """Every leaf as {path: value}; lists of mappings with ids are keyed by id, other lists are
    leaves (compared whole)."""
    out: dict[str, object] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(data, list) and data and all(isinstance(x, dict) and "id" in x for x in data):
        for item in data:
            out.update(flatten(item, f"{prefix}{item['id']}."))
    else:
        out[prefix[:-1]] = data
    return out


def diff(base: dict, other: dict) -> list[tuple[str, object, object]]:
    """(path, old, new) for every leaf that differs; None stands for absent."""
    a, b = flatten(base), flatten(other)
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b), key=_order(a, b))
            if a.get(k) != b.get(k)]


def _order(a: dict, b: dict):
    keys = list(a) + [k for k in b if k not in a]
    rank = {k: i for i, k in enumerate(keys)}
    return lambda k: rank[k]
