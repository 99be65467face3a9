"""Targets under each of their counting rules: P(met), capacity and gap at the deadline, month met."""

from __future__ import annotations

import numpy as np

from simulator.engine.arrays import Compiled
from simulator.ensemble.summary import Summary
from simulator.units import format_month

COUNTING_COLUMNS = ["target", "rule", "primary", "type", "target_p", "by", "probability_met",
                    "probability_met_se", "capacity_p10", "capacity_p50", "capacity_p90",
                    "gap_p50", "month_met_p10", "month_met_p50", "month_met_p90"]


def counting_table(c: Compiled, sm: Summary):
    """One row per target and rule (its own `count` first, then `also_count`)."""
    import pandas as pd

    targets = c.scenario.targets
    extra = {rule: q for q, rule in enumerate(c.counting.extra_rules)}
    n = max(sm.n, 1)
    bands = {kind: (sm.blocks[f"{kind}_capacity"].hist.quantiles(),
                    sm.blocks[f"{kind}_month_met"].hist.inverted_cdf())
             for kind in ("target", "rule")}
    out = []
    for rule in c.counting.rules:
        g = rule.target
        kind, i = ("target", g) if rule.primary else ("rule", extra[rule])
        met = sm.counts["target_met" if rule.primary else "rule_met"][i]
        cq, mq = bands[kind][0][:, i], bands[kind][1][:, i]
        tg = targets[g]
        p = float(met / n)
        out.append({
            "target": tg.key, "rule": rule.name, "primary": rule.primary, "type": tg.type,
            "target_p": tg.capacity, "by": format_month(tg.by), "probability_met": p,
            "probability_met_se": float(np.sqrt(p * (1 - p) / n)),
            "capacity_p10": cq[0], "capacity_p50": cq[1], "capacity_p90": cq[2],
            "gap_p50": tg.capacity - cq[1],
            **{f"month_met_p{k}": _month(c, v) for k, v in zip((10, 50, 90), mq)}})
    return pd.DataFrame(out, columns=COUNTING_COLUMNS)


def _month(c: Compiled, index: float) -> str | None:
    if not np.isfinite(index) or index >= c.months:
        return None
    return format_month(c.scenario.start + int(index))


def counting_summary(ens) -> dict[str, dict]:
    """Per target id, what summary.json adds when the scenario counts: {'count': rule name,
    'counting': [{rule, primary, probability_met, capacity_p50, gap_p50, month_met_p50, ...}]}.
    Empty when the scenario uses no hardware, equivalents, serves or counting rules."""
    c = ens.compiled
    if not c.counting.enabled:
        return {}
    out: dict[str, dict] = {}
    for row in counting_table(c, ens.summary).to_dict("records"):
        entry = out.setdefault(row["target"], {"count": None, "counting": []})
        if row["primary"]:
            entry["count"] = row["rule"]
        entry["counting"].append({k: _plain(row[k]) for k in COUNTING_COLUMNS
                                  if k not in ("target", "type", "target_p", "by")})
    return out


def _plain(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, str) or v is None:
        return v
    v = float(v)
    return float(f"{v:.10g}") if v == v else None
