"""Money per facility and operator, per replication: cash flow by month, NPV, payback month.

Cash flow of a facility in month m [million CNY] = local rent + outside market sales + compute
vouchers (subsidy per local P-month served) + construction grant (capex_share x capex, when the
capex is spent) - electricity - opex (opex_share x capex of the phases online, per year, /12)
- capex (spent at construction start). Capex spent before `start` is sunk and not counted.
The platform operator (`money.platform_operator`) resells spillover to the tenants at the
local rent of the type and pays the outside price for it.

NPV discounts month m (0 = `start`) by (1 + discount_rate)^(m/12). The payback month is the
first month from which the cumulative cash flow stays >= 0 to the end (0 when it never falls
below 0; inf, "not within the horizon", when it ends below 0).
"""

from __future__ import annotations

import numpy as np

from simulator import jit
from simulator.engine import money_kernels as mk
from simulator.engine.record import seq_sum


def operators(c) -> tuple[list[str], np.ndarray]:
    """Operator names in order of first appearance, and each facility's operator index (F,).
    A facility without `operator` (or a pipeline stream's own facility) is its own operator (its
    id). The platform is last when some market has spillover."""
    declared = {f.id: f.operator for f in c.scenario.facilities}
    names: list[str] = []
    of = []
    for fid in c.facilities:
        name = declared.get(fid) or fid
        if name not in names:
            names.append(name)
        of.append(names.index(name))
    if c.market is not None and c.market.spill.any():
        names.append(platform_name(c))
    return names, np.array(of, dtype=np.intp)


def platform_name(c) -> str:
    m = c.scenario.money
    return m.platform_operator if m is not None else "platform"


def facility_flows(r) -> dict[str, np.ndarray]:
    """Money components per facility and month (R, H, F) [million CNY], signed as received."""
    c, mk, spec = r.compiled, r.market, r.compiled.market
    money = c.scenario.money
    opex_share = money.opex_share if money is not None else 0.0
    grant = money.subsidy.capex_share if money is not None else 0.0
    sum_t = lambda a: seq_sum(a, 3)  # noqa: E731
    online = _online_capex(r)  # (R, H, F)
    return {
        "rent": sum_t(mk.rent_mcny), "market": sum_t(mk.market_mcny),
        "vouchers": sum_t(r.served_p * spec.voucher / 1e6) if spec.voucher.any()
        else np.zeros(r.served_p.shape[:3]),  # served is finite: every term would be +0
        "grant": r.capex_mcny * grant,
        "electricity": -sum_t(r.energy_cost_mcny),
        "opex": -online * opex_share / 12.0,
        "capex": -r.capex_mcny,
    }


def platform_flows(r) -> dict[str, np.ndarray]:
    """The platform's spillover resale and purchase per month (R, H) [million CNY]."""
    spec, mk = r.compiled.market, r.market
    scale = spec.decline[None, :, None] / 1e6
    return {"resale": seq_sum(mk.spillover_p * spec.resale_price * scale, 2),
            "purchase": -seq_sum(mk.spillover_p * spec.outside_price * scale, 2)}


def _online_capex(r) -> np.ndarray:
    """Capex of the phases online in each month, by facility (R, H, F) [million CNY]: a
    pipeline phase's of its drawn size and, after a switch, of its new hardware."""
    c = r.compiled
    on = r.phase_online[:, None, :]
    retire = np.minimum(c.phase_retire, r.phase_online + c.phase_lifetime)[:, None, :]
    m = np.arange(c.months, dtype=float)[None, :, None]
    live = (on <= m) & (m < retire)
    capex = c.phase_capex if r.pipeline is None else r.pipeline["phase_capex"][:, None, :]
    return np.add.reduceat(live * capex, c.facility_first_phase, axis=2)


def npv(cash: np.ndarray, rate: float, axis: int = 1) -> np.ndarray:
    """Net present value of monthly cash flows along `axis` (month 0 undiscounted)."""
    H = cash.shape[axis]
    shape = [1] * cash.ndim
    shape[axis] = H
    factor = (1.0 + rate) ** (-np.arange(H) / 12.0)
    return (cash * factor.reshape(shape)).sum(axis=axis)


