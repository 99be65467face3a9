"""The SimPy model: phase, tenant and event processes and one monthly scheduler, for a batch.

One time unit is one month. A batch (`batch.Batch`) holds R replications side by side in
arrays shaped (R, ...); each actor (phase, tenant, event) is one SimPy process that sleeps until the next
month at which it changes in any replication, and one scheduler process allocates every month
for the whole batch. Within a month the order is fixed: phases change state (m + 0.0), shocks
hit (m + 0.1, in the scenario's order), tenants sign (m + 0.2), the platform allocates and records (m + 0.5).
With numba (`simulator.jit`) the month's step runs through the kernels of `step_kernels`, which
write into the record directly and give the same bits as the numpy path kept in `step`.
"""

from __future__ import annotations

import numpy as np
import simpy

from simulator import jit
from simulator.engine import counting, step_kernels
from simulator.engine.arrays import Compiled, compile_scenario
from simulator.engine.batch import Batch
from simulator.engine.draws import replication_keys
from simulator.engine.pipeline_state import stream_process
from simulator.engine.market import MarketWork
from simulator.engine.run_result import RunResult
from simulator.engine.serving import serve_across
from simulator.scenario.schema import Scenario

SHOCK, SIGN, ALLOCATE = 0.1, 0.2, 0.5  # offsets within a month: the order of events


# ---------------------------------------------------------------- the processes
def phase_process(env: simpy.Environment, b: Batch, p: int):
    """A phase: waits, is built, comes online, retires (in every replication of the batch)."""
    while True:
        b.announce_online(p, env.now)
        times = np.concatenate((b.start[:, p], b.online[:, p], b.retire[:, p]))
        future = times[(times > env.now) & (times < b.H)]
        wake = b.wake[p] = env.event()
        if future.size:
            nxt = max(float(future.min()), 0.0)
            yield env.timeout(nxt - env.now) | wake
        else:
            yield wake


def tenant_process(env: simpy.Environment, b: Batch, cols: np.ndarray):
    """A tenant entry (count alike tenants): each signs at its month, if it signs at all."""
    at = b.signed_at[:, cols]
    months = np.unique(np.maximum(at[np.isfinite(at) & (at < b.H)], 0.0))
    for m in months:
        yield env.timeout(m + SIGN - env.now)
        b.signed[:, cols] |= at <= m


def event_process(env: simpy.Environment, b: Batch, e: int):
    """A shock: happens (or not) at a month of its window and delays phases of its types.

    Shocks of the same month hit in the order the scenario lists them (each at its own offset
    within [SHOCK, SHOCK + 0.05)), whatever else the batch holds: SimPy orders events of one
    time by when they were scheduled, which depends on the other replications of a batch."""
    at = b.event_at[:, e]
    months = np.unique(at[np.isfinite(at) & (at < b.H)])
    offset = SHOCK + 0.05 * e / max(1, b.event_at.shape[1])
    for m in months:
        # a shock before `start` hits at once, before any phase process has run (event
        # processes are created first), with its own month deciding what is not yet online
        if m + offset > env.now and m >= 0:
            yield env.timeout(m + offset - env.now)
        b.shock(e, np.flatnonzero(at == m), m)


def scheduler_process(env: simpy.Environment, b: Batch):
    """The platform: every month, allocate usable capacity to demand and record."""
    for m in range(b.H):
        yield env.timeout(m + ALLOCATE - env.now)
        step(b, m)


def step(b: Batch, m: int) -> None:
    """One month of the platform for the whole batch: allocate, record, churn, triggers."""
    if jit.enabled():
        _step_compiled(b, m)
        return
    c, res = b.c, b.rec
    online = (b.online <= m) & (m < b.retire)  # (R, P)
    installed = b.by_facility_type(online)  # (R, F, T)
    if b.pipe is not None:
        b.pipe.record(b, m, online)
    res.capacity_p[:, m] = installed
    if b.pipe is None:
        counting.record_month(res, c, m, online)
    else:
        b.pipe.record_counting(res, c, m, online)

    k = m - b.signed_at
    live = b.signed & (m < b.left_at) & (m <= c.tenant_until)
    with np.errstate(invalid="ignore", over="ignore"):
        ramp = np.minimum(1.0, (k + 1) * b.inv_ramp) if b.any_ramp else 1.0
        factor = np.where(live, ramp * np.exp(k * b.log_growth), 0.0)  # (R, N)
    short = np.zeros(factor.shape, dtype=bool)
    served_f = np.zeros_like(installed)
    mk = getattr(b, "market", None)  # engine.market.MarketWork, or None
    for t, ty in enumerate(b.per_type):
        if ty is None:
            continue
        demand = factor[:, ty.cols] * ty.base  # (R, n_t)
        served, served_f[:, ty.facs, t] = ty.allocate(installed[:, ty.facs, t] * c.max_utilization,
                                                      demand)
        unmet = demand - served
        spilled = False
        if mk is not None:
            spilled = mk.spec.spill[m, t]
            unmet = mk.spill(m, t, unmet)  # bought outside: served outside, not short
        short[:, ty.cols] |= unmet > max(c.leave_threshold, 1e-9) * demand
        res.record_type(m, t, ty, demand, served, spilled)
    if c.counting.serves:
        serve_across(b, m, installed, served_f, short)
    res.served_p[:, m] = served_f  # the market sells and bills after the run (market.finish)

    if c.leave_after:
        b.short_run = np.where(short & live, b.short_run + 1, 0)
        gone = b.short_run >= c.leave_after
        b.left_at[gone] = np.minimum(b.left_at[gone], m + 1)
    _triggers(b, m, installed, served_f)


