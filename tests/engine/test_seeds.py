"""Replication keys in bulk are the first draws of the replications' own Generators."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from simulator.engine.draws import replication_generator, replication_keys


def one_by_one(seed, reps) -> np.ndarray:
    return np.array([replication_generator(seed, r).integers(0, 2**64, dtype=np.uint64,
                                                             endpoint=False) for r in reps],
                    dtype=np.uint64)


@pytest.mark.parametrize("seed", [0, 1, 9, 20231114, 2**32 - 1, 2**32, 2**64 + 7, 2**127 + 11,
                                  2**130 + 3, 2**200 + 99])
def test_bulk_keys_equal_numpys_generators(seed):
    reps = [0, 1, 2, 3, 499, 500, 70_000, 2**31, 2**32 - 1]
    assert_array_equal(replication_keys(seed, reps), one_by_one(seed, reps))


def test_bulk_keys_for_random_seeds_and_ranges():
    rng = np.random.default_rng(0)
    for _ in range(20):
        seed = int(rng.integers(0, 2**63))
        start = int(rng.integers(0, 10**6))
        reps = range(start, start + 50)
        assert_array_equal(replication_keys(seed, reps), one_by_one(seed, reps))


def test_a_negative_seed_is_left_to_numpy():
    with pytest.raises(ValueError):
        replication_keys(-1, [0])
