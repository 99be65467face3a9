"""Compiled loops (`simulator.jit`) for the market after a run, in the numpy path's order.

`sell_and_price` is `market.sell_idle`, `market.local_price` and the rents in one pass over the
(H, R, F, T) arrays; `bills` is `MarketWork._bill_months` for all months of a type. Every
operation is the numpy path's, on the same values in the same order (sums as described in
`sum_kernels`), so both give the same bits.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.sum_kernels import fixed, group_sum, max0, pairwise
from simulator.jit import kernel


@kernel
def _minimum(a, b):
    """np.minimum(a, b) of two floats (NaN from either side)."""
    if a != a:
        return a
    if b != b or not a < b:
        return b
    return a


@kernel
def sell_and_price(inst, served, max_util, share, ramp, demand, closed, base, decline,
                   level, off, mprice, sold, price, rent, mmcny, busy, util):
    """Sold outside, local price, rent, outside sales [million CNY], busy and utilisation
    (all (H, R, F, T), month-major) from installed and served (H, R, F, T) [P].

    share, mprice (T,); ramp, demand (H, T); closed (H,) bool; base (F, T); decline (H,);
    level: the discount's utilisation level (NaN: no discount); off: 1 - its share."""
    H, R, F, T = inst.shape
    offer = np.empty(F)
    for m in range(H):
        for r in range(R):
            for t in range(T):
                for f in range(F):
                    offer[f] = share[t] * max0(inst[m, r, f, t] * max_util - served[m, r, f, t])
                total = offer[0]
                for f in range(1, F):
                    total += offer[f]
                take = ramp[m, t] * _minimum(total, demand[m, t])
                frac = take / total if total > 0 else 0.0
                for f in range(F):
                    i = inst[m, r, f, t]
                    s = 0.0 * (i * max_util) if closed[m] else offer[f] * frac
                    b = served[m, r, f, t] + s
                    u = b / i if i > 0 else 0.0
                    p = base[f, t] * decline[m]
                    if level == level:
                        p = p * (off if u < level else 1.0)
                    sold[m, r, f, t], busy[m, r, f, t], util[m, r, f, t] = s, b, u
                    price[m, r, f, t] = p
                    rent[m, r, f, t] = served[m, r, f, t] * p / 1e6
                    mmcny[m, r, f, t] = s * (mprice[t] * decline[m]) / 1e6


@kernel
def bills(served, starts, ends, pin, facs, t, served_f, price, scale_p, scale_cny,
          settle_p, settle_cny):
    """Type t's P-months and rent per entry and facility, summed over replications in fixed
    point, into settle_p and settle_cny (H, G, F_t) int64, from the tenants' served (H, R, n)
    (entries: columns starts[g]:ends[g]; pin[g]: local facility index, -1 free, -2 none) and
    served_f, price (H, R, F, T)."""
    H, R, n = served.shape
    G, Ft = starts.size, facs.size
    free = True
    for g in range(G):
        if pin[g] != -1:
            free = False
    per, left, col = np.empty(G), np.empty(Ft), np.empty(G)
    for m in range(H):
        settle_p[m] = 0
        settle_cny[m] = 0
        for r in range(R):
            row = served[m, r]
            for g in range(G):
                per[g] = group_sum(row, starts[g], ends[g])
            for k in range(Ft):
                sf = served_f[m, r, facs[k], t]
                if free:
                    left[k] = max0(sf)
                    continue
                for g in range(G):
                    col[g] = per[g] if pin[g] == k else 0.0
                if Ft > 1:  # grid.sum(axis=2) adds the entries' slices first to last
                    acc = col[0]
                    for g in range(1, G):
                        acc += col[g]
                else:  # one facility: numpy sums the contiguous axis pairwise
                    acc = 0.0 + pairwise(col, 0, G)
                left[k] = max0(sf - acc)
            tot = 0.0 + pairwise(left, 0, Ft)
            for k in range(Ft):
                ratio = left[k] / tot if tot > 0 else 0.0
                p = price[m, r, facs[k], t]
                for g in range(G):
                    if pin[g] == -1:
                        v = per[g] * ratio
                    elif pin[g] == k:
                        v = per[g]
                    else:
                        v = 0.0
                    settle_p[m, g, k] += fixed(v, scale_p)
                    settle_cny[m, g, k] += fixed(v * p, scale_cny)
