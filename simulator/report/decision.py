"""What the meeting must decide, per target: will it be met, what demand stands against it, and
what closing the gap would take (from the plan's backcast, or estimated from the run alone).

`decisions(res, plan)` gives one `Decision` per target; `run/decision.py` draws them as the first
page of the run report and of plan.pdf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.analysis.plan import BUILD_CLASSES
from simulator.report.data import Results
from simulator.report.i18n.text import cap, num
from simulator.units import format_month, parse_month

Q = ("p10", "p50", "p90")


@dataclass(frozen=True)
class Fix:
    """What closing the gap takes: add `add_p` of a build class, started by `start`."""

    add_p: float  # [P]
    build_class: str  # key of plan.BUILD_CLASSES
    start: str | None  # latest construction start, YYYY-MM (None: no start works)
    too_late: bool  # the latest start is before the scenario's `as_of`
    capex_mcny: float  # [million CNY]
    power_mw: float  # site power of the added capacity at full load [MW]
    utilization: float  # expected demand (P50) / capacity with the addition, at the deadline
    checked: float | None  # P(met) with it, simulated by `capsim plan`; None: an estimate


@dataclass(frozen=True)
class Decision:
    """One target: P(met) and its band, demand and capacity at the deadline, the fix."""

    key: str
    type: str
    label: str  # "1,000P 超算"
    by: str  # YYYY-MM
    target_p: float
    p_met: float
    p_band: tuple[float, float]  # P(met) ± 2 standard errors, within [0, 1]
    demand: tuple[float, float, float]  # P10, P50, P90 at the deadline [P]
    capacity: tuple[float, float, float]  # P10, P50, P90 at the deadline [P]
    fix: Fix | None  # None: met with the wanted confidence already


def decisions(res: Results, plan_table=None, confidence: float = 0.8) -> list[Decision]:
    """A `Decision` per target; the fix from `plan_table` (plan.csv's rows) where given, else
    estimated: add what the P10 capacity lacks, with the longest build that can still start."""
    out = []
    for r in res.targets.to_dict("records"):
        pos = res.month_pos(r["by"])
        d = res.band("demand_p", r["type"]).iloc[pos] if pos is not None else None
        demand = tuple(float(d[q]) for q in Q) if d is not None else (0.0, 0.0, 0.0)
        capacity = tuple(float(r[f"capacity_{q}"]) for q in Q)
        p, se = float(r["probability_met"]), float(r.get("probability_met_se", 0.0) or 0.0)
        fix = None
        if p < confidence:
            rows = None
            if plan_table is not None and len(plan_table):
                rows = plan_table[plan_table["target"] == r["target"]].to_dict("records")
            fix = _fix(res, r, demand, capacity, rows)
        out.append(Decision(r["target"], r["type"],
                            f"{cap(r['target_p'])} {res.type_label(r['type'])}", r["by"],
                            float(r["target_p"]), p, (max(p - 2 * se, 0.0), min(p + 2 * se, 1.0)),
                            demand, capacity, fix))
    return out


def _fix(res: Results, r: dict, demand, capacity, rows: list[dict] | None) -> Fix:
    """From the plan's rows (the longest build whose start is not too late), else estimated."""
    s = res.scenario
    as_of = s.knowledge_month
    by = parse_month(r["by"])
    options = []  # (class, add, start month or None, checked)
    if rows:
        for row in rows:
            ok = row["status"] == "plan" and isinstance(row["latest_start"], str)
            options.append((row["build_class"], float(row["capacity_p"]) if ok else math.nan,
                            parse_month(row["latest_start"]) if ok else None,
                            float(row["p_met_checked"]) if ok else None))
    else:
        add = max(float(r["target_p"]) - capacity[0], 0.0)
        for name, (_, _, longest) in BUILD_CLASSES.items():
            options.append((name, add, by - math.ceil(longest), None))
    longest = {name: b[2] for name, b in BUILD_CLASSES.items()}
    options.sort(key=lambda o: -longest.get(o[0], 0.0))  # the slowest (largest) build first
    viable = [o for o in options if o[2] is not None and o[2] >= as_of]
    name, add, start, checked = (viable or [o for o in options if o[2] is not None]
                                 or options)[0 if viable else -1]
    if not math.isfinite(add):
        add = max(float(r["target_p"]) - capacity[0], 0.0)
    return Fix(add, name, format_month(start) if start is not None else None,
               start is None or start < as_of, *_economics(res, r["type"], add, capacity, demand),
               checked)


def _economics(res: Results, typ: str, add: float, capacity, demand) -> tuple[float, float,
                                                                              float]:
    """(capex [million CNY], site power at full load [MW], utilisation at the P50 demand)."""
    e = res.scenario.defaults
    capex = add * float(e.capex_per_p.get(typ, 0.0))
    power = add * float(e.power_kw_per_p.get(typ, 0.0)) * float(e.pue) / 1000.0
    total = capacity[1] + add
    util = min(demand[1] / total, 1.0) if total > 0 else 0.0
    return capex, power, util


def sentence(d: Decision, t, class_name, as_of: str) -> str:
    """One sentence a chair can read out, e.g. '1,000P 超算 by 2025-12 will not be met (0 %):
    demand then is 22P (P10–P90 18–25P) against 275P built; …'."""
    fields = {"label": d.label, "by": d.by, "p": t.pct(d.p_met), "d50": cap(d.demand[1]),
              "d10": num(d.demand[0]), "d90": cap(d.demand[2]), "c50": cap(d.capacity[1])}
    head = t("dc_met" if d.fix is None else "dc_short", **fields)
    parts = [head]
    if d.demand[2] < d.target_p:
        parts.append(t("dc_demand_low", share=t.pct(d.demand[2] / d.target_p)
                       if d.target_p else "–"))
    if d.fix is not None:
        f = d.fix
        cls = class_name(f.build_class)
        money = {"capex": f"{f.capex_mcny:,.0f}", "mw": f"{f.power_mw:,.1f}",
                 "u": t.pct(f.utilization)}
        if f.too_late:
            parts.append(t("dc_too_late", add=cap(f.add_p), cls=cls, start=f.start or "–",
                           as_of=as_of, **money)
                         if f.start else t("dc_no_start", add=cap(f.add_p)))
        else:
            parts.append(t("dc_fix", add=cap(f.add_p), cls=cls, start=f.start, **money))
    return t.semi.join(parts) + ("。" if t.lang == "zh" else ".")

