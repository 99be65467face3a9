"""Mergeable statistics of many series: exact sums and bounded-error histograms.

Both are computed per batch of replications and merged across batches; merging is exact
(integer counts, exact float sums, minimum and maximum), so the result is the same bits for
any batch size, executor, worker count and order in which batches come back. Memory depends
on the number of series and of distinct values, not on the replication count.

- `ExactSums`: the sum of each series with no rounding. Every value is cut into fixed 24-bit
  windows of the float64 exponent range (window w: multiples of 2^(LOW + 24 w) below
  2^(LOW + 24 w + 24)), so up to 2^29 of them add up in float64 without rounding; the total
  is the correctly rounded sum of the windows (`math.fsum`).
- `Histograms`: per series, bins keyed by the sign, exponent and top `bits` mantissa bits of a
  value, each with its count and the exact minimum and maximum of the values in it. An order
  statistic is exact when its bin holds one distinct value; otherwise it is the middle of the
  bin's [min, max], within 2^-(bits + 1) of the value's magnitude (`relative_error`). `bits`:
  BIN_BITS (10: 0.049 %) up to MANY_SERIES series, one less per doubling beyond, down to
  MIN_BITS (large scenarios' histograms fit in memory); never depends on the batching.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.ensemble.wire import histogram_fields, histogram_state

LOW = -1074  # exponent of float64's smallest bit
WINDOW = 24  # bits per window of ExactSums
MAX_COUNT = 2 ** 29  # values an ExactSums can add without rounding
BIN_BITS = 10  # mantissa bits that key a histogram bin
MIN_BITS = 5
MANY_SERIES = 2 ** 17  # more series than this get coarser bins
MERGE_CHUNK = 4_000_000  # histogram entries merged at a time
_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)


def bin_bits(series: int) -> int:
    """Mantissa bits of the bins of a block of `series` series."""
    over = max(0, math.ceil(math.log2(max(series, 1) / MANY_SERIES)))
    return max(MIN_BITS, BIN_BITS - over)


def relative_error(bits: int = BIN_BITS) -> float:
    """Bound on an inexact order statistic, relative to its magnitude."""
    return 2.0 ** -(bits + 1)


RELATIVE_ERROR = relative_error(BIN_BITS)


# ---------------------------------------------------------------- exact sums
@dataclass
class ExactSums:
    """Exact sums of S series: s[:, j] is the sum of the values' bits in window first + j."""

    first: int
    s: np.ndarray  # (S, W) float64

    @classmethod
    def zeros(cls, series: int) -> "ExactSums":
        return cls(0, np.zeros((series, 0)))

    @classmethod
    def of(cls, values: np.ndarray, mantissa_bits: int = 53) -> "ExactSums":
        """Sums of values (S, R) along R (finite; `mantissa_bits` 24 for float32 values)."""
        values = np.asarray(values, dtype=np.float64)
        a = np.abs(values)
        top = float(a.max()) if a.size else 0.0
        if top == 0.0:
            return cls.zeros(values.shape[0])
        low = float(np.min(a, where=a > 0, initial=np.inf))
        lowest_bit = max(math.frexp(low)[1] - mantissa_bits, LOW)
        w0 = (lowest_bit - LOW) // WINDOW
        w1 = (math.frexp(top)[1] - 1 - LOW) // WINDOW
        out = np.empty((values.shape[0], w1 - w0 + 1))
        rest = values
        for j, w in enumerate(range(w0, w1)):
            cut = LOW + WINDOW * (w + 1)
            high = np.ldexp(np.trunc(np.ldexp(rest, -cut)), cut)
            out[:, j] = (rest - high).sum(axis=1)
            rest = high
        out[:, -1] = rest.sum(axis=1)
        return cls(w0, out)

    def merge(self, other: "ExactSums") -> "ExactSums":
        """The sums of both (exact: parts of a window are multiples of its lowest bit)."""
        if not other.s.shape[1]:
            return self
        if not self.s.shape[1]:
            return other
        first = min(self.first, other.first)
        last = max(self.first + self.s.shape[1], other.first + other.s.shape[1])
        out = np.zeros((self.s.shape[0], last - first))
        for x in (self, other):
            out[:, x.first - first:x.first - first + x.s.shape[1]] += x.s
        return ExactSums(first, out)

    def totals(self) -> np.ndarray:
        """The correctly rounded sum of each series (S,) (the same for any batching)."""
        s = self.s
        out = s.sum(axis=1)  # one rounding at most where at most two windows are non-zero
        for i in np.flatnonzero((s != 0).sum(axis=1) > 2):
            out[i] = math.fsum(s[i])
        return out


