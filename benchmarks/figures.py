"""The figures of `make bench`, each run in its own process (see measure.py).

Each function takes the parsed options and returns a Figure: what was timed, the count it is
about, the wall time of each run and derived numbers.
"""

from __future__ import annotations

import concurrent.futures as cf
import pickle
import time
from pathlib import Path

import numpy as np
import simpy

from measure import Figure, timed
from synthetic import synthetic_scenario

import simulator as sim
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch
from simulator.ensemble.run import KERNEL_BYTES, MAX_BATCH, run_ensemble, run_task
from simulator import jit
from simulator.ensemble.bounds import replication_bytes

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "dianjun-baseline.yaml"
LARGE = (1000, 10_000, 240)
DASK_CONFIG = {"distributed.worker.profile.enabled": False,
               "distributed.admin.tick.interval": "1s",
               "distributed.worker.memory.monitor-interval": "1s"}


def _baseline():
    return compile_scenario(sim.load_scenario(BASELINE))


def simpy_events(o) -> Figure:
    n = o.events

    def go():
        env = simpy.Environment()

        def proc():
            for _ in range(n):
                yield env.timeout(1)

        env.process(proc())
        env.run()

    cpu = []
    return Figure("simpy", "bare SimPy: one process yielding env.timeout(1)", f"{n:,} events",
                  timed(go, o.runs, cpu), cpu=cpu, count=n)


