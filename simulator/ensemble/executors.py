"""Executors to run batches on: this process, local worker processes, or a Dask cluster."""

from __future__ import annotations

import concurrent.futures as cf
from contextlib import contextmanager

from simulator.errors import ScenarioError, SimulationError, Problem

DASK_TIMEOUT_S = 10


@contextmanager
def executor_for(workers: int | None = None, scheduler: str | None = None):
    """Yield (executor or None, worker count) for `--workers N` or `--scheduler ADDRESS`."""
    if workers and scheduler:
        raise ScenarioError(Problem("give --workers or --scheduler, not both"))
    if scheduler:
        with dask_executor(scheduler) as (ex, n):
            yield ex, n
    elif workers and workers > 1:
        with cf.ProcessPoolExecutor(max_workers=workers) as ex:
            yield ex, workers
    else:
        yield None, 1


@contextmanager
def dask_executor(address: str, timeout: float = DASK_TIMEOUT_S):
    """A Dask distributed executor (pure=False: every batch is its own task)."""
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError(Problem("--scheduler needs the Dask extra",
                                    hint="pip install 'capsim[dask]'")) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SimulationError(f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
                              f"({type(exc).__name__}); is it running?") from None
    try:
        workers = max(1, sum(w.get("nthreads", 1) for w in
                             client.scheduler_info().get("workers", {}).values()))
        yield client.get_executor(pure=False), workers
    finally:
        client.close()
