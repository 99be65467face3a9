"""The allocation of a type's month as compiled loops (numba through `simulator.jit`).

`allocate_rows` does what `allocation.Allocator` does for a batch, row by row: the same
operations on the same values in the same order, so both give the same bits. That includes
numpy's own orders: a sum along a C-ordered row is numpy's pairwise sum (`pw_sum`; the numpy
path makes its rows C-ordered, so the order does not depend on the batch size; `row_sums` can
also add first to last, as numpy does along a column-major array); `np.bincount` and
`np.cumsum` add first to last from 0.0; np.minimum / np.maximum keep NaN (`nmin`, `nmax`).
Only called when `jit.enabled()`; the numpy path is `allocation.py`.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.pairwise_kernels import pw_sum
from simulator.jit import kernel


@kernel
def nmin(a, b):
    """np.minimum(a, b) of two floats (NaN wins)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a <= b else b


@kernel
def nmax(a, b):
    """np.maximum(a, b) of two floats (NaN wins)."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@kernel
def row_sums(a, n, seq, out, col):
    """`a[:, :n].sum(axis=1)` into out[:, col] (R,): first to last when the numpy path's array
    is laid out column by column (`seq`: a fancy-indexed (R > 1, n) array), else numpy's
    pairwise sum (first to last too below 8 values). Written out here, not called per row: a
    call with arrays costs more than the sum."""
    for r in range(a.shape[0]):
        if seq or n < 8:
            res = -0.0
            for i in range(n):
                res += a[r, i]
        elif n <= 128:
            r0, r1, r2, r3 = a[r, 0], a[r, 1], a[r, 2], a[r, 3]
            r4, r5, r6, r7 = a[r, 4], a[r, 5], a[r, 6], a[r, 7]
            i = 8
            while i < n - (n % 8):
                r0 += a[r, i]
                r1 += a[r, i + 1]
                r2 += a[r, i + 2]
                r3 += a[r, i + 3]
                r4 += a[r, i + 4]
                r5 += a[r, i + 5]
                r6 += a[r, i + 6]
                r7 += a[r, i + 7]
                i += 8
            res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n:
                res += a[r, i]
                i += 1
        else:
            res = pw_sum(a[r], 0, n)
        out[r, col] = res


@kernel
def _group_totals(d, idx, grp, groups, seq, sel, totals):
    """`allocation._group_sum` of d[:, idx] (R, n) by group grp into totals (R, groups): a row
    sum for one group, else np.bincount's first-to-last sums from 0.0. sel: scratch (R, n)."""
    R, n = d.shape[0], idx.size
    if groups == 1:
        for r in range(R):
            for i in range(n):
                sel[r, i] = d[r, idx[i]]
        row_sums(sel, n, seq, totals, 0)
        return
    for r in range(R):
        for g in range(groups):
            totals[r, g] = 0.0
        for i in range(n):
            totals[r, grp[i]] += d[r, idx[i]]


@kernel
def _share(cap, d, idx, grp, order, prop, seq, out, totals, sel):
    """`allocation._Share` for every row r: serve d[r, idx[i]] (group grp[i], i < len(idx))
    from the capacity cap[r, g] of each of its groups (R, G), in rank order order[r] (priority)
    or by the same fraction (proportional); granted into out[r, i] [P].
    totals, sel: scratch (R, >= groups), (R, >= n)."""
    R, n, groups = d.shape[0], idx.size, cap.shape[1]
    if n == 0:
        return
    if prop or groups > 1:
        _group_totals(d, idx, grp, groups, seq, sel, totals)
    if prop:
        for r in range(R):
            for i in range(n):
                g = grp[i] if groups > 1 else 0
                tot, c = totals[r, g], cap[r, g]
                f = 1.0
                if tot > c:
                    f = c / (tot if tot > 0 else 1.0)
                out[r, i] = d[r, idx[i]] * f
        return
    for r in range(R):
        if groups > 1:  # offset: demand of the groups before, as cumsum(totals) - totals
            run = 0.0
            for g in range(groups):
                run = totals[r, g] if g == 0 else run + totals[r, g]
                sel[r, g] = run - totals[r, g]
        run = 0.0
        for k in range(n):
            i = order[r, k]
            v = d[r, idx[i]]
            run = v if k == 0 else run + v
            ahead = run - v
            if groups > 1:
                g = grp[i]
                ahead = nmax(ahead - sel[r, g], 0.0)
                c = cap[r, g]
            else:
                c = cap[r, 0]
            out[r, i] = nmin(v, nmax(0.0, c - ahead))


@kernel
def allocate_rows(u, dm, pinned, pin_of, free, order_pin, order_free, prop, srv, byf):
    """`Allocator.__call__`: u (R, F) usable [P] (>= 0), dm (R, n) demand [P] (>= 0);
    pinned / free: positions in dm, pin_of (len(pinned),) facility of each pinned one;
    order_pin / order_free (R, .): their rank order. Served into srv (R, n), by facility into
    byf (R, F). The numpy path sums along C-ordered rows (pairwise), whatever the batch size."""
    R, F = u.shape
    n = dm.shape[1]
    seq = R < 0  # False: no sum here adds first to last by layout
    m = max(n, F) + 1
    gf, left, sel, totals = np.empty((R, n)), np.empty((R, F)), np.empty((R, m)), np.empty((R, m))
    pool, total = np.empty((R, 1)), np.empty((R, 1))
    # (flags and sizes are passed as runtime values: a literal would compile a callee again)
    by_row = R < 0  # False: C-ordered rows, summed pairwise
    if pinned.size == 0:  # Allocator._free_only (free is every column, in order)
        row_sums(u, F, seq, pool, 0)
        _share(pool, dm, free, pin_of, order_free, prop, seq, srv, totals, sel)
        row_sums(srv, n, seq and prop, total, 0)
        for r in range(R):
            for f in range(F):
                spread = u[r, f] / pool[r, 0] if pool[r, 0] > 0 else 0.0
                byf[r, f] = 0.0 + nmin(total[r, 0] * spread, u[r, f])
        return
    _share(u, dm, pinned, pin_of, order_pin, prop, seq, gf, totals, sel)
    _group_totals(gf, np.arange(pinned.size), pin_of, F, seq and prop, sel, totals)
    for r in range(R):
        for i in range(n):
            srv[r, i] = 0.0
        for i in range(pinned.size):
            srv[r, pinned[i]] = gf[r, i]
        for f in range(F):
            byf[r, f] = nmin(totals[r, f], u[r, f])
            left[r, f] = u[r, f] - byf[r, f]
    if free.size == 0:
        return
    row_sums(left, F, by_row, pool, 0)
    _share(pool, dm, free, pin_of, order_free, prop, seq, gf, totals, sel)
    row_sums(gf, free.size, seq and prop, total, 0)
    for r in range(R):
        for i in range(free.size):
            srv[r, free[i]] = gf[r, i]
        for f in range(F):
            spread = left[r, f] / pool[r, 0] if pool[r, 0] > 0 else 0.0
            byf[r, f] = byf[r, f] + nmin(total[r, 0] * spread, left[r, f])
