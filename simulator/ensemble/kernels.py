"""Compiled loops of a batch's statistics (`simulator.jit`; used only when `jit.enabled()`, the
numpy paths in `reduce` and `summary` giving the same bits).

- `cube_rows`: one pass over an (R, H, F, T) array writes its monthly rows by facility and type
  into the cube (float32, replications last) and its sums over the facilities (in facility
  order, as `seq_sum`), whose rows it writes too.
- `float32_block`: the histograms of float32 series (S, R) with the rows that are the same in
  every replication found first and each other row sorted on its own (`Block._of_float32`).
"""

from __future__ import annotations

import numpy as np

from simulator import jit


@jit.kernel
def _cube_rows(a, qft, qt, cube, out, total):  # pragma: no cover (compiled)
    """a (H, R, F, T) float64; qft (F, T) and qt (T,) the cube rows (-1: none); cube (Q, H, R)
    float32; out (H, R, T) float64, the sums over F when `total`."""
    H, R, F, T = a.shape
    acc = np.zeros(T)
    for h in range(H):
        for r in range(R):
            for f in range(F):
                for t in range(T):
                    v = a[h, r, f, t]
                    q = qft[f, t]
                    if q >= 0:
                        cube[q, h, r] = np.float32(v)
                    if total:
                        if f == 0:
                            acc[t] = v
                        else:
                            acc[t] += v
            if total:
                for t in range(T):
                    s = acc[t] if F > 0 else 0.0
                    out[h, r, t] = s
                    q = qt[t]
                    if q >= 0:
                        cube[q, h, r] = np.float32(s)


def cube_rows(a: np.ndarray, qft: np.ndarray, qt: np.ndarray, cube: np.ndarray,
              total: bool = True) -> np.ndarray | None:
    """Write a (R, H, F, T)'s rows cube[qft[f, t]] (its values) and cube[qt[t]] (its sums over
    the facilities, first to last); return the sums (R, H, T) (None unless `total`). The
    engine's arrays are (H, R, F, T) in memory: read in that order (compiled once more for
    another layout)."""
    a = np.asarray(a, dtype=np.float64).transpose(1, 0, 2, 3)
    H, R, F, T = a.shape
    out = np.empty((H, R, T) if total else (0, 0, 0))
    _cube_rows(a, np.ascontiguousarray(qft, dtype=np.int64),
               np.ascontiguousarray(qt, dtype=np.int64), cube, out, total)
    return out.transpose(1, 0, 2) if total else None
