"""A Scenario as flat numpy arrays: the indices and numbers the engine works on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulator.engine.draws import actor_key
from simulator.engine.pipeline import PipelineArrays, compile_pipeline, finish_phases, with_pipeline
from simulator.scenario.schema import Scenario

NEVER = np.inf  # a month that never comes


@dataclass(frozen=True)
class Compiled:
    """Arrays of one scenario. Months are indices: 0 is `start`, H - 1 is `end`."""

    scenario: Scenario
    months: int  # H
    types: tuple[str, ...]  # T compute type ids
    facilities: tuple[str, ...]  # F facility ids
    # phases (P), grouped by facility in file order
    phase_ids: tuple[str, ...]  # "facility.phase"
    phase_facility: np.ndarray  # (P,) facility index
    facility_first_phase: np.ndarray  # (F,) index of each facility's first phase
    phase_capacity: np.ndarray  # (P, T) [P]
    phase_online: np.ndarray  # (P,) fixed online month, or nan
    phase_start: np.ndarray  # (P,) fixed start month (earliest start), or nan
    phase_build: np.ndarray  # (P, 3) build months min, mode, max (0 for fixed online)
    phase_after: np.ndarray  # (P,) index of the phase waited for, or -1
    phase_trigger: np.ndarray  # (P, 2) utilisation level, months (0, 0 if none)
    phase_retire: np.ndarray  # (P,) fixed retirement month, or inf
    phase_lifetime: np.ndarray  # (P,) months online before retirement, or inf
    phase_capex: np.ndarray  # (P,) [million CNY]
    phase_key: np.ndarray  # (P,) actor keys (uint64)
    # tenants (N instances; an entry with count n gives n instances)
    tenant_entry: np.ndarray  # (N,) index into scenario.tenants
    tenant_signed: np.ndarray  # (N,) bool: signed at the outset
    tenant_probability: np.ndarray  # (N,) chance of signing (1 for signed)
    tenant_sign: np.ndarray  # (N, 2) first and last possible sign month
    tenant_until: np.ndarray  # (N,) last month of demand, or inf
    tenant_demand: np.ndarray  # (N, T) full demand [P]
    tenant_ramp: np.ndarray  # (N,) ramp months
    tenant_growth: np.ndarray  # (N,) growth per year, as a fraction
    tenant_pin: np.ndarray  # (N,) facility index, or -1
    tenant_key: np.ndarray  # (N,) actor keys
    # events (E)
    event_probability: np.ndarray  # (E,)
    event_window: np.ndarray  # (E, 2) first and last month
    event_delay: np.ndarray  # (E, 3) delay months min, mode, max
    event_types: np.ndarray  # (E, T) bool
    event_key: np.ndarray  # (E,)
    # economics per facility
    pue: np.ndarray  # (F,)
    power_kw_per_p: np.ndarray  # (F, T) [kW/P]
    price_per_p_month: np.ndarray  # (F, T) [CNY/(P*month)]
    electricity_price: np.ndarray  # (F,) [CNY/kWh]
    idle_share: np.ndarray  # (F,)
    # scheduling
    policy: str
    max_utilization: float
    leave_after: int  # 0 = never
    # targets (G)
    target_type: np.ndarray  # (G,) type index
    target_capacity: np.ndarray  # (G,) [P]
    target_by: np.ndarray  # (G,) month index
    # the project pipeline and capacity-changing shocks (engine.pipeline), None without them
    pipeline: PipelineArrays | None = None
    # market, moving prices and money (engine.market.MarketSpec), or None without them
    leave_threshold: float = 0.0  # unmet share above which a month counts as short
    market: object = None

    @cached_property
    def offers(self) -> np.ndarray:
        """(F, T) bool: facility f has (or will have) capacity of type t."""
        out = np.zeros((len(self.facilities), len(self.types)), dtype=bool)
        np.logical_or.at(out, self.phase_facility, self.phase_capacity > 0)
        return out

    @cached_property
    def counting(self):
        """Precisions, counting rules and serving across pools (`counting.CountingArrays`)."""
        from simulator.engine.counting import CountingArrays

        return CountingArrays.build(self)


def _duration(d) -> tuple[float, float, float]:
    if d is None:
        return (0.0, 0.0, 0.0)
    if isinstance(d, (int, float)):
        return (float(d),) * 3
    return (d.min, d.mode, d.max)


def compile_scenario(s: Scenario) -> Compiled:
    """Flatten a validated scenario into arrays (months relative to `start`)."""
    from simulator.engine.market import compile_market  # market needs record, which needs us

    types = tuple(s.compute_types)
    tix = {t: i for i, t in enumerate(types)}
    facs = with_pipeline(s)  # s.facilities, plus the pipeline's slots
    fix = {f.id: i for i, f in enumerate(facs)}

    def rel(month, missing=np.nan):
        return missing if month is None else float(month - s.start)

    econ = [_economics(s, f, types) for f in facs]
    phases = _phase_arrays(s, tix, rel, facs)
    pipeline = compile_pipeline(s, types, phases["phase_ids"])
    if pipeline is not None:
        finish_phases(s, pipeline, phases)
    return Compiled(
        scenario=s, months=s.months, types=types, facilities=tuple(fix),
        **phases, **_tenant_arrays(s, tix, fix, rel),
        **_event_arrays(s, types, rel),
        pue=np.array([e[0] for e in econ]), power_kw_per_p=np.array([e[1] for e in econ]),
        price_per_p_month=np.array([e[2] for e in econ]),
        electricity_price=np.array([e[3] for e in econ]), idle_share=np.array([e[4] for e in econ]),
        policy=s.scheduling.policy, max_utilization=s.scheduling.max_utilization,
        leave_after=s.scheduling.leave_after_unserved_months or 0,
        target_type=np.array([tix[t.type] for t in s.targets], dtype=np.intp),
        target_capacity=np.array([t.capacity for t in s.targets], dtype=float),
        target_by=np.array([t.by - s.start for t in s.targets], dtype=np.intp),
        pipeline=pipeline,
        leave_threshold=s.scheduling.leave_threshold, market=compile_market(s, types),
    )


def _phase_arrays(s: Scenario, tix: dict, rel, facilities=None) -> dict[str, object]:
    """The phase_* fields of Compiled, and facility_first_phase (of `facilities`, default the
    scenario's)."""
    facilities = s.facilities if facilities is None else facilities
    T = len(tix)
    ids, pf, first, cap, online, start, build, trig, retire, life, capex = \
        [], [], [], [], [], [], [], [], [], [], []
    for fi, f in enumerate(facilities):
        first.append(len(ids))
        capex_per_p = {**s.defaults.capex_per_p, **f.capex_per_p}
        for p in f.phases:
            ids.append(f"{f.id}.{p.id}")
            pf.append(fi)
            row = np.zeros(T)
            for t, c in p.capacity.items():
                row[tix[t]] = c
            cap.append(row)
            online.append(rel(p.online))
            start.append(rel(p.start))
            build.append(_duration(p.build_months))
            trig.append((p.start_when.utilization_above, p.start_when.for_months)
                        if p.start_when else (0.0, 0))
            retire.append(rel(p.retire, NEVER))
            lifetime = p.lifetime_months or s.defaults.lifetime_months
            life.append(float(lifetime) if lifetime else NEVER)
            capex.append(p.capex if p.capex is not None else
                         sum(c * capex_per_p.get(t, 0.0) for t, c in p.capacity.items()))
    index = {p_id: i for i, p_id in enumerate(ids)}
    after = [index[ref] if ref else -1 for f in facilities for p in f.phases
             for ref in [p.after and (p.after if "." in p.after else f"{f.id}.{p.after}")]]
    return dict(
        phase_ids=tuple(ids), phase_facility=np.array(pf, dtype=np.intp),
        facility_first_phase=np.array(first, dtype=np.intp),
        phase_capacity=np.array(cap).reshape(-1, T), phase_online=np.array(online),
        phase_start=np.array(start), phase_build=np.array(build).reshape(-1, 3),
        phase_after=np.array(after, dtype=np.intp), phase_trigger=np.array(trig).reshape(-1, 2),
        phase_retire=np.array(retire), phase_lifetime=np.array(life),
        phase_capex=np.array(capex), phase_key=_keys("phase", ids))


def _tenant_arrays(s: Scenario, tix: dict, fix: dict, rel) -> dict[str, np.ndarray]:
    """The tenant_* fields of Compiled: one column per tenant instance (`count` expanded)."""
    T = len(tix)
    entry, signed, prob, sign, until, demand, ramp, growth, pin, tkey = \
        [], [], [], [], [], [], [], [], [], []
    for ti, t in enumerate(s.tenants):
        row = np.zeros(T)
        for typ, d in t.demand.items():
            row[tix[typ]] = d
        is_signed = t.status == "signed"
        for k in range(t.count):
            entry.append(ti)
            signed.append(is_signed)
            prob.append(t.sign_probability)
            sign.append((rel(t.from_),) * 2 if is_signed else (rel(t.sign.earliest), rel(t.sign.latest)))
            until.append(rel(t.until, NEVER))
            demand.append(row)
            ramp.append(t.ramp_months)
            growth.append(t.growth)
            pin.append(fix[t.facility] if t.facility else -1)
            tkey.append(actor_key(f"tenant:{t.id}#{k}" if t.count > 1 else f"tenant:{t.id}"))
    return dict(
        tenant_entry=np.array(entry, dtype=np.intp), tenant_signed=np.array(signed, dtype=bool),
        tenant_probability=np.array(prob, dtype=float), tenant_sign=np.array(sign).reshape(-1, 2),
        tenant_until=np.array(until, dtype=float), tenant_demand=np.array(demand).reshape(-1, T),
        tenant_ramp=np.array(ramp, dtype=float), tenant_growth=np.array(growth, dtype=float),
        tenant_pin=np.array(pin, dtype=np.intp), tenant_key=np.array(tkey, dtype=np.uint64))


def _event_arrays(s: Scenario, types: tuple, rel) -> dict[str, np.ndarray]:
    """The event_* fields of Compiled."""
    ev = s.events
    return dict(
        event_probability=np.array([e.probability for e in ev], dtype=float),
        event_window=np.array([(rel(e.window.from_), rel(e.window.to)) for e in ev]).reshape(-1, 2),
        event_delay=np.array([_duration(e.delay and e.delay.months) for e in ev]).reshape(-1, 3),
        event_types=np.array([[bool(e.delay) and t in e.delay.types for t in types] for e in ev],
                             dtype=bool).reshape(-1, len(types)),
        event_key=_keys("event", [e.id for e in ev]))


def _keys(kind: str, ids: list[str]) -> np.ndarray:
    return np.array([actor_key(f"{kind}:{i}") for i in ids], dtype=np.uint64)


def _economics(s: Scenario, f, types):
    d = s.defaults
    kw = {**d.power_kw_per_p, **f.power_kw_per_p}
    price = {**d.price_per_p_month, **f.price_per_p_month}
    return (f.pue if f.pue is not None else d.pue,
            [kw.get(t, 0.0) for t in types],
            [price.get(t, 0.0) for t in types],
            f.electricity_price if f.electricity_price is not None else d.electricity_price,
            f.idle_share if f.idle_share is not None else d.idle_share)
