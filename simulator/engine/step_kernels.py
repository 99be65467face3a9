"""The monthly step's loops compiled (numba through `simulator.jit`), one replication at a time.

Each kernel does what a numpy expression of `processes.step`, `batch.by_facility_type` or
`counting.record_month` does, with the same operations on the same values in the same order
(numpy's orders included: `np.bincount` adds first to last from 0.0, `np.add.reduceat` takes
the first value plus numpy's pairwise sum of the rest), so both paths give the same bits. The
exponential of the tenants' growth stays in numpy. Only called when `jit.enabled()`.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.allocation_kernels import allocate_rows, nmax, nmin
from simulator.engine.pairwise_kernels import pw_sum
from simulator.jit import kernel


@kernel
def facility_type_sum(mask, pp, ft, capw, out):
    """`Batch.by_facility_type`: out (R, F*T) [P] = bincount of mask (R, P) x capacity capw
    (1 or R, pairs) of each (phase pp, facility x type ft) pair."""
    R, FT = out.shape
    for r in range(R):
        rc = r if capw.shape[0] > 1 else 0
        for q in range(FT):
            out[r, q] = 0.0
        for i in range(pp.size):
            on = 1.0 if mask[r, pp[i]] else 0.0
            out[r, ft[i]] += on * capw[rc, i]


@kernel
def segment_sum(on, table, first, out):
    """`np.add.reduceat(on[:, :, None] * table[None], first, axis=1)`: out (R, F, K) from on
    (R, P) (1.0 / 0.0 or a scale) and table (P, K), facilities starting at phases `first`."""
    R, P = on.shape
    F, K = first.size, table.shape[1]
    tmp = np.empty(P + 1)
    for r in range(R):
        for f in range(F):
            s = first[f]
            e = first[f + 1] if f + 1 < F else P
            for k in range(K):
                head = on[r, s] * table[s, k]
                if e - s <= 1:
                    out[r, f, k] = head
                    continue
                if e - s - 1 < 8:  # numpy's pairwise sum of the rest: first to last
                    rest = -0.0
                    for p in range(s + 1, e):
                        rest += on[r, p] * table[p, k]
                    out[r, f, k] = head + rest
                    continue
                for p in range(s + 1, e):
                    tmp[p - s - 1] = on[r, p] * table[p, k]
                out[r, f, k] = head + pw_sum(tmp, 0, e - s - 1)


@kernel
def tenant_factor(m, signed, left_at, until, signed_at, inv_ramp, any_ramp, ex, gidx, factor,
                  live):
    """Each tenant's demand factor (R, N) (ramp x growth, 0 where not live) and live (R, N)
    in month m; ex (R, G) is exp(k x log growth) of the G columns gidx >= 0 points to."""
    R, N = factor.shape
    mf = float(m)
    for r in range(R):
        for i in range(N):
            lv = signed[r, i] and mf < left_at[r, i] and mf <= until[i]
            live[r, i] = lv
            if not lv:
                factor[r, i] = 0.0
                continue
            ramp = 1.0
            if any_ramp:
                ramp = nmin(1.0, ((mf - signed_at[r, i]) + 1.0) * inv_ramp[i])
            g = gidx[i]
            factor[r, i] = ramp * (ex[r, g] if g >= 0 else 1.0)


@kernel
def type_month(m, t, cols, base, facs, sv, inst, mu, factor, pinned, pin_of, free, order_pin,
               order_free, has_alloc, prop, thr, spill, spill_out, D, S, served_f, short):
    """One compute type t in month m: demand D[m] and served S[m] (R, n) [P] of its tenants
    `cols` (base demand `base`), served by facility into served_f (R, F, T) [P], the shortfall
    bought outside into spill_out[m, :, t] (when `spill`), short (R, N) raised."""
    R, n, nf, ns = factor.shape[0], cols.size, facs.size, sv.size
    Dm, Sm = D[m], S[m]
    whole = has_alloc and ns == n  # every tenant can be served: the allocation writes S[m]
    for r in range(R):
        for j in range(n):
            Dm[r, j] = factor[r, cols[j]] * base[j]
            if not whole:
                Sm[r, j] = 0.0
    if has_alloc:
        u, dm = np.empty((R, nf)), np.empty((R, ns))
        srv, byf = Sm if whole else np.empty((R, ns)), np.empty((R, nf))
        for r in range(R):
            for f in range(nf):
                u[r, f] = nmax(inst[r, facs[f], t] * mu, 0.0)
            for i in range(ns):
                dm[r, i] = nmax(Dm[r, sv[i]], 0.0)
        allocate_rows(u, dm, pinned, pin_of, free, order_pin, order_free, prop, srv, byf)
    for r in range(R):
        if has_alloc and not whole:
            for i in range(ns):
                Sm[r, sv[i]] = srv[r, i]
        for f in range(nf):
            served_f[r, facs[f], t] = byf[r, f] if has_alloc else 0.0
        if spill:
            acc = 0.0
            for j in range(n):
                un = nmax(Dm[r, j] - Sm[r, j], 0.0)
                acc = un if j == 0 else acc + un
                if 0.0 > thr * Dm[r, j]:
                    short[r, cols[j]] = True
            spill_out[m, r, t] = acc
        else:
            for j in range(n):
                if Dm[r, j] - Sm[r, j] > thr * Dm[r, j]:
                    short[r, cols[j]] = True


@kernel
def leave_update(m, short, live, short_run, left_at, leave_after):
    """Months short in a row (R, N), and tenants short for `leave_after` months leave at m + 1."""
    R, N = short.shape
    nxt = float(m + 1)
    for r in range(R):
        for i in range(N):
            run = short_run[r, i] + 1 if (short[r, i] and live[r, i]) else 0
            short_run[r, i] = run
            if run >= leave_after:
                left_at[r, i] = nmin(left_at[r, i], nxt)
