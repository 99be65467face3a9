"""Monte Carlo ensembles: batches of replications over any Executor, merged into statistics."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from simulator.engine.arrays import Compiled, compile_scenario
from simulator.errors import SimulationError
from simulator.engine.processes import simulate_batch
from simulator.scenario.hardware import dump
from simulator.scenario.schema import DEFAULT_REPLICATIONS, Scenario
from simulator.ensemble.reduce import Reduced, combine, reduce_result
from simulator.ensemble import money_stats, pipeline_tables, tables

MAX_BATCH = 500  # replications simulated side by side in one SimPy environment


def run_batch(c: Compiled, seed: int, replications: list[int]) -> Reduced:
    """Simulate a batch and reduce it: the unit of work sent to an executor."""
    return reduce_result(simulate_batch(c, seed, replications))


def batches(replications: int, workers: int = 1, size: int | None = None) -> list[range]:
    """Split 0..n-1 into batches (ranges, not lists: a large -n costs no memory up front):
    about four per worker, at most MAX_BATCH each."""
    if size is None:
        size = max(1, min(MAX_BATCH, -(-replications // max(1, 4 * workers))))
    return [range(a, min(a + size, replications)) for a in range(0, replications, size)]


def scenario_hash(s: Scenario) -> str:
    """sha256 of the resolved scenario's canonical JSON: the same inputs give the same hash."""
    text = json.dumps(dump(s), sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Ensemble:
    """Replications of one scenario and their statistics (tables are pandas DataFrames)."""

    compiled: Compiled
    seed: int
    reduced: Reduced

    @property
    def scenario(self) -> Scenario:
        return self.compiled.scenario

    @property
    def replications(self) -> int:
        return self.reduced.n

    @property
    def hash(self) -> str:
        return scenario_hash(self.scenario)

    @property
    def targets(self):
        """Per target: probability_met (and its standard error), capacity, gap, month met."""
        return tables.target_table(self.compiled, self.reduced)

    @property
    def monthly(self):
        """month, type, facility, metric, mean, p10, p50, p90."""
        return tables.monthly_table(self.compiled, self.reduced)

    @property
    def kpis(self):
        """kpi, type, unit, mean, p10, p50, p90."""
        return tables.kpi_table(self.compiled, self.reduced)

    @property
    def phases(self):
        return tables.phase_table(self.compiled, self.reduced)

    @property
    def tenants(self):
        """Per tenant entry: status, P(signed), P(left), demand."""
        return tables.tenant_table(self.compiled, self.reduced)

    @property
    def counting(self):
        """Per target and counting rule: P(met), capacity and gap at the deadline, month met."""
        from simulator.ensemble.counting import counting_table

        return counting_table(self.compiled, self.reduced)

    @property
    def pipeline(self):
        """Projects per stream: announced, approved, abandoned, online (mean, p10, p50, p90)."""
        return pipeline_tables.counts_table(self.compiled, self.reduced.pipeline_counts)

    @property
    def tenant_monthly(self):
        """Mean demand and served per tenant, type and month."""
        return tables.tenant_monthly_table(self.compiled, self.reduced)

    @property
    def money(self) -> dict | None:
        """NPV, payback and totals per operator (summary.json's `money`), or None."""
        return money_stats.money_summary(self.compiled, self.reduced)

    @property
    def settlement(self):
        """The platform's bills (mean over replications), or None without money."""
        if self.reduced.money is None:
            return None
        return money_stats.settlement_table(self.compiled, self.reduced)


def run_ensemble(scenario: Scenario | Compiled, replications: int | None = None,
                 seed: int | None = None, executor: cf.Executor | None = None, *,
                 batch_size: int | None = None, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> Ensemble:
    """Run `replications` of a scenario (default: the scenario's, else 1000).

    Replication r uses child r of SeedSequence(seed), so it gives the same numbers whatever the
    executor (None: in this process; a ProcessPoolExecutor; a Dask client's executor), the
    worker count and the batching. `progress(done, total)` is called as batches finish.
    """
    c = scenario if isinstance(scenario, Compiled) else compile_scenario(scenario)
    s = c.scenario
    n = replications or s.replications or DEFAULT_REPLICATIONS
    seed = s.seed if seed is None else seed
    if n < 1:
        raise ValueError(f'"replications" must be >= 1, got {n}')
    plan = batches(n, workers, batch_size)
    parts: list[Reduced] = []
    done = 0
    if executor is None:
        for reps in plan:
            parts.append(run_batch(c, seed, reps))
            done += len(reps)
            if progress:
                progress(done, n)
    else:
        parts = _run_on(executor, c, seed, plan, n, progress, window=8 * max(1, workers))
    red = combine(parts)
    if red.n != n or not np.array_equal(red.replications, np.arange(n)):
        raise SimulationError(f"the ensemble is incomplete: {red.n} of {n} replications came back")
    return Ensemble(c, seed, red)


def _run_on(executor, c, seed, plan, n, progress, window: int = 64) -> list[Reduced]:
    """Batches on the executor, at most `window` submitted at a time (streamed, not queued
    all at once); the first failure stops the rest."""
    futures: dict = {}
    todo = iter(plan)
    try:
        parts, done = [], 0
        for reps in todo:
            futures[executor.submit(run_batch, c, seed, reps)] = reps
            if len(futures) < window:
                continue
            done = _collect(futures, parts, done, n, progress, cf.FIRST_COMPLETED)
        while futures:
            done = _collect(futures, parts, done, n, progress, cf.FIRST_COMPLETED)
        return parts
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise


def _collect(futures: dict, parts: list, done: int, n: int, progress, when) -> int:
    finished, _ = cf.wait(list(futures), return_when=when)
    for fut in finished:
        reps = futures.pop(fut)
        try:
            parts.append(fut.result())
        except Exception as exc:  # a dead worker, a lost cluster, a bug in a batch
            raise SimulationError(
                f"replications {reps[0]}-{reps[-1]} failed on the executor "
                f"({type(exc).__name__}: {exc}); no partial results are kept") from exc
        done += len(reps)
        if progress:
            progress(done, n)
    return done
