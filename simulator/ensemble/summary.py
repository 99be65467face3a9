"""What an ensemble keeps of its replications: mergeable summaries whose size does not grow
with the replication count.

A batch is reduced (on the worker that ran it) to a `Summary`: per block of series, exact sums
and histograms (`stats`); exact integer counts (P(met), P(signed), ...); and fixed-point sums of
the tenant arrays. Summaries merge exactly, in any grouping and order (`merge`), so the
statistics are the same bits for every executor, worker count and batch size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator import jit
from simulator.errors import SimulationError
from simulator.ensemble import kernels
from simulator.ensemble.stats import (MAX_COUNT, ExactSums, Histograms, bin_bits,
                                      exact_sums_of, exact_sums_sorted, sort_rows,
                                      widen_sorted)
from simulator.ensemble.wire import pack, unpack


@dataclass
class Block:
    """S series of per-replication values: histograms (quantiles) and, where means are
    wanted, exact sums."""

    hist: Histograms
    sums: ExactSums | None

    @classmethod
    def of(cls, values: np.ndarray, means: bool = True) -> "Block":
        """values (S, R): float32 (summed as float32 values) or float64."""
        values = np.asarray(values)
        if values.dtype == np.float32 and values.size:
            return cls._of_float32(values, means)
        if jit.enabled() and values.size:
            return cls._of_kernel(values, means)
        x = sort_rows(values)
        hist = Histograms.of_sorted(x, bin_bits(values.shape[0]))
        sums = exact_sums_sorted(x, 53, hist.smallest_magnitude()) if means else None
        return cls(hist, sums)

    @classmethod
    def _of_float32(cls, values: np.ndarray, means: bool) -> "Block":
        """As `of`, sorting only the rows that vary (most monthly rows are the same in every
        replication of a batch): a constant row is one bin, and its sum value * R is exact
        (24 significant bits times R < 2^29)."""
        if jit.enabled():
            return cls._of_float32_kernel(values, means)
        S, R = values.shape
        same = np.logical_and.reduce(values == values[:, :1], axis=1)  # one pass, not min & max
        const, vary = np.flatnonzero(same), np.flatnonzero(~same)
        value = values[const, 0].astype(np.float64) + 0.0
        x = values[vary]  # a copy, sorted in place
        x.sort(axis=1)
        x = widen_sorted(x)
        h = Histograms.of_sorted(x, bin_bits(S))
        series = np.concatenate([const, vary[h.series]])
        order = np.argsort(series, kind="stable")
        hist = Histograms(S, h.bits, series[order].astype(np.int32),
                          np.concatenate([np.full(const.size, R, dtype=np.int32), h.count])[order],
                          np.concatenate([value, h.lo])[order],
                          np.concatenate([value, h.hi])[order])
        if not means:
            return cls(hist, None)
        return cls(hist, _float32_sums(S, R, const, value, vary,
                                       lambda: exact_sums_sorted(x, 24, h.smallest_magnitude())))

    @classmethod
    def _of_kernel(cls, values: np.ndarray, means: bool) -> "Block":
        """`of` float64 (or other) values by `kernels.sorted_hist` (the same bits)."""
        S, R = values.shape
        series, count, lo, hi, first, last, small, total = kernels.sorted_hist(
            values.astype(np.float64, copy=False), bin_bits(S))
        hist = Histograms(S, bin_bits(S), series, count, lo, hi)
        if not means:
            return cls(hist, None)
        return cls(hist, exact_sums_of(first, last, R, 53, small, lambda: total,
                                       lambda rows: sort_rows(values[rows])))

    @classmethod
    def _of_float32_kernel(cls, values: np.ndarray, means: bool) -> "Block":
        """`_of_float32` by `kernels.float32_hist` (the same bits)."""
        S, R = values.shape
        vary, x, series, count, lo, hi, first, last, small, total = kernels.float32_hist(
            values, bin_bits(S))
        hist = Histograms(S, bin_bits(S), series, count, lo, hi)
        if not means:
            return cls(hist, None)
        const = np.ones(S, dtype=bool)  # not np.setdiff1d: 0.1 s a call at 400 facilities
        const[vary] = False
        const = np.flatnonzero(const)
        value = values[const, 0].astype(np.float64) + 0.0
        return cls(hist, _float32_sums(S, R, const, value, vary, lambda: exact_sums_of(
            first, last, R, 24, small, lambda: total, lambda rows: widen_sorted(x[rows]))))

    @classmethod
    def masked(cls, values: np.ndarray, ok: np.ndarray) -> "Block":
        """Series (S, R) of which only the values where `ok` count: their exact sums, and
        histograms with the others as +inf placeholders (so quantiles take each series' count,
        `Histograms.quantiles(n=...)`)."""
        v = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            sums = cls.of(np.where(ok, v, 0.0)).sums
            return cls(cls.of(np.where(ok, v, np.inf), means=False).hist, sums)

    def band(self, n) -> tuple[np.ndarray, np.ndarray]:
        """(mean (S,), p10/p50/p90 (3, S)) of each series' `n` counted values (n: int or (S,);
        NaN where a series has none)."""
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), (self.hist.size,))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, self.sums.totals() / np.maximum(n, 1), np.nan)
        return mean, self.hist.quantiles(n=n)

    @classmethod
    def merged(cls, blocks: list["Block"]) -> "Block":
        sums = blocks[0].sums
        for b in blocks[1:]:
            sums = sums.merge(b.sums) if sums is not None else None
        return cls(Histograms.merged([b.hist for b in blocks]), sums)

    def means(self, n: int) -> np.ndarray:
        """Mean of every series (S,): its exact sum, rounded once, over n."""
        return self.sums.totals() / max(n, 1)

    @property
    def nbytes(self) -> int:
        h = self.hist
        arrays = [h.series, h.count, h.lo, h.hi] + ([self.sums.s] if self.sums else [])
        return sum(a.nbytes for a in arrays)


def _float32_sums(S: int, R: int, const: np.ndarray, value: np.ndarray, vary: np.ndarray,
                  varying) -> ExactSums:
    """Exact sums of S float32 series of R values: the constant rows `const` as value * R
    (exact: 24 significant bits times R < 2^29), the rows `vary` from `varying()`."""
    direct = np.zeros((S, 1))
    direct[const, 0] = value * R
    sums = ExactSums.of(direct)
    if vary.size:
        part = varying()
        full = np.zeros((S, part.s.shape[1]))
        full[vary] = part.s
        sums = sums.merge(ExactSums(part.first, full))
    return sums


@dataclass
class Summary:
    """The mergeable statistics of some replications of one scenario."""

    n: int
    blocks: dict[str, Block] = field(default_factory=dict)
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # int64, summed
    fixed: dict[str, np.ndarray] = field(default_factory=dict)  # int64 fixed point, summed

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays (what a worker sends back, roughly)."""
        return (sum(b.nbytes for b in self.blocks.values())
                + sum(a.nbytes for a in self.counts.values())
                + sum(a.nbytes for a in self.fixed.values()))

    @property
    def entries(self) -> int:
        return sum(len(b.hist.count) for b in self.blocks.values())

    def __reduce__(self):
        """Pickled compact and compressed (`wire.pack`: what a worker sends back, a few hundred
        kB for the baseline)."""
        return _unpack, (pack((self.n, self.blocks, self.counts, self.fixed)),)


