"""`engine.money.operator_money` with its sums over each operator's facilities compiled
(`simulator.jit`): the same steps in the same order, so the same bits; the money statistics use
it when `jit.enabled()`, and the tests hold the two equal. The engine's function is the
definition; a change there shows up here as a failing test."""

from __future__ import annotations

import numpy as np

from simulator import jit
from simulator.engine import money as em
from simulator.engine.record import seq_sum


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


def operator_money(r) -> dict[str, np.ndarray]:
    """`engine.money.operator_money(r)`, the same bits (see there)."""
    c = r.compiled
    names, of = em.operators(c)
    O = len(names)
    flows = em.facility_flows(r)
    grouped = lambda a: group(a, of, O)  # noqa: E731
    cash = grouped(sum(flows.values()))
    totals = {k: months_sum(seq_sum(v, 2)[:, :, None])[:, 0] for k, v in flows.items()}
    by_operator = {k: months_sum(grouped(v)) for k, v in flows.items()}  # (R, O) each
    R = cash.shape[0]
    by_operator.update(resale=np.zeros((R, O)), purchase=np.zeros((R, O)))
    if c.market.spill.any():
        plat = em.platform_flows(r)
        cash[:, :, O - 1] += plat["resale"] + plat["purchase"]
        totals.update({k: seq_sum(v, 1) for k, v in plat.items()})
        for k, v in plat.items():
            by_operator[k][:, O - 1] = seq_sum(v, 1)
    else:
        totals.update(resale=np.zeros(R), purchase=np.zeros(R))
    rate = c.scenario.money.discount_rate if c.scenario.money is not None else 0.08
    util, breakeven = em._utilisation(r, flows, grouped)
    return {"cash": cash, "npv": em.npv(cash, rate), "payback": em.payback(cash), "util": util,
            "breakeven": breakeven, "totals": totals, "by_operator": by_operator}
