"""Hardware switches (an event's `switch: {from, to, units_factor}`) as arrays, and how one hits.

Every phase that holds catalogue hardware (a declared phase with `hardware:`, or a slot of a
stream with `hardware:`, compiled as 1 unit that the drawn size multiplies) keeps its units per
hardware id. When a switch hits a phase not yet online that holds `from` (declared, or a
project announced before or after the shock: `from` can no longer be bought), its `from` units
become units x units_factor of `to`, and its capacity, capacity at each precision, IT power and
capex are recomputed from its units with the values per unit of `scenario.switch.unit_values`
(the facility's per-P rates of the type, else the catalogue, else the defaults per P, as a
phase in units is resolved).

Order with capacity_factor: in one event the switch comes first and the factor then scales the
new hardware's capacity; a factor of an earlier event stays on the phase (`factor`, the product
of the factors that hit it). The switch says which chips are bought; a factor says what share
of their P is delivered, whatever the chips are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.scenario.schema_counting import PRECISIONS
from simulator.scenario.switch import unit_values

EFFECTS = ("delayed_p", "cut_p", "switch_p", "switch_mw", "switch_mcny")
"""What `effects` (R, E, 5) holds per shock: capacity delayed and cut by a factor [P]; the
change a switch made to capacity [P], site power (IT x PUE) [MW] and capex [million CNY]
(after - before)."""


@dataclass(frozen=True)
class SwitchArrays:
    """Units and values per unit of every phase in hardware (P phases, W hardware ids)."""

    hw_ids: tuple[str, ...]  # W
    units: np.ndarray  # (P, W) units as compiled (a slot: 1 unit of its stream's hardware)
    unit_cap: np.ndarray  # (P, W) P per unit at the precision of the phase's type [P]
    unit_prec: np.ndarray  # (P, W, K) P per unit at each precision [P]
    unit_kw: np.ndarray  # (P, W) IT power per unit [kW]
    unit_capex: np.ndarray  # (P, W) capex per unit [million CNY]
    phase_type: np.ndarray  # (P,) type index of a phase in hardware, -1 for the others
    derate: np.ndarray  # (P,) capacity as given / as its units give it (1 unless overridden)
    event_from: np.ndarray  # (E,) index into hw_ids, -1 for an event without a switch
    event_to: np.ndarray  # (E,)
    event_units_factor: np.ndarray  # (E,)


def compile_switch(s, types: tuple, facilities: list) -> SwitchArrays | None:
    """Arrays of the switches of `s` over the phases of `facilities` (the compiled ones, slots
    included, hardware resolved), or None without a switch."""
    if all(e.switch is None for e in s.events):
        return None
    phases = [(f, p) for f in facilities for p in f.phases]
    ids = list(dict.fromkeys([hw for _, p in phases for hw in p.hardware]
                             + [h for e in s.events if e.switch for h in (e.switch.from_,
                                                                          e.switch.to)]))
    P, W, K = len(phases), len(ids), len(PRECISIONS)
    units, cap, kw, capex = (np.zeros((P, W)) for _ in range(4))
    prec = np.zeros((P, W, K))
    ptype, derate = np.full(P, -1, dtype=np.intp), np.ones(P)
    for i, (f, p) in enumerate(phases):
        if not p.hardware:
            continue
        ptype[i] = types.index(p.type)
        for w, hw in enumerate(ids):
            v = unit_values(s, f, p.type, hw)
            cap[i, w], prec[i, w], kw[i, w], capex[i, w] = (v.capacity_p, v.precision_p,
                                                             v.power_kw, v.capex_mcny)
            units[i, w] = p.hardware.get(hw, 0)
        derived = float(units[i] @ cap[i])
        given = float(p.capacity.get(p.type, derived))
        derate[i] = given / derived if derived > 0 and given != derived else 1.0
    index = {hw: w for w, hw in enumerate(ids)}
    sw = [e.switch for e in s.events]
    return SwitchArrays(
        hw_ids=tuple(ids), units=units, unit_cap=cap, unit_prec=prec, unit_kw=kw,
        unit_capex=capex, phase_type=ptype, derate=derate,
        event_from=np.array([index[x.from_] if x else -1 for x in sw], dtype=np.intp),
        event_to=np.array([index[x.to] if x else -1 for x in sw], dtype=np.intp),
        event_units_factor=np.array([x.units_factor if x else 1.0 for x in sw], dtype=float))


def apply_switch(state, b, e: int, reps: np.ndarray, month: float, hit: np.ndarray) -> None:
    """Event e's switch on the phases where `hit` (n, P) holds that hold its `from`; keeps the
    capacity before for the history (`state.steps`) and the change in `state.effects`."""
    sw = state.pa.switch
    src, dst = sw.event_from[e], sw.event_to[e]
    if src < 0:
        return
    h = hit & (state.units[reps][:, :, src] > 0)
    if not h.any():
        return
    every = np.ones(state.cap.shape[2], dtype=bool)
    state.steps.append((month, reps, every, state.cap[np.ix_(reps, np.arange(h.shape[1]),
                                                             every)].copy()))
    ri, pi = np.nonzero(h)
    r = reps[ri]
    pue = b.c.pue[b.c.phase_facility[pi]]
    before = _totals(state, r, pi, pue)
    u = state.units[r, pi]  # (k, W)
    u[:, dst] += u[:, src] * sw.event_units_factor[e]
    u[:, src] = 0.0
    state.units[r, pi] = u
    f, t = state.factor[r, pi], sw.phase_type[pi]
    state.cap[r, pi] = 0.0
    state.cap[r, pi, t] = (u * sw.unit_cap[pi]).sum(axis=1) * sw.derate[pi] * f
    state.prec[r, pi] = np.einsum("kw,kwq->kq", u, sw.unit_prec[pi]) * f[:, None]
    state.kw[r, pi] = 0.0
    state.kw[r, pi, t] = (u * sw.unit_kw[pi]).sum(axis=1) * f
    state.capex[r, pi] = (u * sw.unit_capex[pi]).sum(axis=1)
    change = _totals(state, r, pi, pue) - before  # (k, 3)
    for j in range(3):
        np.add.at(state.effects[:, e, 2 + j], r, change[:, j])


def _totals(state, r, pi, pue) -> np.ndarray:
    """Capacity [P], site power [MW] and capex [million CNY] of phases (r, pi), (k, 3)."""
    return np.stack([state.cap[r, pi].sum(axis=1), state.kw[r, pi].sum(axis=1) * pue / 1000.0,
                     state.capex[r, pi]], axis=1)


def apply_factor(state, reps: np.ndarray, types: np.ndarray, mult: np.ndarray,
                 before: np.ndarray) -> None:
    """A capacity factor (mult (n, P), 1 where it does not hit) on the switch state: power of
    its types, capacity at each precision in the share the phase's capacity fell (`before`:
    its capacity (n, P) before), the factor a later switch keeps."""
    sw = state.pa.switch
    block = np.ix_(reps, np.arange(mult.shape[1]), types)
    state.kw[block] *= mult[:, :, None]
    after = state.cap[reps].sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(before > 0, after / np.where(before > 0, before, 1.0), 1.0)
    state.prec[reps] *= share[:, :, None]
    own = (sw.phase_type >= 0) & types[np.maximum(sw.phase_type, 0)]
    state.factor[reps] *= np.where(own[None], mult, 1.0)
