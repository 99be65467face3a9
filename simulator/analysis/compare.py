"""Compare scenarios run with common random numbers: targets, paired KPI differences, and what
each scenario changes against the first (the assumptions diff). No plotting here."""

from __future__ import annotations

import concurrent.futures as cf
import json
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from simulator.ensemble.run import DEFAULT_REPLICATIONS, Ensemble, run_ensemble
from simulator.scenario.schema import Scenario
from simulator.scenario.schema_counting import rule_name
from simulator.analysis.common_months import (MONTHLY_KPIS, shared_window, window_rows,
                                              window_values)
from simulator.ensemble.reduce import quantiles

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# KPIs compared, with their unit: per type (and summed over types) or in total.
TYPE_KPIS = (("unmet_p_months", "P*month"), ("idle_p_months", "P*month"))
TOTAL_KPIS = (("capex_mcny", "million CNY"), ("peak_site_power_mw", "MW"),
              ("electricity_cost_mcny", "million CNY"), ("revenue_mcny", "million CNY"),
              ("market_revenue_mcny", "million CNY"), ("npv_mcny", "million CNY"))
TYPE_ONLY_KPIS = (("mean_utilization", "fraction"),)  # per type; a sum over types means nothing
COLUMNS = ["scenario", "label", "file", "kind", "name", "type", "unit", "mean", "p10", "p50",
           "p90", "diff_mean", "diff_p10", "diff_p50", "diff_p90", "probability_met",
           "diff_probability_met", "month_met_p10", "month_met_p50", "month_met_p90"]


@dataclass
class Member:
    """One scenario of a comparison: its letter (A, B, ...), file and ensemble."""

    label: str
    file: str | None
    ensemble: Ensemble

    @property
    def scenario(self) -> Scenario:
        return self.ensemble.scenario


@dataclass
class Comparison:
    """Scenarios run with the same seed and replications; the first is the reference."""

    members: list[Member]
    seed: int
    replications: int

    @property
    def base(self) -> Member:
        return self.members[0]


def run_comparison(scenarios: Sequence[Scenario], files: Sequence[str | None] | None = None,
                   replications: int | None = None, seed: int | None = None,
                   executor: cf.Executor | None = None, *, workers: int = 1,
                   progress: Callable[[int, int], None] | None = None) -> Comparison:
    """Run every scenario with the same seed and replication count (default: the first
    scenario's). The engine keys random draws by actor id, so what the scenarios share (a
    facility, a tenant, an event) gets the same numbers in each: differences are the scenarios'
    own, not sampling noise."""
    if len(scenarios) < 1:
        raise ValueError("compare needs at least one scenario")
    if len(scenarios) > len(LETTERS):
        raise ValueError(f"compare takes at most {len(LETTERS)} scenarios")
    first = scenarios[0]
    n = replications or first.replications or DEFAULT_REPLICATIONS
    seed = first.seed if seed is None else seed
    files = list(files) if files is not None else [None] * len(scenarios)
    members = []
    keep_rows = window_rows(scenarios) if shared_window(scenarios) is not None else ()
    for k, (s, file) in enumerate(zip(scenarios, files)):
        def step(done: int, total: int, k: int = k) -> None:
            if progress:
                progress(k * n + done, len(scenarios) * n)
        ens = run_ensemble(s, n, seed, executor, workers=workers, progress=step,
                           keep_rows=keep_rows)
        members.append(Member(LETTERS[k], file, ens))
    return Comparison(members, seed, n)


# ---------------------------------------------------------------------------- tables
def _q(values: np.ndarray) -> tuple[float, float, float, float]:
    v = np.asarray(values, dtype=np.float64)
    q = quantiles(v)
    return float(v.mean()), float(q[0]), float(q[1]), float(q[2])


def _kpi_values(ens: Ensemble, name: str, typ: str | None,
                window: tuple[int, int] | None = None) -> np.ndarray | None:
    """Per-replication values of a KPI: a type's column, summed over types ('all'), or a total;
    a KPI made of monthly values over `window` only, when horizons differ (see common_months)."""
    if window is not None and name in MONTHLY_KPIS:
        return window_values(ens, name, typ, window)
    values = ens.reduced.kpis.get(name)  # money KPIs exist only where a scenario uses money
    if values is None:
        return None
    if typ is None:
        return values
    if typ == "all":
        return values.sum(axis=1)
    types = ens.compiled.types
    return values[:, types.index(typ)] if typ in types else None


