"""The pipeline as a batch plays: announcements, the approval gate, abandonment, capacity factors.

`PipelineState` sits beside a `batch.Batch` (as `b.pipe`) and holds what the pipeline adds per
replication (R, P): the month a slot is announced, approved, dropped; its drawn size; the
capacity every phase delivers (size x the capacity factors of the shocks that hit it).
`stream_process` is the SimPy process of one stream.

Semantics (months are whole; the announcement process runs at m + ANNOUNCE, after phases
change state and before shocks hit):
- announcement: slot k of a stream is announced in month floor(t_k), t_k = window start + the sum
  of k+1 exponential gaps of mean 12 / rate_per_year months, while t_k < window end + 1.
- approval gate (`approve_when`): a project announced in month a is approved in the first month m
  of a..a+hold_months in which the utilisation (served / installed, all facilities, the gate's
  types) of month m-1 is at least the level (in month 0 there is no earlier month: approved);
  if none, it is abandoned in month a + hold_months. Without a gate it is approved at once.
- construction starts at approval (or later, on its `start_when` trigger) and the project is
  online build months later, as any phase, unless it is abandoned (probability
  1 - probability_built): then it stops in month start + floor(u x build months), u uniform,
  before it is online. Capex is spent at construction start, also for abandoned projects.
- capacity_factor: a shock multiplies the capacity of every phase of its types that is not yet
  online and is declared or already announced at the shock; later announcements are sized in
  the chips of their own time (the stream's size).
- switch: every phase not yet online that holds the switch's `from` hardware gets its `to`
  (`pipeline_switch`), before the same event's capacity_factor; projects announced after the
  shock too (the `from` chips can no longer be bought). With a switch in the scenario
  the state also keeps each phase's capacity at each precision, IT power and capex (R, P, ...),
  which counting and the history then read.
"""

from __future__ import annotations

import numpy as np
import simpy

from simulator.engine import counting
from simulator.engine.draws import triangular, uniforms
from simulator.engine.pipeline import COUNTS, DRAW_ABANDON, DRAW_BUILT, DRAW_GAP, DRAW_SIZE
from simulator.engine.pipeline_switch import EFFECTS, apply_factor, apply_switch

NEVER = np.inf
ANNOUNCE = 0.05  # offset within a month (phases change at +0.0, shocks hit at +0.1)


