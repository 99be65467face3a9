"""Bounded work, said up front: replications, workers and the drawn state checked against limits
and the memory there is, before anything is compiled or run (no I/O but reading the limits)."""

from __future__ import annotations

import os

from simulator.errors import Problem, ScenarioError
from simulator.scenario.schema import Scenario

MAX_REPLICATIONS = 10_000_000
MAX_TENANT_MONTHS = 20_000_000_000  # replications x tenants x months: hours of work beyond
MEMORY_SHARE = 0.5  # of the memory available now, what one command may plan to use
BATCH = 500  # replications side by side (ensemble.run.MAX_BATCH)
KEEP_LIMIT = 100_000  # per-replication outcomes kept up to this many (ensemble.run.KEEP_LIMIT)


def max_workers() -> int:
    """At most 4 per core, and never fewer than 32 (a cluster's worth on a big machine)."""
    return max(32, 4 * (os.cpu_count() or 1))


def available_bytes() -> int:
    """Memory available to a new process now (MemAvailable), else the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def sizes(s: Scenario) -> dict[str, int]:
    """Counts that set the work: months, types, facilities, phases, tenants, entries, ..."""
    return {"H": s.months, "T": len(s.compute_types), "F": len(s.facilities),
            "P": sum(len(f.phases) for f in s.facilities), "N": sum(t.count for t in s.tenants),
            "Ne": len(s.tenants), "G": len(s.targets), "E": len(s.events)}


def bytes_per_replication(s: Scenario) -> tuple[int, int]:
    """(bytes kept per replication: its outcomes, kept up to KEEP_LIMIT replications; bytes of
    one replication while it runs). The statistics themselves stream (`summary_bytes`)."""
    k = sizes(s)
    kept = 8 * (8 * k["T"] + 2 * k["G"] + 2 * k["P"] + 2 * k["N"] + k["E"])
    running = 8 * (k["H"] * (k["F"] * k["T"] * 8 + 6 * k["T"]) + k["N"] * (12 * k["T"] + 8))
    return kept, running


def summary_bytes(s: Scenario) -> int:
    """Rough bytes of the merged statistics: a few histogram bins (24 bytes) and exact sums
    per monthly series (reduce.monthly_rows), whatever the replication count."""
    k = sizes(s)
    rows = k["T"] * (7 * (k["F"] + 1) + 5) + 5
    return rows * k["H"] * (24 * 16 + 8 * 4)


def replication_bytes(c) -> int:
    """Rough bytes one replication of a batch needs while it plays and is reduced (`c` a
    Compiled scenario): some 32 (month, facility, type) float64 arrays and temporaries, the
    monthly tenant demand and served demand of each type, and its monthly rows three times."""
    H, F, T = c.months, len(c.facilities), len(c.types)
    tenant_columns = int((c.tenant_demand > 0).sum())
    rows = T * (7 * (F + 1) + 5) + 5
    return 8 * H * (32 * F * T + 2 * tenant_columns + 3 * rows)


def check_work(s: Scenario, replications: int, workers: int | None = None,
               variants: int = 1) -> None:
    """Raise ScenarioError (one line, the number that fits) when the work is beyond the limits:
    replications, workers, months x tenants x replications, or the memory it would take."""
    if workers is not None and workers > max_workers():
        raise ScenarioError(Problem(f"--workers {workers:,} is more than this machine can use; "
                                    f"at most {max_workers()} ({os.cpu_count()} cores)"))
    if replications > MAX_REPLICATIONS:
        raise ScenarioError(Problem(f"-n {replications:,} replications is beyond the limit of "
                                    f"{MAX_REPLICATIONS:,}", hint="10,000 already gives P(met) "
                                    "to about +-0.5 %"))
    k = sizes(s)
    work = replications * variants * max(k["N"], 1) * k["H"]
    if work > MAX_TENANT_MONTHS:
        fits = MAX_TENANT_MONTHS // (variants * max(k["N"], 1) * k["H"])
        raise ScenarioError(Problem(
            f"{replications * variants:,} replications x {k['N']:,} tenants x {k['H']:,} months "
            f"is {work:.1e} tenant-months, beyond the limit of {MAX_TENANT_MONTHS:.0e}; "
            f"at most {fits:,} replications fit", hint="lower -n, or group fewer tenants"))
    kept, running = bytes_per_replication(s)
    budget = int(available_bytes() * MEMORY_SHARE)
    in_flight = min(replications, BATCH) * max(1, workers or 1)
    need = min(replications, KEEP_LIMIT) * kept + in_flight * running + summary_bytes(s)
    if running > budget:
        raise ScenarioError(Problem(
            f"one replication of {k['N']:,} tenants over {k['H']:,} months needs "
            f"{running / 1e9:,.1f} GB while it runs; {budget / 1e9:,.1f} GB is available to it "
            f"(half the free memory)", hint="group fewer tenants (count) or shorten the horizon"))
    if need > budget:
        fits = max(1, (budget - in_flight * running - summary_bytes(s)) // kept)
        raise ScenarioError(Problem(
            f"-n {replications:,} replications would need about {need / 1e9:,.1f} GB; "
            f"{budget / 1e9:,.1f} GB is available to it (half the free memory); about {fits:,} "
            f"replications fit", hint="lower -n"))
