"""A batch of replications reduced where it ran: a mergeable `Summary` for the statistics
(`summarise`) and, when asked, the per-replication outcomes (`Reduced`) analyses pair up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import jit
from simulator.engine import counting
from simulator.engine.arrays import Compiled
from simulator.engine.run_result import RunResult, seq_sum
from simulator.errors import SimulationError
from simulator.ensemble import kernels
from simulator.ensemble.pipeline_tables import pipeline_columns, pipeline_rows
from simulator.ensemble.summary import Summary

QUANTILES = (10, 50, 90)
# metrics by facility and type (plus the total of each type over facilities)
FACILITY_METRICS = ("capacity_p", "under_construction_p", "planned_p", "served_p", "idle_p",
                    "utilization", "power_mw")
# metrics of each type over all facilities only
TYPE_METRICS = ("demand_p", "unmet_p")
# money and energy: per type (all facilities) and in total
TOTAL_METRICS = ("power_mw", "energy_mwh", "energy_cost_mcny", "revenue_mcny", "capex_mcny")
# (metric, type, facility) rows: FACILITY_METRICS by facility and in total per type, TYPE_METRICS
# and energy, cost and revenue per type, TOTAL_METRICS over all types


def monthly_rows(c: Compiled) -> list[tuple[str, str, str]]:
    """The (metric, type, facility) rows of the monthly table; 'all' is a total."""
    rows = []
    for t, typ in enumerate(c.types):
        facs = [c.facilities[f] for f in np.flatnonzero(c.offers[:, t])]
        for metric in FACILITY_METRICS:
            rows += [(metric, typ, "all")] + [(metric, typ, f) for f in facs]
        rows += [(metric, typ, "all") for metric in TYPE_METRICS]
        rows += [(metric, typ, "all") for metric in TOTAL_METRICS[1:4]]
    rows += [(metric, "all", "all") for metric in TOTAL_METRICS]
    rows += counting.monthly_rows(c) + pipeline_rows(c)
    if c.market is not None and c.market.uses_money:  # sold outside, bought outside
        for t, typ in enumerate(c.types):
            facs = [c.facilities[f] for f in np.flatnonzero(c.offers[:, t])]
            rows += [("market_p", typ, f) for f in ["all", *facs]] + [("spillover_p", typ, "all")]
    return rows


@dataclass
class Reduced:
    """Per-replication outcomes of some replications, kept when asked (analyses pair them up:
    compare, plan, sensitivity); the statistics come from the `Summary` instead."""

    replications: np.ndarray  # (R,) replication numbers
    kpis: dict[str, np.ndarray]  # (R, T) or (R,)
    target_capacity: np.ndarray  # (R, G) [P] at the deadline
    target_month_met: np.ndarray  # (R, G) month index, inf = not within the horizon
    phase_start: np.ndarray  # (R, P)
    phase_online: np.ndarray  # (R, P)
    tenant_signed: np.ndarray  # (R, N) bool: signed within the horizon
    tenant_left: np.ndarray  # (R, N) bool
    event_hit: np.ndarray  # (R, E) bool: happened within the horizon
    rule_capacity: np.ndarray | None = None  # (R, Q) [P] at the deadline, per `also_count` rule
    rule_month_met: np.ndarray | None = None  # (R, Q) month index, inf = never
    pipeline_counts: np.ndarray | None = None  # (R, S, 4) projects per stream (pipeline.COUNTS)
    shock_effects: np.ndarray | None = None  # (R, E, 2) P each shock delayed, P it cut
    cube: np.ndarray | None = None  # (K, H, R) float32: the monthly rows asked for (cube_rows)
    cube_rows: tuple = ()  # their (metric, type, facility) keys

    @property
    def n(self) -> int:
        return len(self.replications)

    def rows(self, keys: list[tuple[str, str, str]]) -> np.ndarray:
        """The kept monthly values of `keys` (len(keys), H, R) float32; SimulationError for a
        row that was not asked for (`run_ensemble(..., keep_rows=...)`)."""
        index = {k: i for i, k in enumerate(self.cube_rows)}
        missing = [k for k in keys if k not in index]
        if missing or self.cube is None:
            raise SimulationError(
                f"the monthly values per replication of {missing[0] if missing else keys} were "
                "not kept; run_ensemble(..., keep_rows=...) keeps them")
        return self.cube[[index[k] for k in keys]]


@dataclass
class Part:
    """What a unit of work sends back: its summary and, if kept, its outcomes."""

    summary: Summary
    outcomes: Reduced | None


def monthly_cube(r: RunResult) -> np.ndarray:
    """The values of monthly_rows() (Q, H, R) float32, replications last."""
    return _monthly(r)[0]


def _monthly(r: RunResult) -> tuple[np.ndarray, dict]:
    """(monthly_cube, the sums over the facilities (R, H, T) by metric)."""
    c = r.compiled
    R, H = len(r.replications), c.months
    cap, served = r.capacity_p, r.served_p
    per_ft = {"capacity_p": cap, "under_construction_p": r.under_construction_p,
              "planned_p": r.planned_p, "served_p": served,
              "utilization": r.utilization, "power_mw": r.power_mw,
              "energy_mwh": r.energy_mwh, "energy_cost_mcny": r.energy_cost_mcny,
              "revenue_mcny": r.revenue_mcny}
    if r.market is not None:
        per_ft["market_p"] = r.market.market_p
    rows = monthly_rows(c)
    cube = np.empty((len(rows), H, R), dtype=np.float32)
    if jit.enabled():  # the rows by facility and type and their sums, one pass per array
        per_t, done = _kernel_rows(cube, rows, c, per_ft)
        sums = r.__dict__.setdefault("_type_sums", {})  # RunResult.type_sum's: the same bits
        sums.update({k: v for k, v in per_t.items() if hasattr(r, k) and k not in sums})
        qft, qt = _row_index(rows, c, "idle_p")  # installed - busy, and busy's sums
        per_t["idle_p"], busy = kernels.cube_rows(cap, qft, qt, cube, minus=r.busy_p)
        done.update(qft[qft >= 0].tolist(), qt[qt >= 0].tolist())
    else:
        per_ft["idle_p"] = cap - r.busy_p
        per_t = {name: r.type_sum(name) if hasattr(r, name) else seq_sum(a, 2)
                 for name, a in per_ft.items() if name != "utilization"}
        done = frozenset()
        busy = per_t["served_p"] if r.market is None else seq_sum(r.busy_p, 2)  # + sold outside
    with np.errstate(invalid="ignore", divide="ignore"):
        tcap = per_t["capacity_p"]
        per_t["utilization"] = np.where(tcap > 0, busy / np.where(tcap > 0, tcap, 1.0), 0.0)
    per_t["demand_p"], per_t["unmet_p"] = r.demand_p, r.unmet_p
    if r.market is not None:
        per_t["spillover_p"] = r.market.spillover_p
    total = {name: seq_sum(per_t[name], 2) for name in TOTAL_METRICS[:4]}
    total["capex_mcny"] = seq_sum(r.capex_mcny, 2)
    extra = {**counting.monthly_series(r), **pipeline_columns(r, per_t["capacity_p"])}
    _fill(cube, rows, c, per_ft, per_t, total, extra, done)
    return cube, per_t


def _row_index(rows, c: Compiled, name: str, summed: bool = True) -> tuple:
    """The cube rows of metric `name` by facility and type (F, T) and by type (T,) (-1: none)."""
    index = {k: q for q, k in enumerate(rows)}
    qft = np.array([[index.get((name, typ, fac), -1) for typ in c.types]
                    for fac in c.facilities], dtype=np.int64).reshape(-1, len(c.types))
    qt = np.array([index.get((name, typ, "all"), -1) if summed else -1 for typ in c.types],
                  dtype=np.int64)
    return qft, qt


def _kernel_rows(cube: np.ndarray, rows, c: Compiled, per_ft: dict) -> tuple[dict, set]:
    """Write the rows of the (R, H, F, T) arrays `per_ft` by facility and type, and by type
    (their sums over the facilities; not for utilization), with `kernels.cube_rows`: (those
    sums by name (R, H, T), the cube rows written)."""
    per_t, done = {}, set()
    for name, a in per_ft.items():
        summed = name != "utilization"
        qft, qt = _row_index(rows, c, name, summed)
        out = kernels.cube_rows(a, qft, qt, cube, summed)
        if summed:
            per_t[name] = out
        done.update(qft[qft >= 0].tolist(), qt[qt >= 0].tolist())
    return per_t, done


def _fill(cube: np.ndarray, rows, c: Compiled, per_ft: dict, per_t: dict, total: dict,
          extra: dict, done=frozenset()) -> None:
    """Write each row's (R, H) values into cube[q] (H, R) float32: the rows taken from one
    (R, H, F, T), (R, H, T) or (R, H) array together, one transposing copy per array (the same
    values as row by row: float64 rounded once to float32); rows `done` are already written
    (unless `extra` has them)."""
    tix = {t: i for i, t in enumerate(c.types)}
    fix = {f: i for i, f in enumerate(c.facilities)}
    T = len(c.types)
    groups: dict[tuple, tuple[list, list]] = {}
    for q, (metric, typ, fac) in enumerate(rows):
        if (metric, typ, fac) in extra:
            cube[q] = extra[(metric, typ, fac)].T
            continue
        if q in done:
            continue
        if typ == "all":
            key, k = ("total", metric), 0
        elif fac == "all":
            key, k = ("type", metric), tix[typ]
        else:
            key, k = ("ft", metric), fix[fac] * T + tix[typ]
        qs, ks = groups.setdefault(key, ([], []))
        qs.append(q)
        ks.append(k)
    for (kind, metric), (qs, ks) in groups.items():
        if kind == "total":
            src = total[metric][:, :, None]
        elif kind == "type":
            src = per_t[metric]
        else:
            a = per_ft[metric]
            src = a.reshape(a.shape[0], a.shape[1], -1)
        _put(cube, qs, src, ks)


def _put(cube: np.ndarray, qs: list, src: np.ndarray, ks: list) -> None:
    """cube[qs[i]] = src[:, :, ks[i]].T for all i, with slices where the indices run on."""
    n = len(qs)
    if qs == list(range(qs[0], qs[0] + n)) and ks == list(range(ks[0], ks[0] + n)):
        cube[qs[0]:qs[0] + n] = src[:, :, ks[0]:ks[0] + n].transpose(2, 1, 0)
    else:
        cube[qs] = src[:, :, ks].transpose(2, 1, 0)


def reduce_result(r: RunResult, keep: bool = False, keep_rows=()) -> Part:
    """Reduce a batch to its summary and, if `keep`, its per-replication outcomes (with the
    monthly values of the `keep_rows` keys that exist in this scenario)."""
    from simulator.ensemble.summarise import summarise

    c = r.compiled
    H = c.months
    cube, per_t = _monthly(r)
    out = r.target_outcomes()
    rule_cap, rule_met = counting.rule_outcomes(r)
    summary, kpis = summarise(r, cube, out, rule_cap, rule_met, per_t.get("market_p"))
    if not keep:
        return Part(summary, None)
    wanted = set(keep_rows)
    kept = tuple(k for k in monthly_rows(c) if k in wanted)
    index = {k: q for q, k in enumerate(monthly_rows(c))}
    return Part(summary, Reduced(
        replications=np.asarray(r.replications), kpis=kpis, target_capacity=out["capacity_p"],
        target_month_met=out["month_met"],
        phase_start=r.phase_start.astype(np.float32),
        phase_online=r.phase_online.astype(np.float32),
        tenant_signed=r.tenant_signed_at < H, tenant_left=r.tenant_left_at < H,
        event_hit=r.event_at < H, rule_capacity=rule_cap, rule_month_met=rule_met,
        pipeline_counts=None if r.pipeline is None else r.pipeline["counts"],
        shock_effects=None if r.pipeline is None else r.pipeline["effects"],
        cube=cube[[index[k] for k in kept]] if kept else None, cube_rows=kept))


def combine(parts: list[Reduced]) -> Reduced:
    """Join per-replication outcomes in replication order."""
    parts = sorted(parts, key=lambda p: int(p.replications[0]) if p.n else -1)
    cat = lambda name: np.concatenate([getattr(p, name) for p in parts], axis=0)  # noqa: E731
    maybe = lambda name: None if getattr(parts[0], name) is None else cat(name)  # noqa: E731
    return Reduced(
        replications=cat("replications"),
        kpis={k: np.concatenate([p.kpis[k] for p in parts]) for k in parts[0].kpis},
        target_capacity=cat("target_capacity"), target_month_met=cat("target_month_met"),
        phase_start=cat("phase_start"), phase_online=cat("phase_online"),
        tenant_signed=cat("tenant_signed"), tenant_left=cat("tenant_left"),
        event_hit=cat("event_hit"), rule_capacity=maybe("rule_capacity"),
        rule_month_met=maybe("rule_month_met"), pipeline_counts=maybe("pipeline_counts"),
        shock_effects=maybe("shock_effects"),
        cube=None if parts[0].cube is None else np.concatenate([p.cube for p in parts], axis=2),
        cube_rows=parts[0].cube_rows)


def quantiles(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """p10, p50, p90 along an axis, stacked first: numpy's default (linear) percentiles, but
    with one partial sort for all three."""
    a = np.moveaxis(np.asarray(values), axis, -1)
    n = a.shape[-1]
    pos = (n - 1) * np.asarray(QUANTILES, dtype=np.float64) / 100.0
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(a, sorted(set(lo.tolist()) | set(hi.tolist())), axis=-1)
    low = part[..., lo].astype(np.float64)
    high = part[..., hi].astype(np.float64)
    with np.errstate(invalid="ignore"):
        out = low + (high - low) * (pos - lo)
    out = np.where(low == high, low, out)  # exact where equal (also for inf)
    return np.moveaxis(out, -1, 0)


def month_quantiles(months: np.ndarray) -> np.ndarray:
    """p10, p50, p90 of months that may be inf (never): actual sample values, no interpolation."""
    return np.percentile(months, QUANTILES, axis=0, method="inverted_cdf")
