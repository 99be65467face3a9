"""numpy's pairwise summation as a compiled loop (numba through `simulator.jit`), for the
kernels that must add in numpy's order: below 8 values one after the other from -0.0, up to 128
in eight partial sums, longer runs split in two halves (a multiple of 8 first). `np.add.reduce`
along a contiguous row is 0.0 + pw_sum(row); `np.add.reduceat` over a group a[lo:hi] is
a[lo] + pw_sum(a[lo + 1:hi])."""

from __future__ import annotations

import numpy as np

from simulator.jit import kernel


@kernel
def _pw_block(a, lo, n):
    """numpy's pairwise_sum of a[lo:lo + n] for n <= 128: eight partial sums, then the rest."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@kernel
def pw_sum(a, lo, n):
    """numpy's sum of a[lo:lo + n] (float64): pairwise, eight partial sums in blocks of at most
    128, longer runs split in two halves (a multiple of 8 first) and added."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= 128:
        return _pw_block(a, lo, n)
    return _pw_long(a, lo, n)


@kernel
def _pw_long(a, lo, n):
    """`pw_sum` of more than 128 values: numpy recurses; here (numba does not cache recursive
    functions) the halves are walked with a stack."""
    los, ns, stage = np.empty(64, np.int64), np.empty(64, np.int64), np.zeros(64, np.int64)
    vals = np.empty(64)
    top, nv = 0, 0
    los[0], ns[0] = lo, n
    while top >= 0:
        L, N = los[top], ns[top]
        if N <= 128 or stage[top] == 2:
            if N <= 128:
                vals[nv] = _pw_block(a, L, N)
                nv += 1
            else:
                vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
                nv -= 1
            top -= 1
            continue
        n2 = N // 2
        n2 -= n2 % 8
        stage[top] += 1
        child_lo, child_n = (L, n2) if stage[top] == 1 else (L + n2, N - n2)
        top += 1
        los[top], ns[top], stage[top] = child_lo, child_n, 0
    return vals[0]
