"""Stage 1, the scenario: YAML with positions → layers (extends, --set) → pydantic schema → checks.

Modules, in the order data flows through them:
- `yaml_read`: one YAML file into positioned data, within limits of size, depth and count;
- `layers`: the positioned containers, `extends` merging and `--set` paths;
- `schema`: the frozen pydantic models (`Scenario` and its parts), units in names and docstrings;
- `messages`: pydantic errors as readable `Problem`s (field paths with ids, hints);
- `validate`: a `Scenario` from a mapping: field validation, then the cross-field checks;
- `load`: files to a `Scenario` (`load_scenario`), with located errors;
- `json_schema`: the JSON Schema for editors;
- `observations`: files of reported figures (for hindcasts), read and checked the same way.

Imports only `simulator.units` and `simulator.errors`; no simulation here.
"""
