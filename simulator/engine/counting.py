"""Capacity at every precision, and the counting rules of targets, as arrays.

Every phase has a capacity at each precision in `PRECISIONS` [P]: exactly from its hardware
units (units x dense peak / 1000), or through its compute type's `equivalents` (P at another
precision per P of its own; a precision without a factor counts 0). A target counts its
capacity by a rule: 'pool' (its own type, as always), {precision: k} (the sum over every pool
at precision k) or {types: [...]} (the nominal sum of the listed pools).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import jit
from simulator.engine import step_kernels
from simulator.engine.pipeline import with_pipeline
from simulator.engine.record import seq_sum
from simulator.scenario.hardware import TFLOPS_PER_P, catalogue, pool_precision, unit_peak, uses_counting
from simulator.scenario.schema_counting import (PRECISIONS, CountPrecision, CountTypes,
                                                precision_key, rule_name)


@dataclass(frozen=True)
class Rule:
    """One counting rule of one target: `kind` 'pool' | 'precision' | 'types' and the indices."""

    target: int  # index into scenario.targets
    name: str  # 'pool', 'fp64', 'hpc+general'
    kind: str
    index: tuple[int, ...]  # the type (pool), the precision (precision) or the types (types)
    primary: bool  # the target's `count` (else one of `also_count`)


@dataclass(frozen=True)
class CountingArrays:
    """What the engine needs for precisions, rules and serving; built once per Compiled."""

    enabled: bool  # the scenario uses hardware, equivalents, serves or counting rules
    phase_precision: np.ndarray  # (P, K) capacity of each phase at each precision [P]
    phase_kw: np.ndarray | None  # (P, T) IT power of each phase [kW], when a phase gives power_kw
    rules: tuple[Rule, ...]  # every target's rules, primary first, target by target
    serves: tuple[tuple[int, int, float], ...]  # (from type, to type, P of theirs per P of own)

    @classmethod
    def build(cls, c) -> "CountingArrays":
        s = c.scenario
        types = c.types
        tix = {t: i for i, t in enumerate(types)}
        return cls(enabled=uses_counting(s), phase_precision=_phase_precision(c),
                   phase_kw=_phase_kw(c), rules=tuple(_rules(s, tix)),
                   serves=tuple((tix[t], tix[u], float(f)) for t, ct in s.compute_types.items()
                                for u, f in ct.serves.items()))

    @property
    def extra_rules(self) -> tuple[Rule, ...]:
        """The rules reported beside each target's own (`also_count`)."""
        return tuple(r for r in self.rules if not r.primary)


def type_factors(s, typ: str) -> np.ndarray:
    """P at each precision per P of a compute type (K,): 1 at its own precision, `equivalents`
    elsewhere, 0 where neither says."""
    ct = s.compute_types[typ]
    out = np.zeros(len(PRECISIONS))
    own = pool_precision(s, typ)
    if own is not None:
        out[PRECISIONS.index(own)] = 1.0
    for k, f in ct.equivalents.items():
        out[PRECISIONS.index(precision_key(k))] = f
    return out


def _phase_precision(c) -> np.ndarray:
    s = c.scenario
    cat = catalogue(s)
    factors = np.array([type_factors(s, t) for t in c.types]).reshape(len(c.types), -1)
    out = c.phase_capacity @ factors  # (P, K)
    phases = [p for f in with_pipeline(s) for p in f.phases]  # the compiled phases, in order
    for i, p in enumerate(phases):
        if p.hardware:
            out[i] = [sum(n * unit_peak(cat[hw], k) for hw, n in p.hardware.items()) / TFLOPS_PER_P
                      for k in PRECISIONS]
    return out


def _phase_kw(c) -> np.ndarray | None:
    s = c.scenario
    phases = [(fi, p) for fi, f in enumerate(with_pipeline(s)) for p in f.phases]
    switches = c.pipeline is not None and c.pipeline.switch is not None
    if not switches and not any(p.power_kw is not None for _, p in phases):
        return None  # (with a switch, the pipeline state keeps every phase's power)
    out = c.phase_capacity * c.power_kw_per_p[c.phase_facility]  # (P, T)
    for i, (fi, p) in enumerate(phases):
        if p.power_kw is not None:
            cap = c.phase_capacity[i]
            out[i] = p.power_kw * cap / cap.sum() if cap.sum() > 0 else 0.0
    return out


def _rules(s, tix: dict) -> list[Rule]:
    out = []
    for g, tg in enumerate(s.targets):
        for primary, rule in [(True, tg.count)] + [(False, r) for r in tg.also_count]:
            if isinstance(rule, CountPrecision):
                kind, idx = "precision", (PRECISIONS.index(precision_key(rule.precision)),)
            elif isinstance(rule, CountTypes):
                kind, idx = "types", tuple(tix[t] for t in rule.types)
            else:
                kind, idx = "pool", (tix[tg.type],)
            out.append(Rule(g, rule_name(rule), kind, idx, primary))
    return out


