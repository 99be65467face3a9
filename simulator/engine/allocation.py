"""The scheduling platform's decision: usable capacity and demand of one type in, grants out.

Pure numpy, no SimPy, vectorised over replications (the leading axis R).
"""

from __future__ import annotations

import numpy as np

POLICIES = ("priority", "proportional")


def allocate(usable: np.ndarray, demand: np.ndarray, pin: np.ndarray, rank: np.ndarray,
             policy: str = "priority") -> tuple[np.ndarray, np.ndarray]:
    """Grant demand of one compute type from the usable capacity of the facilities.

    usable: (R, F) usable capacity of each facility [P]
    demand: (R, N) demand of each tenant [P]
    pin: (N,) facility index a tenant is pinned to, or -1 for any facility
    rank: (R, N) priority, lower first (order of signing, then file order); ties keep column order
    policy: "priority" (in rank order, each takes what it needs while capacity lasts) or
        "proportional" (every tenant gets the same fraction of its demand)

    Pinned demand is served first, from its own facility. Unpinned demand shares what is left
    of all facilities, and the amount served is spread over the facilities in proportion to
    their remaining usable capacity.

    Returns served (R, N) [P] with 0 <= served <= demand, and served by facility (R, F) [P]
    with served by facility <= usable.
    """
    return Allocator(pin, rank, usable.shape[1], policy)(usable, demand)


class Allocator:
    """`allocate` with the sorting done once, for months in which pins and ranks do not change."""

    def __init__(self, pin: np.ndarray, rank: np.ndarray, facilities: int, policy: str):
        if policy not in POLICIES:
            raise ValueError(f'"policy" must be one of {POLICIES}, got {policy!r}')
        self.policy, self.F = policy, facilities
        R, N = rank.shape
        self.pinned = np.flatnonzero(pin >= 0)
        self.free = np.flatnonzero(pin < 0)
        self.pin = pin[self.pinned]
        self.stage_pinned = _Share(self.pin, rank[:, self.pinned], facilities, policy)
        self.stage_free = _Share(np.zeros(self.free.size, dtype=np.intp), rank[:, self.free], 1,
                                 policy)
        # the same as int64 arrays for `allocation_kernels.allocate_rows`
        self.k_pinned, self.k_free = self.pinned.astype(np.int64), self.free.astype(np.int64)
        self.k_pin = self.pin.astype(np.int64)

    def __call__(self, usable: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # C-ordered rows: every sum along a row is numpy's pairwise sum whatever the batch size
        # (a fancy-indexed (R > 1, n) array would be added first to last, a single row pairwise)
        usable = np.ascontiguousarray(np.maximum(usable, 0.0))
        demand = np.ascontiguousarray(np.maximum(demand, 0.0))
        R = usable.shape[0]
        if not self.pinned.size:  # every tenant free: no pinned stage, no gathering
            return self._free_only(usable, demand)
        served = np.zeros((R, demand.shape[1]))
        by_facility = np.zeros((R, self.F))
        if self.pinned.size:
            granted = self.stage_pinned(usable, demand[:, self.pinned])
            served[:, self.pinned] = granted
            by_facility = np.minimum(_group_sum(granted, self.pin, self.F), usable)
        if self.free.size:
            left = usable - by_facility
            pool = left.sum(axis=1, keepdims=True)
            granted = self.stage_free(pool, demand[:, self.free])
            served[:, self.free] = granted
            total = np.ascontiguousarray(granted).sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                spread = np.where(pool > 0, left / np.where(pool > 0, pool, 1.0), 0.0)
            by_facility = by_facility + np.minimum(total * spread, left)
        return served, by_facility

    def _free_only(self, usable: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`__call__` when no tenant is pinned (the same operations on the same values)."""
        pool = usable.sum(axis=1, keepdims=True)
        served = self.stage_free(pool, demand)
        total = np.ascontiguousarray(served).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            spread = np.where(pool > 0, usable / np.where(pool > 0, pool, 1.0), 0.0)
        return served, 0.0 + np.minimum(total * spread, usable)


class _Share:
    """Serve demand (R, N) from the capacity (R, G) of each tenant's group by a policy."""

    def __init__(self, group: np.ndarray, rank: np.ndarray, G: int, policy: str):
        R, N = rank.shape
        self.group, self.G, self.policy, self.N = group, G, policy, N
        self.order = np.zeros((R, 0), dtype=np.int64)  # rank order of each row (priority)
        if policy == "priority" and N:
            # sort each row by (group, rank): groups become contiguous runs in rank order
            span = float(rank.max()) - float(rank.min()) + 1.0
            key = group[None, :] * span + (rank - rank.min())
            order = np.argsort(key, axis=1, kind="stable")
            self.order = np.ascontiguousarray(order, dtype=np.int64)  # for the kernels
            self.flat = (np.arange(R)[:, None] * N + order).ravel()
            self.rows = np.arange(R)[:, None]
            self.sorted_group = group[order]

    def __call__(self, capacity: np.ndarray, demand: np.ndarray) -> np.ndarray:
        R = capacity.shape[0]
        if self.N == 0:
            return np.zeros((R, 0))
        if self.policy == "proportional":
            totals = _group_sum(demand, self.group, self.G)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                fraction = np.where(totals > capacity,
                                    capacity / np.where(totals > 0, totals, 1.0), 1.0)
            return demand * fraction[:, self.group]
        d = demand.ravel()[self.flat].reshape(R, self.N)
        ahead = np.cumsum(d, axis=1) - d  # demand ahead of each tenant, earlier groups included
        if self.G > 1:
            totals = _group_sum(demand, self.group, self.G)
            offset = np.cumsum(totals, axis=1) - totals  # demand of the groups before
            ahead = np.maximum(ahead - offset[self.rows, self.sorted_group], 0.0)
            cap = capacity[self.rows, self.sorted_group]
        else:
            cap = capacity
        granted = np.empty(R * self.N)
        granted[self.flat] = np.minimum(d, np.maximum(0.0, cap - ahead)).ravel()  # = clip
        return granted.reshape(R, self.N)


def _group_sum(values: np.ndarray, group: np.ndarray, G: int) -> np.ndarray:
    """Sum (R, N) values into (R, G) by the group of each column."""
    R = values.shape[0]
    if G == 1:  # C-ordered rows: pairwise whatever the batch size
        return np.ascontiguousarray(values).sum(axis=1, keepdims=True)
    idx = (np.arange(R)[:, None] * G + group[None, :]).ravel()
    return np.bincount(idx, weights=values.ravel(), minlength=R * G).reshape(R, G)
