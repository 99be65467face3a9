"""Run one drawing job in a forked child while this process draws another (POSIX only).

A report's PNGs and its PDF take about as long each; on two cores they can be drawn at the same
time. The child inherits the laid-out figures (copy on write), writes files and exits; its
failure comes back as an exception here. Where forking is not safe (no fork, macOS, or other
threads running, whose locks a child could inherit held) the job simply runs in this process.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable

from simulator.ensemble.executors import die_with_parent
from simulator.report.style import MissingGlyphError

ENABLED = True  # tests may switch forking off to compare with the in-process path


class Job:
    """A job started by `start`; `join()` waits for it and raises what it raised."""

    def __init__(self, pid: int | None, read_fd: int | None):
        self.pid, self.read_fd = pid, read_fd

    def join(self) -> None:
        if self.pid is None:
            return
        with os.fdopen(self.read_fd, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status) != 0:
            kind, _, text = message.partition("\n")
            if kind == MissingGlyphError.__name__:
                raise MissingGlyphError(text)
            raise RuntimeError(f"drawing the charts failed: {text or 'the worker died'}")


def can_fork() -> bool:
    return (ENABLED and hasattr(os, "fork") and sys.platform != "darwin"
            and threading.active_count() == 1)


def start(job: Callable[[], None]) -> Job:
    """Run `job()` in a forked child (or here, at once, where forking is not safe)."""
    if not can_fork():
        job()
        return Job(None, None)
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: do the job, report, and leave without running exit handlers
        code = 0
        try:
            die_with_parent(parent)  # a killed run takes its renderer with it
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
    return Job(pid, read_fd)
