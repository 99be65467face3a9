"""KPIs of compared scenarios over the months they share: totals over different horizons
(a what-if that runs a year longer) would compare the extra year, not the scenarios."""

from __future__ import annotations

import numpy as np

from simulator.ensemble.reduce import monthly_rows

# KPI -> (monthly metric it sums, how months combine): the KPIs that come from monthly values
MONTHLY_KPIS = {"unmet_p_months": ("unmet_p", "sum"), "idle_p_months": ("idle_p", "sum"),
                "served_p_months": ("served_p", "sum"), "demand_p_months": ("demand_p", "sum"),
                "capex_mcny": ("capex_mcny", "sum"), "energy_mwh": ("energy_mwh", "sum"),
                "electricity_cost_mcny": ("energy_cost_mcny", "sum"),
                "revenue_mcny": ("revenue_mcny", "sum"), "peak_site_power_mw": ("power_mw", "max")}


def shared_window(scenarios) -> tuple[int, int] | None:
    """(first, last) month index every scenario simulates, when their horizons differ; None
    when they are the same (then KPIs are compared as they are)."""
    spans = {(s.start, s.end) for s in scenarios}
    if len(spans) == 1:
        return None
    return max(s.start for s in scenarios), min(s.end for s in scenarios)


def window_values(ens, name: str, typ: str | None, window: tuple[int, int]) -> np.ndarray | None:
    """Per-replication values of a monthly KPI over `window` (month indices, inclusive): one
    type's, all types' summed ('all'), or the total (None). None for a KPI not made of months."""
    if name not in MONTHLY_KPIS:
        return None
    metric, how = MONTHLY_KPIS[name]
    c = ens.compiled
    index = set(monthly_rows(c))
    types = ["all"] if typ is None else (list(c.types) if typ == "all" else [typ])
    rows = [(metric, t, "all") for t in types if (metric, t, "all") in index]
    if not rows:
        return None
    a, b = window[0] - ens.scenario.start, window[1] - ens.scenario.start
    per_month = ens.reduced.rows(rows)[:, a:b + 1, :].astype(np.float64).sum(axis=0)  # (m, R)
    return per_month.sum(axis=0) if how == "sum" else per_month.max(axis=0)


def window_rows(scenarios) -> list[tuple[str, str, str]]:
    """The monthly rows `window_values` reads per replication (run_ensemble(...,
    keep_rows=...) keeps them): the metrics of MONTHLY_KPIS for every type and in total."""
    types = list(dict.fromkeys(t for s in scenarios for t in s.compute_types)) + ["all"]
    return [(metric, t, "all") for metric, _ in MONTHLY_KPIS.values() for t in types]
