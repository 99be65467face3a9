"""The state of a batch of replications as it plays: phase months, tenants, shocks, per type.

A batch holds R replications side by side in arrays shaped (R, ...). The SimPy processes in
`processes` move these arrays; nothing here schedules anything.
"""

from __future__ import annotations

import numpy as np
import simpy

from simulator import jit
from simulator.engine import step_kernels
from simulator.engine.allocation import Allocator
from simulator.engine.arrays import NEVER, Compiled
from simulator.engine.draws import triangular, uniform_month, uniforms
from simulator.engine.pipeline_state import PipelineState
from simulator.engine.record import MonthlyRecord
from simulator.units import whole_months


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it schedules (for the benchmarks)."""

    def __init__(self):
        super().__init__()
        self.scheduled = 0

    def schedule(self, event, priority=simpy.core.NORMAL, delay=0) -> None:
        self.scheduled += 1
        super().schedule(event, priority, delay)


def phase_builds(c: Compiled, keys: np.ndarray) -> np.ndarray:
    """Whole build months of every phase in each replication (R, P) (see `units.whole_months`)."""
    return whole_months(triangular(uniforms(keys, c.phase_key, 0), *c.phase_build.T))


def event_draws(c: Compiled, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Month each event hits (inf: it does not) and its delay in whole months, both (R, E)."""
    happens = uniforms(keys, c.event_key, 0) < c.event_probability
    when = uniform_month(uniforms(keys, c.event_key, 1), *c.event_window.T)
    delay = whole_months(triangular(uniforms(keys, c.event_key, 2), *c.event_delay.T))
    return np.where(happens, when, NEVER).reshape(len(keys), -1), delay


