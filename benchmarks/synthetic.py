"""Synthetic scenarios of any size: N facilities, M tenants, H months (for benchmarks and tests)."""

from __future__ import annotations

import numpy as np

TYPES = ("ai", "hpc", "general")


def _month(start_year: int, index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{start_year + year:04d}-{month0 + 1:02d}"


def synthetic_scenario(facilities: int = 10, tenants: int = 50, months: int = 60,
                       seed: int = 0) -> dict:
    """A valid scenario mapping: two phases per facility (one built, one with an uncertain
    build, some chained with `after`), tenants signed and negotiating (a tenth pinned), two
    events and a target per type. Sizes scale linearly; the numbers are plausible, not real."""
    rng = np.random.default_rng(seed)
    y0 = 2024
    facs = []
    for f in range(facilities):
        typ = TYPES[f % len(TYPES)]
        start = int(rng.integers(0, max(1, months // 2)))
        low = float(rng.integers(4, 12))
        facs.append({
            "id": f"f{f}", "name": f"Facility {f}",
            "phases": [
                {"id": "p1", "capacity": {typ: f"{int(rng.integers(20, 200))}P"},
                 "online": _month(y0, int(rng.integers(-12, max(1, months // 3))))},
                {"id": "p2", "capacity": {typ: f"{int(rng.integers(50, 500))}P"},
                 "start": _month(y0, start), "after": "p1" if f % 2 else None,
                 "build_months": {"min": low, "mode": low + 3, "max": low + 12},
                 "lifetime_months": 120},
            ],
        })
        if facs[-1]["phases"][1]["after"] is None:
            del facs[-1]["phases"][1]["after"]
    ten = []
    for t in range(tenants):
        typ = TYPES[t % len(TYPES)]
        entry = {"id": f"t{t}", "name": f"Tenant {t}",
                 "demand": {typ: f"{float(rng.uniform(0.5, 20)):.2f}P"},
                 "ramp_months": int(rng.integers(0, 12)), "growth": f"{int(rng.integers(0, 40))}%"}
        first = int(rng.integers(0, max(1, months - 1)))
        if t % 3 == 2:
            last = min(months - 1, first + int(rng.integers(0, 12)))
            entry.update(status="negotiating", probability=round(float(rng.uniform(0.2, 0.9)), 2),
                         sign={"earliest": _month(y0, first), "latest": _month(y0, last)})
        else:
            entry["from"] = _month(y0, first)
        if t % 10 == 0 and facilities:
            f = int(rng.integers(0, facilities))
            entry["facility"] = f"f{f}"
            entry["demand"] = {TYPES[f % len(TYPES)]: entry["demand"][typ]}
        ten.append(entry)
    return {
        "name": f"synthetic {facilities}x{tenants}x{months}",
        "start": _month(y0, 0), "end": _month(y0, months - 1), "seed": seed,
        "compute_types": {t: {"label": t.upper()} for t in TYPES},
        "targets": [{"type": t, "capacity": f"{facilities * 100}P", "by": _month(y0, months - 1)}
                    for t in TYPES],
        "defaults": {"power_kw_per_p": {"ai": 3.0, "hpc": 25, "general": 10},
                     "capex_per_p": {"ai": 1.0, "hpc": 19, "general": 5},
                     "price_per_p_month": {"ai": 9000, "hpc": 170000, "general": 45000}},
        "facilities": facs, "tenants": ten,
        "scheduling": {"policy": "priority", "max_utilization": 0.95,
                       "leave_after_unserved_months": 6},
        "events": [{"id": f"e{i}", "probability": 0.5,
                    "window": {"from": _month(y0, 0), "to": _month(y0, months - 1)},
                    "delay": {"types": [TYPES[i]], "months": {"min": 2, "mode": 4, "max": 9}}}
                   for i in range(2)],
    }
