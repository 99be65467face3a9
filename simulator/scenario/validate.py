"""Build a Scenario from a plain mapping: field validation, cross-checks, readable problems."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from simulator.errors import Problem, ScenarioError
from simulator.scenario.hardware import check_counting, resolve_hardware
from simulator.scenario.messages import KEY_MARK, combine_typos, from_pydantic, render_path, suggest
from simulator.scenario.pipeline_checks import check_event_fields, check_pipeline
from simulator.scenario.money_checks import check_money
from simulator.scenario.phase_checks import after_cycles
from simulator.scenario.schema import Scenario
from simulator.units import format_month, whole_months

__all__ = ["cross_check", "render_path", "scenario_from_dict"]


def scenario_from_dict(data: object, warnings: list[Problem] | None = None) -> Scenario:
    """Validate a mapping (as loaded from YAML) into a Scenario, or raise ScenarioError.

    Every problem found is reported at once. Warnings (legal but suspicious input) are appended
    to `warnings` when a list is given.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(Problem(f"a scenario must be a mapping of keys to values, "
                                    f"not {_kind(data)}"))
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        # The cross-checks need a whole Scenario, so they run only once every field is valid:
        # a file with a typo and an undeclared compute type reports the typo first, the type
        # on the next run.
        found = [from_pydantic(err, data) for err in exc.errors()]
        raise ScenarioError(combine_typos(found)) from None
    hw_errors, hw_warns = check_counting(scenario)
    if not hw_errors:
        scenario = resolve_hardware(scenario)
    errors, warns = cross_check(scenario)
    errors, warns = hw_errors + errors, hw_warns + warns
    if errors:
        raise ScenarioError([_with_path(p, data) for p in errors])
    if warnings is not None:
        warnings.extend(_with_path(p, data) for p in warns)
    return scenario


# ---------------------------------------------------------------- cross-field checks
def cross_check(s: Scenario) -> tuple[list[Problem], list[Problem]]:
    """Checks that span fields: references, ids, ordering. Returns (errors, warnings)."""
    c = _Found(s)
    if s.end < s.start:
        c.errors.append(Problem(f"end {format_month(s.end)} is before start "
                                f"{format_month(s.start)}", loc=("end",)))
    offered = _check_defaults(c)
    _check_targets(c)
    _check_facilities(c)
    _check_tenants(c, offered)
    _check_events(c)
    check_pipeline(c)
    check_money(c)
    return c.errors, c.warns


class _Found:
    """What the cross-checks found so far, and the compute types they check names against."""

    def __init__(self, s: Scenario):
        self.s, self.errors, self.warns = s, [], []
        self.types = set(s.compute_types)

    def need_type(self, t: str, loc: tuple) -> None:
        if t not in self.types:
            hint = suggest(t, self.types) or f"declared: {', '.join(sorted(self.types))}"
            self.errors.append(Problem(f"compute type {t!r} is not declared in compute_types",
                                       loc=loc, hint=hint))


def _check_defaults(c: _Found) -> set[str]:
    """Types in the defaults exist; a type offered without power is warned of. Returns the
    types some phase offers."""
    s = c.s
    for field in ("power_kw_per_p", "capex_per_p", "price_per_p_month"):
        for t in getattr(s.defaults, field):
            c.need_type(t, ("defaults", field, t, KEY_MARK))
    offered = {t for f in s.facilities for p in f.phases for t in p.capacity}
    offered |= {u for t, ct in s.compute_types.items() if t in offered for u in ct.serves}
    offered |= {st.type for st in s.pipeline}
    for t in sorted((c.types & offered) - set(s.defaults.power_kw_per_p)):
        if not any(t in f.power_kw_per_p for f in s.facilities):
            c.warns.append(Problem(f"no power_kw_per_p for type {t!r}: its power and energy "
                                   f"count as 0", loc=("defaults",)))
    return offered


def _check_targets(c: _Found) -> None:
    s = c.s
    for i, tg in enumerate(s.targets):
        c.need_type(tg.type, ("targets", i, "type"))
        if s.start <= s.end and not s.start <= tg.by <= s.end:  # else: 'end' is wrong
            c.errors.append(Problem(f"deadline {format_month(tg.by)} is outside the horizon "
                                    f"{format_month(s.start)}..{format_month(s.end)}",
                                    loc=("targets", i, "by"), hint="move 'by' or widen start/end"))
    _duplicates([tg.key for tg in s.targets], ("targets",), "target", c.errors)


