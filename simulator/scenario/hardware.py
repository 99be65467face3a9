"""The hardware catalogue (shipped with capsim, extended by a scenario's `hardware:`), the checks
of hardware, precisions and counting rules, and phases given in units resolved to capacity.

A phase `{hardware: {h20: 2000}, type: ai}` holds units x the unit's dense peak at the pool's
`precision` [P = 1000 TFLOPS]; its power and capex come from the catalogue unless the phase
or its facility gives them.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from simulator.errors import Problem
from simulator.scenario.messages import KEY_MARK, suggest
from simulator.scenario.schema import Scenario
from simulator.scenario.schema_counting import (PRECISIONS, CountPrecision, CountTypes,
                                                HardwareEntry, Peak, precision_key)

TFLOPS_PER_P = 1000.0


@lru_cache(maxsize=1)
def shipped_catalogue() -> dict[str, HardwareEntry]:
    """The catalogue in the package (simulator/scenario/data/hardware.yaml), by id."""
    from ruamel.yaml import YAML

    text = resources.files("simulator.scenario").joinpath("data/hardware.yaml").read_text("utf-8")
    raw = YAML(typ="safe", pure=True).load(text)
    return {str(k): HardwareEntry.model_validate(v) for k, v in raw.items()}


def catalogue(s: Scenario | None = None) -> dict[str, HardwareEntry]:
    """The shipped catalogue with a scenario's entries added, or merged field by field over the
    shipped ones of the same id."""
    out = dict(shipped_catalogue())
    for key, entry in (s.hardware if s is not None else {}).items():
        base = out.get(key)
        out[key] = entry if base is None else _merge(base, entry)
    return out


def _merge(base: HardwareEntry, over: HardwareEntry) -> HardwareEntry:
    update = {k: getattr(over, k) for k in over.model_fields_set}
    if over.tflops is not None and base.tflops is not None:
        update["tflops"] = base.tflops.model_copy(update={
            k: getattr(over.tflops, k) for k in over.tflops.model_fields_set})
    if "sources" in update:
        update["sources"] = {**base.sources, **over.sources}
    return base.model_copy(update=update)


def unit_peak(entry: HardwareEntry, precision: str) -> float:
    """Dense peak of one unit at a precision [TFLOPS]; 0 where unknown."""
    value = getattr(entry.tflops or Peak(), precision, None)
    return float(value) if value is not None else 0.0


def pool_precision(s: Scenario, typ: str) -> str | None:
    """The precision key ('fp64', ...) a compute type counts in, or None."""
    ct = s.compute_types.get(typ)
    return precision_key(ct.precision) if ct is not None else None


def uses_counting(s: Scenario) -> bool:
    """Whether a scenario uses hardware, equivalents, serves or counting rules (then the outputs
    gain capacity at each precision and the counting of targets)."""
    return (any(ct.equivalents or ct.serves for ct in s.compute_types.values())
            or any(tg.count != "pool" or tg.also_count for tg in s.targets)
            or any(p.hardware for f in s.facilities for p in f.phases)
            or any(st.hardware for st in s.pipeline))


# ---------------------------------------------------------------- checks
def check_counting(s: Scenario) -> tuple[list[Problem], list[Problem]]:
    """Hardware references, precisions, `serves` and counting rules. Returns (errors, warnings)."""
    errors: list[Problem] = []
    warns: list[Problem] = []
    types = list(s.compute_types)
    cat = catalogue(s)
    for t, ct in s.compute_types.items():
        for k in ct.equivalents:
            if precision_key(k) is None:
                errors.append(Problem(f"unknown precision {k!r}", loc=("compute_types", t,
                                      "equivalents", k, KEY_MARK), hint=_precisions()))
        for u in ct.serves:
            if u not in s.compute_types or u == t:
                errors.append(Problem(f"serves {u!r}, which is not another declared compute type",
                                      loc=("compute_types", t, "serves", u, KEY_MARK),
                                      hint=suggest(u, types) or f"declared: {', '.join(types)}"))
    for fi, f in enumerate(s.facilities):
        for pi, p in enumerate(f.phases):
            _check_phase(s, cat, p, ("facilities", fi, "phases", pi), errors, warns)
    for g, tg in enumerate(s.targets):
        for where, rule in [(("count",), tg.count)] + [(("also_count", i), r)
                                                        for i, r in enumerate(tg.also_count)]:
            _check_rule(s, rule, ("targets", g) + where, errors)
    return errors, warns


def _precisions() -> str:
    return f"one of {', '.join(PRECISIONS)}; bf16 counts as fp16"


def _check_phase(s, cat, p, loc, errors, warns) -> None:
    if not p.hardware:
        if p.type is not None:
            errors.append(Problem("'type' applies to a phase with hardware", loc=loc + ("type",),
                                  hint="give hardware: {id: units}, or drop type"))
        if not p.capacity:
            errors.append(Problem("needs the capacity of at least one compute type (e.g. capacity: "
                                  "{ai: 50P}) or hardware units with a type", loc=loc,
                                  hint="e.g. hardware: {h20: 2000} with type: ai"))
        return
    if p.type is None or p.type not in s.compute_types:
        what = "needs 'type'" if p.type is None else f"type {p.type!r} is not declared"
        errors.append(Problem(f"a phase with hardware {what}", loc=loc + (("type",) if p.type else ()),
                              hint=suggest(p.type, s.compute_types) if p.type else
                              "the compute type its units serve, e.g. type: ai"))
        return
    prec = pool_precision(s, p.type)
    if prec is None:
        errors.append(Problem(f"compute type {p.type!r} has no precision capsim counts in, so its "
                              f"hardware cannot be converted to P", loc=("compute_types", p.type),
                              hint=f"precision: {_precisions()}"))
        return
    for hw in p.hardware:
        entry = cat.get(hw)
        if entry is None:
            errors.append(Problem(f"unknown hardware {hw!r}", loc=loc + ("hardware", hw, KEY_MARK),
                                  hint=suggest(hw, cat) or "see `capsim hardware`, or add it "
                                  "under hardware:"))
        elif unit_peak(entry, prec) <= 0:
            errors.append(Problem(f"hardware {hw!r} has no known {prec} peak, so it adds no "
                                  f"{p.type} capacity", loc=loc + ("hardware", hw),
                                  hint=f"give hardware.{hw}.tflops.{prec} with its source"))
        elif entry.power_kw is None and p.power_kw is None:
            warns.append(Problem(f"the power per unit of {hw!r} is unknown: the phase's power "
                                 f"counts at power_kw_per_p of {p.type!r}", loc=loc + ("hardware", hw)))


def _check_rule(s, rule, loc, errors) -> None:
    if isinstance(rule, CountPrecision) and precision_key(rule.precision) is None:
        errors.append(Problem(f"unknown precision {rule.precision!r}", loc=loc + ("precision",),
                              hint=_precisions()))
    if isinstance(rule, CountTypes):
        for i, t in enumerate(rule.types):
            if t not in s.compute_types:
                errors.append(Problem(f"compute type {t!r} is not declared in compute_types",
                                      loc=loc + ("types", i), hint=suggest(t, s.compute_types)))


# ---------------------------------------------------------------- resolution
def resolve_hardware(s: Scenario) -> Scenario:
    """Fill in capacity, capex and power of phases given in hardware units (a valid scenario).

    Capacity = units x peak at the pool's precision / 1000 [P]. Capex [million CNY] and IT power
    [kW] come from the catalogue when every unit's value is known, unless the phase gives them
    or its facility sets a value per P of the type (the catalogue is more specific than the
    scenario's defaults, which apply where the catalogue does not know)."""
    if not any(p.hardware for f in s.facilities for p in f.phases):
        return s
    cat = catalogue(s)
    facilities = []
    for f in s.facilities:
        phases = [_resolve_phase(s, f, p, cat) if p.hardware else p for p in f.phases]
        facilities.append(f.model_copy(update={"phases": phases}))
    return s.model_copy(update={"facilities": facilities})


def resolve_phase(s, f, p):
    """Phase p of facility f (given in hardware units) with capacity, capex and power filled in
    as `resolve_hardware` does."""
    return _resolve_phase(s, f, p, catalogue(s))


def _resolve_phase(s, f, p, cat):
    prec = pool_precision(s, p.type)
    entries = [(cat[hw], n) for hw, n in p.hardware.items()]
    update = {}
    if not p.capacity:
        update["capacity"] = {p.type: sum(n * unit_peak(e, prec) for e, n in entries) / TFLOPS_PER_P}
    if p.capex is None and p.type not in f.capex_per_p and all(e.capex_cny is not None
                                                               for e, _ in entries):
        update["capex"] = sum(n * e.capex_cny for e, n in entries) / 1e6
    if p.power_kw is None and p.type not in f.power_kw_per_p and all(e.power_kw is not None
                                                                     for e, _ in entries):
        update["power_kw"] = sum(n * e.power_kw for e, n in entries)
    lives = [e.lifetime_months for e, _ in entries]
    if p.lifetime_months is None and p.retire is None and None not in lives:
        update["lifetime_months"] = int(min(lives))  # the first units to age out retire it
    return p.model_copy(update=update)


def dump(s: Scenario, **kw) -> dict:
    """`s.model_dump(mode="json", by_alias=True, **kw)` without the counting fields left at their
    defaults, so that a scenario that does not use them dumps (and hashes) as before they
    existed."""
    d = s.model_dump(mode="json", by_alias=True, **kw)

    def strip(obj: dict, defaults: dict) -> None:
        for key, value in defaults.items():
            if key in obj and obj[key] == value:
                del obj[key]

    strip(d, {"hardware": {}})
    for ct in d.get("compute_types", {}).values():
        strip(ct, {"equivalents": {}, "serves": {}})
    for tg in d.get("targets", []):
        strip(tg, {"count": "pool", "also_count": []})
    for f, fd in zip(s.facilities, d.get("facilities", [])):
        for p, pd in zip(f.phases, fd.get("phases", [])):
            strip(pd, {"hardware": {}, "type": None, "power_kw": None})
            if p.hardware:  # what follows from the units is left out: a change of units counts
                strip(pd, _derived(s, f, p))
    return d


def _derived(s: Scenario, f, p) -> dict:
    """The capacity, power and capex a phase in units would have if it gave none, as dumped."""
    bare = p.model_copy(update={"capacity": {}, "power_kw": None, "capex": None,
                                "lifetime_months": None})
    return _resolve_phase(s, f, bare, catalogue(s)).model_dump(
        mode="json", include={"capacity", "power_kw", "capex", "lifetime_months"})
