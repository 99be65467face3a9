"""What a batch of replications records: monthly numpy arrays, per-replication KPIs and targets."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.engine.arrays import Compiled

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


FIXED = 2.0 ** 24  # tenant sums are kept in fixed point, 2^-24 P: exact whatever the batching


def fixed_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-tenant-entry sums over replications of (R, n) values, as exact fixed-point integers
    (float sums would depend on how replications are batched)."""
    per_rep = np.add.reduceat(values, starts, axis=1)
    return np.rint(per_rep * FIXED).astype(np.int64).sum(axis=0)


def seq_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum along an axis first to last: the same bits whatever the batch size or array layout
    (numpy's pairwise summation depends on both)."""
    a = np.moveaxis(np.asarray(a, dtype=np.float64), axis, 0)
    if a.shape[0] == 0:
        return np.zeros(a.shape[1:])
    if a.shape[0] > 64:  # long axes: one cumulative sum, also sequential
        return np.cumsum(a, axis=0)[-1]
    out = a[0].copy()
    for x in a[1:]:
        out += x
    return out


@dataclass
class RunResult:
    """Replications of one scenario, replication axis first; months are indices from `start`.

    Arrays by facility and type are shaped (R, H, F, T); by type (R, H, T). Tenant arrays are
    summed over the replications (H, N_entries, T). A month of inf means never.
    """

    compiled: Compiled
    seed: int = 0
    replications: list[int] = field(default_factory=list)
    capacity_p: np.ndarray = None  # installed and online [P]
    under_construction_p: np.ndarray = None  # [P]
    planned_p: np.ndarray = None  # not yet under construction [P]
    served_p: np.ndarray = None  # [P]
    power_mw: np.ndarray = None  # site power: IT power x PUE [MW]
    energy_mwh: np.ndarray = None  # [MWh per month]
    energy_cost_mcny: np.ndarray = None  # [million CNY per month]
    revenue_mcny: np.ndarray = None  # [million CNY per month]
    capex_mcny: np.ndarray = None  # (R, H, F) spent at construction start [million CNY]
    demand_p: np.ndarray = None  # (R, H, T) [P]
    unmet_p: np.ndarray = None  # (R, H, T) [P]
    tenant_demand_fx: np.ndarray = None  # (H, N_entries, T) sum over replications [P / FIXED]
    tenant_served_fx: np.ndarray = None  # the same for served demand
    phase_start: np.ndarray = None  # (R, P) construction start month
    phase_online: np.ndarray = None  # (R, P) online month
    tenant_signed_at: np.ndarray = None  # (R, N) sign month (instances)
    tenant_left_at: np.ndarray = None  # (R, N) month the tenant left
    event_at: np.ndarray = None  # (R, E) month the event hit
    events: int = 0  # SimPy events the batch scheduled (for benchmarks)

    @classmethod
    def empty(cls, c: Compiled, R: int) -> "RunResult":
        """Zeroed arrays, stored month-major (a month's record is one contiguous block)."""
        H, F, T = c.months, len(c.facilities), len(c.types)
        Ne = len(c.scenario.tenants)

        def zeros(*shape):
            return np.zeros((H, R) + shape).swapaxes(0, 1)

        return cls(c, capacity_p=zeros(F, T), under_construction_p=zeros(F, T),
                   planned_p=zeros(F, T), served_p=zeros(F, T), power_mw=zeros(F, T),
                   energy_mwh=zeros(F, T), energy_cost_mcny=zeros(F, T),
                   revenue_mcny=zeros(F, T), capex_mcny=zeros(F), demand_p=zeros(T),
                   unmet_p=zeros(T), tenant_demand_fx=np.zeros((H, Ne, T), dtype=np.int64),
                   tenant_served_fx=np.zeros((H, Ne, T), dtype=np.int64))

    def record_type(self, m: int, t: int, work, demand, served, unmet) -> None:
        """Store month m of type t: tenant demand, served and unmet (R, n_t) [P]."""
        self.demand_p[:, m, t] = seq_sum(demand, 1)
        self.unmet_p[:, m, t] = seq_sum(np.maximum(unmet, 0.0), 1)
        self.tenant_demand_fx[m, work.entries, t] = fixed_sum(demand, work.starts)
        self.tenant_served_fx[m, work.entries, t] = fixed_sum(served, work.starts)

    def finish(self, batch, seed: int, replications) -> None:
        """Complete the monthly arrays and keep the discrete outcomes of the batch."""
        self.seed, self.replications = seed, list(replications)
        self._history(batch.start, batch.online)
        self._economics()
        self.phase_start, self.phase_online = batch.start.copy(), batch.online.copy()
        self.tenant_signed_at, self.tenant_left_at = batch.signed_at, batch.left_at
        self.event_at = batch.event_at
        counter = getattr(batch.env, "_eid", None)  # SimPy numbers every scheduled event
        self.events = next(counter) if counter is not None else 0

    def _history(self, start: np.ndarray, online: np.ndarray) -> None:
        """Under construction, planned and capex of every month, from the final phase months.

        A phase's months only ever change for the future (a shock moves an online month that
        has not come yet; a start is set when it happens), so the final months tell its state
        in every past month exactly.
        """
        c = self.compiled
        m = np.arange(c.months, dtype=float)[None, :, None]
        st, on = start[:, None, :], online[:, None, :]
        first = c.facility_first_phase
        cap = c.phase_capacity[None, None]
        self.under_construction_p[...] = np.add.reduceat(
            ((st <= m) & (m < on))[..., None] * cap, first, axis=2)
        self.planned_p[...] = np.add.reduceat((m < st)[..., None] * cap, first, axis=2)
        self.capex_mcny[...] = np.add.reduceat((st == m) * c.phase_capex, first, axis=2)

    def _economics(self) -> None:
        """Power, energy, its cost and revenue of every month, by facility and type."""
        c = self.compiled
        it_kw = self.capacity_p * c.power_kw_per_p
        pue = c.pue[:, None]
        self.power_mw[...] = it_kw * pue / 1000.0
        idle = c.idle_share[:, None]
        energy = it_kw * (idle + (1.0 - idle) * self.utilization) * pue * (HOURS_PER_MONTH / 1000.0)
        self.energy_mwh[...] = energy
        self.energy_cost_mcny[...] = energy * c.electricity_price[:, None] / 1000.0
        self.revenue_mcny[...] = self.served_p * c.price_per_p_month / 1e6

    # ---------------------------------------------------------------- derived per replication
    @property
    def tenant_demand_p(self) -> np.ndarray:
        """Demand per tenant entry, summed over the replications (H, N_entries, T) [P]."""
        return self.tenant_demand_fx / FIXED

    @property
    def tenant_served_p(self) -> np.ndarray:
        """Served demand per tenant entry, summed over the replications (H, N_entries, T) [P]."""
        return self.tenant_served_fx / FIXED

    @property
    def utilization(self) -> np.ndarray:
        """served / installed per facility and type (0 where nothing is installed) (R,H,F,T)."""
        cap = self.capacity_p
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cap > 0, self.served_p / np.where(cap > 0, cap, 1.0), 0.0)

    def type_capacity(self) -> np.ndarray:
        """Installed capacity of each type, all facilities (R, H, T) [P]."""
        return seq_sum(self.capacity_p, 2)

    def target_outcomes(self) -> dict[str, np.ndarray]:
        """Per target (R, G): capacity at `by`, gap, month met (inf: never), met or not."""
        c = self.compiled
        cap = self.type_capacity()[:, :, c.target_type]  # (R, H, G)
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
        installed = seq_sum(self.capacity_p, 2)  # (R, H, T)
        served = seq_sum(self.served_p, 2)
        out = {}
        inst_sum, served_sum = seq_sum(installed, 1), seq_sum(served, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mean_utilization"] = np.where(inst_sum > 0, served_sum / np.where(
                inst_sum > 0, inst_sum, 1.0), 0.0)
        out["idle_p_months"] = seq_sum(installed - served, 1)
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
