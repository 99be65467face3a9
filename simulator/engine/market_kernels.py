"""Compiled loops (`simulator.jit`) for the market after a run, in the numpy path's order.

`sell_and_price` is `market.sell_idle`, `market.local_price`, the rents and the result's
economics (`run_result._economics`) in one pass over the (H, R, F, T) arrays. Every operation
is the numpy path's, on the same values in the same order, so both give the same bits. (The
bills are sums: `sum_kernels.bills`.)
"""

from __future__ import annotations

import numpy as np

from simulator.engine.result_kernels import energy, utilisation
from simulator.jit import kernel


@kernel
def local_price(base, decline, u, level, off):
    """A month's local rent at utilisation u (`market.local_price`): base x decline, times
    off (1 - the discount) below the level (NaN level: never)."""
    return base * decline * (off if u < level else 1.0)


@kernel
def max0(x):
    """np.maximum(x, 0.0): x where x > 0 or x is NaN, else +0.0."""
    if x > 0.0 or x != x:
        return x
    return 0.0


@kernel
def sell_and_price(inst, served, max_util, share, ramp, demand, closed, base, decline,
                   level, off, mprice, sold, rent, mmcny, busy, util, it_kw, energy_in, power,
                   energy_mwh, cost, revenue):
    """Sold outside, rent, outside sales [million CNY], busy and utilisation, and the
    economics of `result_kernels.economics` (all (H, R, F, T), month-major) from installed
    and served (H, R, F, T) [P].

    share, mprice (T,); ramp, demand (H, T); closed (H,) bool; base (F, T); decline (H,);
    level: the discount's utilisation level (NaN: no discount); off: 1 - its share; it_kw:
    the IT power [kW] (used where energy_in's last value is 1.0); energy_in: kw_per_p (F, T),
    pue, idle, elec (F,) and hours per month / 1000, flattened. The elementwise part has no
    branches (numpy's where, as selects) so that it vectorises."""
    H, R, F, T = inst.shape
    offer, frac = np.empty((F, T)), np.empty(T)
    kw_per_p, pue = energy_in[:F * T].reshape((F, T)), energy_in[F * T:F * T + F]
    idle, elec = energy_in[F * T + F:F * T + 2 * F], energy_in[F * T + 2 * F:F * T + 3 * F]
    hours_k, given = energy_in[F * T + 3 * F], energy_in[F * T + 3 * F + 1] == 1.0
    for m in range(H):
        for r in range(R):
            for f in range(F):
                for t in range(T):
                    x = inst[m, r, f, t] * max_util - served[m, r, f, t]
                    offer[f, t] = share[t] * max0(x)
            for t in range(T):
                total = offer[0, t]
                for f in range(1, F):
                    total += offer[f, t]
                d = demand[m, t]
                least = total if (total != total or (d == d and total < d)) else d
                take = ramp[m, t] * least
                frac[t] = take / (total if total > 0 else 1.0) if total > 0 else 0.0
            for f in range(F):
                for t in range(T):
                    i, sv = inst[m, r, f, t], served[m, r, f, t]
                    s = 0.0 * (i * max_util) if closed[m] else offer[f, t] * frac[t]
                    b = sv + s
                    u = utilisation(b, i)
                    p = local_price(base[f, t], decline[m], u, level, off)
                    sold[m, r, f, t], busy[m, r, f, t], util[m, r, f, t] = s, b, u
                    rent[m, r, f, t] = x_rent = sv * p / 1e6
                    mmcny[m, r, f, t] = x_sales = s * (mprice[t] * decline[m]) / 1e6
                    revenue[m, r, f, t] = x_rent + x_sales
                    kw = it_kw[m, r, f, t] if given else i * kw_per_p[f, t]
                    power[m, r, f, t], energy_mwh[m, r, f, t], cost[m, r, f, t] = energy(
                        kw, u, pue[f], idle[f], elec[f], hours_k)