def _unpack(blob: bytes) -> Summary:
    return Summary(*unpack(blob))


def merge(parts: list[Summary]) -> Summary:
    """One summary of several (exact: counts and fixed-point sums add, histograms and exact sums
    merge without rounding)."""
    parts = [p for p in parts if p.n]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Summary(0)
    n = sum(p.n for p in parts)
    if n >= MAX_COUNT:
        raise SimulationError(f"at most {MAX_COUNT - 1:,} replications can be summed exactly")
    first = parts[0]
    return Summary(
        n, {k: Block.merged([p.blocks[k] for p in parts]) for k in first.blocks},
        {k: sum(p.counts[k] for p in parts) for k in first.counts},
        {k: sum(p.fixed[k] for p in parts) for k in first.fixed})


PENDING_BYTES = 4 * 2 ** 20  # summaries held back before a merge, at least


class Accumulator:
    """Merges summaries as they come: pending ones are merged in one go once they hold half as
    many bytes as the merged state (so each entry is re-sorted O(log n) times, and memory stays
    within about three times the state, or PENDING_BYTES)."""

    def __init__(self):
        self.state: Summary | None = None
        self.pending: list[Summary] = []
        self._pending_bytes = 0

    def add(self, s: Summary) -> None:
        self.pending.append(s)
        self._pending_bytes += s.nbytes
        state = self.state.nbytes if self.state else 0
        if self._pending_bytes >= max(state // 2, PENDING_BYTES):
            self._collapse()

    def _collapse(self) -> None:
        self.state = merge(([self.state] if self.state else []) + self.pending)
        self.pending, self._pending_bytes = [], 0

    def result(self) -> Summary:
        self._collapse()
        return self.state if self.state is not None else Summary(0)
