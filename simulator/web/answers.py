"""What the page shows, from the library's results: the ensemble's tables turned into JSON.

Nothing here simulates or validates on its own: `check` calls `load_scenario` (the same
validation and messages as `capsim validate`), `answer` reads the Ensemble's tables.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

from simulator.errors import Problem, ScenarioError
from simulator.units import format_month

BAND_METRICS = ("capacity_p", "demand_p", "served_p", "unmet_p", "power_mw")
MONEY_METRICS = ("capex_mcny", "energy_cost_mcny", "revenue_mcny")


def problem_json(p: Problem, shown_file: str | None) -> dict:
    """A problem as the page lists it; `text` is the line `capsim validate` prints."""
    q = Problem(p.message, p.path, file=shown_file or p.file, line=p.line, column=p.column,
                hint=p.hint)
    return {"line": p.line, "column": p.column, "path": p.path, "message": p.message,
            "hint": p.hint, "file": shown_file or p.file, "text": q.render()}


def check(path: Path, text: str, shown: Callable[[str], str]):
    """(scenario or None, problems, warnings, raw) for the editor's text standing at `path`;
    `raw` is the merged mapping with the position of every value (None when invalid).

    `shown(file)` is the name the page uses for a file. A problem in the open text keeps its
    line; one in a file it extends says which file.
    """
    from simulator.scenario.load import load_scenario

    warnings: list[Problem] = []
    raw: list = []
    try:
        scenario = load_scenario(path, None, warnings, text=text, raw=raw)
    except ScenarioError as exc:
        return None, [_located(p, path, shown) for p in exc.problems], [], None
    return scenario, [], [_located(p, path, shown) for p in warnings], raw[0]


def _located(p: Problem, path: Path, shown: Callable[[str], str]) -> dict:
    here = p.file is None or p.file == str(path)
    out = problem_json(p, shown(str(path) if here else p.file))
    out["here"] = here
    if not here:
        out["line"] = out["column"] = None  # not a line of the open text
    return out


def _num(value) -> float | None:
    if value is None or isinstance(value, str):
        return value
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 6)


def _records(df) -> list[dict]:
    return [{k: _num(v) if not isinstance(v, (str, bool)) else v for k, v in row.items()}
            for row in df.to_dict("records")]


def answer(ens) -> dict:
    """Everything the charts and tables need from one ensemble (a few hundred kB at most)."""
    s = ens.scenario
    monthly = ens.monthly
    total = monthly[monthly["facility"] == "all"]
    series: dict[str, dict] = {}
    for (metric, typ), part in total.groupby(["metric", "type"], sort=False):
        if metric in BAND_METRICS or metric in MONEY_METRICS:
            series.setdefault(typ, {})[metric] = {
                q: [_num(v) for v in part[q].to_numpy()] for q in ("mean", "p10", "p50", "p90")}
    return {
        "name": s.name, "name_en": s.name_en or s.name, "language": s.language,
        "replications": ens.replications, "seed": ens.seed, "hash": ens.hash,
        "months": [format_month(s.start + m) for m in range(s.months)],
        "types": {k: {"label": v.label, "label_en": v.label_en or k}
                  for k, v in s.compute_types.items()},
        "targets": _records(ens.targets), "series": series,
        "phases": _phases(ens), "kpis": _records(ens.kpis),
        "tenants": _records(ens.tenants[["tenant", "name", "name_en", "status",
                                         "probability_signed", "probability_left",
                                         "served_share"]]),
    }


def _phases(ens) -> list[dict]:
    names = {(f.id, ph.id): (f.name, f.name_en or f.name, ph.name, ph.name_en or ph.name)
             for f in ens.scenario.facilities for ph in f.phases}
    rows = _records(ens.phases)
    for row in rows:
        fac, fac_en, ph, ph_en = names.get((row["facility"], row["phase"]), ("", "", None, None))
        row.update(facility_name=fac, facility_name_en=fac_en, phase_name=ph or row["phase"],
                   phase_name_en=ph_en or row["phase"])
    return rows


def form_fields(s) -> list[dict]:
    """The inputs planners change most, each with the dotted path `--set` would use."""
    fields = []
    for f in s.facilities:
        for ph in f.phases:
            if ph.start is None and ph.build_months is None:
                continue
            base = f"facilities.{f.id}.phases.{ph.id}"
            group = {"facility": f.name, "facility_en": f.name_en or f.name,
                     "phase": ph.name or ph.id, "phase_en": ph.name_en or ph.id}
            if ph.start is not None:
                fields.append({"kind": "month", "path": f"{base}.start", "what": "start",
                               "value": format_month(ph.start), **group})
            if ph.build_months is not None:
                fields.append({"kind": "duration", "path": f"{base}.build_months",
                               "what": "build_months", "value": _duration(ph.build_months),
                               **group})
    for t in s.tenants:
        who = {"tenant": t.name, "tenant_en": t.name_en or t.name}
        if t.status == "negotiating":
            fields.append({"kind": "probability", "path": f"tenants.{t.id}.probability",
                           "what": "probability", "value": t.probability, **who})
            if t.sign is not None:
                for end in ("earliest", "latest"):
                    fields.append({"kind": "month", "path": f"tenants.{t.id}.sign.{end}",
                                   "what": f"sign_{end}", "value": format_month(
                                       getattr(t.sign, end)), **who})
        fields.append({"kind": "rate", "path": f"tenants.{t.id}.growth", "what": "growth",
                       "value": t.growth, **who})
    for e in s.events:
        fields.append({"kind": "probability", "path": f"events.{e.id}.probability",
                       "what": "event_probability", "value": e.probability,
                       "event": e.name or e.id, "event_en": e.name_en or e.name or e.id})
    fields.append({"kind": "choice", "path": "scheduling.policy", "what": "policy",
                   "value": s.scheduling.policy, "choices": ["priority", "proportional"]})
    return fields


def place_fields(fields: list[dict], raw, path: Path, text: str) -> list[dict]:
    """Give each scalar field written in the open text `at`: {line, start, end} (1-based line,
    0-based columns) of its value, so the page can change that value in place."""
    lines = text.splitlines()
    for f in fields:
        if f["kind"] == "duration":
            continue
        where = _value_where(raw, f["path"].split("."))
        if not where or where[0] != str(path) or not where[1] or where[1] > len(lines):
            continue  # inherited from the file it extends: the server writes it in
        line, start = where[1], where[2] - 1
        end = _token_end(lines[line - 1], start)
        if end > start:
            f["at"] = {"line": line, "start": start, "end": end}
    return fields


def _value_where(node, segs: list[str]):
    key = ""
    for seg in segs[:-1]:
        if isinstance(node, list):
            node = next((x for i, x in enumerate(node) if isinstance(x, dict) and str(
                x.get("id", f"p{i + 1}" if key == "phases" else None)) == seg), None)
        elif isinstance(node, dict):
            node = node.get(seg)
        key = seg
        if node is None:
            return None
    return getattr(node, "vpos", {}).get(segs[-1]) if isinstance(node, dict) else None


def _token_end(line: str, start: int) -> int:
    """The end of a plain or quoted scalar beginning at `start` (flow or block context)."""
    if start < len(line) and line[start] in "'\"":
        close = line.find(line[start], start + 1)
        return close + 1 if close > start else start
    end = start
    while end < len(line) and line[end] not in ",}]" and line[end:end + 2] != " #":
        end += 1
    return len(line[:end].rstrip())


def _duration(d) -> dict | float:
    if isinstance(d, (int, float)):
        return float(d)
    return {"min": d.min, "mode": d.mode, "max": d.max}


def assumptions(s) -> dict[str, object]:
    """The resolved scenario as flat `path: value` pairs, list items named by id (for the diff)."""
    out: dict[str, object] = {}

    def walk(node, prefix: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}.{k}" if prefix else str(k))
        elif isinstance(node, list) and node and all(isinstance(x, dict) and "id" in x
                                                     for x in node):
            for x in node:
                walk({k: v for k, v in x.items() if k != "id"}, f"{prefix}.{x['id']}")
        else:
            out[prefix] = node

    walk(s.model_dump(mode="json", by_alias=True, exclude_none=True), "")
    return out


def horizon(s) -> dict:
    return {"start": format_month(s.start), "end": format_month(s.end)}
