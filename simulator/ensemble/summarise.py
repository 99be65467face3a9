"""A batch of replications reduced to its mergeable `Summary`: everything the ensemble's tables
give (monthly bands, KPIs, targets, counting rules, phases, tenants, pipeline counts, shock
effects, money), as exact sums, exact counts and bounded-error histograms (`summary`, `stats`).
Runs where the batch ran; what it returns does not grow with the replication count."""

from __future__ import annotations

import numpy as np

from simulator.ensemble.summary import Block, Summary


def summarise(r, cube: np.ndarray, out: dict, rule_cap: np.ndarray,
              rule_met: np.ndarray, market_t: np.ndarray | None = None) -> tuple[Summary, dict]:
    """(the batch's Summary, its KPIs per replication) from a RunResult `r`, its monthly rows
    `cube` (Q, H, R) float32, its target outcomes `out` and its counting rules' capacity and
    month met (R, Q) (`market_t`: sold outside per type (R, H, T), if worked out)."""
    from simulator.ensemble.money_stats import money_parts, reduce_money

    c = r.compiled
    H, R = c.months, len(r.replications)
    money, money_kpis = reduce_money(r, market_t)
    kpis = {**r.kpis(), **money_kpis}
    cap, month_met = out["capacity_p"], out["month_met"]
    by = c.target_by[[rule.target for rule in c.counting.extra_rules]].astype(np.float64)
    blocks = {"monthly": Block.of(cube.reshape(-1, R))}
    blocks.update({f"kpi:{k}": Block.of(np.reshape(np.asarray(v, dtype=np.float64).T, (-1, R)))
                   for k, v in kpis.items()})
    blocks.update({
        "target_capacity": Block.of(np.asarray(cap, dtype=np.float64).T),
        "target_gap": Block.of((c.target_capacity[None, :] - cap).T, means=False),
        "target_month_met": Block.of(month_met.T, means=False),
        "phase_start": Block.of(r.phase_start.astype(np.float32).T.astype(np.float64),
                                means=False),
        "phase_online": Block.of(r.phase_online.astype(np.float32).T.astype(np.float64),
                                 means=False),
        "rule_capacity": Block.of(np.asarray(rule_cap, dtype=np.float64).T, means=False),
        "rule_month_met": Block.of(np.asarray(rule_met, dtype=np.float64).T, means=False)})
    signed, left, hit = r.tenant_signed_at < H, r.tenant_left_at < H, r.event_at < H
    counts = {"target_met": (month_met <= c.target_by[None, :]).sum(axis=0),
              "target_met_by_end": np.isfinite(month_met).sum(axis=0),
              "phase_online_by_end": (r.phase_online < H).sum(axis=0),
              "tenant_signed": signed.sum(axis=0), "tenant_left": left.sum(axis=0),
              "event_hit": hit.sum(axis=0), "rule_met": (rule_met <= by[None, :]).sum(axis=0)}
    if r.pipeline is not None:
        blocks.update(_pipeline_blocks(r.pipeline["counts"], r.pipeline["effects"], hit))
    fixed = {"tenant_demand": r.tenant_demand_fx, "tenant_served": r.tenant_served_fx}
    if money is not None:
        more_blocks, more_counts, more_fixed = money_parts(money, kpis)
        blocks.update(more_blocks)
        counts.update(more_counts)
        fixed.update(more_fixed)
    counts = {k: np.asarray(v).astype(np.int64) for k, v in counts.items()}
    return Summary(R, blocks, counts, fixed), kpis


def _pipeline_blocks(counts: np.ndarray, effects: np.ndarray, hit: np.ndarray) -> dict:
    """Projects per stream and in all (S + 1, 4) series, means and quantiles; shock effects
    (E, W) series (delayed, cut and, with a switch, its three changes) counted only in the
    replications the shock hit."""
    R = counts.shape[0]
    every = np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1)  # (R, S+1, 4)
    per = np.asarray(every, dtype=np.float64).reshape(R, -1).T
    W = effects.shape[2]
    eff = np.asarray(effects, dtype=np.float64).transpose(1, 2, 0).reshape(-1, R)  # (E*W, R)
    return {"pipeline_counts": Block.of(per),
            "shock_effects": Block.masked(eff, np.repeat(hit.T, W, axis=0))}
