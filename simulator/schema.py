"""The JSON Schema of the scenario format, for editors (yaml-language-server) and documentation."""

from __future__ import annotations

from .scenario import Scenario


def scenario_schema() -> dict:
    """JSON Schema of a scenario file, what-if files (with `extends`) included."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "capsim scenario"
    schema["properties"] = {
        "extends": {"type": "string",
                    "description": "path of the scenario this what-if builds on, relative to "
                                   "this file; only what differs is written here"},
        **schema["properties"],
    }
    required = schema.pop("required", [])
    schema["if"] = {"not": {"required": ["extends"]}}
    schema["then"] = {"required": required}
    return schema