class PipelineState:
    """What the pipeline adds to a batch: per (replication, phase) months, sizes, capacity."""

    def __init__(self, b, keys: np.ndarray):
        c, pa = b.c, b.c.pipeline
        R, P = b.R, len(c.phase_ids)
        self.pa = pa
        self.is_slot = pa.slot_stream >= 0  # (P,)
        self.announce_at = np.full((R, P), -NEVER)  # declared phases: known from the outset
        self.approved_at = np.full((R, P), -NEVER)
        self.dropped_at = np.full((R, P), NEVER)
        self.abandon_frac = np.full((R, P), np.nan)  # where finite: abandoned during building
        self.size = np.ones((R, P))
        self.effects = np.zeros((R, len(c.event_key), len(EFFECTS)))  # see pipeline_switch
        self.steps = []  # capacity factors applied: (month, reps, types, capacity before)
        for s, slots in enumerate(pa.slots):
            if slots.size:
                self._draw_stream(keys, s, slots, c.phase_key[slots], b.H)
        self.cap = c.phase_capacity[None] * self.size[:, :, None]  # (R, P, T) [P]
        self.c_capacity_sum = c.phase_capacity.sum(axis=1)  # (P,) [P]
        self.capacity_p = np.zeros((R, b.H, len(c.types)))  # pipeline capacity online [P]
        if pa.switch is not None:  # what a switch recomputes, per replication
            size = self.size[:, :, None]
            self.units = pa.switch.units[None] * size  # (R, P, W) [units]
            self.factor = np.ones((R, P))  # capacity factors that hit a phase in hardware
            self.prec = c.counting.phase_precision[None] * size  # (R, P, K) [P]
            self.kw = c.counting.phase_kw[None] * size  # (R, P, T) IT power [kW]
            self.capex = c.phase_capex[None] * self.size  # (R, P) [million CNY]
        slots = np.flatnonzero(self.is_slot)
        b.ready[:, slots] = NEVER  # waits for its announcement and approval
        b.start[:, slots] = NEVER
        b.online[:, slots] = NEVER
        b._set_retire(slice(None), slots)
        self.limit_retire(b, slice(None), slice(None))

    def _draw_stream(self, keys, s: int, slots: np.ndarray, skeys: np.ndarray, H: int) -> None:
        pa = self.pa
        first, last = pa.window[s]
        with np.errstate(divide="ignore"):
            gaps = -np.log1p(-uniforms(keys, skeys, DRAW_GAP)) / pa.rate_per_month[s]
        t = first + np.cumsum(gaps, axis=1)  # (R, K) announcement times [months]
        self.announce_at[:, slots] = np.where(t < last + 1, np.maximum(np.floor(t), 0.0), NEVER)
        self.approved_at[:, slots] = NEVER
        self.size[:, slots] = triangular(uniforms(keys, skeys, DRAW_SIZE), *pa.size[s])
        built = uniforms(keys, skeys, DRAW_BUILT) < pa.probability_built[s]
        self.abandon_frac[:, slots] = np.where(built, np.nan, uniforms(keys, skeys, DRAW_ABANDON))

    # ---------------------------------------------------------------- hooks of Batch
    def limit_retire(self, b, reps, phases) -> None:
        """An abandoned project stops before it is online (its retirement month is then)."""
        stop = b.start[reps, phases] + np.floor(self.abandon_frac[reps, phases] * b.dur[reps, phases])
        b.retire[reps, phases] = np.fmin(np.fmin(b.retire[reps, phases], stop),
                                         self.dropped_at[reps, phases])

    def shock(self, b, e: int, reps: np.ndarray, month: float, delayed: np.ndarray) -> None:
        """Event e's capacity factor on the phases of its types not yet online at `month`;
        what it delayed (`delayed`, (n, P)) and cut is kept in `effects` [P]."""
        with np.errstate(invalid="ignore"):
            late = delayed & (b.delay[reps, e] > 0)[:, None]
        self.effects[reps, e, 0] = (late * self.cap[reps].sum(axis=2)).sum(axis=1)
        hit = (b.online[reps] > month) & (self.announce_at[reps] <= month)  # (n, P)
        if self.pa.switch is not None:  # projects announced later cannot buy `from` either
            apply_switch(self, b, e, reps, month, (b.online[reps] > month)
                         & (self.announce_at[reps] < b.H))
        factor = self.pa.event_factor[e]
        if factor == 1.0:
            return
        types = self.pa.event_factor_types[e]
        block = np.ix_(reps, np.arange(hit.shape[1]), types)
        self.steps.append((month, reps, types, self.cap[block].copy()))
        before = self.cap[reps][:, :, types].sum(axis=(1, 2))
        phase_before = self.cap[reps].sum(axis=2)
        mult = np.where(hit, factor, 1.0)
        self.cap[block] *= mult[:, :, None]
        self.effects[reps, e, 1] = before - self.cap[reps][:, :, types].sum(axis=(1, 2))
        if self.pa.switch is not None:
            apply_factor(self, reps, types, mult, phase_before)

    @property
    def scale(self) -> np.ndarray:
        """Each phase's capacity as a share of its compiled capacity (R, P): a slot's drawn size
        times the capacity factors that hit it (what counting at each precision scales by)."""
        base = self.c_capacity_sum
        return np.where(base > 0, self.cap.sum(axis=2) / np.where(base > 0, base, 1.0), 0.0)

    def record(self, b, m: int, online: np.ndarray) -> None:
        """Pipeline capacity online in month m, by type (R, T) [P]."""
        self.capacity_p[:, m] = b.by_facility_type(online & self.is_slot).sum(axis=1)

    def record_counting(self, rec, c, m: int, online: np.ndarray) -> None:
        """Month m's capacity at each precision and IT power (`counting.record_month`) of the
        phases online (R, P), as drawn sizes, factors and switches left them."""
        if self.pa.switch is None:
            counting.record_month(rec, c, m, online * self.scale)
            return
        rec.precision_p[:, m] = np.add.reduceat(online[:, :, None] * self.prec,
                                                c.facility_first_phase, axis=1)
        rec.it_kw[:, m] = np.add.reduceat(online[:, :, None] * self.kw, c.facility_first_phase,
                                          axis=1)

    def region_utilization(self, b, s: int, m: int) -> np.ndarray:
        """Utilisation of stream s's gate types in month m, all facilities (R,) [fraction]."""
        types = self.pa.gate_types[s]
        inst = b.rec.capacity_p[:, m][:, :, types].sum(axis=(1, 2))
        served = b.rec.served_p[:, m][:, :, types].sum(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(inst > 0, served / np.where(inst > 0, inst, 1.0), 0.0)

    def approve(self, b, p: int, reps: np.ndarray, m: int) -> None:
        self.approved_at[reps, p] = m
        b.ready[reps, p] = m
        if b.c.phase_trigger[p, 0] <= 0:
            b.start_building(reps, p, float(m))

    # ---------------------------------------------------------------- results
    def outcomes(self, b) -> dict[str, np.ndarray]:
        """What RunResult keeps of the pipeline; makes abandoned projects' online month inf."""
        stopped = np.isfinite(b.start) & (b.retire <= b.online)
        self.dropped_at = np.where(stopped & self.is_slot, np.minimum(self.dropped_at, b.retire),
                                   self.dropped_at)
        b.online[self.dropped_at < NEVER] = NEVER
        H, pa = b.H, self.pa
        counts = np.zeros((b.R, len(pa.slots), len(COUNTS)))
        for s, slots in enumerate(pa.slots):
            for i, when in enumerate((self.announce_at, self.approved_at, self.dropped_at,
                                      b.online)):
                counts[:, s, i] = (when[:, slots] < H).sum(axis=1)
        capex = self.capex if self.pa.switch is not None else b.c.phase_capex * self.size
        return {"phase_announced": self.announce_at, "phase_approved": self.approved_at,
                "phase_dropped": self.dropped_at, "phase_cap": self.cap, "phase_size": self.size,
                "phase_capex": capex,
                "capacity_p": self.capacity_p, "counts": counts, "effects": self.effects,
                "steps": self.steps}


def stream_process(env: simpy.Environment, b, s: int):
    """A stream: announces its projects, holds them at the approval gate, approves or drops."""
    ps, pa = b.pipe, b.pipe.pa
    slots = pa.slots[s]
    ann = ps.announce_at[:, slots]  # (R, K)
    if not np.isfinite(ann).any():
        return
    gated, hold = pa.gate_level[s] > 0, pa.gate_hold[s]
    pending = np.zeros(ann.shape, dtype=bool)
    m = int(np.nanmin(np.where(np.isfinite(ann), ann, np.nan)))
    last = float(np.nanmax(np.where(np.isfinite(ann), ann, np.nan)))
    while m < b.H and (m <= last or pending.any()):
        yield env.timeout(m + ANNOUNCE - env.now)
        pending |= ann == m
        ok = (ps.region_utilization(b, s, m - 1) >= pa.gate_level[s]) if gated and m > 0 \
            else np.ones(b.R, dtype=bool)
        go = pending & ok[:, None]
        for k in np.flatnonzero(go.any(axis=0)):
            ps.approve(b, slots[k], np.flatnonzero(go[:, k]), m)
        pending &= ~go
        lapse = pending & (m >= ann + hold)
        for k in np.flatnonzero(lapse.any(axis=0)):
            ps.dropped_at[np.flatnonzero(lapse[:, k]), slots[k]] = m
            ps.limit_retire(b, np.flatnonzero(lapse[:, k]), slots[k])
        pending &= ~lapse
        m += 1