def _check_facilities(c: _Found) -> None:
    s = c.s
    _duplicates([f.id for f in s.facilities], ("facilities",), "facility", c.errors)
    phase_keys = {f"{f.id}.{p.id}": (fi, pi) for fi, f in enumerate(s.facilities)
                  for pi, p in enumerate(f.phases)}
    for fi, f in enumerate(s.facilities):
        floc = ("facilities", fi)
        for field in ("power_kw_per_p", "capex_per_p", "price_per_p_month"):
            for t in getattr(f, field):
                c.need_type(t, floc + (field, t, KEY_MARK))
        _duplicates([p.id for p in f.phases], floc + ("phases",), "phase", c.errors)
        for pi, p in enumerate(f.phases):
            ploc = floc + ("phases", pi)
            for t in p.capacity:
                c.need_type(t, ploc + ("capacity", t, KEY_MARK))
            _check_phase(s, f.id, p, ploc, phase_keys, c.errors, c.warns)
    c.errors.extend(after_cycles(s, phase_keys))


def _check_tenants(c: _Found, offered: set[str]) -> None:
    s = c.s
    _duplicates([t.id for t in s.tenants], ("tenants",), "tenant", c.errors)
    facility_ids = [f.id for f in s.facilities]
    for ti, t in enumerate(s.tenants):
        tloc = ("tenants", ti)
        for typ in t.demand:
            c.need_type(typ, tloc + ("demand", typ, KEY_MARK))
            unoffered = typ in c.types and typ not in offered and t.demand[typ] > 0
            if unoffered and t.facility is None:  # a pinned one is checked below
                c.warns.append(Problem(f"demand of type {typ!r} can never be served: no "
                                       f"facility has any", loc=tloc + ("demand", typ)))
        _check_tenant(s, t, tloc, facility_ids, c.errors, c.warns)


def _check_events(c: _Found) -> None:
    s = c.s
    _duplicates([e.id for e in s.events], ("events",), "event", c.errors)
    for ei, e in enumerate(s.events):
        for k, t in enumerate(e.delay.types if e.delay else []):
            c.need_type(t, ("events", ei, "delay", "types", k))
        check_event_fields(c, ei, e)
        if e.window.to < e.window.from_:
            c.errors.append(Problem(f"window ends ({format_month(e.window.to)}) before it "
                                    f"begins ({format_month(e.window.from_)})",
                                    loc=("events", ei, "window")))


def _check_phase(s, facility_id, p, loc, phase_keys, errors, warns) -> None:
    if p.online is not None and (p.start is not None or p.after or p.start_when):
        errors.append(Problem("give either 'online' or a construction start "
                              "('start', 'after', 'start_when'), not both", loc=loc))
    elif p.online is None and p.start is None and not p.after and p.start_when is None:
        errors.append(Problem("the phase has neither 'online' nor 'start'", loc=loc,
                              hint="add online: YYYY-MM, or start: YYYY-MM with build_months"))
    elif p.online is None and p.build_months is None:
        errors.append(Problem("a phase that is built needs 'build_months'", loc=loc,
                              hint="e.g. build_months: 12 or {min: 9, mode: 12, max: 15}"))
    if p.after:
        ref = p.after if "." in p.after else f"{facility_id}.{p.after}"
        if ref not in phase_keys:
            own = [k.split(".", 1)[1] for k in phase_keys if k.startswith(f"{facility_id}.")]
            options = list(phase_keys) if "." in p.after else own
            errors.append(Problem(f"'after' names no phase: {p.after!r}", loc=loc + ("after",),
                                  hint=suggest(p.after, options) or
                                  f"phases of {facility_id}: {', '.join(own)}; another "
                                  f"facility's as 'facility.phase'"))
    if p.retire is not None and p.lifetime_months is not None:
        errors.append(Problem("give 'retire' or 'lifetime_months', not both", loc=loc))
    if p.online is not None and p.retire is not None and p.retire <= p.online:
        errors.append(Problem(f"retires ({format_month(p.retire)}) before it is online "
                              f"({format_month(p.online)})", loc=loc + ("retire",)))
    earliest = p.online if p.online is not None else p.start
    if earliest is not None and p.online is None and p.build_months is not None:
        bm = p.build_months
        earliest += int(whole_months(bm if isinstance(bm, (int, float)) else bm.min))
    if earliest is not None and earliest > s.end:
        warns.append(Problem(f"comes online at {format_month(earliest)} at the earliest, after the "
                             f"end {format_month(s.end)}; it never counts", loc=loc))


