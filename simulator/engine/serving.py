"""Serving across pools: a type's leftover usable capacity serves other types' unmet demand.

A compute type with `serves: {general: 0.5}` gives, after every type has served its own
tenants, what is left of its usable capacity (installed x max_utilization - served) to the
unmet demand of `general`, at 0.5 P of general per P of its own. Serving types go in the order
they are declared, and each serves the listed types in the order listed. The unmet demand of
a type shrinks by the same fraction for each of its tenants (a tenant pinned to a facility is
served across pools like any other: pins hold within its own pool). Per type,
demand = served to its tenants (own pool + other pools) + unmet, and a pool serves at most
its usable capacity.
"""

from __future__ import annotations

import numpy as np


def serve_across(b, m: int, installed: np.ndarray, served_f: np.ndarray, short: np.ndarray) -> None:
    """Month m: serve unmet demand from other pools' leftover capacity, for the whole batch.

    installed (R, F, T) [P]; served_f (R, F, T) served by facility [P], raised in place where a
    pool serves others; short (R, N) tenants short of demand, recomputed in place.
    """
    c, rec = b.c, b.rec
    usable = installed * c.max_utilization
    for t, u, factor in c.counting.serves:
        if u not in rec.last:
            continue  # no tenant demands type u
        demand, served = rec.last[u]
        # C-ordered rows: the sum over tenants is pairwise whatever the batch and the layout
        unmet = np.ascontiguousarray(np.maximum(demand - served, 0.0))  # (R, n_u)
        need = unmet.sum(axis=1)  # (R,) [P of u]
        left_f = np.maximum(usable[:, :, t] - served_f[:, :, t], 0.0)  # (R, F)
        left = left_f.sum(axis=1)  # [P of t]
        give = np.minimum(need, left * factor)  # [P of u]
        if not (give > 0).any():
            continue
        used = give / factor  # [P of t]
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = np.where(left[:, None] > 0, left_f / np.where(left > 0, left, 1.0)[:, None], 0.0)
            frac = np.where(need > 0, give / np.where(need > 0, need, 1.0), 0.0)
        served_f[:, :, t] += np.minimum(used[:, None] * spread, left_f)
        served = served + unmet * frac[:, None]
        rec.serve_other(m, u, served)
        rec.served_from_other_p[:, m, u] += give
        rec.served_for_other_p[:, m, t] += used
    short[:] = False
    for t, (demand, served) in rec.last.items():
        short[:, b.per_type[t].cols] |= (demand - served) > 1e-9 * demand
