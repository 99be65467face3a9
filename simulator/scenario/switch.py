"""Hardware that changes: the checks of events' `switch` and of pipeline streams' `hardware`, and
what one unit of catalogue hardware brings to a phase of a facility.

A switch `{from: h800-sxm, to: h20, units_factor: 1}` gives every phase not yet online that holds
`from` (declared phases with `hardware:` and projects of streams with `hardware:`) `to` instead:
units x units_factor of it. The phase's capacity, power and capex are then those of its new
units, per unit as `unit_values` gives them: the same rules a phase in units is resolved by
(`hardware.resolve_hardware`): the facility's per-P rates of the type first, then the catalogue,
then the scenario's defaults per P.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.errors import Problem
from simulator.scenario.hardware import TFLOPS_PER_P, catalogue, pool_precision, unit_peak
from simulator.scenario.messages import suggest
from simulator.scenario.schema_counting import PRECISIONS


@dataclass(frozen=True)
class UnitValues:
    """What one unit of a hardware entry brings to a phase of one type at one facility."""

    capacity_p: float  # at the pool's precision [P]
    precision_p: tuple[float, ...]  # at each of PRECISIONS [P]
    power_kw: float  # IT power [kW]
    capex_mcny: float  # [million CNY]


def unit_values(s, f, typ: str, hw: str) -> UnitValues:
    """One unit of `hw` in a phase of type `typ` at facility `f` (a validated scenario)."""
    entry = catalogue(s)[hw]
    prec = pool_precision(s, typ)
    cap = unit_peak(entry, prec) / TFLOPS_PER_P if prec else 0.0
    kw_rate = {**s.defaults.power_kw_per_p, **f.power_kw_per_p}.get(typ, 0.0)
    capex_rate = {**s.defaults.capex_per_p, **f.capex_per_p}.get(typ, 0.0)
    if typ not in f.power_kw_per_p and entry.power_kw is not None:
        kw = float(entry.power_kw)
    else:
        kw = cap * kw_rate
    if typ not in f.capex_per_p and entry.capex_cny is not None:
        capex = float(entry.capex_cny) / 1e6
    else:
        capex = cap * capex_rate
    return UnitValues(cap, tuple(unit_peak(entry, k) / TFLOPS_PER_P for k in PRECISIONS),
                      kw, capex)


def holders(s, hw: str) -> list[str]:
    """The compute types of the phases and streams that hold `hw`, at the outset or after
    switches (a switch to h20 makes h20 held by what held its `from`)."""
    held = {}
    for f in s.facilities:
        for p in f.phases:
            for h in p.hardware:
                held.setdefault(h, set()).add(p.type)
    for st in s.pipeline:
        if st.hardware:
            held.setdefault(st.hardware, set()).add(st.type)
    switches = [e.switch for e in s.events if e.switch is not None]
    changed = True
    while changed:  # at most one round per switch
        changed = False
        for sw in switches:
            new = held.get(sw.from_, set()) - held.get(sw.to, set())
            if new:
                held.setdefault(sw.to, set()).update(new)
                changed = True
    return sorted(t for t in held.get(hw, set()) if t is not None)


# ---------------------------------------------------------------- checks
def check_switch(found, ei: int, e) -> None:
    """`from` and `to` are catalogue ids; `to` gives the pools of `from`'s holders capacity and
    is the same kind of hardware; a `from` nobody holds is a warning."""
    sw, s = e.switch, found.s
    loc = ("events", ei, "switch")
    cat = catalogue(s)
    known = True
    for key, hw in (("from", sw.from_), ("to", sw.to)):
        if hw not in cat:
            known = False
            found.errors.append(Problem(
                f"unknown hardware {hw!r}", loc=loc + (key,),
                hint=suggest(hw, cat) or f"known: {', '.join(cat)} (or add it under hardware:)"))
    if not known:
        return
    old, new = cat[sw.from_], cat[sw.to]
    if old.kind and new.kind and old.kind != new.kind:
        found.errors.append(Problem(f"switch from {old.kind} {sw.from_!r} to {new.kind} "
                                    f"{sw.to!r}: another kind of hardware", loc=loc + ("to",),
                                    hint="a switch replaces chips by chips of the same kind"))
    types = holders(s, sw.from_)
    if not types:
        found.warns.append(Problem(f"no phase or stream holds {sw.from_!r}: the switch changes "
                                   f"nothing", loc=loc + ("from",),
                                   hint="give phases hardware: {id: units} or streams "
                                        "hardware: id"))
    for typ in dict.fromkeys(types):
        prec = pool_precision(s, typ) if typ in s.compute_types else None
        if prec is not None and unit_peak(new, prec) <= 0:
            found.errors.append(Problem(
                f"{sw.to!r} has no known {prec} peak, so {typ} phases holding {sw.from_!r} "
                f"would have no capacity after the switch", loc=loc + ("to",),
                hint=f"switch to hardware with a {prec} peak, or give hardware.{sw.to}.tflops."
                     f"{prec} with its source"))
    if sw.from_ == sw.to and sw.units_factor == 1.0:
        found.warns.append(Problem("a switch to the same hardware with units_factor 1 changes "
                                   "nothing", loc=loc))


def check_stream_hardware(found, i: int, st) -> None:
    """A stream's `hardware` is a catalogue id with a peak at its type's precision; a size in
    units needs it."""
    loc = ("pipeline", i)
    if st.hardware is None:
        if st.size.unit == "units":
            found.errors.append(Problem("a size in units needs the stream's hardware",
                                        loc=loc + ("size", "unit"),
                                        hint="add hardware: <catalogue id>, or count in P"))
        return
    s = found.s
    cat = catalogue(s)
    if st.hardware not in cat:
        found.errors.append(Problem(
            f"unknown hardware {st.hardware!r}", loc=loc + ("hardware",),
            hint=suggest(st.hardware, cat) or f"known: {', '.join(cat)} (or add it under "
                                              f"hardware:)"))
        return
    prec = pool_precision(s, st.type) if st.type in s.compute_types else None
    if st.type in s.compute_types and prec is None:
        found.errors.append(Problem(f"compute type {st.type!r} has no precision capsim counts "
                                    f"in, so its hardware cannot be converted to P",
                                    loc=("compute_types", st.type), hint="precision: FP16"))
    elif prec is not None and unit_peak(cat[st.hardware], prec) <= 0:
        found.errors.append(Problem(f"hardware {st.hardware!r} has no known {prec} peak, so it "
                                    f"adds no {st.type} capacity", loc=loc + ("hardware",),
                                    hint=f"give hardware.{st.hardware}.tflops.{prec} with its "
                                         f"source"))
