"""run_ensemble loads the compiled kernels only where they repay loading them (KERNEL_BYTES of
arrays in all), and the two choices give the same statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator as sim
from simulator import jit
from simulator.engine.arrays import compile_scenario
from simulator.ensemble import run as ensemble_run
from simulator.ensemble.bounds import replication_bytes
from tests.ensemble.same import assert_same_summary

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "dianjun-baseline.yaml"


@pytest.fixture(scope="module")
def compiled():
    return compile_scenario(sim.load_scenario(BASELINE))


@pytest.mark.skipif(not jit.available(), reason="numba is not installed (pip install "
                    "capsim[fast]) or CAPSIM_NUMBA=0")
def test_kernels_load_only_for_enough_work(monkeypatch, compiled):
    monkeypatch.setattr(jit, "_warm", [False])
    monkeypatch.setattr(jit, "_ALWAYS", False)
    small = ensemble_run.run_ensemble(compiled, 40, seed=2)
    assert not jit._warm[0]  # 40 replications: the numpy paths
    # the same 40 replications as enough work: the kernels run, and give the same statistics
    monkeypatch.setattr(ensemble_run, "KERNEL_BYTES", 40 * replication_bytes(compiled))
    large = ensemble_run.run_ensemble(compiled, 40, seed=2)
    assert jit._warm[0]
    assert_same_summary(small.summary, large.summary)


def test_the_threshold_is_3000_baseline_replications(compiled):
    """As the comment on KERNEL_BYTES says (what the benchmark measured: loading ~0.5 s once,
    saving ~0.2 s per 1,000 baseline replications)."""
    assert ensemble_run.KERNEL_BYTES == 3_000 * replication_bytes(compiled)
