"""The JSON Schema of the scenario format, for editors (yaml-language-server) and documentation."""

from __future__ import annotations

import copy

from simulator.scenario.schema import Scenario

_EXTENDS = {"type": "string",
            "description": "path of the scenario this what-if builds on, relative to this file; "
                           "only what differs is written here"}
_REMOVE = {"type": "boolean",
           "description": "in a what-if: true drops the item with this id from the base"}


def scenario_schema() -> dict:
    """JSON Schema of a scenario file, what-if files (with `extends`) included.

    A file without `extends` must be a whole scenario. A what-if is checked against a relaxed
    copy of every model (`...Patch` in $defs): no key is required, null is allowed (it removes
    the key) and list items with an `id` may say `remove: true`, as the merge rules allow.
    """
    full = Scenario.model_json_schema(by_alias=True, mode="validation")
    defs = full.pop("$defs", {})
    required = full.pop("required", [])
    patch = _relaxed(copy.deepcopy(full))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "capsim scenario",
        "description": full.get("description", ""),
        "type": "object",
        "properties": {"extends": _EXTENDS, **patch["properties"]},
        "additionalProperties": False,
        "if": {"not": {"required": ["extends"]}},
        "then": {"required": required, "properties": full["properties"]},
        "$defs": {**defs, **{f"{name}Patch": _relaxed(copy.deepcopy(d))
                             for name, d in defs.items()}},
    }


def _relaxed(node: object) -> object:
    """A schema that accepts what a what-if may say of the same part (see scenario_schema)."""
    if isinstance(node, list):
        return [_relaxed(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _relaxed(v) for k, v in node.items()
           if k not in ("required", "minItems", "minProperties")}
    if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/$defs/"):
        out["$ref"] += "Patch"
    if isinstance(out.get("properties"), dict):
        props = {k: _nullable(v) for k, v in out["properties"].items()}
        if "id" in props:
            props["remove"] = _REMOVE
        out["properties"] = props
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = _nullable(out["additionalProperties"])
    return out


def _nullable(schema: dict) -> dict:
    shown = {k: schema[k] for k in ("title", "description") if k in schema}
    return {"anyOf": [schema, {"type": "null"}], **shown}
