"""Run ensembles for the page: a newer edit cancels the run it supersedes; recent ones are kept.

A run goes through `run_ensemble` in batches of BATCH replications (in this process, or on the
server's worker processes); as batches finish it checks
whether a newer edit has arrived on its channel and, if so, stops (the numbers of a run do not
depend on the batching, so small batches cost nothing in reproducibility).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

BATCH = 100  # replications between two checks for a newer edit (~50 ms for the baseline)
KEEP = 8  # ensembles kept for pins and downloads
MAX_REPLICATIONS = 20_000  # the page offers 100..10,000; more is refused, not queued


class Superseded(Exception):
    """A newer edit arrived while this run was going: its result would be stale."""


class Runner:
    """One per server: the latest edit of each channel, and a small cache of ensembles."""

    def __init__(self) -> None:
        self.executor, self.workers = None, 1  # set by the server while it runs
        self._lock = threading.Lock()
        self._latest: dict[str, int] = {}
        self._cache: OrderedDict[tuple, object] = OrderedDict()

    def ticket(self, channel: str) -> int:
        """A new edit on `channel`: the runs before it become stale."""
        with self._lock:
            self._latest[channel] = self._latest.get(channel, 0) + 1
            return self._latest[channel]

    def stale(self, channel: str, ticket: int) -> bool:
        return self._latest.get(channel, 0) != ticket

    def ensemble(self, scenario, replications: int, seed: int | None,
                 channel: str | None = None, ticket: int = 0):
        """The ensemble of `scenario` (from the cache when the same inputs ran lately)."""
        from simulator.ensemble.run import run_ensemble, scenario_hash

        if not 1 <= replications <= MAX_REPLICATIONS:
            raise ValueError(f"replications must be 1..{MAX_REPLICATIONS:,}")
        seed = scenario.seed if seed is None else seed
        key = (scenario_hash(scenario), replications, seed)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]

        def progress(done: int, total: int) -> None:
            if channel is not None and self.stale(channel, ticket):
                raise Superseded()

        ens = run_ensemble(scenario, replications, seed, self.executor, batch_size=BATCH,
                           workers=self.workers, progress=progress)
        with self._lock:
            self._cache[key] = ens
            while len(self._cache) > KEEP:
                self._cache.popitem(last=False)
        return ens
