"""Cross-checks of the market and money sections: declared types, prices the market needs."""

from __future__ import annotations

from simulator.errors import Problem
from simulator.scenario.messages import KEY_MARK
from simulator.units import format_month


def check_money(c) -> None:
    """Market types are declared; spillover names its outside price; sales windows are ordered;
    per-type vouchers name declared types. `c` is validate's collector (s, errors, need_type)."""
    s = c.s
    for typ, offer in (s.market or {}).items():
        loc = ("market", typ)
        c.need_type(typ, loc + (KEY_MARK,))
        if offer.spillover and offer.outside_price is None:
            c.errors.append(Problem("spillover needs the price paid outside", loc=loc,
                                    hint="add outside_price: CNY per P-month"))
        serving = [t for t, ct in s.compute_types.items() if ct.serves]
        if offer.spillover and serving:  # the engine spills before pools serve across
            c.errors.append(Problem(f"spillover and 'serves' ({', '.join(serving)}) cannot be "
                                    f"used together yet", loc=loc + ("spillover",),
                                    hint="drop one of them: capsim does not yet order buying "
                                         "outside after serving across pools"))
        if offer.from_ is not None and offer.until is not None and offer.until < offer.from_:
            c.errors.append(Problem(f"until {format_month(offer.until)} is before from "
                                    f"{format_month(offer.from_)}", loc=loc + ("until",)))
    vouchers = s.money.subsidy.per_p_month if s.money is not None else None
    if isinstance(vouchers, dict):
        for typ in vouchers:
            c.need_type(typ, ("money", "subsidy", "per_p_month", typ, KEY_MARK))
