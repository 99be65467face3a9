"""Which uncertainty matters most: swing each uncertain input low and high, the rest as is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine.draws import triangular
from simulator.scenario.schema import Scenario, Triangular
from simulator.analysis.market_inputs import market_inputs, npv_mean
from simulator.analysis.variants import run_variants, with_changes

GROWTH_SWING = 0.5  # growth rates are swung by -50 % and +50 %


@dataclass(frozen=True)
class UncertainInput:
    """An input with a range: a distribution (its p10 and p90), a probability (0 and 1), a
    growth rate (x0.5 and x1.5)."""

    path: str  # facilities.nacic.phases.p2.build_months
    kind: str  # build_months | event_delay | probability | event_probability | growth
    base: object
    low: float
    high: float


def _p10_p90(d: Triangular) -> tuple[float, float]:
    q = triangular(np.array([0.1, 0.9]), np.float64(d.min), np.float64(d.mode), np.float64(d.max))
    return round(float(q[0]), 6), round(float(q[1]), 6)


def uncertain_inputs(s: Scenario) -> list[UncertainInput]:
    """Every input of the scenario that is uncertain, in file order."""
    out = []
    for f in s.facilities:
        for p in f.phases:
            if isinstance(p.build_months, Triangular) and p.build_months.min < p.build_months.max:
                out.append(UncertainInput(f"facilities.{f.id}.phases.{p.id}.build_months",
                                          "build_months", p.build_months.model_dump(),
                                          *_p10_p90(p.build_months)))
    for t in s.tenants:
        if t.status == "negotiating" and 0 < t.probability < 1:
            out.append(UncertainInput(f"tenants.{t.id}.probability", "probability",
                                      t.probability, 0.0, 1.0))
        if t.growth:
            out.append(UncertainInput(f"tenants.{t.id}.growth", "growth", t.growth,
                                      t.growth * (1 - GROWTH_SWING), t.growth * (1 + GROWTH_SWING)))
    for e in s.events:
        if 0 < e.probability < 1:
            out.append(UncertainInput(f"events.{e.id}.probability", "event_probability",
                                      e.probability, 0.0, 1.0))
        m = e.delay.months if e.delay else None
        if isinstance(m, Triangular) and m.min < m.max and e.probability > 0:
            out.append(UncertainInput(f"events.{e.id}.delay.months", "event_delay",
                                      m.model_dump(), *_p10_p90(m)))
    return out + market_inputs(s, UncertainInput)  # market shares, prices, rent decline


def sensitivity(s: Scenario, replications: int, seed: int | None = None, executor=None,
                workers: int = 1, progress=None):
    """The tornado table: for each uncertain input and target, P(met), the median and mean gap
    and the unmet demand (P-months, all types) with the input at its low and its high value,
    on common random numbers; ranked per target by the swing in P(met), then in the median
    gap, the mean gap and unmet demand (largest first). Columns: COLUMNS.
    """
    import pandas as pd

    seed = s.seed if seed is None else seed
    inputs = uncertain_inputs(s)
    variants = [s] + [with_changes(s, {i.path: v}) for i in inputs for v in (i.low, i.high)]
    ensembles = run_variants(variants, replications, seed, executor, workers, progress)
    tables = [e.targets.set_index("target") for e in ensembles]
    unmet = [float(e.reduced.kpis["unmet_p_months"].sum(axis=1).mean()) for e in ensembles]
    npv = [npv_mean(e) for e in ensembles]  # nan without money: then no NPV columns
    base = tables[0]
    rows = []
    for k, inp in enumerate(inputs):
        sides = {"base": (base, unmet[0]), "low": (tables[1 + 2 * k], unmet[1 + 2 * k]),
                 "high": (tables[2 + 2 * k], unmet[2 + 2 * k])}
        for target in base.index:
            row = {"target": target, "input": inp.path, "kind": inp.kind, "base": str(inp.base),
                   "low": inp.low, "high": inp.high}
            for side, (table, u) in sides.items():
                row[f"p_met_{side}"] = table.at[target, "probability_met"]
                row[f"gap_p50_{side}"] = table.at[target, "gap_p50"]
                row[f"gap_mean_{side}"] = table.at[target, "gap_mean"]
                row[f"unmet_p_months_{side}"] = u
            if np.isfinite(npv[0]):
                row.update({f"npv_mcny_{side}": npv[i] for side, i in
                            (("base", 0), ("low", 1 + 2 * k), ("high", 2 + 2 * k))})
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.DataFrame(rows)
    money = "npv_mcny_base" in df
    for what in ("p_met", "gap_p50", "gap_mean", "unmet_p_months") + (("npv_mcny",) * money):
        df[f"swing_{what}"] = (df[f"{what}_high"] - df[f"{what}_low"]).abs()
    df = df.sort_values(["target", "swing_p_met", "swing_gap_p50", "swing_gap_mean",
                         "swing_unmet_p_months", "input"],
                        ascending=[True, False, False, False, False, True], kind="stable")
    df["rank"] = df.groupby("target").cumcount() + 1
    order = {t: i for i, t in enumerate(base.index)}
    df = df.sort_values(["target", "rank"], key=lambda c: c.map(order) if c.name == "target"
                        else c).reset_index(drop=True)
    return df[COLUMNS + (NPV_COLUMNS if money else [])]


NPV_COLUMNS = ["npv_mcny_base", "npv_mcny_low", "npv_mcny_high", "swing_npv_mcny"]
_MEASURES = ("p_met", "gap_p50", "gap_mean", "unmet_p_months")
COLUMNS = (["target", "rank", "input", "kind", "base", "low", "high"]
           + [f"{m}_{side}" for m in _MEASURES for side in ("base", "low", "high")]
           + [f"swing_{m}" for m in _MEASURES])
