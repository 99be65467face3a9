"""Monte Carlo ensembles: batches of replications over any Executor, merged into statistics."""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from simulator import jit
from simulator.engine.arrays import Compiled, compile_scenario
from simulator.errors import SimulationError
from simulator.engine.processes import simulate_batch
from simulator.scenario.hardware import dump
from simulator.scenario.schema import DEFAULT_REPLICATIONS, Scenario
from simulator.ensemble.bounds import replication_bytes
from simulator.ensemble.executors import tune_malloc
from simulator.ensemble.reduce import Part, Reduced, combine, monthly_rows, reduce_result
from simulator.ensemble.summary import Accumulator, Summary
from simulator.ensemble import money_stats, pipeline_tables, tables

MAX_BATCH = 500  # replications simulated side by side in one SimPy environment
BATCH_BYTES = 512 * 2 ** 20  # a batch's arrays stay within about this (large scenarios)
MAX_TASK = 20_000  # replications of one unit of work (its batches merged where they ran)
# units of work per worker at least. Each unit is a round trip and a summary to pack, send and
# merge: on an idle 2-core machine two per worker cost a Dask LocalCluster about 0.1 of its
# speed-up (1.6 against 1.7), and one per worker balanced as well with one core busy (`tasks`
# makes the units a multiple of the workers; large ensembles get more, of MAX_TASK at most)
TASKS_PER_WORKER = 1
KEEP_LIMIT = 100_000  # per-replication outcomes are kept up to this many replications
# numba kernels (simulator.jit) run for ensembles whose replications write at least this many
# bytes of arrays in all (`bounds.replication_bytes`; the baseline: 3,000 replications): below,
# loading them (about 0.5 s once per process) costs more than they save (about 0.2 s per 1,000
# baseline replications); the numpy paths give the same bits
KERNEL_BYTES = 3_000 * 529_440


def run_batch(c: Compiled, seed: int, replications, keep: bool = False,
              keep_rows=()) -> Part:
    """Simulate a batch and reduce it to its summary (and its outcomes if `keep`)."""
    return reduce_result(simulate_batch(c, seed, replications), keep, keep_rows)


def run_task(c: Compiled, seed: int, replications, keep: bool = False,
             batch_size: int = MAX_BATCH, keep_rows=(), ensemble: int = 0) -> Part:
    """The unit of work sent to an executor: batches of at most `batch_size` replications,
    each simulated and reduced, their summaries merged here (so a worker sends back
    kilobytes, not the replications). `ensemble`: replications of the whole ensemble (whether
    the compiled kernels are worth loading; 0: this unit's)."""
    tune_malloc()
    acc, kept = Accumulator(), []
    with jit.for_size((ensemble or len(replications)) * replication_bytes(c), KERNEL_BYTES):
        for a in range(0, len(replications), batch_size):
            part = run_batch(c, seed, replications[a:a + batch_size], keep, keep_rows)
            acc.add(part.summary)
            if part.outcomes is not None:
                kept.append(part.outcomes)
    return Part(acc.result(), combine(kept) if kept else None)


