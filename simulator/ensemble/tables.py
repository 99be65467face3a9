"""Statistics of an ensemble as tidy tables: monthly bands, targets, KPIs, phases, tenants."""

from __future__ import annotations

import numpy as np

from simulator.engine.arrays import Compiled
from simulator.engine.run_result import FIXED, TOTAL_KPIS, TYPE_KPIS
from simulator.ensemble.reduce import monthly_rows
from simulator.ensemble.summary import Summary
from simulator.units import format_month


def _month(c: Compiled, index: float) -> str | None:
    """A month index as YYYY-MM, or None for never / beyond the horizon."""
    if not np.isfinite(index) or index >= c.months:
        return None
    return format_month(c.scenario.start + int(index))


def monthly_table(c: Compiled, sm: Summary):
    """Long table: month, type, facility, metric, mean, p10, p50, p90."""
    import pandas as pd

    rows = monthly_rows(c)
    H, Q = c.months, len(rows)
    block = sm.blocks["monthly"]  # series (Q, H) flattened
    mean = block.means(sm.n)
    q = block.hist.quantiles()  # (3, Q * H)
    months = [format_month(c.scenario.start + m) for m in range(H)]
    metric, typ, fac = (np.array(x, dtype=object) for x in zip(*rows))
    return pd.DataFrame({
        "month": np.tile(months, Q), "type": np.repeat(typ, H), "facility": np.repeat(fac, H),
        "metric": np.repeat(metric, H), "mean": mean.ravel(), "p10": q[0].ravel(),
        "p50": q[1].ravel(), "p90": q[2].ravel()})


def target_table(c: Compiled, sm: Summary):
    """Per target: P(met) with its standard error, capacity and gap at the deadline, month met."""
    import pandas as pd

    s = c.scenario
    out = []
    n = max(sm.n, 1)
    cap_mean = sm.blocks["target_capacity"].means(n)
    cqs = sm.blocks["target_capacity"].hist.quantiles()
    gqs = sm.blocks["target_gap"].hist.quantiles()
    mqs = sm.blocks["target_month_met"].hist.inverted_cdf()
    for g, tg in enumerate(s.targets):
        p = float(sm.counts["target_met"][g] / n)
        cq, gq, mq = cqs[:, g], gqs[:, g], mqs[:, g]
        out.append({
            "target": tg.key, "type": tg.type, "label": s.compute_types[tg.type].label,
            "target_p": tg.capacity, "by": format_month(tg.by), "replications": n,
            "probability_met": p, "probability_met_se": float(np.sqrt(p * (1 - p) / n)),
            "capacity_mean": float(cap_mean[g]), "capacity_p10": cq[0], "capacity_p50": cq[1],
            "capacity_p90": cq[2], "gap_mean": float(tg.capacity - cap_mean[g]),
            "gap_p10": gq[0], "gap_p50": gq[1], "gap_p90": gq[2],
            "month_met_p10": _month(c, mq[0]), "month_met_p50": _month(c, mq[1]),
            "month_met_p90": _month(c, mq[2]),
            "probability_met_by_end": float(sm.counts["target_met_by_end"][g] / n),
        })
    return pd.DataFrame(out, columns=TARGET_COLUMNS)


TARGET_COLUMNS = ["target", "type", "label", "target_p", "by", "replications", "probability_met",
                  "probability_met_se", "capacity_mean", "capacity_p10", "capacity_p50",
                  "capacity_p90", "gap_mean", "gap_p10", "gap_p50", "gap_p90", "month_met_p10",
                  "month_met_p50", "month_met_p90", "probability_met_by_end"]


def kpi_table(c: Compiled, sm: Summary):
    """KPIs: kpi, type ('all' for totals), unit, mean, p10, p50, p90."""
    import pandas as pd

    out = []
    for name, unit in TYPE_KPIS:
        mean, q = _kpi(sm, name)
        for t, typ in enumerate(c.types):
            out.append((name, typ, unit, mean[t], q[0][t], q[1][t], q[2][t]))
    for name, unit in TOTAL_KPIS:
        mean, q = _kpi(sm, name)
        out.append((name, "all", unit, mean[0], q[0][0], q[1][0], q[2][0]))
    out += money_kpi_rows(c, sm)
    return pd.DataFrame(out, columns=["kpi", "type", "unit", "mean", "p10", "p50", "p90"])


