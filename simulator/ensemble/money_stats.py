"""Money and market statistics of an ensemble: what a batch keeps, merged across batches, and
the tables: the money summary (NPV, payback, totals per operator) and the settlement."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import money as em
from simulator.engine.market import FIXED_CNY, FIXED_P
from simulator.engine.record import FIXED, seq_sum
from simulator.ensemble.reduce import month_quantiles, quantiles
from simulator.units import format_month

# money and market KPIs (kpis.csv rows, only for scenarios that use them): (name, unit)
MONEY_TYPE_KPIS = (("market_p_months", "P*month"), ("spillover_p_months", "P*month"))
MONEY_TOTAL_KPIS = (("market_revenue_mcny", "million CNY"), ("spillover_cost_mcny", "million CNY"),
                    ("cash_flow_mcny", "million CNY"), ("npv_mcny", "million CNY"))
TOTALS = (("revenue_mcny", ("rent", "market", "resale")), ("rent_mcny", ("rent",)),
          ("market_revenue_mcny", ("market",)), ("spillover_resale_mcny", ("resale",)),
          ("spillover_cost_mcny", ("purchase",)), ("vouchers_mcny", ("vouchers",)),
          ("grant_mcny", ("grant",)), ("electricity_mcny", ("electricity",)),
          ("opex_mcny", ("opex",)), ("capex_mcny", ("capex",)))
COST_TOTALS = {"spillover_cost_mcny", "electricity_mcny", "opex_mcny", "capex_mcny"}


@dataclass
class MoneyReduced:
    """What a batch keeps of the money: per replication (R, ...) and exact sums over R."""

    cum: np.ndarray  # (R, H, O) cumulative cash flow [million CNY], float32
    npv: np.ndarray  # (R, O) [million CNY]
    payback: np.ndarray  # (R, O) month index, inf = not within the horizon
    util: np.ndarray  # (R, O) busy / installed P-months
    breakeven: np.ndarray  # (R, O) utilisation at which income covers costs
    totals: dict  # component -> (R,) [million CNY], signed as received
    by_operator: dict  # component -> (R, O) [million CNY], signed as received
    settle_p_fx: np.ndarray  # (H, N_entries, F, T) local P-months, sum over R [P/FIXED_P]
    settle_cny_fx: np.ndarray  # (H, N_entries, F, T) rent, sum over R [CNY/FIXED_CNY]
    market_p_fx: np.ndarray  # (H, F, T) sold outside, sum over R [P/FIXED_P]


def reduce_money(r) -> tuple[MoneyReduced | None, dict]:
    """The money of a batch and its KPIs, or (None, {}) when the scenario does not use money."""
    c, mk = r.compiled, r.market
    if mk is None or not c.market.uses_money:
        return None, {}
    o = em.operator_money(r)
    kpis = {"market_p_months": seq_sum(seq_sum(mk.market_p, 2), 1),
            "spillover_p_months": seq_sum(mk.spillover_p, 1),
            "market_revenue_mcny": o["totals"]["market"],
            "spillover_cost_mcny": -o["totals"]["purchase"],
            "cash_flow_mcny": o["cash"].sum(axis=(1, 2)), "npv_mcny": o["npv"].sum(axis=1)}
    red = MoneyReduced(
        cum=np.cumsum(o["cash"], axis=1).astype(np.float32), npv=o["npv"],
        payback=o["payback"], util=o["util"], breakeven=o["breakeven"], totals=o["totals"],
        by_operator=o["by_operator"],
        settle_p_fx=mk.settle_p_fx, settle_cny_fx=mk.settle_cny_fx,
        market_p_fx=np.rint(mk.market_p * FIXED_P).astype(np.int64).sum(axis=0))
    return red, kpis


def combine_money(parts: list) -> MoneyReduced | None:
    """Join the money of batches (already in replication order)."""
    if not parts or parts[0] is None:
        return None
    cat = lambda name: np.concatenate([getattr(p, name) for p in parts], axis=0)  # noqa: E731
    return MoneyReduced(
        cum=cat("cum"), npv=cat("npv"), payback=cat("payback"), util=cat("util"),
        breakeven=cat("breakeven"),
        totals={k: np.concatenate([p.totals[k] for p in parts]) for k in parts[0].totals},
        by_operator={k: np.concatenate([p.by_operator[k] for p in parts])
                     for k in parts[0].by_operator},
        settle_p_fx=sum(p.settle_p_fx for p in parts),
        settle_cny_fx=sum(p.settle_cny_fx for p in parts),
        market_p_fx=sum(p.market_p_fx for p in parts))


def _band(values: np.ndarray) -> dict:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if not v.size:
        return {"mean": None, "p10": None, "p50": None, "p90": None}
    q = quantiles(v)
    return {"mean": _r(v.mean()), "p10": _r(q[0]), "p50": _r(q[1]), "p90": _r(q[2])}


def _r(x) -> float:
    return float(f"{float(x):.10g}")


def _month(c, index: float) -> str | None:
    if not np.isfinite(index) or index >= c.months:
        return None
    return format_month(c.scenario.start + int(index))


def money_summary(c, red) -> dict | None:
    """The `money` section of summary.json: totals and, per operator, NPV, payback (YYYY-MM,
    None = not within the horizon), utilisation against break-even, cumulative cash bands."""
    mr = red.money
    if mr is None:
        return None
    names, of = em.operators(c)
    totals = {}
    for name, parts in TOTALS:
        v = sum(mr.totals[p] for p in parts)
        totals[name] = _band(-v + 0.0 if name in COST_TOTALS else v)  # + 0.0: no -0
    totals["cash_flow_mcny"] = _band(red.kpis["cash_flow_mcny"])
    totals["npv_mcny"] = _band(red.kpis["npv_mcny"])
    ops = []
    for o, name in enumerate(names):
        pq = month_quantiles(mr.payback[:, o])
        cq = quantiles(mr.cum[:, :, o].astype(np.float64))
        ops.append({
            "operator": name, "facilities": [c.facilities[f] for f in np.flatnonzero(of == o)],
            "npv_mcny": _band(mr.npv[:, o]),
            "payback_p10": _month(c, pq[0]), "payback_p50": _month(c, pq[1]),
            "payback_p90": _month(c, pq[2]),
            "probability_payback": _r(np.isfinite(mr.payback[:, o]).mean()),
            "utilization": _band(mr.util[:, o]), "breakeven_utilization": _band(mr.breakeven[:, o]),
            "components_mcny": _components(mr.by_operator, o),
            "cumulative_mcny": {q: [_r(x) for x in cq[i]] for i, q in enumerate(("p10", "p50",
                                                                                 "p90"))}})
    money = c.scenario.money
    return {"discount_rate": money.discount_rate if money is not None else 0.08,
            "settlement": "settlement.csv: mean over the replications of P-months and CNY per "
                          "month, tenant, facility and type; its amounts sum to the means of "
                          "revenue_mcny (kinds rent, market, spillover_resale) and "
                          "spillover_cost_mcny (kind spillover_purchase)",
            "totals": totals, "operators": ops}


def _components(by_operator: dict, o: int) -> dict:
    """Operator o's money by component (the names of `totals`), each P10/P50/P90 and mean;
    costs as positive amounts, like the totals."""
    out = {}
    for name, parts in TOTALS:
        v = sum(by_operator[p][:, o] for p in parts)
        out[name] = _band(-v + 0.0 if name in COST_TOTALS else v)
    return out


def settlement_table(c, red):
    """The platform's bills, mean over replications: month, tenant, facility, operator, type,
    kind (rent | market | spillover_resale | spillover_purchase), p_months, amount_cny."""
    import pandas as pd

    mr, n = red.money, max(red.n, 1)
    names, of = em.operators(c)
    op = [names[i] for i in of]
    spec, s = c.market, c.scenario
    months = [format_month(s.start + m) for m in range(c.months)]
    tids = [t.id for t in s.tenants]
    rows = []
    m, e, f, t = np.nonzero(mr.settle_p_fx | mr.settle_cny_fx)
    for m_, e_, f_, t_ in zip(m, e, f, t):
        rows.append((months[m_], tids[e_], c.facilities[f_], op[f_], c.types[t_], "rent",
                     mr.settle_p_fx[m_, e_, f_, t_] / FIXED_P / n,
                     mr.settle_cny_fx[m_, e_, f_, t_] / FIXED_CNY / n))
    for m_, f_, t_ in zip(*np.nonzero(mr.market_p_fx)):
        p = mr.market_p_fx[m_, f_, t_] / FIXED_P / n
        rows.append((months[m_], "market", c.facilities[f_], op[f_], c.types[t_], "market", p,
                     p * spec.price[t_] * spec.decline[m_]))
    spill = (red.tenant_demand_sum - red.tenant_served_sum) * spec.spill[:, None, :]
    plat = em.platform_name(c)
    for m_, t_ in zip(*np.nonzero(spill.any(axis=1))):
        scale = spec.decline[m_] / FIXED / n
        for e_ in np.flatnonzero(spill[m_, :, t_]):
            p = spill[m_, e_, t_]
            rows.append((months[m_], tids[e_], "outside", plat, c.types[t_], "spillover_resale",
                         p / FIXED / n, p * spec.resale_price[t_] * scale))
        p = spill[m_, :, t_].sum()
        rows.append((months[m_], "outside", "outside", plat, c.types[t_], "spillover_purchase",
                     p / FIXED / n, p * spec.outside_price[t_] * scale))
    cols = ["month", "tenant", "facility", "operator", "type", "kind", "p_months", "amount_cny"]
    return pd.DataFrame(rows, columns=cols).sort_values(["month", "kind", "tenant", "facility"],
                                                        kind="stable", ignore_index=True)
