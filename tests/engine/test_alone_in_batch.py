"""A replication gives the same bits alone as in a batch, for every shipped scenario, on the
numpy paths and with the compiled kernels: numpy's sums along rows must not depend on how many
rows a batch has (a fancy-indexed (R > 1, n) array is added first to last, a single row
pairwise: the allocation works on C-ordered rows so that both are pairwise)."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest

import simulator as sim
from simulator import jit
from simulator.engine.arrays import compile_scenario
from simulator.engine.processes import simulate_batch

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
PATHS = ["numpy"] + (["kernels"] if jit.available() else [])


def _differ(c, path: str) -> dict[str, float]:
    """Arrays with a replication axis in which replications 0, 5 and 17 alone differ from the
    same replications in a batch of 24, with the largest difference."""
    off = jit.disabled() if path == "numpy" else nullcontext()
    with off:
        batch = simulate_batch(c, 9, range(24))
        out = {}
        for r in (0, 5, 17):
            alone = simulate_batch(c, 9, [r])
            for k, v in vars(alone).items():
                if isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.shape[:1] == (1,):
                    w = getattr(batch, k)[r:r + 1]
                    if not np.array_equal(v, w, equal_nan=True):
                        out[k] = max(out.get(k, 0.0), float(np.nanmax(np.abs(v - w))))
    return out


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_a_replication_alone_gives_the_bits_it_gives_in_a_batch(scenario, path):
    c = compile_scenario(sim.load_scenario(scenario))
    assert _differ(c, path) == {}