def _kpi(sm: Summary, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean (S,) and p10/p50/p90 (3, S) of a KPI's series (one per type, or one)."""
    block = sm.blocks[f"kpi:{name}"]
    return block.means(sm.n), block.hist.quantiles()


def money_kpi_rows(c: Compiled, sm: Summary) -> list[tuple]:
    """The market and money KPI rows, for scenarios that use them (else none)."""
    from simulator.ensemble.money_stats import MONEY_TOTAL_KPIS, MONEY_TYPE_KPIS

    out = []
    for name, unit in MONEY_TYPE_KPIS + MONEY_TOTAL_KPIS:
        if f"kpi:{name}" not in sm.blocks:
            continue
        mean, q = _kpi(sm, name)
        if (name, unit) in MONEY_TOTAL_KPIS:
            out.append((name, "all", unit, mean[0], q[0][0], q[1][0], q[2][0]))
        else:
            out += [(name, typ, unit, mean[t], q[0][t], q[1][t], q[2][t])
                    for t, typ in enumerate(c.types)]
    return out


def phase_table(c: Compiled, sm: Summary):
    """Per phase: capacity, construction start and online month (p10, p50, p90), P(online)."""
    import pandas as pd

    out = []
    sq = sm.blocks["phase_start"].hist.inverted_cdf()
    oq = sm.blocks["phase_online"].hist.inverted_cdf()
    n = max(sm.n, 1)
    for p, pid in enumerate(c.phase_ids):
        if c.pipeline is not None and c.pipeline.slot_stream[p] >= 0:
            continue  # pipeline projects: see pipeline_tables
        fac, phase = pid.split(".", 1)
        caps = {t: c.phase_capacity[p, i] for i, t in enumerate(c.types) if c.phase_capacity[p, i]}
        out.append({
            "facility": fac, "phase": phase,
            "capacity": " + ".join(f"{v:g}P {t}" for t, v in caps.items()),
            "capacity_p": float(c.phase_capacity[p].sum()), "types": " ".join(caps),
            "fixed_online": bool(not np.isnan(c.phase_online[p])),
            "start_p10": _edge(c, sq[0][p]), "start_p50": _edge(c, sq[1][p]),
            "start_p90": _edge(c, sq[2][p]),
            "online_p10": _edge(c, oq[0][p]), "online_p50": _edge(c, oq[1][p]),
            "online_p90": _edge(c, oq[2][p]),
            "probability_online_by_end": float(sm.counts["phase_online_by_end"][p] / n),
            "capex_mcny": float(c.phase_capex[p]),
        })
    return pd.DataFrame(out)


def _edge(c: Compiled, index: float) -> str | None:
    """A month index as YYYY-MM, also before the horizon; None for never."""
    if not np.isfinite(index):
        return None
    return format_month(c.scenario.start + int(index))


def tenant_table(c: Compiled, sm: Summary):
    """Per tenant entry: status, P(signed), P(left), full demand and mean demand at the end."""
    import pandas as pd

    out = []
    n = max(sm.n, 1)
    demand, served = sm.fixed["tenant_demand"], sm.fixed["tenant_served"]
    for e, t in enumerate(c.scenario.tenants):
        cols = np.flatnonzero(c.tenant_entry == e)
        demand_end = demand[-1, e] / FIXED / n
        dem = demand[:, e].sum()
        srv = served[:, e].sum()
        out.append({
            "tenant": t.id, "name": t.name, "name_en": t.name_en or "", "status": t.status,
            "count": t.count, "probability": t.sign_probability,
            "probability_signed": float(sm.counts["tenant_signed"][cols].sum() / (n * cols.size)),
            "probability_left": float(sm.counts["tenant_left"][cols].sum() / (n * cols.size)),
            **{f"demand_{typ}_p": float(t.demand.get(typ, 0.0)) * t.count for typ in c.types},
            **{f"demand_end_{typ}_p": float(demand_end[i]) for i, typ in enumerate(c.types)},
            "served_share": float(srv / dem) if dem > 0 else 1.0,
            "facility": t.facility or "",
        })
    columns = (["tenant", "name", "name_en", "status", "count", "probability",
                "probability_signed", "probability_left"]
               + [f"demand_{typ}_p" for typ in c.types] + [f"demand_end_{typ}_p" for typ in c.types]
               + ["served_share", "facility"])
    return pd.DataFrame(out, columns=columns)


def tenant_monthly_table(c: Compiled, sm: Summary):
    """Mean demand and served per tenant entry, type and month: month, tenant, type, ..."""
    import pandas as pd

    n = max(sm.n, 1)
    months = [format_month(c.scenario.start + m) for m in range(c.months)]
    parts = []
    for e, t in enumerate(c.scenario.tenants):
        for typ in t.demand:
            i = c.types.index(typ)
            parts.append(pd.DataFrame({
                "month": months, "tenant": t.id, "type": typ,
                "demand_p": sm.fixed["tenant_demand"][:, e, i] / FIXED / n,
                "served_p": sm.fixed["tenant_served"][:, e, i] / FIXED / n}))
    if not parts:
        return pd.DataFrame(columns=["month", "tenant", "type", "demand_p", "served_p"])
    return pd.concat(parts, ignore_index=True)
