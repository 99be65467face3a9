"""Hindcast scores with known answers: PIT, the 80 % band's coverage, CRPS, scope filtering."""

from __future__ import annotations

import numpy as np
import pytest
import scoringrules

import simulator
from simulator.analysis.hindcast import (crps, hindcast, mid_pit, needed_rows, score, scope_reason,
                                         selected_types)
from simulator.scenario.observations import observations_from_dict
from tests.helpers import engine_scenario, ym


def obs_dict(**kw) -> dict:
    base = {"id": "x", "month": "2024-06", "metric": "capacity_p", "total": True,
            "scope": {"district": "d1"}, "value": 10, "counting": "test", "source": "test"}
    base.update(kw)
    if "type" in kw or "precision" in kw:
        base.pop("total")
    return base


def observations(*items: dict):
    return observations_from_dict({"name": "test", "observations": list(items)})


# ---------------------------------------------------------------- known answers on samples
def test_observations_drawn_from_the_forecast_are_covered_80_percent():
    """2000 observations, each drawn from the same N(0,1) as its 1000-member ensemble: the
    P10-P90 band covers 80 % of them. Tolerance +-0.03: the binomial s.d. is 0.009, and the
    band's quantiles are themselves estimated from 1000 members (s.d. ~0.01 each)."""
    rng = np.random.default_rng(7)
    samples = rng.standard_normal((2000, 1000))
    values = rng.standard_normal(2000)
    got = score(samples, values)
    assert got["inside"].mean() == pytest.approx(0.80, abs=0.03)
    # the PIT of calibrated forecasts is uniform: each tenth holds a tenth (+-0.025)
    counts = np.histogram(got["pit"], bins=10, range=(0, 1))[0] / 2000
    assert np.all(np.abs(counts - 0.1) < 0.025), counts
    assert got["pit"].mean() == pytest.approx(0.5, abs=0.02)


def test_a_forecast_too_narrow_covers_less():
    """Ensembles of N(0, 0.5) against observations of N(0, 1): the band covers
    P(|Z| < 1.2816 * 0.5) = 2 * Phi(0.6408) - 1 = 0.478 of them (+-0.04)."""
    rng = np.random.default_rng(8)
    got = score(0.5 * rng.standard_normal((2000, 1000)), rng.standard_normal(2000))
    assert got["inside"].mean() == pytest.approx(0.478, abs=0.04)


def test_far_outside_gives_pit_0_or_1():
    samples = np.tile(np.arange(100.0), (2, 1))
    got = score(samples, np.array([1e6, -1e6]))
    assert got["pit"].tolist() == [1.0, 0.0]
    assert got["inside"].tolist() == [False, False]


def test_a_point_forecast_that_hits_has_mid_pit_one_half_and_no_crps():
    got = score(np.full((1, 50), 305.0), np.array([305.0]))
    assert got["pit"][0] == 0.5 and got["inside"][0]
    assert got["crps"][0] == pytest.approx(0.0)
    assert mid_pit(np.array([[1.0, 2.0, 2.0, 3.0]]), np.array([2.0]))[0] == pytest.approx(0.5)


def test_crps_against_the_library_and_by_hand():
    """Ensemble {0, 1, 2, 3} and observation 1: E|X - y| = 1, E|X - X'| = 20/16, so
    CRPS = 1 - 0.5 * 1.25 = 0.375; a point ensemble at 0 against 4 gives |0 - 4| = 4."""
    fc = np.array([[0.0, 1, 2, 3], [0, 0, 0, 0], [5, 1, 9, 2]])
    y = np.array([1.0, 4.0, 3.5])
    ours = crps(fc, y)
    assert ours[:2] == pytest.approx([0.375, 4.0])
    assert ours == pytest.approx(np.asarray(scoringrules.crps_ensemble(y, fc)))


# ---------------------------------------------------------------- through the engine
def _uncertain(n_facilities: int = 6):
    """Facilities whose phases come online after triangular build times: a spread at each month."""
    facilities = [{"id": f"f{i}", "phases": [{"capacity": {"ai": f"{10 * (i + 1)}P"},
                                              "start": "2024-01",
                                              "build_months": {"min": 2, "mode": 8, "max": 20}}]}
                  for i in range(n_facilities)]
    return engine_scenario(facilities, end="2025-12", scope={"district": "d1"})


def test_observations_drawn_from_the_model_itself_are_covered_about_80_percent():
    """Each observation is one replication of another seed (independent draws from the model);
    the ensemble's band covers 80 % of them, more where the forecast is discrete (values tied at
    the band's edges count as inside). Tolerance: [0.72, 0.95] for 120 observations (binomial
    s.d. 0.037)."""
    s = _uncertain()
    truth = simulator.run_ensemble(s, replications=120, seed=2, keep_rows=True)
    ens = simulator.run_ensemble(s, replications=400, seed=1, keep_rows=True)
    from simulator.analysis.hindcast import series_samples

    items = []
    probe = observations(obs_dict())
    per_month = series_samples(truth, probe.observations[0])  # (months, 120)
    for r in range(120):
        month = 3 + r % 20
        items.append(obs_dict(id=f"o{r}", month=ym(month), value=float(per_month[month, r])))
    h = hindcast(ens, observations(*items))
    assert len(h.scored) == 120 and not h.skipped
    assert 0.72 <= h.coverage <= 0.95
    assert 0.35 <= np.mean([sc.pit for sc in h.scored]) <= 0.65