class _Buffers:
    """What the compiled step reuses every month of a batch: the growth columns' sign months
    and log growth (R, G), and scratch for the demand factor, live and short (R, N)."""

    def __init__(self, b: Batch):
        R, N = b.signed_at.shape
        g = np.flatnonzero(b.log_growth != 0.0)
        self.gidx = np.full(N, -1, dtype=np.int64)
        self.gidx[g] = np.arange(g.size)
        self.signed_g = np.ascontiguousarray(b.signed_at[:, g])
        self.log_growth_g = b.log_growth[g]
        self.factor, self.live = np.empty((R, N)), np.empty((R, N), dtype=bool)
        self.short = np.empty((R, N), dtype=bool)
        self.thr = max(b.c.leave_threshold, 1e-9)
        mk = getattr(b, "market", None)
        self.spill_out = mk.spillover_p.swapaxes(0, 1) if mk is not None else np.zeros((1, 1, 1))


def _step_compiled(b: Batch, m: int) -> None:
    """`step` through the kernels of `step_kernels` (the same bits): month m's arrays are
    written where the record keeps them, with no temporaries of the batch's size."""
    c, res = b.c, b.rec
    if b.step_buffers is None:
        b.step_buffers = _Buffers(b)
    k = b.step_buffers
    online = (b.online <= m) & (m < b.retire)  # (R, P)
    installed = b.by_facility_type(online, out=res.capacity_p[:, m])  # (R, F, T)
    if b.pipe is not None:
        b.pipe.record(b, m, online)
        b.pipe.record_counting(res, c, m, online)
    else:
        counting.record_month(res, c, m, online)
    with np.errstate(invalid="ignore", over="ignore"):
        ex = np.exp((m - k.signed_g) * k.log_growth_g)
    step_kernels.tenant_factor(m, b.signed, b.left_at, c.tenant_until, b.signed_at, b.inv_ramp,
                               b.any_ramp, ex, k.gidx, k.factor, k.live)
    k.short[:] = False
    served_f = res.served_p[:, m]  # (R, F, T), written by the kernels
    mk = getattr(b, "market", None)
    for t, ty in enumerate(b.per_type):
        if ty is None:
            continue
        spilled = mk.spec.spill[m, t] if mk is not None else False
        D, S = res.tenant_arrays(t, ty)
        step_kernels.type_month(m, t, *ty.k[:4], installed, c.max_utilization, k.factor,
                                *ty.k[4:], k.thr, bool(spilled), k.spill_out, D, S, served_f,
                                k.short)
        res.spilled[m, t] = spilled
        res.last[t] = (D[m], S[m])  # serving's sums take C-ordered rows whatever the layout
    if c.counting.serves:
        serve_across(b, m, installed, served_f, k.short)
    if c.leave_after:
        step_kernels.leave_update(m, k.short, k.live, b.short_run, b.left_at, c.leave_after)
    _triggers(b, m, installed, served_f)


def _triggers(b: Batch, m: int, installed: np.ndarray, served_f: np.ndarray) -> None:
    c = b.c
    for p in b.triggered:
        level, months = c.phase_trigger[p]
        f = c.phase_facility[p]
        types = c.phase_capacity[p] > 0
        inst = installed[:, f, types].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            util = np.where(inst > 0, served_f[:, f, types].sum(axis=1) / np.where(
                inst > 0, inst, 1.0), 0.0)
        b.trigger_run[:, p] = np.where(util > level, b.trigger_run[:, p] + 1, 0)
        fire = np.flatnonzero((b.trigger_run[:, p] >= months) & ~np.isfinite(b.start[:, p])
                              & (b.ready[:, p] <= m + 1))
        if fire.size:
            b.start_building(fire, p, float(m + 1))


# ---------------------------------------------------------------- entry points
def simulate_batch(c: Compiled, seed: int, replications: range | list[int]) -> RunResult:
    """Play replications (indices into SeedSequence(seed).spawn) side by side in one env."""
    keys = replication_keys(seed, replications)
    b = Batch(c, keys)
    b.market = rec_market = MarketWork(c, len(keys)) if c.market is not None else None
    b.rec.market = rec_market
    env = b.env
    for e in range(len(c.event_key)):
        env.process(event_process(env, b, e))
    for p in range(len(c.phase_ids)):
        env.process(phase_process(env, b, p))
    for cols in np.split(np.arange(len(c.tenant_entry)),
                         np.flatnonzero(np.diff(c.tenant_entry)) + 1):
        if cols.size:
            env.process(tenant_process(env, b, cols))
    for s in range(len(c.pipeline.slots) if c.pipeline is not None else 0):
        env.process(stream_process(env, b, s))
    env.process(scheduler_process(env, b))
    env.run(until=b.H)
    pipe = b.pipe.outcomes(b) if b.pipe is not None else None
    outcomes = {"phase_start": b.start.copy(), "phase_online": b.online.copy(),
                "tenant_signed_at": b.signed_at, "tenant_left_at": b.left_at,
                "event_at": b.event_at, **({"pipeline": pipe} if pipe is not None else {})}
    rec, events = b.rec, env.scheduled
    rec.finish(c)
    # the processes' generators and the environment refer to each other and to the batch: free
    # its arrays now rather than when the cyclic garbage collector comes round
    b.__dict__.clear()
    return RunResult.from_batch(c, rec, outcomes, seed, replications, events)


def simulate(scenario: Scenario | Compiled, seed: int | None = None, replication: int = 0
             ) -> RunResult:
    """One replication: number `replication` of `seed` (default: the scenario's seed)."""
    c = scenario if isinstance(scenario, Compiled) else compile_scenario(scenario)
    seed = c.scenario.seed if seed is None else seed
    return simulate_batch(c, seed, [replication])