MAX_LOG10_DEMAND_P = 12  # demand compounded over the horizon stays below 1e12 P: finite sums


def _growth_bound(s, t) -> float | None:
    """The largest growth that keeps this tenant's demand below 1e12 P to the end, if its own
    growth is larger; else None."""
    import math

    peak = max(t.demand.values(), default=0.0) * t.count
    years = s.months / 12
    if t.growth <= 0 or peak <= 0:
        return None
    if years * math.log10(1 + t.growth) + math.log10(peak) <= MAX_LOG10_DEMAND_P:
        return None
    return max(0.0, 10 ** ((MAX_LOG10_DEMAND_P - math.log10(peak)) / years) - 1)


def _check_tenant(s, t, loc, facility_ids, errors, warns) -> None:
    bound = _growth_bound(s, t)
    if bound is not None:
        errors.append(Problem(f"growth {t.growth:g} a year over {s.months / 12:g} years takes "
                              f"the demand past 1e{MAX_LOG10_DEMAND_P} P; at most {bound:.3g} "
                              f"here", loc=loc + ("growth",)))
    elif t.growth > 1:
        # A bare 15 reads as 1500 %; a planner meaning 15 % writes 15% or 0.15.
        warns.append(Problem(f"growth {t.growth:g} is {t.growth:.0%} a year",
                             loc=loc + ("growth",), hint=f"for {t.growth:g}% write {t.growth:g}%"))
    if t.status == "negotiating":
        if t.probability is None:
            errors.append(Problem("a negotiating tenant needs 'probability'", loc=loc,
                                  hint="the chance the deal is signed, e.g. probability: 0.5"))
        if t.sign is None:
            errors.append(Problem("a negotiating tenant needs a 'sign' window", loc=loc,
                                  hint="e.g. sign: {earliest: 2024-01, latest: 2024-12}"))
        if t.from_ is not None:
            errors.append(Problem("'from' is for signed tenants; a negotiating one demands from "
                                  "its sign month", loc=loc + ("from",)))
    else:
        if t.from_ is None:
            errors.append(Problem("a signed tenant needs 'from' (its first month of demand)",
                                  loc=loc))
        for key, value in (("probability", t.probability), ("sign", t.sign)):
            if value is not None:
                errors.append(Problem(f"'{key}' applies to negotiating tenants only",
                                      loc=loc + (key,), hint="remove it or set status: negotiating"))
    if t.sign is not None and t.sign.latest < t.sign.earliest:
        errors.append(Problem(f"sign window is reversed: latest {format_month(t.sign.latest)} is "
                              f"before earliest {format_month(t.sign.earliest)}", loc=loc + ("sign",)))
    first = t.from_ if t.from_ is not None else (t.sign.earliest if t.sign else None)
    if t.until is not None and first is not None and t.until < first:
        errors.append(Problem(f"'until' {format_month(t.until)} is before the first month of "
                              f"demand {format_month(first)}", loc=loc + ("until",)))
    if t.facility is not None:
        if t.facility not in facility_ids:
            errors.append(Problem(f"pinned to an unknown facility {t.facility!r}",
                                  loc=loc + ("facility",),
                                  hint=suggest(t.facility, facility_ids) or
                                  f"facilities: {', '.join(facility_ids)}"))
        else:
            fac = s.facilities[facility_ids.index(t.facility)]
            offered = {typ for p in fac.phases for typ in p.capacity}
            for typ in sorted(set(t.demand) - offered):
                warns.append(Problem(f"demand of type {typ!r} can never be served: facility "
                                     f"{t.facility!r} has none", loc=loc + ("demand", typ)))


def _duplicates(ids: list, loc: tuple, what: str, errors: list[Problem]) -> None:
    seen = set()
    for i, x in enumerate(ids):
        if x in seen:
            errors.append(Problem(f"duplicate {what} id {x!r}", loc=loc + (i,),
                                  hint="ids must be unique"))
        seen.add(x)


def _with_path(problem: Problem, data: object) -> Problem:
    return Problem(problem.message, render_path(data, problem.loc), hint=problem.hint,
                   loc=problem.loc)


def _kind(value: object) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