def exact_sums_sorted(x: np.ndarray, mantissa_bits: int, smallest: np.ndarray) -> ExactSums:
    """ExactSums of sorted rows (S, R) of `mantissa_bits` values (24: float32), `smallest` each
    row's least non-zero magnitude (inf: none); rows that cannot round are summed directly."""
    if not x.size:
        return ExactSums.zeros(x.shape[0])
    return exact_sums_of(x[:, 0], x[:, -1], x.shape[1], mantissa_bits, smallest,
                         lambda: x.sum(axis=1), lambda rows: x[rows])


def exact_sums_of(first, last, R: int, mantissa_bits: int, smallest, sums, rows_of) -> ExactSums:
    """`exact_sums_sorted` of rows known by first and last values (S,), `sums()` (any order:
    used only where exact) and `rows_of(rows)` (the sorted float64 rows of those indices)."""
    big = np.maximum(np.abs(first), np.abs(last))
    _, e_small = np.frexp(np.where(np.isfinite(smallest), smallest, 1.0))
    grain = np.ldexp(1.0, np.maximum(e_small - mantissa_bits, LOW + 1).astype(np.int64))
    safe = (big * R < grain * 2.0 ** 52) | (big == 0)
    direct = np.where(safe, sums(), 0.0)
    out = ExactSums.of(direct[:, None], 53)
    rows = np.flatnonzero(~safe)
    if rows.size:
        part = ExactSums.of(rows_of(rows), mantissa_bits)
        full = np.zeros((first.shape[0], part.s.shape[1]))
        full[rows] = part.s
        out = out.merge(ExactSums(part.first, full))
    return out


def exact_sums_f32(values: np.ndarray) -> ExactSums:
    """ExactSums of float32 values (S, R) (see `exact_sums_sorted`)."""
    x = np.sort(np.asarray(values, dtype=np.float64), axis=1)
    a = np.abs(x)
    return exact_sums_sorted(x, 24, np.min(a, axis=1, where=a > 0, initial=np.inf))


# ---------------------------------------------------------------- histograms
def sort_rows(values: np.ndarray) -> np.ndarray:
    """Rows sorted ascending as float64, -0.0 made 0.0 (so that zeros share one bin). Float32
    rows are sorted as float32 (half the bytes; widening is exact and keeps the order)."""
    values = np.asarray(values)
    if values.dtype not in (np.float32, np.float64):
        values = values.astype(np.float64)
    return widen_sorted(np.sort(values, axis=1))


def widen_sorted(x: np.ndarray) -> np.ndarray:
    """Rows already sorted (float32 or float64) as float64, -0.0 made 0.0 (as `sort_rows`);
    float64 rows are changed in place."""
    x = x.astype(np.float64, copy=False)
    np.add(x, 0.0, out=x)
    return x


def bin_key(x: np.ndarray, bits: int = BIN_BITS) -> np.ndarray:
    """The histogram bin of float64 values, ordered as the values are (inf has its own)."""
    raw = np.ascontiguousarray(x, dtype=np.float64).view(np.int64)
    k = (raw & _MAGNITUDE) >> np.int64(52 - bits)
    return np.where(raw < 0, -k - 1, k)


