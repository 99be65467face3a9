"""Compiled loops (`simulator.jit`) for `RunResult.from_batch`, in the numpy path's order.

`history` is `run_result._history` without a pipeline (sums over a facility's phases as
np.add.reduceat takes them, see `sum_kernels`); `economics` is `run_result._economics` and the
utilisation in one pass over the month-major (H, R, F, T) arrays, where there is no market.
"""

from __future__ import annotations

import numpy as np

from simulator.jit import kernel


@kernel
def history(start, online, first, cap, capex, under, planned, spent):
    """Under construction and planned capacity (R, H, F, T) [P] and capex spent (R, H, F)
    [million CNY] of every month, from the phases' final start and online months (R, P);
    first (F,): each facility's first phase (at most 8 phases each: longer sums are pairwise,
    see `sum_kernels`); cap (P, T) [P]; capex (P,) [million CNY]."""
    R, P = start.shape
    H, F, T = under.shape[1], first.size, cap.shape[1]
    ends = np.empty(F, dtype=np.int64)
    for f in range(F):  # np.add.reduceat's groups: to the next start, or one value
        ends[f] = P if f + 1 == F else max(first[f + 1], first[f] + 1)
    for r in range(R):
        for m in range(H):
            mf = float(m)
            for f in range(F):
                for t in range(T + 1):  # the types' capacity, then capex (at t == T)
                    u = pl = 0.0
                    for p in range(first[f], ends[f]):  # np.add.reduceat's order, see below
                        st = start[r, p]
                        v = capex[p] if t == T else cap[p, t]
                        if t == T:
                            fu, fp = (1.0 if st == mf else 0.0), 0.0
                        else:
                            fu = 1.0 if (st <= mf and mf < online[r, p]) else 0.0
                            fp = 1.0 if mf < st else 0.0
                        if p == first[f]:
                            u0, p0 = fu * v, fp * v
                        else:
                            u += fu * v
                            pl += fp * v
                    if ends[f] - first[f] > 1:  # a[lo] + the rest added from 0.0
                        u0 += u
                        p0 += pl
                    if t == T:
                        spent[r, m, f] = u0
                    else:
                        under[r, m, f, t] = u0
                        planned[r, m, f, t] = p0


@kernel
def utilisation(busy, installed):
    """busy / installed, 0.0 where nothing is installed (`run_result.utilization`)."""
    u = busy / (installed if installed > 0 else 1.0)
    return u if installed > 0 else 0.0


@kernel
def energy(kw, u, pue, idle, elec, hours_k):
    """Power [MW], energy [MWh] and its cost [million CNY] of a month at IT power kw [kW] and
    utilisation u (`run_result._economics`)."""
    e = kw * (idle + (1.0 - idle) * u) * pue * hours_k
    return kw * pue / 1000.0, e, e * elec / 1000.0


@kernel
def economics(cap, served, it_kw, given, kw_per_p, pue, idle, elec, price, hours_k, util,
              power, energy_mwh, cost, revenue):
    """Utilisation (served / installed), power [MW], energy [MWh], its cost and revenue
    [million CNY] of every month (H, R, F, T) from installed and served (H, R, F, T) [P],
    without a market (`market_kernels.sell_and_price` does this with one). it_kw: the IT
    power [kW] where `given`, else installed x kw_per_p; hours_k: hours per month / 1000."""
    H, R, F, T = cap.shape
    for m in range(H):
        for r in range(R):
            for f in range(F):
                for t in range(T):
                    c, s = cap[m, r, f, t], served[m, r, f, t]
                    util[m, r, f, t] = u = utilisation(s, c)
                    kw = it_kw[m, r, f, t] if given else c * kw_per_p[f, t]
                    power[m, r, f, t], energy_mwh[m, r, f, t], cost[m, r, f, t] = energy(
                        kw, u, pue[f], idle[f], elec[f], hours_k)
                    revenue[m, r, f, t] = s * price[f, t] / 1e6
