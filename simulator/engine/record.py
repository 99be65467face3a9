"""What the monthly scheduler writes as a batch plays: installed, served, demand and unmet.

The arrays are stored month-major (a month's record is one contiguous block) and summed in a
fixed order, so that a replication's numbers do not depend on the batch it ran in.

Each month stores its tenants' demand and served demand per type as they are (R, n_t); the sums
over tenants (demand, unmet, the per-entry fixed-point sums) are taken once after the last
month (`MonthlyRecord.finish`), in the same order as month by month: with the kernels
(`simulator.jit`, `sum_kernels.tenant_sums`) in one pass over each type's arrays, else a few
months at a time in numpy. `seq_sum` is compiled too where it pays (the same bits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator import jit
from simulator.engine import sum_kernels
from simulator.engine.arrays import Compiled

FIXED = 2.0 ** 24  # tenant sums are kept in fixed point, 2^-24 P: exact whatever the batching
CHUNK_VALUES = 2 ** 18  # the tenant sums after a run take this many values at a time (cache)


def fixed_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-tenant-entry sums over replications of (..., R, n) values, as exact fixed-point
    integers (float sums would depend on how replications are batched) (..., n_entries)."""
    n = values.shape[-1]
    lengths = np.diff(np.append(starts, n))
    if (lengths == 1).all():
        per_rep = values
    else:  # entries of one tenant as they are, groups (count > 1) summed as np.add.reduceat does
        per_rep = np.empty(values.shape[:-1] + (len(starts),))
        one = lengths == 1
        per_rep[..., one] = values[..., starts[one]]
        groups = np.flatnonzero(~one)
        cols = np.concatenate([np.arange(starts[g], starts[g] + lengths[g]) for g in groups])
        first = np.concatenate(([0], np.cumsum(lengths[groups])[:-1]))
        per_rep[..., groups] = np.add.reduceat(values[..., cols], first, axis=-1)
    return fixed_total(per_rep, FIXED, -2)


def fixed_total(values: np.ndarray, scale: float, axis: int) -> np.ndarray:
    """The sum along an axis of rint(values x scale) as int64: exact, whatever the order.

    Where every partial sum stays below 2^53 in magnitude the rounded values are added as
    floats (each addition is then exact) and converted once; otherwise as int64."""
    y = np.multiply(values, scale)
    np.rint(y, out=y)
    if y.size and max(-float(y.min()), float(y.max())) * y.shape[axis] < 2.0 ** 53:
        return y.sum(axis=axis).astype(np.int64)
    return y.astype(np.int64).sum(axis=axis)


