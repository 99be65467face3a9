"""Random numbers of replications: one Generator each, keyed draws per actor, inverse CDFs.

Replication r of seed s has its own generator, from `SeedSequence(s).spawn(n)[r]` (the same as
`SeedSequence(s, spawn_key=(r,))`, so a batch can build it without spawning the others). The
generator draws one 64-bit key; the k-th random number of an actor is then a counter-based hash
(SplitMix64) of (key, actor id, k). So an actor gets the same numbers in every what-if that keeps
it (common random numbers when scenarios are compared), whatever the batch or worker it runs in.
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator.engine.seeds import first_draws

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_SLOTS = np.uint64(64)  # random numbers an actor may draw


def replication_generator(seed: int, replication: int) -> np.random.Generator:
    """The Generator of one replication: child `replication` of SeedSequence(seed)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication,)))


def replication_keys(seed: int, replications: range | list[int]) -> np.ndarray:
    """One 64-bit key per replication: the first draw of that replication's own Generator,
    computed for all of them at once (`seeds.first_draws`; the same numbers)."""
    reps = list(replications)
    if isinstance(seed, (int, np.integer)) and seed >= 0 and all(0 <= r < 2**32 for r in reps):
        return first_draws(int(seed), reps)
    return np.array([replication_generator(seed, r).integers(0, 2**64, dtype=np.uint64,
                                                             endpoint=False)
                     for r in reps], dtype=np.uint64)


def actor_key(name: str) -> np.uint64:
    """A stable 64-bit key for an actor id ("phase:nacic.p2"), the same on every machine."""
    return np.uint64(int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little"))


def uniforms(keys: np.ndarray, actors: np.ndarray, slot: int) -> np.ndarray:
    """Uniform [0, 1) numbers shaped (replications, actors): draw `slot` of each actor."""
    with np.errstate(over="ignore"):
        counter = actors.astype(np.uint64) * _SLOTS + np.uint64(slot)
        z = keys[:, None] + (counter[None, :] + np.uint64(1)) * _GAMMA
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def triangular(u: np.ndarray, lo: np.ndarray, mode: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution; a fixed value where lo == hi."""
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(span > 0, (mode - lo) / np.where(span > 0, span, 1.0), 0.0)
        left = lo + np.sqrt(u * span * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * span * (hi - mode))
    return np.where(span > 0, np.where(u < c, left, right), lo)


def uniform_month(u: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A whole month drawn uniformly from first..last inclusive."""
    n = last - first + 1
    return np.minimum(first + np.floor(u * n), last)
