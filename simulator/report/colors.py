"""One colour language for every report: compute types have fixed colours; facilities and
tenants take stable colours keyed by their id (the same id, the same colour, in every run and
every scenario that has it); each legend says which of the two its colours mean."""

from __future__ import annotations

import zlib

# Compute types: fixed (Okabe-Ito, colour-blind safe); a type not listed takes one of the
# spares by its id.
TYPE_COLORS = {"hpc": "#0072B2", "ai": "#D55E00", "general": "#009E73", "throughput": "#E69F00"}
TYPE_SPARES = ("#CC79A7", "#56B4E9", "#F0E442", "#000000")

# Facilities and tenants: Paul Tol's muted scheme and two more, none of them a type colour.
ENTITY_COLORS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                 "#882255", "#AA4499", "#6699CC", "#AA7744", "#5A5A8C")
OTHER_COLOR = "#BBBBBB"  # "others" in a stacked chart

# Variants (compared scenarios, sweep lines): the reference dark grey, then colours no compute
# type uses; legends say "colour = scenario".
VARIANT_COLORS = ("#444444", "#AA4499", "#44AA99", "#DDCC77", "#88CCEE", "#882255", "#999933")


def _slot(key: str, n: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % n


def type_color(typ: str) -> str:
    return TYPE_COLORS.get(typ) or TYPE_SPARES[_slot(typ, len(TYPE_SPARES))]


def type_colors(types) -> dict[str, str]:
    return {typ: type_color(typ) for typ in types}


def entity_colors(ids) -> dict[str, str]:
    """A colour per facility or tenant id, from the id alone; where two ids of one chart fall
    on the same colour, the later id (in sorted order) takes the next free one."""
    taken: set[int] = set()
    out = {}
    n = len(ENTITY_COLORS)
    for key in sorted(set(ids)):
        slot = _slot(key, n)
        for step in range(n):
            if (slot + step) % n not in taken or len(taken) >= n:
                slot = (slot + step) % n
                break
        taken.add(slot)
        out[key] = ENTITY_COLORS[slot]
    return {key: out[key] for key in ids}
