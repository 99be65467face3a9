"""What must start building by when: capacity and latest construction start to meet each target.

For a target that is not met with the wanted confidence, and for each build class (a triangular
build time), capsim finds the latest construction start S at which a new phase can still make
the target with that confidence, and the capacity X it then needs. It works on the ensemble's
replications: the new phase's build time in replication r is the one the engine will draw for
it (draws are keyed by the phase's id), shocks delay it as the engine would, and replication r
meets the target if it already did, or if the phase is online by the deadline and X covers
that replication's shortfall. The answer is then checked by simulating the scenario with the
phases added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine.arrays import compile_scenario
from simulator.engine.draws import replication_keys
from simulator.ensemble.run import Ensemble, run_ensemble
from simulator.engine.batch import event_draws, phase_builds
from simulator.scenario.schema import Scenario
from simulator.units import format_capacity, format_month
from simulator.analysis.variants import scenario_dict

# Build classes (min, mode, max months): DEFAULTS.md, "build time" rows.
BUILD_CLASSES = {"fit-out": (4.0, 5.0, 6.0), "new-building": (9.0, 12.0, 15.0),
                 "campus": (18.0, 24.0, 36.0)}
CLASS_NAMES = {"fit-out": "改造", "new-building": "新建", "campus": "园区"}
MAX_ROUNDS = 12  # moves of the start one month earlier when the check falls short


@dataclass
class Plan:
    """The backcast: a row per target and build class, and the what-if per class."""

    table: object  # DataFrame, columns COLUMNS
    whatifs: dict  # build class -> scenario mapping of the added facilities (for `extends`)
    confidence: float
    base: Ensemble


COLUMNS = ["target", "type", "target_p", "by", "p_met_now", "build_class", "build_min",
           "build_mode", "build_max", "status", "capacity_p", "latest_start",
           "capacity_if_started_now_p", "p_met_checked"]


def facility_id(target_key: str, build_class: str) -> str:
    return f"plan-{target_key}-{build_class}"


def _new_facility(s: Scenario, target, build_class: str, bounds, capacity: float, start: int):
    return {"id": facility_id(target.key, build_class),
            "name": f"新增{s.compute_types[target.type].label}"
                    f"（{CLASS_NAMES.get(build_class, build_class)}）",
            "name_en": f"New {s.compute_types[target.type].label_en or target.type} "
                       f"({build_class})",
            "phases": [{"id": "p1", "capacity": {target.type: format_capacity(capacity)},
                        "start": format_month(start),
                        "build_months": dict(zip(("min", "mode", "max"), bounds))}]}


def _with_facilities(s: Scenario, facilities: list[dict]) -> Scenario:
    from simulator.scenario.validate import scenario_from_dict

    data = scenario_dict(s)
    data["facilities"] = data["facilities"] + facilities
    return scenario_from_dict(data)


def _online_months(s: Scenario, facility: dict, seed: int, reps: int, start_months: np.ndarray):
    """Online month (index) of the new phase per replication, for each candidate start (K, R)."""
    c = compile_scenario(_with_facilities(s, [facility]))
    keys = replication_keys(seed, range(reps))
    p = c.phase_ids.index(f"{facility['id']}.p1")  # (pipeline slots come after it)
    build = phase_builds(c, keys)[:, p]
    event_at, delay = event_draws(c, keys)
    hits = [e for e in range(len(c.event_key))
            if (c.event_types[e] & (c.phase_capacity[p] > 0)).any()]
    online = start_months[:, None] + build[None, :]
    months = np.unique(event_at[:, hits]) if hits else np.zeros(0)
    for m in months[np.isfinite(months)]:  # as the engine: in time order, then file order
        for e in hits:
            hit = (event_at[:, e] == m)[None, :] & (online > max(m, 0.0))
            online = online + np.where(hit, delay[:, e][None, :], 0.0)
    return online


def _size(met: np.ndarray, short: np.ndarray, online_ok: np.ndarray, need: int) -> float:
    """Smallest capacity making at least `need` replications meet the target (inf: none)."""
    rescue = np.sort(short[online_ok & ~met])
    k = need - int(met.sum())
    if k <= 0:
        return 0.0
    return float(rescue[k - 1]) if k <= rescue.size else np.inf


def plan(s: Scenario, confidence: float = 0.8, replications: int | None = None,
         seed: int | None = None, executor=None, workers: int = 1,
         classes: dict[str, tuple[float, float, float]] | None = None) -> Plan:
    """The backcast for every target not met with `confidence` (see the module docstring)."""
    import pandas as pd

    if not 0 < confidence < 1:
        raise ValueError(f'"confidence" must be between 0 and 1, got {confidence}')
    classes = classes or BUILD_CLASSES
    seed = s.seed if seed is None else seed
    base = run_ensemble(s, replications, seed, executor, workers=workers)
    n = base.replications
    need = int(np.ceil(confidence * n - 1e-9))
    c = base.compiled
    starts = np.arange(0, int(c.target_by.max()) + 1, dtype=float)
    rows = []
    for g, tg in enumerate(s.targets):
        met = base.reduced.target_month_met[:, g] <= c.target_by[g]
        short = tg.capacity - base.reduced.target_capacity[:, g]
        for name, bounds in classes.items():
            row = {"target": tg.key, "type": tg.type, "target_p": tg.capacity,
                   "by": format_month(tg.by), "p_met_now": float(met.mean()),
                   "build_class": name, "build_min": bounds[0], "build_mode": bounds[1],
                   "build_max": bounds[2], "status": "met", "capacity_p": 0.0}
            rows.append(row)
            if met.mean() >= confidence:
                continue
            fac = _new_facility(s, tg, name, bounds, 1.0, s.start)
            online = _online_months(s, fac, seed, n, starts)  # (K, R)
            sizes = np.array([_size(met, short, online[k] <= c.target_by[g], need)
                              for k in range(len(starts))])
            feasible = np.flatnonzero(np.isfinite(sizes))
            if not feasible.size:
                row.update(status="too late", capacity_p=np.nan)
                continue
            row.update(status="plan", sizes=sizes, k=int(feasible.max()), g=g,
                       capacity_if_started_now_p=_whole(sizes[0]))
    added = {name: _check(s, [r for r in rows if r["build_class"] == name], bounds, seed, n,
                          executor, workers, confidence)
             for name, bounds in classes.items()}
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    whatifs = {name: {"facilities": facs} for name, facs in added.items() if facs}
    return Plan(table, whatifs, confidence, base)


def _whole(x: float) -> float:
    return float(np.ceil(x - 1e-9)) if np.isfinite(x) else np.nan


def _check(s, rows, bounds, seed, n, executor, workers, confidence) -> list[dict]:
    """Simulate a class's plan; where a target falls short, start a month earlier and resize.
    Returns the facilities of the plan as checked."""
    facs = []
    for _ in range(MAX_ROUNDS):
        live = [r for r in rows if r["status"] == "plan"]
        for r in live:
            r["capacity_p"] = max(r.get("capacity_p") or 0.0, _whole(r["sizes"][r["k"]]))
            r["latest_start"] = format_month(s.start + r["k"])
        facs = [_new_facility(s, s.targets[r["g"]], r["build_class"], bounds, r["capacity_p"],
                              s.start + r["k"]) for r in live]
        if not facs:
            return []
        got = run_ensemble(_with_facilities(s, facs), n, seed, executor, workers=workers
                           ).targets.set_index("target").probability_met
        for r in live:
            r["p_met_checked"] = float(got[r["target"]])
        short = [r for r in live if r["p_met_checked"] < confidence]
        if not short:
            return facs
        for r in short:
            r["k"] -= 1
            if r["k"] < 0 or not np.isfinite(r["sizes"][r["k"]]):
                r.update(status="too late", capacity_p=np.nan, latest_start=None)
    return facs