def payback(cash: np.ndarray, axis: int = 1) -> np.ndarray:
    """First month from which the cumulative cash flow stays >= 0 (inf: not within the
    horizon), along `axis`."""
    cum = np.moveaxis(np.cumsum(cash, axis=axis), axis, -1)
    neg = cum < -1e-9
    H = cum.shape[-1]
    last_neg = np.where(neg.any(axis=-1), H - 1 - np.argmax(neg[..., ::-1], axis=-1), -1)
    return np.where(last_neg == H - 1, np.inf, last_neg + 1.0)


def operator_money(r) -> dict[str, np.ndarray]:
    """Per replication and operator: monthly cash flow (R, H, O), NPV (R, O), payback (R, O),
    utilisation and break-even utilisation (R, O), totals of each component (R,) and each
    component per operator (`by_operator`, (R, O))."""
    c = r.compiled
    names, of = operators(c)
    O = len(names)
    flows = facility_flows(r)
    group, months = _sums(of, O)
    cash = group(sum(flows.values()))
    totals = {k: months(seq_sum(v, 2)) for k, v in flows.items()}
    by_operator = {k: months(group(v)) for k, v in flows.items()}  # (R, O) each
    R = cash.shape[0]
    by_operator.update(resale=np.zeros((R, O)), purchase=np.zeros((R, O)))
    if c.market.spill.any():
        plat = platform_flows(r)
        cash[:, :, O - 1] += plat["resale"] + plat["purchase"]
        totals.update({k: seq_sum(v, 1) for k, v in plat.items()})
        for k, v in plat.items():
            by_operator[k][:, O - 1] = seq_sum(v, 1)
    else:
        totals.update(resale=np.zeros(R), purchase=np.zeros(R))
    rate = c.scenario.money.discount_rate if c.scenario.money is not None else 0.08
    util, breakeven = _utilisation(r, flows, group)
    return {"cash": cash, "npv": npv(cash, rate), "payback": payback(cash), "util": util,
            "breakeven": breakeven, "totals": totals, "by_operator": by_operator}


def _sums(of: np.ndarray, O: int):
    """The two sums operator_money takes: (R, H, F) per operator (R, H, O), and over months
    (R, H[, K]) -> (R[, K]), first to last; compiled (money_kernels) when jit.enabled()."""
    if jit.enabled():
        return (lambda a: mk.group(a, of, O),
                lambda a: mk.months_sum(a) if a.ndim == 3 else mk.months_sum(a[:, :, None])[:, 0])
    return (lambda a: np.stack([seq_sum(a[:, :, of == o], 2) if (of == o).any() else
                                np.zeros(a.shape[:2]) for o in range(O)], axis=2),
            lambda a: seq_sum(a, 1))


def _utilisation(r, flows, group) -> tuple[np.ndarray, np.ndarray]:
    """Mean utilisation per operator (busy / installed P-months) and the utilisation at which
    income would cover every cost over the horizon: costs / income at full use (R, O)."""
    inst = group(seq_sum(r.capacity_p, 3)).sum(axis=1)
    busy = group(seq_sum(r.busy_p, 3)).sum(axis=1)
    income = group(flows["rent"] + flows["market"] + flows["vouchers"]).sum(axis=1)
    cost = -group(flows["electricity"] + flows["opex"] + flows["capex"] + flows["grant"]
                  ).sum(axis=1)  # net of the construction grant
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(inst > 0, busy / np.where(inst > 0, inst, 1.0), np.nan)
        per_busy = np.where(busy > 0, income / np.where(busy > 0, busy, 1.0), np.nan)
        full = per_busy * inst  # income at full use, at the realised price per busy P-month
        breakeven = np.where(full > 0, cost / np.where(full > 0, full, 1.0), np.nan)
    return util, breakeven