# ---------------------------------------------------------------- per month and per run
def installed_by_precision(c, online: np.ndarray) -> np.ndarray:
    """Installed capacity by facility at each precision (R, F, K) [P] of phases online (R, P)."""
    w = online[:, :, None] * c.counting.phase_precision[None]
    return np.add.reduceat(w, c.facility_first_phase, axis=1)


def it_kw(c, online: np.ndarray) -> np.ndarray:
    """IT power by facility and type (R, F, T) [kW] of phases online (R, P)."""
    w = online[:, :, None] * c.counting.phase_kw[None]
    return np.add.reduceat(w, c.facility_first_phase, axis=1)


def record_month(rec, c, m: int, online: np.ndarray) -> None:
    """Store month m's capacity at each precision (and IT power, where phases give it)."""
    if jit.enabled():  # the same sums compiled, written where the record keeps them
        on = np.ascontiguousarray(online, dtype=np.float64)
        _segment_sum(on, c.counting.phase_precision, c, rec.precision_p[:, m])
        if rec.it_kw is not None:
            _segment_sum(on, c.counting.phase_kw, c, rec.it_kw[:, m])
        return
    rec.precision_p[:, m] = installed_by_precision(c, online)
    if rec.it_kw is not None:
        rec.it_kw[:, m] = it_kw(c, online)


def _segment_sum(on: np.ndarray, table: np.ndarray, c, out: np.ndarray) -> None:
    """out (R, F, K) = the sums by facility of on (R, P) x table (P, K), by the kernel."""
    found = out if out.flags.c_contiguous else np.empty(out.shape)
    step_kernels.segment_sum(on, np.ascontiguousarray(table, dtype=np.float64),
                             c.facility_first_phase.astype(np.int64, copy=False), found)
    if found is not out:
        out[...] = found


def rule_series(r, rule: Rule) -> np.ndarray:
    """Capacity as a rule counts it, every month (R, H) [P]."""
    if rule.kind == "precision":
        return seq_sum(r.precision_p[..., rule.index[0]], 2)
    cap = r.type_capacity()
    if rule.kind == "pool":
        return cap[:, :, rule.index[0]]
    return seq_sum(cap[:, :, list(rule.index)], 2)


def primary_capacity(r, cap: np.ndarray) -> np.ndarray:
    """Capacity of each target by its own rule (R, H, G): `cap` (its pool, a fresh array, changed
    in place) unless it counts otherwise."""
    for rule in r.compiled.counting.rules:
        if rule.primary and rule.kind != "pool":
            cap[:, :, rule.target] = rule_series(r, rule)
    return cap


def rule_outcomes(r) -> tuple[np.ndarray, np.ndarray]:
    """Capacity at `by` and month met (inf: never) under each `also_count` rule, both (R, Q)."""
    c = r.compiled
    rules = c.counting.extra_rules
    R = len(r.replications)
    at_by, met = np.zeros((R, len(rules))), np.full((R, len(rules)), np.inf)
    for q, rule in enumerate(rules):
        series = rule_series(r, rule)
        goal = c.target_capacity[rule.target]
        reached = series >= goal * (1 - 1e-12)
        met[:, q] = np.where(reached.any(axis=1), reached.argmax(axis=1), np.inf)
        at_by[:, q] = series[:, c.target_by[rule.target]]
    return at_by, met


def monthly_rows(c) -> list[tuple[str, str, str]]:
    """The rows counting adds to the monthly table: capacity at each precision (all facilities and
    each), and what was served across pools."""
    if not c.counting.enabled:
        return []
    rows = []
    for k in PRECISIONS:
        rows += [(f"capacity_{k}_p", "all", "all")] + [(f"capacity_{k}_p", "all", f)
                                                         for f in c.facilities]
    for t, u, _ in c.counting.serves:
        rows += [("served_for_other_p", c.types[t], "all"), ("served_from_other_p", c.types[u], "all")]
    return list(dict.fromkeys(rows))


def monthly_series(r) -> dict[tuple[str, str, str], np.ndarray]:
    """The values of `monthly_rows` (R, H) by row."""
    c = r.compiled
    if not c.counting.enabled:
        return {}
    out = {}
    for k, name in enumerate(PRECISIONS):
        out[(f"capacity_{name}_p", "all", "all")] = seq_sum(r.precision_p[..., k], 2)
        for f, fac in enumerate(c.facilities):
            out[(f"capacity_{name}_p", "all", fac)] = r.precision_p[:, :, f, k]
    for t, u, _ in c.counting.serves:
        out[("served_for_other_p", c.types[t], "all")] = r.served_for_other_p[:, :, t]
        out[("served_from_other_p", c.types[u], "all")] = r.served_from_other_p[:, :, u]
    return out
