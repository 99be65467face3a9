"""Cross-checks of the project pipeline and of the event fields that change capacity."""

from __future__ import annotations

import math

from simulator.errors import Problem
from simulator.scenario.messages import suggest
from simulator.scenario.switch import check_stream_hardware, check_switch
from simulator.units import format_month

MAX_EXPECTED_PROJECTS = 200  # mean announcements per stream; beyond, the slot arrays get large


def check_pipeline(found) -> None:
    """Streams: unique ids that clash with no facility, declared types, known facilities,
    windows in order, a mean count the engine can hold. `found` is validate's _Found."""
    s = found.s
    facility_ids = [f.id for f in s.facilities]
    seen = set()
    for i, st in enumerate(s.pipeline):
        loc = ("pipeline", i)
        if st.id in seen:
            found.errors.append(Problem(f"duplicate stream id {st.id!r}", loc=loc,
                                        hint="ids must be unique"))
        seen.add(st.id)
        if st.facility is None and st.id in facility_ids:
            found.errors.append(Problem(
                f"stream id {st.id!r} is also a facility id; its projects would need a new "
                f"facility of that name", loc=loc + ("id",),
                hint=f"rename the stream, or say facility: {st.id} to add phases to it"))
        found.need_type(st.type, loc + ("type",))
        if st.facility is not None and st.facility not in facility_ids:
            found.errors.append(Problem(f"unknown facility {st.facility!r}", loc=loc + ("facility",),
                                        hint=suggest(st.facility, facility_ids) or
                                        f"facilities: {', '.join(facility_ids)}"))
        if st.window.to < st.window.from_:
            found.errors.append(Problem(f"window ends ({format_month(st.window.to)}) before it "
                                        f"begins ({format_month(st.window.from_)})",
                                        loc=loc + ("window",)))
        elif expected_count(st) > MAX_EXPECTED_PROJECTS:
            found.errors.append(Problem(
                f"{expected_count(st):.0f} projects expected in the window; at most "
                f"{MAX_EXPECTED_PROJECTS} a stream", loc=loc + ("rate_per_year",),
                hint="split the stream, or model bigger projects"))
        if st.approve_when is not None:
            for k, t in enumerate(st.approve_when.types):
                found.need_type(t, loc + ("approve_when", "types", k))
        check_stream_hardware(found, i, st)


def expected_count(stream) -> float:
    """Mean number of announcements of a stream: rate x window length [projects]."""
    months = stream.window.to - stream.window.from_ + 1
    return stream.rate_per_year * max(months, 0) / 12.0


def check_event_fields(found, ei: int, e) -> None:
    """An event does something (delay, capacity_factor and/or switch); capacity_factor has
    types; a switch names catalogue hardware (`switch.check_switch`)."""
    loc = ("events", ei)
    if e.delay is None and e.capacity_factor is None and e.switch is None:
        found.errors.append(Problem("the event changes nothing: give 'delay', 'capacity_factor' "
                                    "and/or 'switch'", loc=loc,
                                    hint="e.g. delay: {types: [ai], months: 6}"))
    if e.switch is not None:
        check_switch(found, ei, e)
    if e.capacity_factor is not None and not e.factor_types:
        found.errors.append(Problem("'capacity_factor' needs the types it applies to", loc=loc,
                                    hint="add types: [ai] (or a delay with types)"))
    for k, t in enumerate(e.types or []):
        found.need_type(t, loc + ("types", k))
    if e.capacity_factor is not None and math.isclose(e.capacity_factor, 1.0):
        found.warns.append(Problem("capacity_factor 1 changes nothing",
                                   loc=loc + ("capacity_factor",)))