def baseline(o) -> Figure:
    c = _baseline()
    # warm: imports, caches and the compiled kernels loaded (run_ensemble uses them from
    # KERNEL_BYTES of arrays on); what the first ensemble of a process costs more is printed
    first, warm = [], -(-KERNEL_BYTES // replication_bytes(c))
    for _ in range(2):
        timed(lambda: run_ensemble(c, max(500, warm), seed=1), 1, first)
    n, cpu = o.replications, []
    fig = Figure("baseline", "run_ensemble(baseline), one process: simulation and streamed "
                 f"statistics (tables not included); {jit.describe()}", f"{n:,} replications",
                 timed(lambda: run_ensemble(c, n, seed=1, keep_replications=False), o.runs, cpu),
                 cpu=cpu, count=n)
    fig.extra[f"first ensemble in a process ({max(500, warm):,} replications) "
              "minus the second, CPU [s] (imports, loading the kernels)"] = first[0] - first[1]
    one = simulate_batch(c, 1, [0])
    fig.extra["SimPy events of one replication run alone"] = one.events
    fig.extra["events per replication in a batch of 500"] = \
        simulate_batch(c, 1, range(500)).events / 500
    return fig


def baseline_numpy(o) -> Figure:
    """As `baseline`, in a process started with CAPSIM_NUMBA=0 (run.py sets it): the numpy paths."""
    fig = baseline(o)
    fig.name = "baseline_numpy"
    return fig


def tables(o) -> Figure:
    c = _baseline()
    ens = run_ensemble(c, o.replications, seed=1, keep_replications=False)

    def go():
        ens.monthly, ens.targets, ens.kpis, ens.phases, ens.tenants, ens.tenant_monthly

    return Figure("tables", "the tables (monthly, targets, KPIs, phases, tenants) from the "
                  "merged summary", f"{o.replications:,} replications", timed(go, o.runs))


def processes(o) -> Figure:
    c = _baseline()
    n = o.replications
    with cf.ProcessPoolExecutor(2) as ex:
        cold = _warm_workers(c, ex, n)
        secs = timed(lambda: run_ensemble(c, n, seed=1, executor=ex, workers=2,
                                          keep_replications=False), o.runs)
    fig = Figure("processes", "run_ensemble(baseline) on 2 local worker processes (started "
                 "and their kernels loaded before timing)", f"{n:,} replications", secs)
    fig.extra.update(cold)
    return fig


def _warm_workers(c, ex, size: int) -> dict:
    """Start the workers and load their kernels (an ensemble large enough to use them); what
    that first ensemble took, and the same ensemble again; then one untimed ensemble of the
    size to be timed (a worker's first ensemble of a larger size is 5-10 % slower while its
    heap grows; the one-process figure has no such step)."""
    n = max(500, -(-KERNEL_BYTES // replication_bytes(c)))
    first, again = (timed(lambda: run_ensemble(c, n, seed=1, executor=ex, workers=2), 1)[0]
                    for _ in range(2))
    run_ensemble(c, size, seed=1, executor=ex, workers=2, keep_replications=False)
    return {f"first {n:,} replications on the fresh workers, wall [s]": first,
            f"the same {n:,} again, wall [s]": again}


def dask(o) -> Figure:
    import dask.config
    from distributed import Client, LocalCluster

    c = _baseline()
    n = o.replications
    # a cluster set up for capsim's work (README, "Dask workers"): the workers' sampling
    # profiler (every 10 ms) off, the event loop's tick and the memory monitor every second
    with dask.config.set(DASK_CONFIG), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        ex = client.get_executor(pure=False)
        cold = _warm_workers(c, ex, n)
        secs = timed(lambda: run_ensemble(c, n, seed=1, executor=ex, workers=2,
                                          keep_replications=False), o.runs)
    fig = Figure("dask", "run_ensemble(baseline) on a Dask LocalCluster, 2 workers x 1 thread, "
                 "profiler off, tick 1 s (started and their kernels loaded before timing)",
                 f"{n:,} replications", secs)
    fig.extra.update(cold)
    for reps in (MAX_BATCH, 2500):
        part = run_task(c, 1, list(range(reps)))
        fig.extra[f"bytes a worker sends back for {reps:,} replications"] = len(pickle.dumps(part))
    return fig


def million(o) -> Figure:
    c = _baseline()
    n = o.million
    t = time.perf_counter()
    ens = run_ensemble(c, n, seed=1)
    ens.monthly, ens.targets, ens.kpis
    secs = [time.perf_counter() - t]
    fig = Figure("million", "run_ensemble(baseline) and its tables, one process, one run",
                 f"{n:,} replications", secs)
    fig.extra["summary size [MiB]"] = ens.summary.nbytes / 2 ** 20
    return fig


def large(o) -> Figure:
    """The whole path of a large synthetic scenario, stage by stage, one run."""
    F, N, H = LARGE
    n = o.large_replications
    stages = {}
    t = time.perf_counter()
    data = synthetic_scenario(F, N, H)
    s = sim.scenario_from_dict(data)
    stages["validate [s]"] = time.perf_counter() - t
    t = time.perf_counter()
    c = compile_scenario(s)
    stages["compile [s]"] = time.perf_counter() - t
    t = time.perf_counter()
    ens = run_ensemble(c, n, seed=1, keep_replications=False)
    stages["simulate and summarise [s]"] = time.perf_counter() - t
    t = time.perf_counter()
    ens.monthly, ens.targets, ens.kpis
    stages["tables [s]"] = time.perf_counter() - t
    fig = Figure("large", f"synthetic {F:,} facilities x {N:,} tenants x {H} months: validate, "
                 "compile, simulate, statistics, tables; one run", f"{n:,} replications",
                 [sum(stages.values())])
    fig.extra.update(stages)
    fig.extra["summary size [MiB]"] = ens.summary.nbytes / 2 ** 20
    return fig


def scaling(o) -> Figure:
    """Slopes of the simulation's cost against size, on ensembles big enough that fixed costs
    (imports, compile, the SimPy set-up) do not dominate."""
    fig = Figure("scaling", "run_ensemble of a synthetic scenario (compile excluded), best of "
                 f"{o.runs}, against one size at a time; {jit.describe()} at every size "
                 "(run.py sets CAPSIM_NUMBA=always)", "")
    grids = {
        "replications": ([500, 1000, 2000, 4000], lambda x: ((20, 200, 60), x)),
        "facilities": ([50, 100, 200, 400], lambda x: ((x, 1000, 120), 40)),
        "tenants": ([1000, 2000, 4000, 8000], lambda x: ((50, x, 120), 40)),
        "months": ([60, 120, 240, 480], lambda x: ((50, 1000, x), 40)),
    }
    for name, (xs, shape) in grids.items():
        ts = []
        for x in xs:
            size, n = shape(x)
            c = compile_scenario(sim.scenario_from_dict(synthetic_scenario(*size)))
            ts.append(min(timed(lambda: run_ensemble(c, n, seed=1, keep_replications=False),
                                o.runs)))
        slope = float(np.polyfit(np.log(xs), np.log(ts), 1)[0])
        fig.extra[name] = {"sizes": xs, "seconds": [round(t, 3) for t in ts],
                           "slope": round(slope, 2), "shape (F, N, H), replications":
                           f"{shape(xs[0])[0]}..., {shape(xs[0])[1]}"}
        fig.seconds.extend(ts)
    return fig


FIGURES = {f.__name__: f for f in (simpy_events, baseline, baseline_numpy, tables, processes, dask, million,
                                   large, scaling)}
