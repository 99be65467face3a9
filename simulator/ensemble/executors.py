"""Executors to run batches on: this process, local worker processes, or a Dask cluster."""

from __future__ import annotations

import concurrent.futures as cf
import os
import re
import signal
import sys
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
        with local_pool(workers) as ex:
            yield ex, workers
    else:
        yield None, 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """In a child process: have the kernel kill it when its parent dies (Linux, where
    PR_SET_PDEATHSIG exists), so no worker outlives a killed run; elsewhere nothing."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request was made


def _worker_start(parent_pid: int) -> None:
    """A pool worker: dies with the parent; the parent alone handles Ctrl-C and SIGTERM and
    stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)


@contextmanager
def local_pool(workers: int):
    """A ProcessPoolExecutor whose workers are stopped at once when the block fails or is
    interrupted (its own shutdown would wait for the running batches first)."""
    ex = cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                                initargs=(os.getpid(),))
    try:
        yield ex
    except BaseException:
        stop_pool(ex)
        raise
    ex.shutdown(wait=True)


def stop_pool(ex: cf.ProcessPoolExecutor, grace_s: float = 2.0) -> None:
    """Cancel what is queued and end the workers: SIGTERM, then SIGKILL after `grace_s`."""
    # CPython keeps the worker processes here; there is no public handle before Python 3.14.
    processes = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(grace_s)
        if p.is_alive():
            p.kill()
            p.join(grace_s)


_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|"
                      r"\[[0-9A-Fa-f:.]+\]):(\d{1,5})$")


def check_address(address: str) -> None:
    """A scheduler address is `tcp://HOST:PORT` (or tls://, or HOST:PORT); anything else is
    refused at once rather than after the connection times out."""
    match = _ADDRESS.match(address.strip())
    if match is None or not 0 < int(match.group(1)) < 65536:
        shown = address if len(address) <= 60 else address[:57] + "..."
        raise ScenarioError(Problem(f"--scheduler {shown!r} is not a scheduler address",
                                    hint="write tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"))


@contextmanager
def dask_executor(address: str, timeout: float = DASK_TIMEOUT_S):
    """A Dask distributed executor (pure=False: every batch is its own task)."""
    check_address(address)
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


_TUNED = False
MMAP_THRESHOLD = 32 * 2 ** 20  # glibc's largest; numpy's temporaries of a batch stay in the heap
TRIM_THRESHOLD = 256 * 2 ** 20


def tune_malloc() -> None:
    """Undo, once per process, what MALLOC_TRIM_THRESHOLD_ does to numpy's temporaries.

    Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (and leaves it in the
    environment of the process that started a LocalCluster, and so of what that process starts
    later), which also fixes glibc's mmap threshold at 128 KiB: every larger numpy temporary is
    then mapped, zeroed and unmapped again, and a batch runs about twice as slow. Where that
    variable is set (on Linux), raise both thresholds for this process. Elsewhere nothing
    changes. Called by each unit of work and by an ensemble run in this process.
    """
    global _TUNED
    if _TUNED or "MALLOC_TRIM_THRESHOLD_" not in os.environ or sys.platform != "linux":
        return
    _TUNED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, TRIM_THRESHOLD)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # not glibc: leave the allocator as it is
        pass
