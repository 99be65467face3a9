"""Hindcasts: an ensemble's forecast scored against what was reported (no file I/O).

For each observation within the scenario's scope, the ensemble's values at the observed month
(summed over the facilities and compute types the observation counts) give P10/P50/P90, the PIT
(the ensemble's CDF at the observed value, ties counted half: a mid-PIT) and whether the value is
inside the 80 % band [P10, P90]. Over all scored observations: the band's coverage (a calibrated
forecast covers ~80 %) and the mean CRPS [P] from `scoringrules` (a proper score: lower is
better, in the observation's unit). Observations outside the scope are skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.ensemble.reduce import monthly_rows, quantiles
from simulator.scenario.observations import Observation, Observations
from simulator.scenario.schema import SCOPE_LEVELS, Scenario
from simulator.units import format_month

BAND = (10, 90)  # the central 80 % band the coverage counts
TYPE_ONLY = ("demand_p", "unmet_p")  # metrics kept per type only, not per facility


@dataclass
class Scored:
    """One observation against the ensemble at its month."""

    obs: Observation
    series: str  # the observed series it belongs to (metric, selection, scope)
    p10: float
    p50: float
    p90: float
    pit: float  # the ensemble's mid-CDF at the value, 0..1
    inside: bool  # p10 <= value <= p90
    crps: float  # [P]


@dataclass
class Hindcast:
    """Every observation scored or skipped, and the overall figures."""

    scenario: Scenario
    replications: int
    scored: list[Scored]
    skipped: list[tuple[Observation, str]]  # (observation, why it is not scored)
    series: dict[str, dict] = field(default_factory=dict)  # fan per series: months, p10/50/90
    seed: int | None = None  # the ensemble's seed

    @property
    def coverage(self) -> float | None:
        """Share of scored observations inside the 80 % band; None when none was scored."""
        return float(np.mean([s.inside for s in self.scored])) if self.scored else None

    @property
    def mean_crps(self) -> float | None:
        """Mean CRPS over the scored observations [P]."""
        return float(np.mean([s.crps for s in self.scored])) if self.scored else None

    @property
    def verdict(self) -> str:
        return verdict(self)


# ---------------------------------------------------------------- scores (pure numpy)
def mid_pit(samples: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The ensemble's CDF at each value, ties counted half: (P(X < y) + P(X <= y)) / 2.

    samples (n, R), values (n,). An ensemble that is one point at y gives 0.5, not 1."""
    x = np.asarray(samples, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)[:, None]
    return ((x < y).mean(axis=1) + (x <= y).mean(axis=1)) / 2.0


def crps(samples: np.ndarray, values: np.ndarray) -> np.ndarray:
    """CRPS of each ensemble (n, R) against its value (n,) [unit of the values], by
    `scoringrules.crps_ensemble` (its default estimator)."""
    import scoringrules as sr

    return np.asarray(sr.crps_ensemble(np.asarray(values, dtype=np.float64),
                                       np.asarray(samples, dtype=np.float64), backend="numpy"),
                      dtype=np.float64)