def test_hindcast_sums_the_facilities_and_types_it_counts():
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "50P", "hpc": "5P"},
                                                 "online": "2023-12"}]},
                         {"id": "b", "phases": [{"capacity": {"ai": "20P"}, "online": "2024-03"}]}],
                        scope={"district": "d1"})
    obs = observations(
        obs_dict(id="total", value=75),
        obs_dict(id="ai-a", type="ai", scope={"facilities": ["a"]}, value=50),
        obs_dict(id="both-before-b", type="ai", scope={"facilities": ["a", "b"]},
                 month="2024-02", value=60))
    ens = simulator.run_ensemble(s, replications=3, seed=1,
                                 keep_rows=lambda c: needed_rows(c, obs))
    assert set(ens.reduced.cube_rows) == {("capacity_p", "ai", "all"),
                                          ("capacity_p", "hpc", "all"),
                                          ("capacity_p", "ai", "a"), ("capacity_p", "ai", "b")}
    h = hindcast(ens, obs)
    got = {sc.obs.id: (sc.p50, sc.pit, sc.inside) for sc in h.scored}
    assert got["total"] == (75.0, 0.5, True)
    assert got["ai-a"] == (50.0, 0.5, True)
    assert got["both-before-b"] == (50.0, 1.0, False)  # b is not online yet: 50 < 60
    assert h.coverage == pytest.approx(2 / 3)
    assert h.mean_crps == pytest.approx(10 / 3)
    assert "2 of 3 observations" in h.verdict and "1 above the band" in h.verdict


# ---------------------------------------------------------------- scope filtering
SCOPED = dict(scope={"district": "d1", "city": "c1", "province": "p1"})


@pytest.mark.parametrize("kw, reason", [
    ({"scope": {"city": "c1"}},
     "counts city c1; the scenario models only district d1, a part of it"),
    ({"scope": {"province": "p1"}}, "a part of it"),
    ({"scope": {"district": "d2"}}, "counts district d2; the scenario models district d1"),
    ({"scope": {"city": "c2"}}, "counts city c2; the scenario models district d1"),
    ({"scope": {"facilities": ["a", "zz"]}}, "facility zz is not in the scenario"),
    ({"metric": "demand_p", "scope": {"facilities": ["a"]}}, "counted per compute type"),
    ({"month": "2023-12"}, "2023-12 is outside the horizon 2024-01..2025-12"),
    ({"type": "general"}, "the scenario has no compute type 'general'"),
    ({"precision": "FP64"}, "no compute type at precision FP64"),
])
def test_observations_outside_the_scope_are_skipped_with_the_reason(kw, reason):
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "5P"}, "online": "2024-01"}]}],
                        **SCOPED)
    (o,) = observations(obs_dict(**kw)).observations
    got = scope_reason(s, o)
    assert got is not None and reason in got


def test_in_scope_observations_and_selection_by_precision():
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "5P"}, "online": "2024-01"}]}],
                        **SCOPED)
    s = s.model_copy(update={"compute_types": {
        "ai": s.compute_types["ai"].model_copy(update={"precision": "FP16"}),
        "hpc": s.compute_types["hpc"].model_copy(update={"precision": "FP64"})}})
    for kw in ({}, {"type": "ai"}, {"scope": {"facilities": ["a"]}}, {"precision": "fp16"}):
        (o,) = observations(obs_dict(**kw)).observations
        assert scope_reason(s, o) is None, kw
    (o,) = observations(obs_dict(precision="FP64")).observations
    assert selected_types(s, o) == ["hpc"]


def test_a_scenario_without_scope_compares_only_its_facilities():
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "5P"}, "online": "2024-01"}]}])
    (area,) = observations(obs_dict()).observations
    (fac,) = observations(obs_dict(scope={"facilities": ["a"]})).observations
    assert "names no scope" in scope_reason(s, area)
    assert scope_reason(s, fac) is None


def test_nothing_in_scope_says_so():
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "5P"}, "online": "2024-01"}]}],
                        **SCOPED)
    h = hindcast(simulator.run_ensemble(s, replications=2, seed=1),
                 observations(obs_dict(scope={"city": "zz"})))
    assert h.scored == [] and h.coverage is None and h.mean_crps is None
    assert h.verdict.startswith("No observation is within the scenario's scope (1 skipped)")


def test_hindcast_needs_the_observed_rows_kept_and_says_so():
    """Monthly values per replication are kept only when asked (memory flat in n): without
    them, or above the keep limit, a clear SimulationError rather than wrong numbers."""
    from simulator.ensemble import run as ens_run

    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": "5P"}, "online": "2024-01"}]}],
                        scope={"district": "d1"})
    obs = observations(obs_dict(id="total", value=5))
    with pytest.raises(simulator.SimulationError, match="were not kept"):
        hindcast(simulator.run_ensemble(s, replications=2, seed=1), obs)
    old = ens_run.KEEP_LIMIT
    try:
        ens_run.KEEP_LIMIT = 3
        with pytest.raises(simulator.SimulationError, match="at most 3 replications, not 4"):
            simulator.run_ensemble(s, replications=4, seed=1,
                                   keep_rows=lambda c: needed_rows(c, obs))
    finally:
        ens_run.KEEP_LIMIT = old
