"""Compiled loops of a batch's statistics (`simulator.jit`; used only when `jit.enabled()`, the
numpy paths in `reduce` and `summary` giving the same bits).

- `cube_rows`: one pass over an (R, H, F, T) array (or the difference of two: idle = installed
  - busy) writes its monthly rows by facility and type into the cube (float32, replications
  last) and its sums over the facilities (in facility order, as `seq_sum`), whose rows it
  writes too.
- `float32_hist`: the histograms of float32 series (S, R) with the rows that are the same in
  every replication found first and each other row sorted on its own (`Block._of_float32`);
  `sorted_hist` the same of float64 series, every row sorted (`Block.of`).
- `fixed_sum`, `cumulative`: the money statistics' fixed-point market sums and cumulative cash.
"""

from __future__ import annotations

import numpy as np

from simulator import jit


@jit.kernel
def _cube_rows(a, b, minus, qft, qt, cube, out, out_b, total):  # pragma: no cover (compiled)
    """a, b (H, R, F, T) float64, the values a - b if `minus` else a; qft (F, T) and qt (T,)
    the cube rows (-1: none); cube (Q, H, R) float32; out (H, R, T) float64, the values' sums
    over F when `total`, and out_b b's when `minus` too."""
    H, R, F, T = a.shape
    acc = np.zeros(T)
    acc_b = np.zeros(T)
    for h in range(H):
        for r in range(R):
            for f in range(F):
                for t in range(T):
                    v = a[h, r, f, t]
                    if minus:
                        w = b[h, r, f, t]
                        v = v - w
                        if total:
                            acc_b[t] = w if f == 0 else acc_b[t] + w
                    q = qft[f, t]
                    if q >= 0:
                        cube[q, h, r] = np.float32(v)
                    if total:
                        acc[t] = v if f == 0 else acc[t] + v
            if total:
                for t in range(T):
                    s = acc[t] if F > 0 else 0.0
                    out[h, r, t] = s
                    if minus:
                        out_b[h, r, t] = acc_b[t] if F > 0 else 0.0
                    q = qt[t]
                    if q >= 0:
                        cube[q, h, r] = np.float32(s)


def cube_rows(a: np.ndarray, qft: np.ndarray, qt: np.ndarray, cube: np.ndarray,
              total: bool = True, minus: np.ndarray | None = None):
    """Write the rows of an (R, H, F, T) array of values: cube[qft[f, t]] (the values) and
    cube[qt[t]] (their sums over the facilities, first to last); return the sums (R, H, T)
    (None unless `total`). With `minus` the values are a - minus, and the sums of `minus`
    come back too: (values' sums, minus's sums). The engine's arrays are (H, R, F, T) in
    memory: read in that order (compiled once more for another layout)."""
    hr = np.asarray(a, dtype=np.float64).transpose(1, 0, 2, 3)
    hb = hr if minus is None else np.asarray(minus, dtype=np.float64).transpose(1, 0, 2, 3)
    H, R, F, T = hr.shape
    out = np.empty((H, R, T) if total else (0, 0, 0))
    out_b = np.empty((H, R, T) if total and minus is not None else (0, 0, 0))
    _cube_rows(hr, hb, minus is not None, np.ascontiguousarray(qft, dtype=np.int64),
               np.ascontiguousarray(qt, dtype=np.int64), cube, out, out_b, total)
    if not total:
        return None
    sums = out.transpose(1, 0, 2)
    return sums if minus is None else (sums, out_b.transpose(1, 0, 2))


@jit.kernel
def _same_rows(values):  # pragma: no cover (compiled)
    """Rows of values (S, R) that hold one value (NaN never does, as with numpy's ==)."""
    S, R = values.shape
    out = np.ones(S, dtype=np.bool_)
    for s in range(S):
        first = values[s, 0]
        for a in range(0, R, 64):  # blocks without a branch (vectorised), then a check
            differ = False
            for r in range(a, min(a + 64, R)):
                differ |= values[s, r] != first
            if differ:
                out[s] = False
                break
    return out


@jit.kernel
def _grown(series, count, lo, hi, e, n):  # pragma: no cover (compiled)
    """The first e entries of the histogram arrays in arrays of n."""
    out = (np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32), np.empty(n), np.empty(n))
    out[0][:e], out[1][:e], out[2][:e], out[3][:e] = series[:e], count[:e], lo[:e], hi[:e]
    return out