def score(samples: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
    """p10, p50, p90, pit, inside and crps of ensembles (n, R) against values (n,)."""
    samples = np.asarray(samples, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    q = quantiles(samples, axis=1)  # (3, n)
    inside = (q[0] <= values) & (values <= q[2])
    return {"p10": q[0], "p50": q[1], "p90": q[2], "pit": mid_pit(samples, values),
            "inside": inside, "crps": crps(samples, values)}


# ---------------------------------------------------------------- scope and selection
def scope_reason(s: Scenario, o: Observation) -> str | None:
    """Why `o` cannot be compared with the scenario `s`, or None when it can."""
    kind, name = o.scope.key
    if kind == "facilities":
        ids = {f.id for f in s.facilities}
        missing = [f for f in name if f not in ids]
        if missing:
            return f"facility {', '.join(missing)} is not in the scenario"
    else:
        mine = s.scope.level if s.scope is not None else None
        if mine is None:
            return (f"counts {kind} {name}; the scenario names no scope (scope: {{...}}), so "
                    f"only observations of its facilities are compared")
        if mine != (kind, name):
            if getattr(s.scope, kind) == name:
                return (f"counts {kind} {name}; the scenario models only {mine[0]} {mine[1]}, "
                        f"a part of it")
            finer = SCOPE_LEVELS.index(kind) < SCOPE_LEVELS.index(mine[0])
            return (f"counts {kind} {name}; the scenario models {mine[0]} {mine[1]}"
                    + (", of which it is a part" if finer else ""))
    if o.metric in TYPE_ONLY and kind == "facilities":
        return f"{o.metric} is counted per compute type, not per facility"
    if not s.start <= o.month <= s.end:
        return (f"{format_month(o.month)} is outside the horizon {format_month(s.start)}.."
                f"{format_month(s.end)}")
    if not selected_types(s, o):
        what = (f"no compute type {o.type!r}" if o.type is not None else
                f"no compute type at precision {o.precision}")
        return f"the scenario has {what}"
    return None


def selected_types(s: Scenario, o: Observation) -> list[str]:
    """The scenario's compute types the observation counts."""
    if o.total:
        return list(s.compute_types)
    if o.type is not None:
        return [o.type] if o.type in s.compute_types else []
    want = o.precision.strip().lower()
    return [k for k, v in s.compute_types.items() if (v.precision or "").strip().lower() == want]


def series_key(o: Observation) -> str:
    """The series an observation belongs to: 'capacity_p · total · district dianjun'."""
    return f"{o.metric} · {o.selection} · {o.scope.label()}"


def _rows(c, o: Observation) -> list[tuple[str, str, str]]:
    """The monthly rows (metric, type, facility) whose sum the observation counts (`c` the
    compiled scenario)."""
    index = set(monthly_rows(c))
    types = selected_types(c.scenario, o)
    kind, name = o.scope.key
    facilities = list(name) if kind == "facilities" else ["all"]
    return [(o.metric, t, f) for t in types for f in facilities
            if (o.metric, t, f) in index]  # a facility without the type adds nothing


def needed_rows(c, observations: Observations) -> list[tuple[str, str, str]]:
    """Every monthly row the hindcast of `observations` reads per replication: what to pass
    as run_ensemble(..., keep_rows=...)."""
    out = []
    for o in observations.observations:
        if scope_reason(c.scenario, o) is None:
            out += [k for k in _rows(c, o) if k not in out]
    return out


def series_samples(ens, o: Observation) -> np.ndarray:
    """The observed series in every replication, (months, replications) [P]."""
    rows = _rows(ens.compiled, o)
    if not rows:
        return np.zeros((ens.compiled.months, ens.replications), dtype=np.float64)
    return ens.reduced.rows(rows).astype(np.float64).sum(axis=0)


# ---------------------------------------------------------------- the hindcast
def hindcast(ens, observations: Observations) -> Hindcast:
    """Score an Ensemble (ensemble.run.Ensemble) against observations."""
    s = ens.scenario
    scored_obs, skipped, samples, fans = [], [], [], {}
    for o in observations.observations:
        reason = scope_reason(s, o)
        if reason is not None:
            skipped.append((o, reason))
            continue
        key = series_key(o)
        per_month = series_samples(ens, o)  # (H, R)
        if key not in fans:
            q = quantiles(per_month, axis=1)
            fans[key] = {"months": [format_month(s.start + m) for m in range(s.months)],
                         "p10": q[0], "p50": q[1], "p90": q[2], "metric": o.metric}
        scored_obs.append(o)
        samples.append(per_month[o.month - s.start])
    scored = []
    if scored_obs:
        got = score(np.stack(samples), np.array([o.value for o in scored_obs]))
        for i, o in enumerate(scored_obs):
            scored.append(Scored(o, series_key(o), float(got["p10"][i]), float(got["p50"][i]),
                                 float(got["p90"][i]), float(got["pit"][i]),
                                 bool(got["inside"][i]), float(got["crps"][i])))
    return Hindcast(s, ens.replications, scored, skipped, fans, ens.seed)


def verdict(h: Hindcast) -> str:
    """One sentence or three: coverage against the 80 % a calibrated forecast has, how much of
    it is in-sample, and which way the misses go."""
    n = len(h.scored)
    if n == 0:
        return (f"No observation is within the scenario's scope ({len(h.skipped)} skipped): "
                f"the forecast cannot be judged against these reports.")
    inside = sum(sc.inside for sc in h.scored)
    text = (f"{inside} of {n} observations ({_pct(inside / n)}) fall inside the model's 80 % "
            f"band (a calibrated forecast: about 80 %); mean CRPS {h.mean_crps:,.1f} P.")
    out = [sc for sc in h.scored if not sc.obs.in_sample]
    if len(out) < n:
        k = sum(sc.inside for sc in out)
        text += (f" {n - len(out)} of them are in-sample (the scenario was built from them); "
                 f"of the {len(out)} out-of-sample, {k} inside.")
    low = sum(sc.pit >= 0.9 and not sc.inside for sc in h.scored)  # reality above the band
    high = sum(sc.pit <= 0.1 and not sc.inside for sc in h.scored)
    if low or high:
        parts = ([f"{low} above the band (the model forecast too little)"] if low else []) + \
                ([f"{high} below it (the model forecast too much)"] if high else [])
        text += " Outside: " + ", ".join(parts) + "."
    if len(out) < 10:
        text += (f" With {len(out)} out-of-sample observation{'' if len(out) == 1 else 's'} the "
                 f"coverage is a rough signal only.")
    return text


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"