class Batch:
    """The state of R replications of one scenario as they play out."""

    def __init__(self, c: Compiled, keys: np.ndarray):
        self.c = c
        self.pipe = None  # the pipeline's state (engine.pipeline_state), if it has one
        R, P, N, H = len(keys), len(c.phase_ids), len(c.tenant_entry), c.months
        self.R, self.H = R, H
        self.env = CountingEnvironment()
        # phases: start, online and retirement month per replication (inf: not known / never)
        self.dur = np.where(np.isnan(c.phase_online), phase_builds(c, keys), 0.0)
        self.fixed = ~np.isnan(c.phase_online)
        earliest = np.where(np.isnan(c.phase_start), -NEVER, c.phase_start)
        waits = (c.phase_after >= 0) | (c.phase_trigger[:, 0] > 0)
        self.ready = np.broadcast_to(np.where(c.phase_after >= 0, NEVER, earliest), (R, P)).copy()
        start = np.where(self.fixed, c.phase_online, np.where(waits, NEVER, earliest))
        self.start = np.broadcast_to(start, (R, P)).copy()
        self.online = self.start + self.dur
        self.retire = np.empty((R, P))
        self._set_retire(slice(None), slice(None))
        self.announced = np.zeros((R, P), dtype=bool)
        self.trigger_run = np.zeros((R, P), dtype=np.int64)
        self.successors = [np.flatnonzero(c.phase_after == p) for p in range(P)]
        self.wake = [None] * P
        # tenants: who signs, when, and their priority rank
        signs = c.tenant_signed | (uniforms(keys, c.tenant_key, 0) < c.tenant_probability)
        month = np.where(c.tenant_signed, c.tenant_sign[:, 0],
                         uniform_month(uniforms(keys, c.tenant_key, 1), c.tenant_sign[:, 0],
                                       c.tenant_sign[:, 1]))
        self.signed_at = np.where(signs, month, NEVER)
        key = np.where(np.isfinite(self.signed_at), self.signed_at, 1e9) * (N + 1) + np.arange(N)
        self.rank = np.argsort(np.argsort(key, axis=1, kind="stable"), axis=1).astype(float)
        self.signed = np.zeros((R, N), dtype=bool)
        self.left_at = np.full((R, N), NEVER)
        self.short_run = np.zeros((R, N), dtype=np.int64)
        # events: whether, when and by how much
        self.event_at, self.delay = event_draws(c, keys)
        self.phase_hit = (c.event_types[:, None, :] & (c.phase_capacity[None] > 0)).any(axis=2)
        # what the scheduler needs every month, prepared once
        T, F = len(c.types), len(c.facilities)
        self.inv_ramp = np.where(c.tenant_ramp > 0, 1.0 / np.maximum(c.tenant_ramp, 1e-300), np.inf)
        self.any_ramp = bool((c.tenant_ramp > 0).any())
        self.log_growth = np.log1p(c.tenant_growth) / 12.0
        self.per_type = [_TypeWork.build(c, t, self.rank) for t in range(T)]
        pp, tt = np.nonzero(c.phase_capacity)
        self._pairs = (pp, c.phase_facility[pp] * T + tt, c.phase_capacity[pp, tt], F * T)
        self._k_pairs = (pp.astype(np.int64), self._pairs[1].astype(np.int64))
        self.rec = MonthlyRecord.empty(c, R)
        self._tt = tt
        self.triggered = np.flatnonzero(c.phase_trigger[:, 0] > 0)  # phases with `start_when`
        self.step_buffers = None  # the compiled step's (`processes._Buffers`), made on first use
        if c.pipeline is not None:
            self.pipe = PipelineState(self, keys)

    def by_facility_type(self, mask: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Capacity of the phases where mask (R, P) holds, by facility and type (R, F, T) [P]
        (into `out`, C-contiguous, when given)."""
        pp, ft, cap, FT = self._pairs
        R = mask.shape[0]
        shape = (R, len(self.c.facilities), len(self.c.types))
        capw = cap if self.pipe is None else self.pipe.cap[:, pp, self._tt]
        if jit.enabled():
            found = out if out is not None and out.flags.c_contiguous else np.empty(shape)
            step_kernels.facility_type_sum(np.ascontiguousarray(mask), self._k_pairs[0],
                                           self._k_pairs[1],
                                           np.ascontiguousarray(np.atleast_2d(capw)),
                                           found.reshape(R, FT))
        else:
            idx = (np.arange(R)[:, None] * FT + ft[None, :]).ravel()
            found = np.bincount(idx, weights=(mask[:, pp] * capw).ravel(),
                                minlength=R * FT).reshape(shape)
        if out is None or out is found:
            return found
        out[...] = found
        return out

    # ---------------------------------------------------------------- phase bookkeeping
    def _set_retire(self, reps, phases) -> None:
        c = self.c
        self.retire[reps, phases] = np.minimum(c.phase_retire[phases],
                                               self.online[reps, phases] + c.phase_lifetime[phases])
        if self.pipe is not None:
            self.pipe.limit_retire(self, reps, phases)

    def poke(self, p: int) -> None:
        """Tell phase p's process its months changed, so it sleeps until the right month."""
        wake = self.wake[p]
        if wake is not None and not wake.triggered:
            wake.succeed()

    def start_building(self, reps: np.ndarray, p: int, month: np.ndarray | float) -> None:
        self.start[reps, p] = month
        self.online[reps, p] = self.start[reps, p] + self.dur[reps, p]
        self._set_retire(reps, p)
        self.poke(p)

    def announce_online(self, p: int, now: float) -> None:
        """Phases waiting for p (`after`) may start where p is now online."""
        new = (self.online[:, p] <= now) & ~self.announced[:, p]
        if not new.any():
            return
        self.announced[new, p] = True
        for q in self.successors[p]:
            reps = np.flatnonzero(new & ~np.isfinite(self.ready[:, q]))
            base = self.c.phase_start[q]
            ready = np.maximum(self.online[reps, p], -NEVER if np.isnan(base) else base)
            self.ready[reps, q] = ready
            if self.c.phase_trigger[q, 0] <= 0:
                self.start_building(reps, q, ready)

    def shock(self, e: int, reps: np.ndarray, month: float) -> None:
        """Event e hits at `month`: every phase of its types not yet online comes online one
        delay later. A phase under construction (or with a fixed online month) is pushed back;
        one not yet started takes longer once it starts, unless it waits (`after`) for a phase
        this event delays too: then it inherits that delay and is not delayed twice."""
        c = self.c
        d = self.delay[reps, e]
        hit = (self.online[reps] > month) & self.phase_hit[e]  # (n, P), before any change
        if self.pipe is not None:  # projects announced later are not delayed; capacity factor
            hit &= self.pipe.announce_at[reps] <= month
            self.pipe.shock(self, e, reps, month, hit)
        for q in np.flatnonzero(self.phase_hit[e]):
            h = hit[:, q]
            pred = c.phase_after[q]
            if pred >= 0:
                h = h & ~(~np.isfinite(self.start[reps, q]) & hit[:, pred])
            r, dq = reps[h], d[h]
            if not r.size:
                continue
            self.online[r, q] += dq
            if self.fixed[q]:
                self.start[r, q] = self.online[r, q]
            else:
                self.dur[r, q] += dq
            self._set_retire(r, q)
            self.poke(q)


class _TypeWork:
    """Tenants and facilities of one compute type, and its allocator, for one batch.

    Every tenant with demand of the type is here; those that no facility can serve (the type
    is offered nowhere, or the tenant is pinned to a facility without it) get nothing.
    """

    __slots__ = ("cols", "facs", "base", "allocator", "served_cols", "entries", "starts", "k")

    @classmethod
    def build(cls, c: Compiled, t: int, rank: np.ndarray) -> "_TypeWork | None":
        cols = np.flatnonzero(c.tenant_demand[:, t] > 0)
        if not cols.size:
            return None
        w = cls()
        w.facs = np.flatnonzero(c.offers[:, t])
        local = np.full(len(c.facilities), -2, dtype=np.intp)
        local[w.facs] = np.arange(w.facs.size)
        pin = np.where(c.tenant_pin[cols] >= 0, local[c.tenant_pin[cols]], -1)
        servable = (pin != -2) & (w.facs.size > 0)
        w.cols, w.base = cols, c.tenant_demand[cols, t]
        w.served_cols = np.flatnonzero(servable)  # positions within cols
        w.allocator = Allocator(pin[servable], rank[:, cols[servable]], w.facs.size, c.policy) \
            if w.served_cols.size else None
        entry = c.tenant_entry[cols]
        w.starts = np.flatnonzero(np.r_[True, np.diff(entry) != 0])
        w.entries = entry[w.starts]
        w.k = w._kernel_arrays(c, rank.shape[0])
        return w

    def _kernel_arrays(self, c: Compiled, R: int) -> tuple:
        """The arguments of `step_kernels.type_month` that do not change month to month:
        cols, base, facs, servable, pinned, pin, free, rank orders, allocates, proportional."""
        a, i64 = self.allocator, np.int64
        if a is None:
            none, rows = np.zeros(0, dtype=i64), np.zeros((R, 0), dtype=i64)
            alloc = (none, none, none, rows, rows)
        else:
            alloc = (a.k_pinned, a.k_pin, a.k_free, a.stage_pinned.order, a.stage_free.order)
        return (self.cols.astype(i64), np.ascontiguousarray(self.base, dtype=float),
                self.facs.astype(i64), self.served_cols.astype(i64)) + alloc + (
                    a is not None, c.policy == "proportional")

    def allocate(self, usable: np.ndarray, demand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Served per tenant (R, n) and by facility (R, n_facilities)."""
        if self.allocator is None:
            return np.zeros_like(demand), np.zeros_like(usable)
        if self.served_cols.size == demand.shape[1]:
            return self.allocator(usable, demand)
        served = np.zeros_like(demand)
        served[:, self.served_cols], by_fac = self.allocator(usable, demand[:, self.served_cols])
        return served, by_fac