def seq_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum along an axis first to last: the same bits whatever the batch size or array layout
    (numpy's pairwise summation depends on both). Compiled (`sum_kernels.seq_sum3`) where the
    kernels are on and the array is float64 laid out in some order of its axes."""
    a = np.asarray(a, dtype=np.float64)
    axis = axis % a.ndim
    n = a.shape[axis]
    if n == 0:
        return np.zeros(a.shape[:axis] + a.shape[axis + 1:])
    if jit.enabled() and n > 1 and a.size:
        out = _seq_sum_kernel(a, axis)
        if out is not None:
            return out
    if n > 64:  # long axes: a cumulative sum adds ((a0 + a1) + a2) + ... in one call
        return np.take(np.cumsum(a, axis=axis), n - 1, axis=axis)
    a = np.moveaxis(a, axis, 0)  # short axes: whole slices added in turn (a few calls)
    if n == 1:
        return a[0].copy()
    out = np.add(a[0], a[1])
    for x in a[2:]:
        out += x
    return out


def _seq_sum_kernel(a: np.ndarray, axis: int) -> np.ndarray | None:
    """seq_sum in one compiled pass over the array in its memory order (a (pre, n, post) view
    of it), the result laid out in the same order of axes; None where the array is not a
    transposed C-contiguous block or the axis is (nearly) its innermost (then numpy's way)."""
    order = sorted(range(a.ndim), key=lambda i: -a.strides[i])
    base = a.transpose(order)
    if not base.flags.c_contiguous:
        return None
    k = order.index(axis)
    shape = base.shape
    pre, post = int(np.prod(shape[:k])), int(np.prod(shape[k + 1:]))
    if post < 4:  # the axis is (nearly) the innermost: numpy's strided slices do better
        return None
    out = np.empty(shape[:k] + shape[k + 1:])
    sum_kernels.seq_sum3(base.reshape(pre, shape[k], post), out.reshape(pre, post))
    rest = [i for i in order if i != axis]  # out's axes, as a's axes without `axis`
    return out.transpose(np.argsort([i - (i > axis) for i in rest]))


@dataclass
class MonthlyRecord:
    """The monthly arrays of a batch: by facility and type (R, H, F, T), by type (R, H, T), and
    per tenant entry summed over the replications in fixed point (H, N_entries, T)."""

    capacity_p: np.ndarray  # installed and online [P]
    served_p: np.ndarray  # [P]
    demand_p: np.ndarray  # (R, H, T) [P]
    unmet_p: np.ndarray  # (R, H, T) [P]
    tenant_demand_fx: np.ndarray  # (H, N_entries, T) [P / FIXED]
    tenant_served_fx: np.ndarray  # (H, N_entries, T) [P / FIXED]
    # counting (engine/counting.py, engine/serving.py)
    precision_p: np.ndarray | None = None  # (R, H, F, K) installed at each precision [P]
    it_kw: np.ndarray | None = None  # (R, H, F, T) IT power, only when a phase gives power_kw [kW]
    served_from_other_p: np.ndarray | None = None  # (R, H, T) demand served by other pools [P]
    served_for_other_p: np.ndarray | None = None  # (R, H, T) own capacity used for others [P]
    last: dict = field(default_factory=dict)  # type -> (demand, served) (R, n_t) of this month
    market: object = None  # engine.market.MarketWork when the scenario has a market or money
    # per type: tenant demand and served of every month (H, R, n_t) [P], until `finish`
    tenant_dem: dict = field(default_factory=dict)
    tenant_srv: dict = field(default_factory=dict)
    works: dict = field(default_factory=dict)  # type -> its batch._TypeWork
    spilled: np.ndarray | None = None  # (H, T) bool: the type's shortfall was bought outside
    touched: np.ndarray | None = None  # (H, T) bool: other pools served the type (serving)
    before_serving: dict = field(default_factory=dict)  # (m, u) -> served (R, n_u) as allocated

    @classmethod
    def empty(cls, c: Compiled, R: int) -> "MonthlyRecord":
        """Zeroed arrays, stored month-major."""
        H, F, T = c.months, len(c.facilities), len(c.types)
        Ne = len(c.scenario.tenants)

        def zeros(*shape):
            return np.zeros((H, R) + shape).swapaxes(0, 1)

        k = c.counting
        return cls(capacity_p=zeros(F, T), served_p=zeros(F, T), demand_p=zeros(T),
                   unmet_p=zeros(T), tenant_demand_fx=np.zeros((H, Ne, T), dtype=np.int64),
                   tenant_served_fx=np.zeros((H, Ne, T), dtype=np.int64),
                   precision_p=zeros(F, k.phase_precision.shape[1]),
                   it_kw=zeros(F, T) if k.phase_kw is not None else None,
                   served_from_other_p=zeros(T), served_for_other_p=zeros(T),
                   spilled=np.zeros((H, T), dtype=bool), touched=np.zeros((H, T), dtype=bool))

    def record_type(self, m: int, t: int, work, demand, served, spilled: bool) -> None:
        """Store month m of type t: tenant demand and served (R, n_t) [P], and whether its
        shortfall was bought outside (`spilled`: then it is not unmet). The sums over tenants
        are taken once for all months, in `finish`."""
        D, S = self.tenant_arrays(t, work)
        D[m] = demand
        S[m] = served
        self.spilled[m, t] = spilled
        self.last[t] = (demand, served)

    def tenant_arrays(self, t: int, work) -> tuple[np.ndarray, np.ndarray]:
        """Type t's stored tenant demand and served of every month, (H, R, n_t) each [P]
        (made on first use; the compiled step writes month m's rows in place)."""
        if t not in self.tenant_dem:
            H, R = self.demand_p.shape[1], self.demand_p.shape[0]
            self.tenant_dem[t] = np.empty((H, R, work.cols.size))
            self.tenant_srv[t] = np.empty((H, R, work.cols.size))
            self.works[t] = work
        return self.tenant_dem[t], self.tenant_srv[t]

    def serve_other(self, m: int, u: int, served: np.ndarray) -> None:
        """Type u's tenants were also served by other pools in month m: served (R, n_u) [P]
        is final, and what is still short of it is unmet even where spillover was on."""
        self.before_serving.setdefault((m, u), self.tenant_srv[u][m].copy())
        self.tenant_srv[u][m] = served
        self.touched[m, u] = True
        self.last[u] = (self.last[u][0], served)

    def finish(self, c: Compiled) -> None:
        """After the last month: demand, unmet (R, H, T) and the per-entry fixed-point sums
        (H, N_entries, T) of every type, from the stored tenant arrays (sums in tenant order,
        as `seq_sum` and `fixed_sum` took them month by month), and the market's bills."""
        for t, D in self.tenant_dem.items():
            if jit.enabled():
                self._sums_kernel(t, D)
            else:
                self._sums(t, D)
        if self.market is not None:  # the bills need the tenants' arrays too
            self.market.finish(c, self)
        self.tenant_dem, self.tenant_srv, self.works, self.before_serving = {}, {}, {}, {}

    def _sums(self, t: int, D: np.ndarray) -> None:
        """`finish`'s sums of type t on the numpy path, a few months at a time."""
        S, work = self.tenant_srv[t], self.works[t]
        H, R, n = D.shape
        step = max(1, CHUNK_VALUES // max(1, R * n))  # months at a time: stays in cache
        for m0 in range(0, H, step):
            ms = slice(m0, m0 + step)
            d, s = D[ms], S[ms]
            self.demand_p[:, ms, t] = seq_sum(d, -1).T
            unmet = seq_sum(np.maximum(d - s, 0.0), -1)  # (h, R)
            unmet[self.spilled[ms, t] & ~self.touched[ms, t]] = 0.0
            self.unmet_p[:, ms, t] = unmet.T
            self.tenant_demand_fx[ms, work.entries, t] = fixed_sum(d, work.starts)
            self.tenant_served_fx[ms, work.entries, t] = fixed_sum(s, work.starts)

    def _sums_kernel(self, t: int, D: np.ndarray) -> None:
        """`_sums` in one compiled pass over the months (`sum_kernels.tenant_sums`)."""
        work = self.works[t]
        H, n = D.shape[0], D.shape[2]
        ends = np.append(work.starts[1:], n).astype(np.int64)
        fx = np.empty((2, H, len(work.starts)), dtype=np.int64)
        sum_kernels.tenant_sums(D, self.tenant_srv[t], work.starts.astype(np.int64), ends,
                                self.spilled[:, t] & ~self.touched[:, t], t, FIXED,
                                month_major(self.demand_p), month_major(self.unmet_p),
                                fx[0], fx[1])
        self.tenant_demand_fx[:, work.entries, t] = fx[0]
        self.tenant_served_fx[:, work.entries, t] = fx[1]


def month_major_block(k: int, R: int, H: int, shape: tuple, zero: bool = False) -> list:
    """k month-major (R, H, *shape) arrays cut from one (k, H, R, *shape) block: a block of
    4 MiB and more is mapped in huge pages (numpy asks for them), so writing it first costs
    about a third of the page faults of k arrays of their own."""
    block = (np.zeros if zero else np.empty)((k, H, R) + tuple(shape))
    return [a.swapaxes(0, 1) for a in block]


def month_major(a: np.ndarray) -> np.ndarray:
    """The (H, R, ...) C-contiguous array under a month-major (R, H, ...) view."""
    base = a.swapaxes(0, 1)
    if not base.flags.c_contiguous:
        raise ValueError("expected a month-major array")
    return base