@dataclass
class Histograms:
    """Bins of S series, sorted by (series, bin): count and exact min and max per bin (a bin's
    key is that of its min). 24 bytes per bin."""

    size: int  # S
    bits: int  # mantissa bits of a bin
    series: np.ndarray  # (E,) int32
    count: np.ndarray  # (E,) int32 (fewer than MAX_COUNT values in all)
    lo: np.ndarray  # (E,) float64
    hi: np.ndarray  # (E,) float64

    def __getstate__(self) -> dict:
        """For pickling (a worker sending its summary): compact (`wire.histogram_state`)."""
        return histogram_state(self)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(histogram_fields(state))

    @classmethod
    def of(cls, values: np.ndarray, bits: int | None = None) -> "Histograms":
        """Histograms of values (S, R), one series per row (no NaN)."""
        values = np.asarray(values)
        return cls.of_sorted(sort_rows(values), bin_bits(values.shape[0]) if bits is None
                             else bits)

    @classmethod
    def of_sorted(cls, x: np.ndarray, bits: int = BIN_BITS) -> "Histograms":
        """Histograms of rows sorted ascending (S, R) float64, -0.0 made 0.0 (`sort_rows`)."""
        S, R = x.shape
        if not x.size:
            none = np.zeros(0, dtype=np.int32)
            return cls(S, bits, none, none, none * 0.0, none * 0.0)
        # runs of equal values first (few), then runs of equal bins among them
        new = np.ones((S, R), dtype=bool)
        np.not_equal(x[:, 1:], x[:, :-1], out=new[:, 1:])
        start = np.flatnonzero(new.ravel())
        flat = x.ravel()
        series, key = start // R, bin_key(flat[start], bits)
        first = np.ones(start.size, dtype=bool)
        first[1:] = (series[1:] != series[:-1]) | (key[1:] != key[:-1])
        start, series = start[first], series[first]
        end = np.append(start[1:], S * R)
        return cls(S, bits, series.astype(np.int32), (end - start).astype(np.int32),
                   flat[start], flat[end - 1])

    def smallest_magnitude(self) -> np.ndarray:
        """The least non-zero |value| of each series (S,), inf if none."""
        out = np.full(self.size, np.inf)
        for edge in (self.lo, self.hi):
            a = np.abs(edge)
            np.minimum.at(out, self.series, np.where(a > 0, a, np.inf))
        return out

    @classmethod
    def merged(cls, parts: list["Histograms"]) -> "Histograms":
        """One histogram of several (counts added, min of mins, max of maxes), merged a range
        of series at a time (so the sorting's temporaries stay small)."""
        parts = [p for p in parts if len(p.count)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        total = sum(len(p.count) for p in parts)
        chunks = max(1, -(-total // MERGE_CHUNK))
        edges = np.linspace(0, parts[0].size, chunks + 1).astype(np.int64)
        cut = [np.searchsorted(p.series, edges) for p in parts]
        pieces = [cls._merge_range([(p, c[i], c[i + 1]) for p, c in zip(parts, cut)])
                  for i in range(chunks)]
        return cls(parts[0].size, parts[0].bits,
                   *(np.concatenate([x[k] for x in pieces]) for k in range(4)))

    @staticmethod
    def _merge_range(spans) -> tuple:
        """Merge entries [a, b) of each part (one range of series)."""
        bits = spans[0][0].bits
        cat = lambda name: np.concatenate([getattr(p, name)[a:b] for p, a, b in spans])  # noqa
        series, lo = cat("series"), cat("lo")
        key = bin_key(lo, bits)  # |key| < 2^(12 + bits) <= 2^24
        # each part is sorted by (series, key): a stable sort of the runs on one int64 key
        # (timsort merges them) gives lexsort's order
        order = np.argsort((series.astype(np.int64) << 32) + key, kind="stable")
        series, key = series[order], key[order]
        new = np.ones(len(series), dtype=bool)
        new[1:] = (series[1:] != series[:-1]) | (key[1:] != key[:-1])
        start = np.flatnonzero(new)
        if not start.size:
            return series, cat("count"), lo, cat("hi")
        return (series[start], np.add.reduceat(cat("count")[order], start),
                np.minimum.reduceat(lo[order], start), np.maximum.reduceat(cat("hi")[order], start))

    @property
    def n(self) -> int:
        """Values per series (every series has the same)."""
        return int(self.count[self.series == 0].sum(dtype=np.int64)) if self.size else 0

    def order_stats(self, ranks: np.ndarray) -> np.ndarray:
        """The ranks[j]-th smallest value (0-based) of every series (len(ranks), S): exact where
        the bin holds one distinct value, else the middle of the bin's [min, max]. `ranks` may
        also be (k, S): a rank per series."""
        cum = np.cumsum(self.count, dtype=np.int64)
        before = np.concatenate(([0], cum))[np.searchsorted(self.series, np.arange(self.size))]
        ranks = np.asarray(ranks, dtype=np.int64)
        ranks = ranks[:, None] if ranks.ndim == 1 else ranks
        at = np.searchsorted(cum, before[None, :] + ranks, side="right")
        lo, hi = self.lo[at], self.hi[at]
        with np.errstate(invalid="ignore"):  # inf - inf where the bin is inf alone
            return np.where(lo == hi, lo, lo + (hi - lo) / 2)

    def quantiles(self, percents=(10, 50, 90), n=None) -> np.ndarray:
        """numpy's default (linear) percentiles (len(percents), S), as `reduce.quantiles`; with
        `n` (S,), of each series' n[s] smallest values only (the others are +inf placeholders;
        NaN where n[s] is 0)."""
        count = np.full(self.size, self.n) if n is None else np.asarray(n, dtype=np.int64)
        last = np.maximum(count - 1, 0)[None, :]
        pos = last * np.asarray(percents, dtype=np.float64)[:, None] / 100.0  # as numpy's
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, last)
        low, high = self.order_stats(lo), self.order_stats(hi)
        with np.errstate(invalid="ignore"):
            out = low + (high - low) * (pos - lo)
        out = np.where(low == high, low, out)
        return np.where(count[None, :] > 0, out, np.nan)

    def inverted_cdf(self, percents=(10, 50, 90)) -> np.ndarray:
        """numpy's 'inverted_cdf' percentiles (actual sample values) (len(percents), S)."""
        n = self.n
        v = n * (np.asarray(percents, dtype=np.float64) / 100.0) - 1
        prev = np.floor(v)
        k = np.clip(prev + (v - prev > 0), 0, n - 1).astype(np.int64)
        return self.order_stats(k)
