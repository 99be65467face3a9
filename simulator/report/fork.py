"""Run one drawing job in a forked child while this process draws another (POSIX only).

A report's pages are drawn in two halves on two cores (see `halves`); where that is not worth
it, its PNGs and its PDF are drawn at the same time instead. The child inherits the figures (copy
on write), writes files and exits; its failure comes back as an exception here, a missing
glyph as MissingGlyphError. Where forking is not safe (see `simulator.output.forked`) or
`ENABLED` is off, the job simply runs in this process.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.output import forked
from simulator.output.forked import Job
from simulator.report.style import MissingGlyphError

ENABLED = True  # tests may switch forking off to compare with the in-process path

__all__ = ["ENABLED", "Job", "can_fork", "start"]


def can_fork() -> bool:
    return ENABLED and forked.can_fork()


def start(job: Callable[[], None]) -> Job:
    """Run `job()` in a forked child (or here, at once, where forking is not safe)."""
    return forked.start(job, "drawing the report", (MissingGlyphError,), forked=can_fork())
