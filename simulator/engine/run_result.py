"""What a batch of replications records: monthly numpy arrays, per-replication KPIs and targets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulator import jit
from simulator.engine import counting, result_kernels
from simulator.engine.arrays import Compiled
from simulator.engine.record import (FIXED, MonthlyRecord, month_major,  # noqa: F401
                                     month_major_block, seq_sum)

HOURS_PER_MONTH = 730.0

# KPIs per compute type and in total: (name, unit)
TYPE_KPIS = (
    ("mean_utilization", "fraction"),  # served P-months / installed P-months
    ("idle_p_months", "P*month"),  # installed - served
    ("unmet_p_months", "P*month"),
    ("peak_unmet_p", "P"),
    ("served_p_months", "P*month"),
    ("demand_p_months", "P*month"),
    ("tenants_lost", "tenants"),
)
TOTAL_KPIS = (
    ("capex_mcny", "million CNY"),
    ("energy_mwh", "MWh"),
    ("electricity_cost_mcny", "million CNY"),
    ("peak_site_power_mw", "MW"),
    ("revenue_mcny", "million CNY"),
)


@dataclass
class RunResult:
    """Replications of one scenario, replication axis first; months are indices from `start`.

    Arrays by facility and type are shaped (R, H, F, T); by type (R, H, T). Tenant arrays are
    summed over the replications (H, N_entries, T). A month of inf means never.
    """

    compiled: Compiled
    seed: int
    replications: list[int]
    capacity_p: np.ndarray  # installed and online [P]
    under_construction_p: np.ndarray  # [P]
    planned_p: np.ndarray  # not yet under construction [P]
    served_p: np.ndarray  # [P]
    power_mw: np.ndarray  # site power: IT power x PUE [MW]
    energy_mwh: np.ndarray  # [MWh per month]
    energy_cost_mcny: np.ndarray  # [million CNY per month]
    revenue_mcny: np.ndarray  # [million CNY per month]
    capex_mcny: np.ndarray  # (R, H, F) spent at construction start [million CNY]
    demand_p: np.ndarray  # (R, H, T) [P]
    unmet_p: np.ndarray  # (R, H, T) [P]
    tenant_demand_fx: np.ndarray  # (H, N_entries, T) sum over replications [P / FIXED]
    tenant_served_fx: np.ndarray  # the same for served demand
    phase_start: np.ndarray  # (R, P) construction start month
    phase_online: np.ndarray  # (R, P) online month
    tenant_signed_at: np.ndarray  # (R, N) sign month (instances)
    tenant_left_at: np.ndarray  # (R, N) month the tenant left
    event_at: np.ndarray  # (R, E) month the event hit
    events: int  # SimPy events the batch scheduled (for benchmarks)
    # counting (engine/counting.py, engine/serving.py)
    precision_p: np.ndarray | None = None  # (R, H, F, K) installed at each precision [P]
    served_from_other_p: np.ndarray | None = None  # (R, H, T) demand served by other pools [P]
    served_for_other_p: np.ndarray | None = None  # (R, H, T) own capacity used for others [P]
    pipeline: dict | None = None  # the pipeline's arrays (engine.pipeline_state), if any
    market: object = None  # engine.market.MarketWork: sold outside, spillover, bills; or None

    @classmethod
    def from_batch(cls, c: Compiled, rec: MonthlyRecord, outcomes: dict[str, np.ndarray],
                   seed: int, replications, events: int) -> "RunResult":
        """The whole result of a batch: its monthly record, the history and economics that
        follow from the final phase months, and the discrete outcomes (`outcomes`: phase_start,
        phase_online, tenant_signed_at, tenant_left_at, event_at)."""
        mk = rec.market
        if jit.enabled():
            history = _history_kernel(c, outcomes["phase_start"], outcomes["phase_online"],
                                      outcomes.get("pipeline"))
            if mk is not None:  # worked out with the sales (`MarketWork.finish`)
                util, economics = mk.util, mk.economics
            else:
                util, economics = _economics_kernel(c, rec)
        else:
            history = _history(c, outcomes["phase_start"], outcomes["phase_online"],
                               outcomes.get("pipeline"))
            util = utilization(rec.capacity_p, rec.served_p) if mk is None else mk.util
            economics = _economics(c, rec.capacity_p, rec.served_p, util, rec.it_kw,
                                   revenue=mk is None)
            if mk is not None:  # rents that move, and outside sales
                economics["revenue_mcny"] = mk.rent_mcny + mk.market_mcny
        out = cls(c, seed, list(replications), capacity_p=rec.capacity_p,
                  served_p=rec.served_p, demand_p=rec.demand_p, unmet_p=rec.unmet_p,
                  tenant_demand_fx=rec.tenant_demand_fx, tenant_served_fx=rec.tenant_served_fx,
                  **history, **economics, **outcomes, events=events,
                  precision_p=rec.precision_p, served_from_other_p=rec.served_from_other_p,
                  served_for_other_p=rec.served_for_other_p, market=mk)
        out.__dict__["utilization"] = util  # computed once, for energy and the statistics
        if mk is not None:
            out.__dict__["busy_p"] = mk.busy_p  # served + sold, as the market worked it out
        return out

    # ---------------------------------------------------------------- derived per replication
    @property
    def tenant_demand_p(self) -> np.ndarray:
        """Demand per tenant entry, summed over the replications (H, N_entries, T) [P]."""
        return self.tenant_demand_fx / FIXED

    @property
    def tenant_served_p(self) -> np.ndarray:
        """Served demand per tenant entry, summed over the replications (H, N_entries, T) [P]."""
        return self.tenant_served_fx / FIXED

    @cached_property
    def busy_p(self) -> np.ndarray:
        """Capacity in use: served to local tenants plus sold outside (R, H, F, T) [P]
        (worked out once)."""
        return self.served_p if self.market is None else self.served_p + self.market.market_p

    @cached_property
    def utilization(self) -> np.ndarray:
        """busy / installed per facility and type (0 where nothing is installed) (R,H,F,T)."""
        return utilization(self.capacity_p, self.busy_p)

    def type_sum(self, name: str) -> np.ndarray:
        """An (R, H, F, T) array summed over the facilities (R, H, T), once (`seq_sum`)."""
        sums = self.__dict__.setdefault("_type_sums", {})
        if name not in sums:
            sums[name] = seq_sum(getattr(self, name), 2)
        return sums[name]

    def type_capacity(self) -> np.ndarray:
        """Installed capacity of each type, all facilities (R, H, T) [P]."""
        return self.type_sum("capacity_p")

    def target_outcomes(self) -> dict[str, np.ndarray]:
        """Per target (R, G): capacity at `by`, gap, month met (inf: never), met or not."""
        c = self.compiled
        cap = self.type_capacity()[:, :, c.target_type]  # (R, H, G)
        if c.counting.enabled:
            cap = counting.primary_capacity(self, cap)
        goal = c.target_capacity
        reached = cap >= goal[None, None, :] * (1 - 1e-12)
        any_ = reached.any(axis=1)
        month_met = np.where(any_, reached.argmax(axis=1), np.inf)
        at_by = np.take_along_axis(cap, c.target_by[None, None, :].repeat(cap.shape[0], 0),
                                   axis=1)[:, 0, :]
        return {"capacity_p": at_by, "gap_p": goal[None, :] - at_by, "month_met": month_met,
                "met": month_met <= c.target_by[None, :]}

    def kpis(self) -> dict[str, np.ndarray]:
        """KPIs per replication: '<kpi>' (R, T) for TYPE_KPIS, (R,) for TOTAL_KPIS."""
        c = self.compiled
        installed = self.type_sum("capacity_p")  # (R, H, T)
        served = self.type_sum("served_p")
        busy = served if self.market is None else seq_sum(self.busy_p, 2)
        out = {}
        inst_sum, served_sum = seq_sum(installed, 1), seq_sum(served, 1)
        busy_sum = served_sum if self.market is None else seq_sum(busy, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mean_utilization"] = np.where(inst_sum > 0, busy_sum / np.where(
                inst_sum > 0, inst_sum, 1.0), 0.0)
        out["idle_p_months"] = seq_sum(installed - busy, 1)
        out["unmet_p_months"] = seq_sum(self.unmet_p, 1)
        out["peak_unmet_p"] = self.unmet_p.max(axis=1)
        out["served_p_months"] = served_sum
        out["demand_p_months"] = seq_sum(self.demand_p, 1)
        lost = np.isfinite(self.tenant_left_at) & (self.tenant_left_at < c.months)  # (R, N)
        uses = c.tenant_demand > 0  # (N, T)
        out["tenants_lost"] = lost.astype(float) @ uses.astype(float)
        total = lambda a: seq_sum(seq_sum(seq_sum(a, 3), 2), 1)  # noqa: E731
        out["capex_mcny"] = seq_sum(seq_sum(self.capex_mcny, 2), 1)
        out["energy_mwh"] = total(self.energy_mwh)
        out["electricity_cost_mcny"] = total(self.energy_cost_mcny)
        out["peak_site_power_mw"] = seq_sum(seq_sum(self.power_mw, 3), 2).max(axis=1)
        out["revenue_mcny"] = total(self.revenue_mcny)
        return out


def _history(c: Compiled, start: np.ndarray, online: np.ndarray, pipe: dict | None = None
             ) -> dict[str, np.ndarray]:
    """Under construction, planned and capex of every month, from the final phase months.

    A phase's months only ever change for the future (a shock moves an online month that has
    not come yet; a start is set when it happens), so the final months tell its state in every
    past month exactly.
    """
    m = np.arange(c.months, dtype=float)[None, :, None]
    st, on = start[:, None, :], online[:, None, :]
    first = c.facility_first_phase
    cap, capex, known = c.phase_capacity[None, None], c.phase_capex, True
    if pipe is not None:  # drawn sizes and capacity factors; known from announcement to drop
        cap, capex = pipe["phase_cap"][:, None], pipe["phase_capex"][:, None]
        known = (pipe["phase_announced"][:, None] <= m) & (m < pipe["phase_dropped"][:, None])
        cap = _capacity_by_month(c.months, cap, pipe["steps"])
    return {"under_construction_p": np.add.reduceat(((st <= m) & (m < on) & known)[..., None]
                                                    * cap, first, axis=2),
            "planned_p": np.add.reduceat(((m < st) & known)[..., None] * cap, first, axis=2),
            "capex_mcny": np.add.reduceat((st == m) * capex, first, axis=2)}


def _capacity_by_month(H: int, cap: np.ndarray, steps: list) -> np.ndarray:
    """Phase capacity (R, 1, P, T), or (R, H, P, T) as it was month by month where capacity
    factors changed it: before a factor hit, a phase held its earlier capacity [P]."""
    if not steps:
        return cap
    out = np.repeat(cap, H, axis=1)
    for month, reps, types, before in reversed(steps):  # latest first: earlier ones win
        months = np.flatnonzero(np.arange(H) < month)
        block = np.ix_(reps, months, np.arange(out.shape[2]), np.flatnonzero(types))
        out[block] = before[:, None]
    return out


def _economics(c: Compiled, capacity_p: np.ndarray, served_p: np.ndarray, util: np.ndarray,
               it_kw: np.ndarray | None = None, revenue: bool = True) -> dict[str, np.ndarray]:
    """Power, energy, its cost and revenue of every month, by facility and type (`util`: busy /
    installed, `utilization`; `it_kw`: the IT power [kW] where phases give their own, else
    capacity x power_kw_per_p; `revenue`: also served x the fixed rent)."""
    it_kw = capacity_p * c.power_kw_per_p if it_kw is None else it_kw
    pue = c.pue[:, None]
    idle = c.idle_share[:, None]
    energy = it_kw * (idle + (1.0 - idle) * util) * pue * (HOURS_PER_MONTH / 1000.0)
    out = {"power_mw": it_kw * pue / 1000.0, "energy_mwh": energy,
           "energy_cost_mcny": energy * c.electricity_price[:, None] / 1000.0}
    if revenue:
        out["revenue_mcny"] = served_p * c.price_per_p_month / 1e6
    return out


def _history_kernel(c: Compiled, start: np.ndarray, online: np.ndarray, pipe: dict | None
                    ) -> dict[str, np.ndarray]:
    """`_history` in one compiled pass (`result_kernels.history`); a pipeline's, or where a
    facility has more than 8 phases, on numpy."""
    if pipe is not None or np.diff(np.append(c.facility_first_phase, start.shape[1])).max() > 8:
        return _history(c, start, online, pipe)
    R, H, F, T = start.shape[0], c.months, len(c.facilities), len(c.types)
    under, planned = np.empty((2, R, H, F, T))  # one block: huge pages
    out = {"under_construction_p": under, "planned_p": planned, "capex_mcny": np.empty((R, H, F))}
    result_kernels.history(_f64(start), _f64(online), c.facility_first_phase.astype(np.int64),
                           _f64(c.phase_capacity), _f64(c.phase_capex), *out.values())
    return out


def _economics_kernel(c: Compiled, rec: MonthlyRecord) -> tuple[np.ndarray, dict]:
    """The utilisation and `_economics` in one compiled pass (`result_kernels.economics`),
    month-major like the record, where there is no market (its kernel does them)."""
    R, H = rec.capacity_p.shape[:2]
    *block, util = month_major_block(5, R, H, rec.capacity_p.shape[2:])
    out = dict(zip(("power_mw", "energy_mwh", "energy_cost_mcny", "revenue_mcny"), block))
    cap = month_major(rec.capacity_p)
    result_kernels.economics(
        cap, month_major(rec.served_p), cap if rec.it_kw is None else month_major(rec.it_kw),
        rec.it_kw is not None, _f64(c.power_kw_per_p), _f64(c.pue), _f64(c.idle_share),
        _f64(c.electricity_price), _f64(c.price_per_p_month), HOURS_PER_MONTH / 1000.0,
        *(month_major(a) for a in (util, *block)))
    return util, out


def _f64(a) -> np.ndarray:
    """a as a C-contiguous float64 array (what the kernels take)."""
    return np.ascontiguousarray(a, dtype=np.float64)


def utilization(capacity_p: np.ndarray, served_p: np.ndarray) -> np.ndarray:
    """served / installed (0 where nothing is installed), elementwise [fraction]."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(capacity_p > 0, served_p / np.where(capacity_p > 0, capacity_p, 1.0), 0.0)
