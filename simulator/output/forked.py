"""Run one job in a forked child while this process does another (POSIX only).

Writing results.xlsx and drawing the report take long enough each that, on two cores, they
are worth doing at the same time; so are the two halves of a report's pages. The child
inherits this process's memory (copy on write), writes files and exits without running exit
handlers; its failure comes back as an exception from `Job.join`. Where forking is not safe
(no fork, macOS, or other threads running, whose locks a child could inherit held) the job
simply runs in this process.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import traceback
from collections.abc import Callable

from simulator.ensemble.executors import die_with_parent

ENABLED = True  # tests may switch forking off to compare with the in-process path
_running = 0  # forked jobs not yet joined: the collector stays frozen while there are any


class Job:
    """A job started by `start`; `join()` waits for it and raises what it raised: one of
    `errors` (by class name, with the child's message), else RuntimeError."""

    def __init__(self, pid: int | None, read_fd: int | None, what: str = "the job",
                 errors: tuple[type[Exception], ...] = ()):
        self.pid, self.read_fd, self.what, self.errors = pid, read_fd, what, errors

    def join(self) -> None:
        if self.pid is None:
            return
        with os.fdopen(self.read_fd, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        _thaw()
        if os.waitstatus_to_exitcode(status) != 0:
            kind, _, text = message.partition("\n")
            for error in self.errors:
                if kind == error.__name__:
                    raise error(text)
            raise RuntimeError(f"{self.what} failed: {text or 'the worker died'}")


def can_fork() -> bool:
    return (ENABLED and hasattr(os, "fork") and sys.platform != "darwin"
            and threading.active_count() == 1)


SPLIT = "auto"  # split work between two processes: "auto" (if a core is spare), "always", "never"


def worth_splitting() -> bool:
    """True if work that can be split between this process and a forked child should be:
    forking is safe and, unless SPLIT says otherwise, a core looks spare (the 1-minute load
    average, this process included, is below the number of cores less a half). A forked half
    costs some CPU (copied pages, caches warmed twice); on a busy machine it would be that
    cost with no gain in time."""
    if SPLIT == "never" or not can_fork():
        return False
    if SPLIT == "always":
        return True
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average here: assume the cores are free
        return True
    return load < (os.cpu_count() or 1) - 0.5


def start(job: Callable[[], None], what: str = "the job",
          errors: tuple[type[Exception], ...] = (), forked: bool | None = None) -> Job:
    """Run `job()` in a forked child (or here, at once, where forking is not safe or
    `forked` is False). `what` names the job in errors; `errors` are raised again as such."""
    global _running
    if not (can_fork() if forked is None else forked and can_fork()):
        job()
        return Job(None, None)
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    gc.freeze()  # neither process's collector touches (and so copies) the shared objects
    _running += 1
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        _thaw()
        raise
    if pid == 0:  # the child: do the job, report, and leave without running exit handlers
        code = 0
        try:
            die_with_parent(parent)  # a killed run takes its child with it
            os.close(read_fd)
            job()
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            code = 1
            text = f"{type(exc).__name__}\n{exc}\n{traceback.format_exc(limit=3)}"
            try:
                os.write(write_fd, text.encode("utf-8", "replace"))
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(write_fd)
    return Job(pid, read_fd, what, errors)


def _thaw() -> None:
    """One forked job fewer; with none left, the collector sees every object again."""
    global _running
    _running = max(_running - 1, 0)
    if _running == 0:
        gc.unfreeze()
