"""The outside market and the bills: idle capacity sold after local tenants, local shortfall
bought outside (spillover), rents that fall and are discounted, and what each month is billed.

Order within a month (in `processes.step`): local tenants are served per type; the shortfall of
a type with `spillover` is bought outside (served outside, not unmet); then the platform sells
up to `share_of_idle` of every facility's idle usable capacity to outside buyers; then rents are
priced (with the yearly decline and the low-utilisation discount) and billed per tenant entry
and facility. Nothing here runs unless the scenario has a market, money or moving prices.

Only the spillover is bought within the month (it decides who is short). Nothing that plays
later depends on the sales, rents or bills, so `MarketWork.finish` works them out once after
the last month, for all months at once (bills a few months at a time), from what the month
steps recorded: the same operations on the same values as month by month, the same bits.
With the kernels (`simulator.jit`) the sales, rents, busy, utilisation and the result's
economics take one pass (`market_kernels.sell_and_price`) and each type's bills another
(`sum_kernels.bills`); the numpy paths are kept and give the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import jit
from simulator.engine import market_kernels, sum_kernels
from simulator.engine.record import fixed_total, month_major, month_major_block, seq_sum
from simulator.engine.run_result import HOURS_PER_MONTH, utilization

FIXED_P = 2.0 ** 24  # settlement P-months in fixed point (sums exact whatever the batching)
FIXED_CNY = 2.0 ** 8  # settlement amounts in fixed point [CNY / FIXED_CNY]
GRID_VALUES = 2 ** 18  # bills are worked out a few months at a time: at most this many values


@dataclass(frozen=True)
class MarketSpec:
    """The market, price and money inputs of a scenario as arrays (types T, months H)."""

    share: np.ndarray  # (T,) most of the idle usable capacity sold outside [fraction]
    price: np.ndarray  # (T,) outside buyers' rent at `start` [CNY/(P*month)]
    active: np.ndarray  # (H, T) bool: the market of the type is open that month
    ramp: np.ndarray  # (H, T) ramp factor of sales, 0..1
    demand: np.ndarray  # (H, T) outside demand [P] (inf: no limit)
    spill: np.ndarray  # (H, T) bool: shortfall is bought outside that month
    outside_price: np.ndarray  # (T,) paid outside for spillover at `start` [CNY/(P*month)]
    resale_price: np.ndarray  # (T,) paid by tenants for spillover at `start` [CNY/(P*month)]
    decline: np.ndarray  # (H,) factor on every rent: (1 - price_decline)^(m/12)
    discount: tuple[float, float] | None  # (utilisation level, share off) or None
    voucher: np.ndarray  # (T,) subsidy per local P-month served [CNY/(P*month)]
    uses_money: bool  # the money outputs are written


def compile_market(s, types: tuple[str, ...]) -> MarketSpec | None:
    """The MarketSpec of a scenario, or None when it has no market, money or moving prices."""
    d = s.defaults
    if not s.uses_money and d.price_decline == 0 and d.discount_below is None:
        return None
    H, T = s.months, len(types)
    m = np.arange(H, dtype=float)[:, None]
    share, price, outside, first, last, ramp, dem, growth, spill = (np.zeros(T) for _ in range(9))
    last[:], dem[:], first[:] = np.inf, np.inf, 0.0
    spill = np.zeros(T, dtype=bool)
    for t, typ in enumerate(types):
        o = (s.market or {}).get(typ)
        if o is None:
            continue
        share[t], price[t], ramp[t], growth[t] = (o.share_of_idle, o.price_per_p_month,
                                                  o.ramp_months, o.growth)
        first[t] = 0.0 if o.from_ is None else float(o.from_ - s.start)
        last[t] = np.inf if o.until is None else float(o.until - s.start)
        dem[t] = np.inf if o.demand is None else o.demand
        spill[t], outside[t] = o.spillover, o.outside_price or 0.0
    k = m - first
    active = (k >= 0) & (m <= last)
    with np.errstate(divide="ignore", invalid="ignore"):
        rampf = np.where(ramp > 0, np.minimum(1.0, (k + 1) / np.where(ramp > 0, ramp, 1.0)), 1.0)
    money = s.money
    vouchers = money.subsidy.per_p_month if money is not None else 0.0
    voucher = np.array([vouchers.get(t, 0.0) if isinstance(vouchers, dict) else vouchers
                        for t in types], dtype=float)
    disc = d.discount_below
    return MarketSpec(
        share=share, price=price, active=active, ramp=np.where(active, rampf, 0.0),
        demand=np.where(np.isfinite(dem), dem * np.exp(np.maximum(k, 0) * np.log1p(growth) / 12),
                        np.inf),
        spill=active & spill, outside_price=outside,
        resale_price=np.array([d.price_per_p_month.get(t, 0.0) for t in types], dtype=float),
        decline=(1.0 - d.price_decline) ** (np.arange(H) / 12.0),
        discount=(disc.utilization, disc.share) if disc is not None else None,
        voucher=voucher, uses_money=s.uses_money)


def sell_idle(spec: MarketSpec, usable: np.ndarray, busy: np.ndarray) -> np.ndarray:
    """Capacity sold outside by month, facility and type (R, H, F, T) [P], from usable and
    busy capacity (R, H, F, T) [P].

    Each facility offers `share` of its idle usable capacity (usable - served locally); the
    market takes ramp x min(offered, outside demand), from each facility in proportion to
    what it offers. Nothing is sold in a month where no type's market is open.
    """
    offer = spec.share * np.maximum(usable - busy, 0.0)  # (R, H, F, T)
    total = seq_sum(offer, 2)  # (R, H, T)
    take = spec.ramp * np.minimum(total, spec.demand)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(total > 0, take / np.where(total > 0, total, 1.0), 0.0)
    sold = offer * frac[:, :, None, :]
    closed = ~spec.active.any(axis=1)  # (H,)
    if closed.any():
        sold[:, closed] = 0.0 * usable[:, closed]
    return sold


def local_price(spec: MarketSpec, base: np.ndarray, util: np.ndarray) -> np.ndarray:
    """Local rent by month (R, H, F, T) [CNY/(P*month)]: the base rent (F, T) times the
    decline, less the discount where a facility's utilisation `util` (busy / installed,
    (R, H, F, T)) of a type is below the level."""
    price = base[None, None] * spec.decline[None, :, None, None]
    if spec.discount is None:
        return np.broadcast_to(price, util.shape)
    level, off = spec.discount
    return price * np.where(util < level, 1.0 - off, 1.0)


class MarketWork:
    """The market's monthly record for a batch of R replications and its settlement sums."""

    def __init__(self, c, R: int):
        H, F, T = c.months, len(c.facilities), len(c.types)
        Ne = len(c.scenario.tenants)
        self.spec: MarketSpec = c.market

        def zeros(*shape):
            return np.zeros((H, R) + shape).swapaxes(0, 1)  # month-major, like MonthlyRecord

        # sold outside [P]; local rent and outside sales billed [million CNY per month]
        self.market_p, self.rent_mcny, self.market_mcny = month_major_block(3, R, H, (F, T),
                                                                            zero=True)
        self.spillover_p = zeros(T)  # bought outside for local tenants [P]
        self.settle_p_fx = np.zeros((H, Ne, F, T), dtype=np.int64)  # sum over R [P/FIXED_P]
        self.settle_cny_fx = np.zeros((H, Ne, F, T), dtype=np.int64)  # [CNY/FIXED_CNY]
        local = np.full((T, F), -2, dtype=np.intp)
        for t in range(T):
            facs = np.flatnonzero(c.offers[:, t])
            local[t, facs] = np.arange(facs.size)
        self.local, self.pin = local, c.tenant_pin
        # set by `finish`: busy (served + sold) and utilisation (R, H, F, T); with the
        # kernels also the result's power, energy, its cost and revenue (run_result)
        self.busy_p = self.util = self.economics = None

    def spill(self, m: int, t: int, unmet: np.ndarray) -> np.ndarray:
        """Buy type t's shortfall (R, n) outside if spillover is on; returns what stays unmet."""
        if not self.spec.spill[m, t]:
            return unmet
        self.spillover_p[:, m, t] = seq_sum(np.maximum(unmet, 0.0), 1)
        return np.zeros_like(unmet)

    def finish(self, c, rec) -> None:
        """After the last month: sell idle capacity, price the rents and bill tenants and
        buyers for every month, from the batch's record `rec` (engine.record.MonthlyRecord:
        installed and served by facility, and each type's tenants served, as allocated).
        Keeps busy (served + sold) and utilisation (busy / installed) (R, H, F, T) for the
        result."""
        fast = jit.enabled()
        if fast:
            self._sell_kernel(c, rec)
        price = None if fast else self._sell(c, rec.capacity_p, rec.served_p)
        for t, ty in rec.works.items():
            served = rec.tenant_srv[t]  # (H, R, n_t), as allocated (before serving across)
            if any(u == t for _, u in rec.before_serving):
                served = served.copy()
                for (m, u), before in rec.before_serving.items():
                    if u == t:
                        served[m] = before
            if fast:
                self._bill_kernel(c, t, ty, served, rec.served_p)
            else:
                self._bill(t, ty, served, rec.served_p, price)

    def _sell(self, c, installed, served_f) -> np.ndarray:
        """Sales, busy, utilisation, rents on the numpy path; returns the local price."""
        spec = self.spec
        sold = sell_idle(spec, installed * c.max_utilization, served_f)
        self.market_p[:] = sold
        self.busy_p = served_f + sold
        self.util = utilization(installed, self.busy_p)
        price = local_price(spec, c.price_per_p_month, self.util)
        np.multiply(served_f, price, out=self.rent_mcny)  # written in place: no temporaries
        self.rent_mcny /= 1e6
        np.multiply(sold, (spec.price[None, :] * spec.decline[:, None])[:, None],
                    out=self.market_mcny)
        self.market_mcny /= 1e6
        return price

    def _sell_kernel(self, c, rec) -> None:
        """`_sell` in one compiled pass (`market_kernels.sell_and_price`), month-major, with
        the result's economics (`economics`: power, energy, its cost, revenue, as
        `run_result._economics` gives them); the price is worked out again for the bills."""
        spec, installed = self.spec, rec.capacity_p
        R, H = installed.shape[:2]
        self.busy_p, self.util, *econ = month_major_block(6, R, H, installed.shape[2:])
        self.economics = dict(zip(("power_mw", "energy_mwh", "energy_cost_mcny",
                                   "revenue_mcny"), econ))
        energy_in = np.concatenate([np.ravel(a).astype(float) for a in (
            c.power_kw_per_p, c.pue, c.idle_share, c.electricity_price,
            [HOURS_PER_MONTH / 1000.0, 0.0 if rec.it_kw is None else 1.0])])
        mm = month_major(installed)
        market_kernels.sell_and_price(
            mm, month_major(rec.served_p), float(c.max_utilization), spec.share, spec.ramp,
            spec.demand, ~spec.active.any(axis=1), *self._price_inputs(c), spec.price,
            *(month_major(a) for a in (self.market_p, self.rent_mcny, self.market_mcny,
                                       self.busy_p, self.util)),
            mm if rec.it_kw is None else month_major(rec.it_kw), energy_in,
            *(month_major(a) for a in econ))

    def _price_inputs(self, c) -> tuple:
        """The local price's inputs for the kernels: base (F, T), decline (H,), the discount's
        level (NaN: none) and 1 - its share."""
        level, off = self.spec.discount if self.spec.discount is not None else (np.nan, 0.0)
        return (np.ascontiguousarray(c.price_per_p_month, dtype=float), self.spec.decline,
                float(level), 1.0 - off)

    def _bill_kernel(self, c, t, ty, served, served_f) -> None:
        """`_bill` in one compiled pass over the months (`sum_kernels.bills`)."""
        facs = ty.facs
        if not facs.size:
            return
        H, G = served.shape[0], len(ty.starts)
        out = np.empty((2, H, G, facs.size), dtype=np.int64)
        sum_kernels.bills(served, ty.starts.astype(np.int64),
                          np.append(ty.starts[1:], served.shape[2]).astype(np.int64),
                          self._pins(t, ty).astype(np.int64), facs.astype(np.int64), t,
                          month_major(served_f), month_major(self.util),
                          *self._price_inputs(c), FIXED_P, FIXED_CNY, out[0], out[1])
        self.settle_p_fx[:, ty.entries[:, None], facs[None, :], t] = out[0]
        self.settle_cny_fx[:, ty.entries[:, None], facs[None, :], t] = out[1]

    def _pins(self, t, ty) -> np.ndarray:
        """Each entry's facility as a local index of type t's facilities; -1 free (not
        pinned), -2 pinned where the type is not offered."""
        pin = self.pin[ty.cols[ty.starts]]
        return np.where(pin < 0, -1, self.local[t, pin])

    def _bill(self, t, ty, served, served_f, price) -> None:
        """Tenant entry x facility P-months and rent of type t in every month, summed over R
        (served (H, R, n_t) [P]; served_f and price (R, H, F, T)).

        Pinned tenants are served by their facility; the others share in proportion to what
        the unpinned demand took of each facility (as `allocation` spreads it)."""
        facs = ty.facs
        if not facs.size:
            return
        H, R, n, F = served.shape[0], served.shape[1], len(ty.starts), facs.size
        step = max(1, GRID_VALUES // max(1, R * n * F))  # months at a time: memory bounded
        for m0 in range(0, H, step):
            ms = slice(m0, min(H, m0 + step))
            self._bill_months(ms, t, ty, served[ms], served_f[:, ms].swapaxes(0, 1),
                              price[:, ms].swapaxes(0, 1))

    def _bill_months(self, ms, t, ty, served, served_f, price) -> None:
        """`_bill` for the months ms: served (h, R, n_t), served_f and price (h, R, F, T)."""
        facs = ty.facs
        per_entry = np.add.reduceat(served, ty.starts, axis=2)  # (h, R, Ne_t)
        pin = self._pins(t, ty)  # (Ne_t,) local index, -1 free, -2 unservable
        h, R, n, F = per_entry.shape + (facs.size,)
        free = np.flatnonzero(pin == -1)
        if free.size == n:  # every entry free: nothing pinned to take out first
            grid = None
            left = np.maximum(served_f[:, :, facs, t], 0.0)  # (h, R, F)
        else:
            grid = np.zeros((h, R, n, F))
            pinned = np.flatnonzero(pin >= 0)
            grid[:, :, pinned, pin[pinned]] = per_entry[:, :, pinned]
            left = np.maximum(served_f[:, :, facs, t] - grid.sum(axis=2), 0.0)
        tot = left.sum(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(tot > 0, left / np.where(tot > 0, tot, 1.0), 0.0)
        if grid is None:
            grid = per_entry[:, :, :, None] * ratio[:, :, None, :]
        else:
            grid[:, :, free, :] = per_entry[:, :, free, None] * ratio[:, :, None, :]
        cny = grid * price[:, :, None, facs, t]
        idx = np.ix_(np.arange(ms.start, ms.stop), ty.entries, facs)
        self.settle_p_fx[..., t][idx] = fixed_total(grid, FIXED_P, 1)
        self.settle_cny_fx[..., t][idx] = fixed_total(cny, FIXED_CNY, 1)