@jit.kernel
def _float32_hist(values, same, x, bits):  # pragma: no cover (compiled)
    """Histograms (series, count, lo, hi) of float32 series values (S, R): a constant row (same)
    one bin, the others from their rows sorted ascending x (V, R), in series order; and per
    sorted row its first, last, least non-zero bin edge magnitude and its sum (float64)."""
    S, R = values.shape
    V = x.shape[0]
    shift = 52 - bits
    n = S + 16 * V  # grown (doubled) when a row could pass it (no bounds checks here)
    series = np.empty(n, dtype=np.int32)
    count = np.empty(n, dtype=np.int32)
    lo, hi = np.empty(n), np.empty(n)
    first, last, small, total = np.empty(V), np.empty(V), np.full(V, np.inf), np.empty(V)
    row = np.empty(R)
    key = np.empty(R, dtype=np.int64)
    bits_of = row.view(np.int64)
    e, i = 0, 0
    for s in range(S):
        if same[s]:
            v = np.float64(values[s, 0]) + 0.0
            series[e], count[e], lo[e], hi[e] = s, R, v, v
            e += 1
            continue
        if e + R + S - s > n:  # room for this row's bins and one for each row after it
            n = max(2 * n, e + R + S - s)
            series, count, lo, hi = _grown(series, count, lo, hi, e, n)
        for r in range(R):
            row[r] = np.float64(x[i, r]) + 0.0
        for r in range(R):
            b = bits_of[r]
            k = (b & 0x7FFF_FFFF_FFFF_FFFF) >> shift
            key[r] = -k - 1 if b < 0 else k
        acc = row[0]
        for r in range(1, R):
            acc += row[r]
        start = 0
        for r in range(1, R + 1):
            if r == R or key[r] != key[r - 1]:
                series[e], count[e], lo[e], hi[e] = s, r - start, row[start], row[r - 1]
                for edge in (abs(row[start]), abs(row[r - 1])):
                    if edge > 0 and edge < small[i]:
                        small[i] = edge
                e += 1
                start = r
        first[i], last[i], total[i] = row[0], row[R - 1], acc
        i += 1
    return (series[:e].copy(), count[:e].copy(), lo[:e].copy(), hi[:e].copy(), first, last,
            small, total)


def sorted_hist(values: np.ndarray, bits: int):
    """(series, count, lo, hi, and per row its first, last, least non-zero bin edge magnitude
    and sum) of float64 series values (S, R), every row sorted (`Block.of`'s numpy path:
    `sort_rows`, `Histograms.of_sorted`)."""
    x = np.sort(np.asarray(values, dtype=np.float64), axis=1)
    return _float32_hist(x, np.zeros(x.shape[0], dtype=np.bool_), x, bits)


def float32_hist(values: np.ndarray, bits: int):
    """(varying rows' indices, their rows sorted (V, R) float32, series, count, lo, hi, and
    per varying row its first, last, least non-zero bin edge magnitude, sum) of float32 series
    values (S, R): what `Block._of_float32` computes with numpy, without widening the rows."""
    values = np.ascontiguousarray(values)
    same = _same_rows(values)
    vary = np.flatnonzero(~same)
    x = values[vary]
    x.sort(axis=1)
    return (vary, x) + _float32_hist(values, same, x, bits)


@jit.kernel
def _fixed_sum(a, scale, out):  # pragma: no cover (compiled)
    """out[h, f, t] = sum over r of int(rint(a[h, r, f, t] * scale)) (integers: any order)."""
    H, R, F, T = a.shape
    for h in range(H):
        for r in range(R):
            for f in range(F):
                for t in range(T):
                    out[h, f, t] += np.int64(np.rint(a[h, r, f, t] * scale))


def fixed_sum(a: np.ndarray, scale: float) -> np.ndarray:
    """np.rint(a * scale).astype(np.int64).sum(axis=0) of an (R, H, F, T) array (H, F, T)."""
    hr = np.asarray(a, dtype=np.float64).transpose(1, 0, 2, 3)
    out = np.zeros((hr.shape[0],) + hr.shape[2:], dtype=np.int64)
    _fixed_sum(hr, float(scale), out)
    return out


@jit.kernel
def _cumulative(cash, out):  # pragma: no cover (compiled)
    """out[h, o, r] = float32 of cash[r, 0, o] + ... + cash[r, h, o], added first to last."""
    R, H, O = cash.shape
    for r in range(R):
        for o in range(O):
            acc = cash[r, 0, o]
            out[0, o, r] = np.float32(acc)
            for h in range(1, H):
                acc += cash[r, h, o]
                out[h, o, r] = np.float32(acc)


def cumulative(cash: np.ndarray) -> np.ndarray:
    """np.cumsum(cash, axis=1).astype(np.float32).transpose(1, 2, 0) of (R, H, O) cash flows,
    written (H, O, R) C order."""
    cash = np.ascontiguousarray(cash, dtype=np.float64)
    R, H, O = cash.shape
    out = np.empty((H, O, R), dtype=np.float32)
    if H:
        _cumulative(cash, out)
    return out