def comparison_table(comp: Comparison):
    """Targets and KPIs of every scenario, with paired differences against the first.

    Target rows: capacity at the deadline [P] (mean, p10, p50, p90), P(met), month met.
    KPI rows: the KPI's mean and quantiles. diff_*: quantiles of the per-replication difference
    to the first scenario (common random numbers make these pairs meaningful); diff_mean is
    also the difference of the means.
    """
    import pandas as pd

    base = comp.base.ensemble
    window = shared_window([m.scenario for m in comp.members])  # KPIs over shared months
    base_targets = {tg.key: g for g, tg in enumerate(base.scenario.targets)}
    rows = []
    for m in comp.members:
        ens = m.ensemble
        common = {"scenario": ens.scenario.name, "label": m.label, "file": m.file or ""}
        table = ens.targets.set_index("target")
        for g, tg in enumerate(ens.scenario.targets):
            cap = ens.reduced.target_capacity[:, g]
            r = table.loc[tg.key]
            row = {**common, "kind": "target", "name": tg.key, "type": tg.type,
                   "unit": "P" if tg.count == "pool" else f"P ({rule_name(tg.count)})",
                   **dict(zip(("mean", "p10", "p50", "p90"), _q(cap))),
                   "probability_met": float(r["probability_met"]),
                   **{f"month_met_{q}": r[f"month_met_{q}"] for q in ("p10", "p50", "p90")}}
            if tg.key in base_targets:
                b = base_targets[tg.key]
                diff = cap - base.reduced.target_capacity[:, b]
                row.update(zip(("diff_mean", "diff_p10", "diff_p50", "diff_p90"), _q(diff)))
                row["diff_probability_met"] = row["probability_met"] - float(
                    base.targets.set_index("target").loc[tg.key, "probability_met"])
            rows.append(row)
        for name, typ, unit in kpi_keys(comp):
            values = _kpi_values(ens, name, typ, window)
            if values is None:
                continue
            row = {**common, "kind": "kpi", "name": name, "type": typ or "all", "unit": unit,
                   **dict(zip(("mean", "p10", "p50", "p90"), _q(values)))}
            ref = _kpi_values(base, name, typ, window)
            if ref is not None:
                row.update(zip(("diff_mean", "diff_p10", "diff_p50", "diff_p90"),
                               _q(values - ref)))
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def kpi_keys(comp: Comparison) -> list[tuple[str, str | None, str]]:
    """(kpi, type or 'all' or None for totals, unit) compared, types in order of appearance."""
    types: list[str] = []
    for m in comp.members:
        types += [t for t in m.ensemble.compiled.types if t not in types]
    keys = [(name, typ, unit) for name, unit in TYPE_KPIS for typ in [*types, "all"]]
    keys += [(name, typ, unit) for name, unit in TYPE_ONLY_KPIS for typ in types]
    return keys + [(name, None, unit) for name, unit in TOTAL_KPIS]


# ---------------------------------------------------------------------------- assumptions diff
@dataclass(frozen=True)
class Change:
    """One input that differs from the first scenario; None where a side has no value."""

    path: str
    old: object
    new: object


def flatten(value, path: str = "") -> dict[str, object]:
    """Leaves of a dumped scenario by dotted path; list items with an id (or a target's
    type and deadline) keyed by it, so paths read facilities.nacic.phases.p2.start."""
    if isinstance(value, dict) and set(value) != {"min", "mode", "max"}:  # a distribution is
        out = {}                                                           # one value
        for k, v in value.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = [_item_key(v) for v in value]
        if None in keys or len(set(keys)) != len(keys):
            keys = [str(i) for i in range(len(value))]
        out = {}
        for k, v in zip(keys, value):
            if v.get("id") is not None:  # the id is in the path already
                v = {key: x for key, x in v.items() if key != "id"}
            out.update(flatten(v, f"{path}.{k}"))
        return out
    return {path: value}


def _item_key(item: dict) -> str | None:
    if item.get("id") is not None:
        return str(item["id"])
    if "type" in item and "by" in item:  # a target without an id: '<type>-<by>'
        return f"{item['type']}-{item['by']}"
    return None


def assumptions_diff(base: Scenario, other: Scenario) -> list[Change]:
    """Every field path whose value differs, in the order of the first scenario (new paths
    after), from the resolved scenarios (extends and --set applied)."""
    a = flatten(base.model_dump(mode="json", by_alias=True))
    b = flatten(other.model_dump(mode="json", by_alias=True))
    paths = list(a) + [p for p in b if p not in a]
    return [Change(p, a.get(p), b.get(p)) for p in paths
            if _canon(a.get(p)) != _canon(b.get(p))]


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def diff_table(comp: Comparison):
    """The assumptions diff of every scenario against the first: label, scenario, path, old,
    new (values as they would be written in YAML; empty where absent)."""
    import pandas as pd

    base = comp.base.scenario
    rows = [{"label": m.label, "scenario": m.scenario.name, "path": c.path,
             "old": show(c.old), "new": show(c.new)}
            for m in comp.members[1:] for c in assumptions_diff(base, m.scenario)]
    return pd.DataFrame(rows, columns=["label", "scenario", "path", "old", "new"])


def show(value) -> str:
    """A value as text: strings bare, lists and mappings as compact JSON, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, dict) and set(value) == {"min", "mode", "max"}:
        return f"{{min: {show(value['min'])}, mode: {show(value['mode'])}, max: {show(value['max'])}}}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)
