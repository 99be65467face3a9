"""Money and market statistics of an ensemble: what a batch keeps (its summary blocks, merged
across batches), and the tables: the money summary (NPV, payback, totals per operator) and the
settlement."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import jit
from simulator.engine import money as em
from simulator.engine.market import FIXED_CNY, FIXED_P
from simulator.engine.record import FIXED, seq_sum
from simulator.ensemble import kernels
from simulator.ensemble.summary import Block
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

    cum: np.ndarray  # (H, O, R) cumulative cash flow [million CNY], float32
    npv: np.ndarray  # (R, O) [million CNY]
    payback: np.ndarray  # (R, O) month index, inf = not within the horizon
    util: np.ndarray  # (R, O) busy / installed P-months
    breakeven: np.ndarray  # (R, O) utilisation at which income covers costs
    totals: dict  # component -> (R,) [million CNY], signed as received
    by_operator: dict  # component -> (R, O) [million CNY], signed as received
    settle_p_fx: np.ndarray  # (H, N_entries, F, T) local P-months, sum over R [P/FIXED_P]
    settle_cny_fx: np.ndarray  # (H, N_entries, F, T) rent, sum over R [CNY/FIXED_CNY]
    market_p_fx: np.ndarray  # (H, F, T) sold outside, sum over R [P/FIXED_P]


def reduce_money(r, market_t: np.ndarray | None = None) -> tuple[MoneyReduced | None, dict]:
    """The money of a batch and its KPIs, or (None, {}) when the scenario does not use money
    (`market_t`: seq_sum(market_p, 2) if already worked out)."""
    c, mk = r.compiled, r.market
    if mk is None or not c.market.uses_money:
        return None, {}
    o = em.operator_money(r)
    if market_t is None:
        market_t = seq_sum(mk.market_p, 2)
    if jit.enabled():
        cum, market_fx = kernels.cumulative(o["cash"]), kernels.fixed_sum(mk.market_p, FIXED_P)
    else:
        cum = np.cumsum(o["cash"], axis=1).astype(np.float32).transpose(1, 2, 0)
        market_fx = np.rint(mk.market_p * FIXED_P).astype(np.int64).sum(axis=0)
    kpis = {"market_p_months": seq_sum(market_t, 1),
            "spillover_p_months": seq_sum(mk.spillover_p, 1),
            "market_revenue_mcny": o["totals"]["market"],
            "spillover_cost_mcny": -o["totals"]["purchase"],
            "cash_flow_mcny": o["cash"].sum(axis=(1, 2)), "npv_mcny": o["npv"].sum(axis=1)}
    red = MoneyReduced(
        cum=cum, npv=o["npv"],
        payback=o["payback"], util=o["util"], breakeven=o["breakeven"], totals=o["totals"],
        by_operator=o["by_operator"],
        settle_p_fx=mk.settle_p_fx, settle_cny_fx=mk.settle_cny_fx,
        market_p_fx=market_fx)
    return red, kpis


def money_parts(mr: MoneyReduced, kpis: dict) -> tuple[dict, dict, dict]:
    """A batch's money for its Summary: (blocks, counts, fixed-point sums). Bands count only
    finite values (their counts are kept under the block's name); payback months and the
    cumulative cash flow are quantiles only."""
    R = mr.npv.shape[0]
    totals = [_signed(name, sum(mr.totals[p] for p in parts)) for name, parts in TOTALS]
    totals += [kpis["cash_flow_mcny"], kpis["npv_mcny"]]
    comps = [_signed(name, sum(mr.by_operator[p] for p in parts)).T for name, parts in TOTALS]
    banded = {"money:totals": np.stack(totals), "money:npv": mr.npv.T, "money:util": mr.util.T,
              "money:breakeven": mr.breakeven.T,
              "money:components": np.stack(comps).reshape(-1, R)}  # (component, operator)
    blocks, counts = {}, {}
    for key, values in banded.items():
        v = np.asarray(values, dtype=np.float64)
        ok = np.isfinite(v)
        blocks[key], counts[key] = Block.masked(v, ok), ok.sum(axis=1)
    blocks["money:payback"] = Block.of(np.asarray(mr.payback, dtype=np.float64).T, means=False)
    counts["money:payback"] = np.isfinite(mr.payback).sum(axis=0)
    blocks["money:cum"] = Block.of(mr.cum.reshape(-1, R), means=False)
    fixed = {"settle_p": mr.settle_p_fx, "settle_cny": mr.settle_cny_fx, "market_p": mr.market_p_fx}
    return blocks, counts, fixed


def _signed(name: str, v):
    """Costs as positive amounts (+ 0.0: no -0)."""
    return -v + 0.0 if name in COST_TOTALS else v


def _bands(sm, key: str) -> list[dict]:
    """{mean, p10, p50, p90} of each series of a money block (None where none is finite)."""
    count = sm.counts[key]
    mean, q = sm.blocks[key].band(count)
    return [{"mean": _r(mean[i]), "p10": _r(q[0, i]), "p50": _r(q[1, i]), "p90": _r(q[2, i])}
            if count[i] else {"mean": None, "p10": None, "p50": None, "p90": None}
            for i in range(len(count))]


def _r(x) -> float:
    return float(f"{float(x):.10g}")


def _month(c, index: float) -> str | None:
    if not np.isfinite(index) or index >= c.months:
        return None
    return format_month(c.scenario.start + int(index))


def money_summary(c, sm) -> dict | None:
    """The `money` section of summary.json from an ensemble's Summary `sm`: totals and, per
    operator, NPV, payback (YYYY-MM, None = not within the horizon), utilisation against
    break-even, cumulative cash bands."""
    if "money:npv" not in sm.blocks:
        return None
    names, of = em.operators(c)
    O, n = len(names), max(sm.n, 1)
    tb = _bands(sm, "money:totals")
    totals = {name: tb[i] for i, (name, _) in enumerate(TOTALS)}
    totals["cash_flow_mcny"], totals["npv_mcny"] = tb[len(TOTALS)], tb[len(TOTALS) + 1]
    npv, util, be = (_bands(sm, f"money:{k}") for k in ("npv", "util", "breakeven"))
    comps = _bands(sm, "money:components")
    pq = sm.blocks["money:payback"].hist.inverted_cdf()  # (3, O)
    cq = sm.blocks["money:cum"].hist.quantiles().reshape(3, c.months, O)
    ops = []
    for o, name in enumerate(names):
        ops.append({
            "operator": name, "facilities": [c.facilities[f] for f in np.flatnonzero(of == o)],
            "npv_mcny": npv[o],
            "payback_p10": _month(c, pq[0, o]), "payback_p50": _month(c, pq[1, o]),
            "payback_p90": _month(c, pq[2, o]),
            "probability_payback": _r(sm.counts["money:payback"][o] / n),
            "utilization": util[o], "breakeven_utilization": be[o],
            "components_mcny": {cname: comps[i * O + o] for i, (cname, _) in enumerate(TOTALS)},
            "cumulative_mcny": {q: [_r(x) for x in cq[i, :, o]]
                                for i, q in enumerate(("p10", "p50", "p90"))}})
    money = c.scenario.money
    return {"discount_rate": money.discount_rate if money is not None else 0.08,
            "settlement": "settlement.csv: mean over the replications of P-months and CNY per "
                          "month, tenant, facility and type; its amounts sum to the means of "
                          "revenue_mcny (kinds rent, market, spillover_resale) and "
                          "spillover_cost_mcny (kind spillover_purchase)",
            "totals": totals, "operators": ops}


def settlement_table(c, sm):
    """The platform's bills, mean over replications: month, tenant, facility, operator, type,
    kind (rent | market | spillover_resale | spillover_purchase), p_months, amount_cny."""
    import pandas as pd

    n = max(sm.n, 1)
    settle_p, settle_cny = sm.fixed["settle_p"], sm.fixed["settle_cny"]
    market_p = sm.fixed["market_p"]
    names, of = em.operators(c)
    op = [names[i] for i in of]
    spec, s = c.market, c.scenario
    months = [format_month(s.start + m) for m in range(c.months)]
    tids = [t.id for t in s.tenants]
    rows = []
    m, e, f, t = np.nonzero(settle_p | settle_cny)
    for m_, e_, f_, t_ in zip(m, e, f, t):
        rows.append((months[m_], tids[e_], c.facilities[f_], op[f_], c.types[t_], "rent",
                     settle_p[m_, e_, f_, t_] / FIXED_P / n,
                     settle_cny[m_, e_, f_, t_] / FIXED_CNY / n))
    for m_, f_, t_ in zip(*np.nonzero(market_p)):
        p = market_p[m_, f_, t_] / FIXED_P / n
        rows.append((months[m_], "market", c.facilities[f_], op[f_], c.types[t_], "market", p,
                     p * spec.price[t_] * spec.decline[m_]))
    spill = (sm.fixed["tenant_demand"] - sm.fixed["tenant_served"]) * spec.spill[:, None, :]
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
