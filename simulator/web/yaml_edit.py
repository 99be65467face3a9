"""Edit scenario YAML text the way a person would: one value changed, comments and layout kept.

`set_value` is how the form writes into the editor's text; `whatif_text` writes the small file
that `extends` the open one and holds only what changed. Both parse with ruamel's round-trip
loader, which builds plain data (no tags are evaluated).
"""

from __future__ import annotations

import difflib
import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq


LISTS = ("facilities", "phases", "tenants", "events", "targets")  # lists of items with ids


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(doc) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _item_id(item, i: int, key: str):
    if isinstance(item, dict):
        if "id" in item:
            return str(item["id"])
        if key == "phases":
            return f"p{i + 1}"  # phases without an id are p1, p2, ... (as `extends` merges them)
    return None


def _child(node, seg: str, key: str):
    """The node under `seg`, created when missing (a mapping, or a list item with that id)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            if _item_id(item, i, key) == seg:
                return item
        if seg.isdigit() and int(seg) < len(node):
            return node[int(seg)]
        item = CommentedMap(id=seg)
        node.append(item)
        return item
    if seg not in node or node[seg] is None:
        node[seg] = CommentedSeq() if seg in LISTS else CommentedMap()
    return node[seg]


def _plain_value(value):
    """JSON from the browser as YAML nodes: {min, mode, max} written inline, 16.0 as 16."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        out = CommentedMap((k, _plain_value(v)) for k, v in value.items())
        out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        out = CommentedSeq(_plain_value(v) for v in value)
        out.fa.set_flow_style()
        return out
    return value


def set_value(text: str, path: str, value) -> str:
    """`text` with the field at dotted `path` (ids name list items, as `--set`) set to `value`.

    Raises ValueError when the text is not a YAML mapping or the path crosses a plain value.
    """
    doc = _yaml().load(text)
    if not isinstance(doc, dict):
        raise ValueError("the scenario is not a mapping")
    before = _dump(doc)
    segs = path.split(".")
    node, key = doc, ""
    for seg in segs[:-1]:
        node = _child(node, seg, key)
        key = seg
        if not isinstance(node, (dict, list)):
            raise ValueError(f"{path}: {seg} holds a single value")
    if not isinstance(node, dict):
        raise ValueError(f"{path}: cannot set a list item's field by position")
    node[segs[-1]] = _plain_value(value)
    return keep_layout(text, before, _dump(doc))


def keep_layout(original: str, before: str, after: str) -> str:
    """`after` (the dump of the changed document), but every line it did not change taken from
    `original` as it was.

    ruamel's dump loses column alignment; lines are matched between `before` (the dump of the
    unchanged text) and `after`, so only the changed lines are re-written.
    """
    before, after = before.splitlines(keepends=True), after.splitlines(keepends=True)
    lines = original.splitlines(keepends=True)
    if len(before) != len(lines):
        return "".join(after)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after,
                                                      autojunk=False).get_opcodes():
        out.extend(lines[i1:i2] if tag == "equal" else after[j1:j2])
    return "".join(out)


# ---------------------------------------------------------------- save as what-if
def plain(node):
    """Round-trip nodes as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if hasattr(node, "value") and not isinstance(node, (str, int, float, bool)):
        return node.value
    return node


def load_plain(text: str) -> dict:
    doc = plain(_yaml().load(text))
    if not isinstance(doc, dict):
        raise ValueError("the scenario is not a mapping")
    return doc


def changes(old, new, key: str = "") -> tuple[object, list[str]]:
    """What `new` sets over `old` under the merge rules of `extends`, and what it cannot say.

    Returns (patch or None when equal, keys removed in `new` that a what-if cannot remove).
    """
    if old == new:
        return None, []
    if isinstance(old, dict) and isinstance(new, dict):
        patch, lost = {}, [k for k in old if k not in new]
        for k, v in new.items():
            if k not in old:
                patch[k] = v
                continue
            sub, sublost = changes(old[k], v, k)
            lost += [f"{k}.{x}" for x in sublost]
            if sub is not None:
                patch[k] = sub
        return patch or None, lost
    if _id_list(old, key) and _id_list(new, key):
        return _list_changes(old, new, key)
    return new, []


def _id_list(items, key: str) -> bool:
    return isinstance(items, list) and all(
        _item_id(x, i, key) is not None for i, x in enumerate(items))


def _list_changes(old: list, new: list, key: str):
    before = {_item_id(x, i, key): x for i, x in enumerate(old)}
    after = {_item_id(x, i, key): x for i, x in enumerate(new)}
    patch, lost = [], []
    for item_id, item in after.items():
        if item_id not in before:
            patch.append({"id": item_id, **{k: v for k, v in item.items() if k != "id"}})
            continue
        sub, sublost = changes(before[item_id], item)
        lost += [f"{item_id}.{x}" for x in sublost]
        if sub is not None:
            patch.append({"id": item_id, **{k: v for k, v in sub.items() if k != "id"}})
    patch += [{"id": item_id, "remove": True} for item_id in before if item_id not in after]
    return patch or None, lost


def whatif_text(base_text: str, edited_text: str, extends: str, name: str) -> tuple[str, list[str]]:
    """The what-if file: `extends`, `name` and only what the edit changed; and what it lost."""
    old, new = load_plain(base_text), load_plain(edited_text)
    old.pop("extends", None)
    new.pop("extends", None)
    patch, lost = changes(old, new)
    patch = dict(patch or {})
    patch.pop("name", None)
    doc = {"extends": extends, "name": name, **patch}
    y = YAML(typ="rt")
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.default_flow_style = None
    buf = io.StringIO()
    y.dump(_flow_leaves(doc), buf)
    head = "# What-if saved from the capsim workbench: only what differs from the file it extends.\n"
    return head + buf.getvalue(), lost


def _flow_leaves(node):
    """Mappings and lists that hold only plain values are written inline, as the shipped files do."""
    if isinstance(node, dict):
        out = CommentedMap((k, _flow_leaves(v)) for k, v in node.items())
        if node and not any(isinstance(v, (dict, list)) for v in node.values()) and len(node) <= 4:
            out.fa.set_flow_style()
        return out
    if isinstance(node, list):
        out = CommentedSeq(_flow_leaves(v) for v in node)
        if not any(isinstance(v, (dict, list)) for v in node):
            out.fa.set_flow_style()
        return out
    return node
