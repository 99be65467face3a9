"""Ensembles: seeds, executors (in-process, processes, Dask), faults, statistics."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal

import numpy as np
import pytest

import simulator as sim
from simulator.ensemble import run as ens_mod
from simulator.engine.arrays import compile_scenario
from simulator.ensemble.run import MAX_TASK, TASKS_PER_WORKER, batches, run_ensemble, tasks
from tests.helpers import EXAMPLE_YAML


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    path = tmp_path_factory.mktemp("s") / "baseline.yaml"
    path.write_text(EXAMPLE_YAML, encoding="utf-8")
    return compile_scenario(sim.load_scenario(path))


def assert_same(a, b) -> None:
    """Two ensembles hold identical numbers, to the bit."""
    ra, rb = a.reduced, b.reduced
    assert np.array_equal(ra.replications, rb.replications)
    assert np.array_equal(ra.cube, rb.cube)
    assert np.array_equal(ra.target_capacity, rb.target_capacity)
    assert np.array_equal(ra.target_month_met, rb.target_month_met)
    assert np.array_equal(ra.phase_online, rb.phase_online)
    for k in ra.kpis:
        assert np.array_equal(ra.kpis[k], rb.kpis[k]), k
    assert a.targets.equals(b.targets)


def test_batches_cover_every_replication_once():
    for n, workers, size in [(1, 1, None), (10, 2, None), (1001, 2, None), (17, 1, 5)]:
        flat = [r for b in batches(n, workers, size) for r in b]
        assert flat == list(range(n))


@pytest.mark.parametrize("n, workers, size", [(1, 4, None), (5, 2, None), (7, 3, None),
                                               (10_000, 2, None), (11_000, 2, None),
                                               (100_000, 2, None), (1_000_000, 3, None),
                                               (1001, 2, 7)])
def test_units_of_work_are_whole_batches_in_rounds_that_keep_every_worker_busy(n, workers, size):
    units = tasks(n, workers, size)
    batch = len(batches(n, workers, size)[0])
    assert [r for u in units for r in u] == list(range(n))
    assert all(u.start % batch == 0 for u in units)  # whole batches
    sizes = [-(-len(u) // batch) for u in units]  # batches per unit
    assert max(sizes) - min(sizes) <= 1 and max(len(u) for u in units) <= MAX_TASK
    if n // batch >= workers * TASKS_PER_WORKER:
        assert len(units) % workers == 0 and len(units) >= workers * TASKS_PER_WORKER
    # 100,000 on 2 workers: 6 units of 16,500-17,000 (5 of 20,000 would leave one worker idle
    # for the last fifth)
    if (n, workers) == (100_000, 2):
        assert sorted({len(u) for u in units}) == [16_500, 17_000]


def test_replication_numbers_do_not_depend_on_batching(compiled):
    ref = run_ensemble(compiled, 60, seed=11, batch_size=60)
    for size in (1, 7, 25):
        assert_same(ref, run_ensemble(compiled, 60, seed=11, batch_size=size))


def test_a_replication_is_the_same_alone_and_in_an_ensemble(compiled):
    ens = run_ensemble(compiled, 30, seed=5, batch_size=30)
    one = sim.simulate(compiled, seed=5, replication=17)
    out = one.target_outcomes()
    assert np.array_equal(ens.reduced.target_capacity[17], out["capacity_p"][0])
    assert np.array_equal(ens.reduced.phase_online[17], one.phase_online[0].astype(np.float32))


def test_process_pool_gives_the_in_process_numbers(compiled):
    ref = run_ensemble(compiled, 80, seed=3)
    with cf.ProcessPoolExecutor(2) as ex:
        assert_same(ref, run_ensemble(compiled, 80, seed=3, executor=ex, workers=2))


def test_dask_local_cluster_gives_the_in_process_numbers(compiled):
    distributed = pytest.importorskip("distributed")
    ref = run_ensemble(compiled, 80, seed=3)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = run_ensemble(compiled, 80, seed=3, executor=client.get_executor(pure=False),
                           workers=2)
    assert_same(ref, got)


def test_unreachable_dask_scheduler_is_a_clear_error_within_the_timeout():
    pytest.importorskip("distributed")
    from simulator.ensemble.executors import dask_executor

    with pytest.raises(sim.SimulationError, match="cannot reach the Dask scheduler at "
                                                  "tcp://127.0.0.1:9"):
        with dask_executor("tcp://127.0.0.1:9", timeout=2):
            pass


_RUN_BATCH = ens_mod.run_batch


def _die_in_batch_of_30(c, seed, replications, *args):
    """A batch whose worker process is killed (kill -9) while it runs."""
    if 30 in replications:
        os.kill(os.getpid(), signal.SIGKILL)
    return _RUN_BATCH(c, seed, replications, *args)


def test_a_worker_killed_mid_run_fails_the_run_with_a_clear_message(compiled, monkeypatch):
    # The pool forks after the patch, so its workers run the patched batch function.
    monkeypatch.setattr(ens_mod, "run_batch", _die_in_batch_of_30)
    ctx = __import__("multiprocessing").get_context("fork")
    with cf.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        with pytest.raises(sim.SimulationError, match="replications .* failed on the executor"):
            run_ensemble(compiled, 80, seed=3, executor=ex, workers=2, batch_size=10)


class _Lossy(cf.Executor):
    """An executor that silently drops one batch's results (a broken cluster)."""

    def submit(self, fn, *args, **kwargs):
        fut = cf.Future()
        result = fn(*args, **kwargs)
        if 0 in args[2]:  # the unit of work's summary comes back empty
            from simulator.ensemble.summary import Summary

            result.summary, result.outcomes = Summary(0), None
        fut.set_result(result)
        return fut


def test_an_ensemble_with_replications_missing_is_never_returned_as_complete(compiled):
    with pytest.raises(sim.SimulationError, match="incomplete"):
        run_ensemble(compiled, 20, seed=1, executor=_Lossy(), batch_size=10)


def test_probability_met_and_its_standard_error(compiled):
    ens = run_ensemble(compiled, 200, seed=9)
    t = ens.targets
    met = ens.reduced.target_month_met <= compiled.target_by[None, :]
    for g in range(len(t)):
        p = met[:, g].mean()
        assert t.probability_met[g] == pytest.approx(p)
        assert t.probability_met_se[g] == pytest.approx(np.sqrt(p * (1 - p) / 200))


def test_monthly_quantiles_match_numpy_percentiles_within_the_bound(compiled):
    """Means are exact; quantiles within RELATIVE_ERROR of the value's magnitude (README)."""
    from simulator.ensemble.stats import RELATIVE_ERROR

    ens = run_ensemble(compiled, 101, seed=2, keep_rows=True)
    m = ens.monthly
    cube = ens.reduced.cube.astype(np.float64)
    q = np.percentile(cube, [10, 50, 90], axis=2)
    for i, col in enumerate(("p10", "p50", "p90")):
        want = q[i].ravel()
        assert np.all(np.abs(m[col].to_numpy() - want) <= RELATIVE_ERROR * np.abs(want) + 1e-9)
    np.testing.assert_allclose(m["mean"].to_numpy(), cube.mean(axis=2).ravel(), rtol=1e-12)


def test_one_replication_has_equal_quantiles(compiled):
    m = run_ensemble(compiled, 1, seed=2).monthly
    assert (m["mean"] == m.p10).all() and (m.p10 == m.p50).all() and (m.p50 == m.p90).all()
