"""The project pipeline compiled to arrays: streams of projects not yet announced, as slots.

A stream (`scenario.schema.Stream`) announces projects as a Poisson process of `rate_per_year`
in its window. So that every array keeps its shape whatever a replication draws, a stream is
compiled to a fixed number K of phase slots, K = `slot_count(mean)`: the smallest k with
P(Poisson(mean) > k) < TAIL (1e-6), mean = rate x window months / 12. Slot k of a stream is the
k-th announcement; a replication that would announce more than K projects (probability < 1e-6)
keeps the first K. Slot phases are ordinary phases of the compiled scenario (ids
`<facility>.<stream>-<n>`, n from 1): of the named facility, or of a new facility with the
stream's id, placed after the declared facilities. Each holds 1P of the stream's type, or, for
a stream with `hardware`, 1 unit of it (resolved as a phase in units: capacity, power, capex);
the drawn size (P, or units: a size in P is converted to units) multiplies it per replication
(`state.PipelineState.cap`). Events' hardware switches: `pipeline_switch`.

Draws (common random numbers): slot k of stream s draws from its own actor key
`pipeline:<s>#<k>`, whatever else the scenario holds: draw 0 its build time (as any phase),
1 the gap before its announcement (exponential), 2 its size (triangular), 3 whether it is built,
4 when during construction it is abandoned. So every what-if that keeps a stream sees the same
announcements, sizes and build times in the same replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.engine.draws import actor_key
from simulator.engine.pipeline_switch import SwitchArrays, compile_switch
from simulator.scenario.hardware import (TFLOPS_PER_P, catalogue, pool_precision, resolve_phase,
                                         unit_peak)
from simulator.scenario.schema import Facility, Phase, Scenario

TAIL = 1e-6  # P(more announcements than slots) stays below this, per stream and replication
DRAW_GAP, DRAW_SIZE, DRAW_BUILT, DRAW_ABANDON = 1, 2, 3, 4  # draw 0 is the build time
COUNTS = ("announced", "approved", "abandoned", "online")  # per stream, per replication


def slot_count(mean: float, tail: float = TAIL) -> int:
    """The smallest k with P(Poisson(mean) > k) < tail: the stream's number of slots."""
    if mean <= 0:
        return 0
    k, log_pmf = 0, -mean
    cdf = math.exp(log_pmf)
    while 1.0 - cdf >= tail:
        k += 1
        log_pmf += math.log(mean) - math.log(k)
        cdf += math.exp(log_pmf)
    return k


def stream_mean(stream) -> float:
    """Mean number of announcements in the window [projects]."""
    return stream.rate_per_year * (stream.window.to - stream.window.from_ + 1) / 12.0


def slot_key(stream_id: str, k: int) -> np.uint64:
    """The actor key of slot k (from 0) of a stream."""
    return actor_key(f"pipeline:{stream_id}#{k}")


def with_pipeline(s: Scenario) -> list:
    """The declared facilities with each stream's slots added as phases (of the named facility,
    or of a new facility `<stream id>` appended after the declared ones)."""
    if not s.pipeline:
        return list(s.facilities)
    facs = list(s.facilities)
    index = {f.id: i for i, f in enumerate(facs)}
    for st in s.pipeline:
        unit = {"hardware": {st.hardware: 1}, "type": st.type} if st.hardware else \
            {"capacity": {st.type: 1.0}}
        slots = [Phase(id=f"{st.id}-{n + 1}", build_months=st.build_months,
                       start_when=st.start_when, **unit)
                 for n in range(slot_count(stream_mean(st)))]
        if not slots:
            continue
        if st.facility is not None:
            f = facs[index[st.facility]]
        else:
            f = Facility(id=st.id, name=st.name or st.id, name_en=st.name_en, phases=slots)
            f = f.model_copy(update={"phases": []})
            index[st.id] = len(facs)
            facs.append(f)
        if st.hardware:
            slots = [resolve_phase(s, f, p) for p in slots]
        facs[index[f.id]] = f.model_copy(update={"phases": f.phases + slots})
    return facs


