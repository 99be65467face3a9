"""The market and price inputs `capsim sensitivity` swings, and the NPV it reports for them."""

from __future__ import annotations

import numpy as np

MARKET_SWING = 0.5  # market shares, market and outside prices and the rent decline: x0.5 and x1.5


def market_inputs(s, make) -> list:
    """UncertainInputs (built by `make(path, kind, base, low, high)`) for the market and rents:
    each market's share_of_idle and price_per_p_month, the outside price of spillover, and
    the yearly rent decline, each swung by -50 % and +50 % (shares and the decline capped
    below 1). None for a scenario without them."""
    out = []
    for typ, o in (s.market or {}).items():
        if o.share_of_idle > 0:
            out.append(make(f"market.{typ}.share_of_idle", "market_share", o.share_of_idle,
                            *_swing(o.share_of_idle, 1.0)))
        if o.share_of_idle > 0 and o.price_per_p_month > 0:
            out.append(make(f"market.{typ}.price_per_p_month", "price", o.price_per_p_month,
                            *_swing(o.price_per_p_month)))
        if o.spillover and o.outside_price:
            out.append(make(f"market.{typ}.outside_price", "price", o.outside_price,
                            *_swing(o.outside_price)))
    d = s.defaults.price_decline
    if d > 0:
        out.append(make("defaults.price_decline", "price_decline", d, *_swing(d, 0.99)))
    return out


def _swing(value: float, cap: float = np.inf) -> tuple[float, float]:
    return (round(value * (1 - MARKET_SWING), 9),
            round(min(value * (1 + MARKET_SWING), cap), 9))


def npv_mean(ens) -> float:
    """Mean NPV over every operator [million CNY], or nan without money."""
    values = ens.reduced.kpis.get("npv_mcny")
    return float(values.mean()) if values is not None else float("nan")
