"""Compiled loops (`simulator.jit`) for the market after a run, in the numpy path's order.

`sell_and_price` is `market.sell_idle`, `market.local_price` and the rents in one pass over the
(H, R, F, T) arrays; `bills` is `MarketWork._bill_months` for all months of a type. Every
operation is the numpy path's, on the same values in the same order (sums as described in
`sum_kernels`), so both give the same bits.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.sum_kernels import fixed, pairwise
from simulator.jit import kernel


@kernel
def sell_and_price(inst, served, max_util, share, ramp, demand, closed, base, decline,
                   level, off, mprice, sold, rent, mmcny, busy, util, it_kw, energy_in, power,
                   energy, cost, revenue):
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
                    offer[f, t] = share[t] * (x if (x > 0.0 or x != x) else 0.0)
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
                    u = b / (i if i > 0 else 1.0)
                    u = u if i > 0 else 0.0
                    p = base[f, t] * decline[m] * (off if u < level else 1.0)
                    sold[m, r, f, t], busy[m, r, f, t], util[m, r, f, t] = s, b, u
                    rent[m, r, f, t] = x_rent = sv * p / 1e6
                    mmcny[m, r, f, t] = x_sales = s * (mprice[t] * decline[m]) / 1e6
                    revenue[m, r, f, t] = x_rent + x_sales
                    kw = it_kw[m, r, f, t] if given else i * kw_per_p[f, t]
                    e = kw * (idle[f] + (1.0 - idle[f]) * u) * pue[f] * hours_k
                    power[m, r, f, t] = kw * pue[f] / 1000.0
                    energy[m, r, f, t] = e
                    cost[m, r, f, t] = e * elec[f] / 1000.0


@kernel
def bills(served, starts, ends, pin, facs, t, served_f, util, base, decline, level, off,
          scale_p, scale_cny, settle_p, settle_cny):
    """Type t's P-months and rent per entry and facility, summed over replications in fixed
    point, into settle_p and settle_cny (H, G, F_t) int64, from the tenants' served (H, R, n)
    (entries: columns starts[g]:ends[g]; pin[g]: local facility index, -1 free, -2 none),
    served_f and util (H, R, F, T) and the price inputs of `sell_and_price`."""
    H, R, n = served.shape
    G, Ft = starts.size, facs.size
    free = True
    for g in range(G):
        if pin[g] != -1:
            free = False
    per, left = np.empty(G), np.empty(Ft)
    for m in range(H):
        settle_p[m] = 0
        settle_cny[m] = 0
        for r in range(R):
            for g in range(G):  # np.add.reduceat's sums, the short ones written out
                lo, hi = starts[g], ends[g]
                v = served[m, r, lo]
                j = lo + 1
                if 1 < hi - lo <= 8:
                    rest = 0.0
                    for i in range(j, hi):
                        rest += served[m, r, i]
                    v += rest
                elif 8 < hi - lo <= 16:  # pairwise of 8 to 15 values, written out
                    rest = ((served[m, r, j] + served[m, r, j + 1])
                            + (served[m, r, j + 2] + served[m, r, j + 3])) + \
                        ((served[m, r, j + 4] + served[m, r, j + 5])
                         + (served[m, r, j + 6] + served[m, r, j + 7]))
                    for i in range(j + 8, hi):
                        rest += served[m, r, i]
                    v += rest
                elif hi - lo > 16:
                    v += pairwise(served[m, r], j, hi - j)
                per[g] = v
            tot = 0.0
            for k in range(Ft):
                x = served_f[m, r, facs[k], t]
                if not free:  # less what the pinned entries took (grid.sum(axis=2))
                    x -= _pinned_sum(per, pin, k, Ft)
                left[k] = x if (x > 0.0 or x != x) else 0.0
                tot += left[k]  # left.sum(axis=2): from 0.0, pairwise (Ft < 8: in turn)
            if Ft >= 8:
                tot = 0.0 + pairwise(left, 0, Ft)
            for k in range(Ft):
                ratio = left[k] / tot if tot > 0 else 0.0
                u = util[m, r, facs[k], t]
                p = base[facs[k], t] * decline[m] * (off if u < level else 1.0)
                for g in range(G):
                    if pin[g] == -1:
                        v = per[g] * ratio
                    elif pin[g] == k:
                        v = per[g]
                    else:
                        v = 0.0
                    settle_p[m, g, k] += fixed(v, scale_p)
                    settle_cny[m, g, k] += fixed(v * p, scale_cny)


@kernel
def _pinned_sum(per, pin, k, Ft):
    """grid.sum(axis=2) at facility k: the entries pinned there (others 0.0), added first to
    last where there are several facilities, numpy's pairwise from 0.0 where there is one."""
    G = per.size
    if Ft == 1 and G >= 8:
        col = np.empty(G)
        for g in range(G):
            col[g] = per[g] if pin[g] == k else 0.0
        return 0.0 + pairwise(col, 0, G)
    acc = per[0] if pin[0] == k else 0.0
    if Ft == 1:  # pairwise below 8 values: 0.0 + a0 + a1 + ...
        acc = 0.0 + acc
    for g in range(1, G):
        acc += per[g] if pin[g] == k else 0.0
    return acc