def stream_size(s: Scenario, stream) -> tuple[float, float, float]:
    """min, mode, max of a project's size in what its slot holds: P, or units of its hardware
    (a size in P divided by the P of one unit at the type's precision)."""
    size = stream.size
    per = 1.0
    if stream.hardware and size.unit == "P":
        entry = catalogue(s)[stream.hardware]
        per = unit_peak(entry, pool_precision(s, stream.type)) / TFLOPS_PER_P
    return (size.min / per, size.mode / per, size.max / per)


@dataclass(frozen=True)
class PipelineArrays:
    """The streams and capacity-changing shocks of one scenario as arrays (S streams, E events,
    P phases, T types); months are indices from `start`."""

    stream_ids: tuple[str, ...]  # S
    stream_type: np.ndarray  # (S,) type index
    slots: tuple[np.ndarray, ...]  # per stream: its slot phase indices, in announcement order
    slot_stream: np.ndarray  # (P,) stream of a slot phase, -1 for a declared phase
    window: np.ndarray  # (S, 2) first month, last month
    rate_per_month: np.ndarray  # (S,) [1/month]
    size: np.ndarray  # (S, 3) min, mode, max [P, or units of the stream's hardware]
    probability_built: np.ndarray  # (S,)
    gate_level: np.ndarray  # (S,) utilisation level of the approval gate, 0 for none
    gate_hold: np.ndarray  # (S,) months a project waits before it lapses
    gate_types: np.ndarray  # (S, T) bool: types whose utilisation the gate looks at
    event_factor: np.ndarray  # (E,) capacity_factor, 1 for none
    event_factor_types: np.ndarray  # (E, T) bool
    switch: SwitchArrays | None = None  # the events' hardware switches, None without one


def compile_pipeline(s: Scenario, types: tuple, phase_ids: tuple) -> PipelineArrays | None:
    """Arrays of the streams and of the events' capacity factors and hardware switches (None if
    there are none of them)."""
    if not s.pipeline and all(e.capacity_factor is None and e.switch is None for e in s.events):
        return None
    tix = {t: i for i, t in enumerate(types)}
    slot_stream = np.full(len(phase_ids), -1, dtype=np.intp)
    slots = []
    for si, st in enumerate(s.pipeline):
        names = {f"{st.facility or st.id}.{st.id}-{n + 1}"
                 for n in range(slot_count(stream_mean(st)))}
        idx = np.array([p for p, pid in enumerate(phase_ids) if pid in names], dtype=np.intp)
        slots.append(idx)
        slot_stream[idx] = si
    pl = s.pipeline
    gate = [st.approve_when for st in pl]
    return PipelineArrays(
        stream_ids=tuple(st.id for st in pl),
        stream_type=np.array([tix[st.type] for st in pl], dtype=np.intp),
        slots=tuple(slots), slot_stream=slot_stream,
        window=np.array([(st.window.from_ - s.start, st.window.to - s.start)
                         for st in pl], dtype=float).reshape(-1, 2),
        rate_per_month=np.array([st.rate_per_year / 12.0 for st in pl], dtype=float),
        size=np.array([stream_size(s, st) for st in pl]).reshape(-1, 3),
        probability_built=np.array([st.probability_built for st in pl], dtype=float),
        gate_level=np.array([g.utilization_below if g else 0.0 for g in gate], dtype=float),
        gate_hold=np.array([g.hold_months if g else 0 for g in gate], dtype=float),
        gate_types=np.array([[bool(g) and t in g.types for t in types] for g in gate],
                            dtype=bool).reshape(-1, len(types)),
        event_factor=np.array([e.capacity_factor or 1.0 for e in s.events], dtype=float),
        event_factor_types=np.array([[t in e.factor_types for t in types] for e in s.events],
                                    dtype=bool).reshape(-1, len(types)),
        switch=compile_switch(s, types, with_pipeline(s)))


def finish_phases(s: Scenario, pa: PipelineArrays, phases: dict) -> None:
    """Give each slot its own stream key (common random numbers across what-ifs) and no start
    of its own (it starts when announced and approved)."""
    key, start = phases["phase_key"].copy(), phases["phase_start"].copy()
    for si, st in enumerate(s.pipeline):
        for k, p in enumerate(pa.slots[si]):
            key[p] = slot_key(st.id, k)
            start[p] = np.inf
    phases["phase_key"], phases["phase_start"] = key, start
