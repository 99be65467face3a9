"""Compiled sums of the operators' money (`simulator.jit`): the sums over each operator's
facilities and over months that `engine.money.operator_money` takes, in the same order as its
numpy path (`seq_sum`), so the same bits; used when `jit.enabled()`."""

from __future__ import annotations

import numpy as np

from simulator import jit


@jit.kernel
def _group(a, of, first, out):  # pragma: no cover (compiled)
    """out[x, y, o] = the sum of a[x, y, f] over the facilities f of operator o, first to last
    (a copy for one facility, 0.0 for none): seq_sum(a[:, :, of == o], 2). first[f]: f is
    its operator's first facility."""
    X, Y, F = a.shape
    O = out.shape[2]
    for x in range(X):
        for y in range(Y):
            for o in range(O):
                out[x, y, o] = 0.0
            for f in range(F):
                if first[f]:
                    out[x, y, of[f]] = a[x, y, f]
                else:
                    out[x, y, of[f]] += a[x, y, f]


def group(a: np.ndarray, of: np.ndarray, O: int) -> np.ndarray:
    """(R, H, F) [any unit] summed per operator (R, H, O), C order (as np.stack gives)."""
    a = np.asarray(a, dtype=np.float64)
    of = np.ascontiguousarray(of, dtype=np.int64)
    first = np.zeros(len(of), dtype=np.bool_)
    first[np.unique(of, return_index=True)[1]] = True
    out = np.empty(a.shape[:2] + (O,))
    if a.strides[1] > a.strides[0]:  # stored (H, R, F), as the engine's arrays: read in order
        _group(a.transpose(1, 0, 2), of, first, out.transpose(1, 0, 2))
    else:
        _group(a, of, first, out)
    return out


@jit.kernel
def _months_sum(a, out):  # pragma: no cover (compiled)
    """out[r, k] = a[r, 0, k] + a[r, 1, k] + ... first to last: seq_sum(a, 1) of (R, H, K)."""
    R, H, K = a.shape
    for r in range(R):
        for k in range(K):
            acc = a[r, 0, k] if H else 0.0
            for h in range(1, H):
                acc += a[r, h, k]
            out[r, k] = acc


def months_sum(a: np.ndarray) -> np.ndarray:
    """seq_sum(a, 1) of an (R, H, K) array (R, K), the same bits."""
    out = np.empty((a.shape[0], a.shape[2]))
    _months_sum(np.asarray(a, dtype=np.float64), out)
    return out
