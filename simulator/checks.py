"""Build a Scenario from a plain mapping: field validation, cross-checks, readable problems."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping

from pydantic import BaseModel, ValidationError

from .errors import Problem, ScenarioError
from .scenario import Scenario
from .units import format_month


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
        raise ScenarioError([_from_pydantic(err, data) for err in exc.errors()]) from None
    errors, warns = cross_check(scenario)
    if errors:
        raise ScenarioError([_with_path(p, data) for p in errors])
    if warnings is not None:
        warnings.extend(_with_path(p, data) for p in warns)
    return scenario


# ---------------------------------------------------------------- cross-field checks
def cross_check(s: Scenario) -> tuple[list[Problem], list[Problem]]:
    """Checks that span fields: references, ids, ordering. Returns (errors, warnings)."""
    errors: list[Problem] = []
    warns: list[Problem] = []
    types = set(s.compute_types)
    declared = ", ".join(sorted(types))

    def need_type(t: str, loc: tuple) -> None:
        if t not in types:
            hint = _suggest(t, types) or f"declared: {declared}"
            errors.append(Problem(f"compute type {t!r} is not declared in compute_types",
                                  loc=loc, hint=hint))

    if s.end < s.start:
        errors.append(Problem(f"end {format_month(s.end)} is before start "
                              f"{format_month(s.start)}", loc=("end",)))
    for name, econ_loc in (("defaults", ("defaults",)),):
        for field in ("power_kw_per_p", "capex_per_p", "price_per_p_month"):
            for t in getattr(s.defaults, field):
                need_type(t, econ_loc + (field, t))
    for t in sorted(types - set(s.defaults.power_kw_per_p)):
        if not any(t in f.power_kw_per_p for f in s.facilities):
            warns.append(Problem(f"no power_kw_per_p for type {t!r}: its power and energy count "
                                 f"as 0", loc=("defaults",)))

    for i, tg in enumerate(s.targets):
        need_type(tg.type, ("targets", i, "type"))
        if not s.start <= tg.by <= s.end:
            errors.append(Problem(f"deadline {format_month(tg.by)} is outside the horizon "
                                  f"{format_month(s.start)}..{format_month(s.end)}",
                                  loc=("targets", i, "by"), hint="move 'by' or widen start/end"))
    _duplicates([tg.key for tg in s.targets], ("targets",), "target", errors)

    _duplicates([f.id for f in s.facilities], ("facilities",), "facility", errors)
    phase_keys = {f"{f.id}.{p.id}": (fi, pi) for fi, f in enumerate(s.facilities)
                  for pi, p in enumerate(f.phases)}
    for fi, f in enumerate(s.facilities):
        floc = ("facilities", fi)
        for field in ("power_kw_per_p", "capex_per_p", "price_per_p_month"):
            for t in getattr(f, field):
                need_type(t, floc + (field, t))
        _duplicates([p.id for p in f.phases], floc + ("phases",), "phase", errors)
        for pi, p in enumerate(f.phases):
            ploc = floc + ("phases", pi)
            for t in p.capacity:
                need_type(t, ploc + ("capacity", t))
            _check_phase(s, f.id, p, ploc, phase_keys, errors, warns)
    errors.extend(_after_cycles(s, phase_keys))

    _duplicates([t.id for t in s.tenants], ("tenants",), "tenant", errors)
    facility_ids = [f.id for f in s.facilities]
    for ti, t in enumerate(s.tenants):
        tloc = ("tenants", ti)
        for typ in t.demand:
            need_type(typ, tloc + ("demand", typ))
        _check_tenant(s, t, tloc, facility_ids, errors, warns)

    _duplicates([e.id for e in s.events], ("events",), "event", errors)
    for ei, e in enumerate(s.events):
        for k, t in enumerate(e.delay.types):
            need_type(t, ("events", ei, "delay", "types", k))
        if e.window.to < e.window.from_:
            errors.append(Problem(f"window ends ({format_month(e.window.to)}) before it begins "
                                  f"({format_month(e.window.from_)})", loc=("events", ei, "window")))
    return errors, warns


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
            options = phase_keys if "." in p.after else \
                [k.split(".", 1)[1] for k in phase_keys if k.startswith(f"{facility_id}.")]
            errors.append(Problem(f"'after' names no phase: {p.after!r}", loc=loc + ("after",),
                                  hint=_suggest(p.after, options) or "use 'p1' or 'facility.p1'"))
    if p.retire is not None and p.lifetime_months is not None:
        errors.append(Problem("give 'retire' or 'lifetime_months', not both", loc=loc))
    if p.online is not None and p.retire is not None and p.retire <= p.online:
        errors.append(Problem(f"retires ({format_month(p.retire)}) before it is online "
                              f"({format_month(p.online)})", loc=loc + ("retire",)))
    earliest = p.online if p.online is not None else p.start
    if earliest is not None and p.online is None and p.build_months is not None:
        bm = p.build_months
        earliest += int(-(-(bm if isinstance(bm, (int, float)) else bm.min) // 1))
    if earliest is not None and earliest > s.end:
        warns.append(Problem(f"comes online at {format_month(earliest)} at the earliest, after the "
                             f"end {format_month(s.end)}; it never counts", loc=loc))


def _check_tenant(s, t, loc, facility_ids, errors, warns) -> None:
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
                                  hint=_suggest(t.facility, facility_ids) or
                                  f"facilities: {', '.join(facility_ids)}"))
        else:
            fac = s.facilities[facility_ids.index(t.facility)]
            offered = {typ for p in fac.phases for typ in p.capacity}
            for typ in sorted(set(t.demand) - offered):
                warns.append(Problem(f"demand of type {typ!r} can never be served: facility "
                                     f"{t.facility!r} has none", loc=loc + ("demand", typ)))


def _after_cycles(s: Scenario, phase_keys: dict) -> list[Problem]:
    graph = {}
    for f in s.facilities:
        for p in f.phases:
            if p.after:
                graph[f"{f.id}.{p.id}"] = p.after if "." in p.after else f"{f.id}.{p.after}"
    problems, reported = [], set()
    for node in graph:
        chain, seen = [node], {node}
        while chain[-1] in graph and graph[chain[-1]] in phase_keys:
            nxt = graph[chain[-1]]
            if nxt in seen:
                cycle = chain[chain.index(nxt):]
                if not reported & set(cycle):
                    reported |= set(cycle)
                    fi, pi = phase_keys[cycle[0]]
                    problems.append(Problem("'after' forms a cycle: " + " -> ".join(cycle + [nxt]),
                                            loc=("facilities", fi, "phases", pi, "after")))
                break
            chain.append(nxt)
            seen.add(nxt)
    return problems


def _duplicates(ids: list, loc: tuple, what: str, errors: list[Problem]) -> None:
    seen = set()
    for i, x in enumerate(ids):
        if x in seen:
            errors.append(Problem(f"duplicate {what} id {x!r}", loc=loc + (i,),
                                  hint="ids must be unique"))
        seen.add(x)


def _suggest(word: str, options) -> str | None:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _kind(value: object) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


# ---------------------------------------------------------------- pydantic errors as problems
def render_path(data: object, loc: tuple) -> str:
    """A field path with list items named by their id: facilities.nacic.phases.p2.start."""
    parts: list[str] = []
    node = data
    for seg in loc:
        if isinstance(node, Mapping) and isinstance(seg, str) and seg in node:
            parts.append(seg)
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            item = node[seg]
            ident = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(ident, (str, int)) and not isinstance(ident, bool):
                parts.append(str(ident))
            else:
                parts.append(f"[{seg}]")
            node = item
        elif isinstance(node, Mapping) and isinstance(seg, str) and seg not in node:
            if seg in _UNION_TAGS:
                continue
            parts.append(seg)  # a missing key, or an unknown one
            node = None
        elif isinstance(seg, str) and seg in _UNION_TAGS:
            continue
        else:
            parts.append(str(seg))
            node = None
    return ".".join(parts).replace(".[", "[")


_UNION_TAGS = {"months", "distribution"}


def _with_path(problem: Problem, data: object) -> Problem:
    return Problem(problem.message, render_path(data, problem.loc), hint=problem.hint,
                   loc=problem.loc)


def known_keys(loc: tuple) -> list[str]:
    """The keys the model accepts at `loc` (a path to a mapping), by their YAML names."""
    model: object = Scenario
    for seg in loc:
        model = _descend(model, seg)
        if model is None:
            return []
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _descend(tp: object, seg) -> object | None:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if seg in (name, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(tp)
    if origin is list and isinstance(seg, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    if seg in _UNION_TAGS:
        return tp
    return None


def _unwrap(tp: object) -> object:
    """Strip Annotated and Optional to reach the model or container inside."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(_unwrap(a), type)
                      and issubclass(_unwrap(a), BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


_MESSAGES = {
    "missing": "required, but missing",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "string_type": "must be text",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number",
}


def _from_pydantic(err: dict, data: object) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    hint = None
    if kind == "extra_forbidden":
        key = loc[-1]
        message = f"unknown key {key!r}"
        hint = _suggest(key, known_keys(loc[:-1]))
        if hint is None:
            known = known_keys(loc[:-1])
            hint = f"known keys: {', '.join(known)}" if known else None
    elif kind == "missing":
        message = f"required key {loc[-1]!r} is missing"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        message = f"must be one of {expected}, got {value!r}"
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        hint = _suggest(value, options) if isinstance(value, str) else None
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
              "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()), "")
        message = f"must be {op} {bound}, got {_show(value)}"
    elif kind == "too_short":
        message = "must not be empty" if ctx.get("min_length") == 1 else err["msg"]
        if loc and loc[-1] in ("facilities", "phases"):
            message = f"needs at least one {loc[-1][:-1].replace('facilitie', 'facility')}"
    elif kind == "string_pattern_mismatch":
        message = (f"{value!r} is not a valid id: use letters, digits, '-' and '_', "
                   f"starting with a letter or digit")
    elif kind in _MESSAGES:
        message = _MESSAGES[kind]
        if kind not in ("missing",):
            message += f", got {_show(value)}"
    else:
        message = err["msg"]
    return Problem(message, render_path(data, loc), hint=hint, loc=loc)


def _show(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