def batch_limit(c: Compiled) -> int:
    """Most replications of a batch: MAX_BATCH, fewer where a batch would pass BATCH_BYTES."""
    return max(1, min(MAX_BATCH, BATCH_BYTES // replication_bytes(c)))


def batches(replications: int, workers: int = 1, size: int | None = None,
            most: int = MAX_BATCH) -> list[range]:
    """Split 0..n-1 into batches (ranges, not lists: a large -n costs no memory up front):
    about four per worker, at most `most` each."""
    if size is None:
        size = max(1, min(most, -(-replications // max(1, 4 * workers))))
    return [range(a, min(a + size, replications)) for a in range(0, replications, size)]


def tasks(replications: int, workers: int = 1, size: int | None = None,
          most: int = MAX_BATCH) -> list[range]:
    """Split 0..n-1 into units of work of whole batches (`size` or `batches`' choice): a
    multiple of the worker count (so that the last round keeps every worker busy), at least
    TASKS_PER_WORKER per worker, at most MAX_TASK replications each, their sizes differing by
    one batch at most."""
    size = len(batches(replications, workers, size, most)[0])
    count = -(-replications // size)  # batches
    rounds = max(TASKS_PER_WORKER, -(-count // (workers * max(1, MAX_TASK // size))))
    units = min(count, workers * rounds)
    edges = [count * i // units * size for i in range(units + 1)]
    return [range(a, min(b, replications)) for a, b in zip(edges, edges[1:])]


def scenario_hash(s: Scenario) -> str:
    """sha256 of the resolved scenario's canonical JSON: the same inputs give the same hash."""
    text = json.dumps(dump(s), sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Ensemble:
    """Replications of one scenario and their statistics (tables are pandas DataFrames).

    `summary` holds the statistics (its size does not grow with the replication count);
    `reduced` the per-replication outcomes, when they were kept (see `run_ensemble`).
    """

    compiled: Compiled
    seed: int
    summary: Summary
    outcomes: Reduced | None = None

    @property
    def reduced(self) -> Reduced:
        """Per replication: KPIs, target capacity and month met, phase months, tenants, events
        (and the monthly rows asked for); SimulationError when they were not kept."""
        if self.outcomes is None:
            raise SimulationError(
                f"the per-replication outcomes of these {self.replications:,} replications were "
                f"not kept (they are up to {KEEP_LIMIT:,}, or with "
                "run_ensemble(..., keep_replications=True))")
        return self.outcomes

    @property
    def scenario(self) -> Scenario:
        return self.compiled.scenario

    @property
    def replications(self) -> int:
        return self.summary.n

    @property
    def hash(self) -> str:
        return scenario_hash(self.scenario)

    @property
    def targets(self):
        """Per target: probability_met (and its standard error), capacity, gap, month met."""
        return tables.target_table(self.compiled, self.summary)

    @property
    def monthly(self):
        """month, type, facility, metric, mean, p10, p50, p90."""
        return tables.monthly_table(self.compiled, self.summary)

    @property
    def kpis(self):
        """kpi, type, unit, mean, p10, p50, p90."""
        return tables.kpi_table(self.compiled, self.summary)

    @property
    def phases(self):
        return tables.phase_table(self.compiled, self.summary)

    @property
    def tenants(self):
        """Per tenant entry: status, P(signed), P(left), demand."""
        return tables.tenant_table(self.compiled, self.summary)

    @property
    def counting(self):
        """Per target and counting rule: P(met), capacity and gap at the deadline, month met."""
        from simulator.ensemble.counting import counting_table

        return counting_table(self.compiled, self.summary)

    @property
    def pipeline(self):
        """Projects per stream: announced, approved, abandoned, online (mean, p10, p50, p90)."""
        return pipeline_tables.counts_table(self.compiled, self.summary)

    @property
    def tenant_monthly(self):
        """Mean demand and served per tenant, type and month."""
        return tables.tenant_monthly_table(self.compiled, self.summary)

    @property
    def money(self) -> dict | None:
        """NPV, payback and totals per operator (summary.json's `money`), or None."""
        return money_stats.money_summary(self.compiled, self.summary)

    @property
    def settlement(self):
        """The platform's bills (mean over replications), or None without money."""
        if not self.has_money:
            return None
        return money_stats.settlement_table(self.compiled, self.summary)

    @property
    def has_money(self) -> bool:
        """Whether the scenario uses money (summary.json's `money`, settlement.csv)."""
        return "money:npv" in self.summary.blocks

    @property
    def has_shocks(self) -> bool:
        """Whether shock effects were measured (a pipeline: summary.json's `shocks`)."""
        return "shock_effects" in self.summary.blocks

    @property
    def shocks(self) -> dict:
        """Per event: P(hit) and, when it hits, capacity delayed and cut (summary.json)."""
        return pipeline_tables.shocks_summary(self.compiled, self.summary)


def run_ensemble(scenario: Scenario | Compiled, replications: int | None = None,
                 seed: int | None = None, executor: cf.Executor | None = None, *,
                 batch_size: int | None = None, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None,
                 keep_replications: bool | None = None, keep_rows=()) -> Ensemble:
    """Run `replications` of a scenario (default: the scenario's, else 1000).

    Replication r uses child r of SeedSequence(seed), so it gives the same numbers whatever the
    executor (None: in this process; a ProcessPoolExecutor; a Dask client's executor), the
    worker count and the batching. Each unit of work is reduced where it ran to a mergeable
    summary; memory depends on the scenario and the batch size, not on the replication count.
    `keep_replications` also keeps the per-replication outcomes (`Ensemble.reduced`, a few
    hundred bytes per replication; by default up to KEEP_LIMIT replications), with the monthly
    values of the `keep_rows` ((metric, type, facility) keys, a function of the Compiled
    scenario giving them, or True: every row; SimulationError above KEEP_LIMIT).
    `progress(done, total)` is called as units of work finish.
    """
    c = scenario if isinstance(scenario, Compiled) else compile_scenario(scenario)
    s = c.scenario
    n = replications or s.replications or DEFAULT_REPLICATIONS
    seed = s.seed if seed is None else seed
    if n < 1:
        raise ValueError(f'"replications" must be >= 1, got {n}')
    if callable(keep_rows):  # keys of the compiled scenario's rows
        keep_rows = keep_rows(c)
    keep_rows = tuple(monthly_rows(c) if keep_rows is True else keep_rows)
    if keep_rows and n > KEEP_LIMIT:
        raise SimulationError(f"monthly values per replication are kept for at most "
                              f"{KEEP_LIMIT:,} replications, not {n:,}; lower -n")
    keep = bool(keep_rows) or (n <= KEEP_LIMIT if keep_replications is None
                               else keep_replications)
    most = batch_limit(c)
    acc, kept, done = Accumulator(), [], [0]

    def take(part: Part) -> None:
        acc.add(part.summary)
        if part.outcomes is not None:
            kept.append(part.outcomes)
        done[0] += part.summary.n
        if progress:
            progress(done[0], n)

    if executor is None:
        tune_malloc()
        with jit.for_size(n * replication_bytes(c), KERNEL_BYTES):
            for reps in batches(n, workers, batch_size, most):
                take(run_batch(c, seed, reps, keep, keep_rows))
    else:
        size = len(batches(n, workers, batch_size, most)[0])
        work = (keep, size, keep_rows, n)
        _run_on(executor, c, seed, tasks(n, workers, batch_size, most), work, take,
                window=8 * max(1, workers))
    summary = acc.result()
    outcomes = combine(kept) if kept else None
    if summary.n != n or (keep and (outcomes is None or not np.array_equal(
            outcomes.replications, np.arange(n)))):
        raise SimulationError(f"the ensemble is incomplete: {summary.n} of {n} replications "
                              "came back")
    return Ensemble(c, seed, summary, outcomes)


def _run_on(executor, c, seed, plan, work, take, window: int = 64) -> None:
    """Units of work on the executor, at most `window` submitted at a time (streamed, not
    queued all at once); the first failure stops the rest."""
    futures: dict = {}
    try:
        for reps in plan:
            futures[executor.submit(run_task, c, seed, reps, *work)] = reps
            if len(futures) >= window:
                _collect(futures, take)
        while futures:
            _collect(futures, take)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise


def _collect(futures: dict, take) -> None:
    finished, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
    for fut in finished:
        reps = futures.pop(fut)
        try:
            part = fut.result()
        except Exception as exc:  # a dead worker, a lost cluster, a bug in a batch
            raise SimulationError(
                f"replications {reps[0]}-{reps[-1]} failed on the executor "
                f"({type(exc).__name__}: {exc}); no partial results are kept") from exc
        take(part)
