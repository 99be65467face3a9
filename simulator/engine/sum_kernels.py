"""Compiled loops (`simulator.jit`) for the sums after a run: each adds in exactly numpy's order.

numpy's order, which these loops copy (the tests check them against numpy on random values):
- `np.add.reduceat` over a group a[lo:hi] gives a[lo] + pw_sum(a[lo+1:hi]), on any axis;
- `np.add.reduce` over the contiguous last axis gives 0.0 + pw_sum(a);
- `np.add.reduce` over an axis that is not the innermost adds the slices first to last;
- `seq_sum` adds first to last.
Here pw_sum(a) is numpy's pairwise summation (`pairwise_kernels`).

`tenant_sums` is `MonthlyRecord.finish`'s loop: one pass over a type's stored tenant arrays
(H, R, n) writes demand, unmet and the fixed-point per-entry sums of every month; `bills` is
`MarketWork._bill_months` for all months of a type. The short sums are written out in the
loops: a call with array arguments costs more than such a sum.

(numba's disk cache keys a kernel on its own file only; `simulator.jit` keeps the cache in a
directory per version of all kernel modules, so a changed callee elsewhere is never stale.)
"""

from __future__ import annotations

import numpy as np

from simulator.engine.market_kernels import local_price, max0
from simulator.engine.pairwise_kernels import pw_sum
from simulator.jit import kernel


@kernel
def seq_sum3(a, out):
    """out (pre, post) = a[:, 0] + a[:, 1] + ... first to last (a (pre, n, post), n >= 2).
    Slice by slice, so that the additions of a slice are independent (they vectorise)."""
    pre, n, post = a.shape
    for i in range(pre):
        for k in range(post):
            out[i, k] = a[i, 0, k] + a[i, 1, k]
    for j in range(2, n):
        for i in range(pre):
            for k in range(post):
                out[i, k] += a[i, j, k]


@kernel
def fixed(x, scale):
    """rint(x * scale) as int64 (`record.fixed_total`'s rounding)."""
    return np.int64(np.rint(x * scale))


@kernel
def tenant_sums(D, S, starts, ends, zero, t, scale, demand, unmet, fx_d, fx_s):
    """Type t's sums over its tenants of every month, from demand D and served S (H, R, n):
    demand and unmet into (H, R, T) arrays at t (first to last tenant; unmet 0 in months where
    `zero`), and per entry (columns starts[g]:ends[g]) the fixed-point sums over replications
    into fx_d and fx_s (H, G) int64."""
    H, R, n = D.shape
    G = starts.size
    for m in range(H):
        for g in range(G):
            fx_d[m, g] = 0
            fx_s[m, g] = 0
        for r in range(R):
            d, s = D[m, r], S[m, r]
            tot = d[0]
            short = max0(d[0] - s[0])
            for i in range(1, n):
                tot += d[i]
                short += max0(d[i] - s[i])
            demand[m, r, t] = tot
            unmet[m, r, t] = 0.0 if zero[m] else short
            for g in range(G):  # np.add.reduceat's sums, the short ones written out
                lo, hi = starts[g], ends[g]
                sd, ss = d[lo], s[lo]
                if hi - lo > 1:
                    if hi - lo <= 8:
                        rd = rs = 0.0
                        for i in range(lo + 1, hi):
                            rd += d[i]
                            rs += s[i]
                    elif hi - lo <= 16:  # pairwise of 8 to 15 values, written out
                        j = lo + 1
                        rd = ((d[j] + d[j + 1]) + (d[j + 2] + d[j + 3])) + \
                            ((d[j + 4] + d[j + 5]) + (d[j + 6] + d[j + 7]))
                        rs = ((s[j] + s[j + 1]) + (s[j + 2] + s[j + 3])) + \
                            ((s[j + 4] + s[j + 5]) + (s[j + 6] + s[j + 7]))
                        for i in range(j + 8, hi):
                            rd += d[i]
                            rs += s[i]
                    else:
                        rd = pw_sum(d, lo + 1, hi - lo - 1)
                        rs = pw_sum(s, lo + 1, hi - lo - 1)
                    sd += rd
                    ss += rs
                fx_d[m, g] += fixed(sd, scale)
                fx_s[m, g] += fixed(ss, scale)


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
                    v += pw_sum(served[m, r], j, hi - j)
                per[g] = v
            tot = 0.0
            for k in range(Ft):
                x = served_f[m, r, facs[k], t]
                if not free:  # less what the pinned entries took (grid.sum(axis=2))
                    x -= _pinned_sum(per, pin, k, Ft)
                left[k] = max0(x)
                tot += left[k]  # left.sum(axis=2): from 0.0, pairwise (Ft < 8: in turn)
            if Ft >= 8:
                tot = 0.0 + pw_sum(left, 0, Ft)
            for k in range(Ft):
                ratio = left[k] / tot if tot > 0 else 0.0
                p = local_price(base[facs[k], t], decline[m], util[m, r, facs[k], t], level,
                                off)
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
        return 0.0 + pw_sum(col, 0, G)
    acc = per[0] if pin[0] == k else 0.0
    if Ft == 1:  # pairwise below 8 values: 0.0 + a0 + a1 + ...
        acc = 0.0 + acc
    for g in range(1, G):
        acc += per[g] if pin[g] == k else 0.0
    return acc
