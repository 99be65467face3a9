"""The random draws against their exact distributions, over n = 4000 replications.

Each frequency p_hat of an event of probability p is checked within 4 binomial standard errors,
|p_hat - p| <= 4 sqrt(p (1 - p) / n); with n = 4000 that is at most 4 x 0.0079 = 0.032. Seeds
are fixed, so the tests are deterministic; a correct engine fails one check with chance < 1e-4.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.helpers import engine_scenario
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.engine.arrays import compile_scenario
from simulator.ensemble.run import run_ensemble
from simulator.engine.processes import simulate_batch
from simulator.ensemble.reduce import month_quantiles, quantiles

N = 4000
SIGMAS = 4.0


def assert_frequency(hits, p: float, what: str = "") -> None:
    """The share of True in `hits` is p within SIGMAS binomial standard errors."""
    hits = np.asarray(hits, dtype=bool)
    n = hits.size
    p_hat = hits.mean()
    se = math.sqrt(p * (1 - p) / n)
    assert abs(p_hat - p) <= SIGMAS * se + 1e-12, \
        f"{what}: {p_hat:.4f} observed, {p:.4f} expected (n {n}, se {se:.4f})"


def triangular_cdf(x: float, a: float, c: float, b: float) -> float:
    """F(x) of the triangular distribution with min a, mode c, max b."""
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


def batch(scenario, seed: int = 20240101):
    """N replications of a scenario side by side (one RunResult)."""
    return simulate_batch(compile_scenario(scenario), seed, range(N))


# ---------------------------------------------------------------- build times
BUILD = {"min": 2, "mode": 5, "max": 11}


def test_a_triangular_build_is_online_by_month_k_with_the_cdf_at_k():
    # start 2024-01 (0): online month = ceil(D), so P(online by k) = P(ceil(D) <= k) = P(D <= k)
    # = F(k): k = 3 -> 1/27, 5 -> 9/27, 6 -> 1 - 25/54, 8 -> 1 - 9/54, 10 -> 1 - 1/54
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-01",
                                                  "build_months": BUILD}]}])
    online = run_ensemble(s, N, 77).reduced.phase_online[:, 0]
    assert online.min() >= 2 and online.max() <= 11
    for k in range(2, 12):
        assert_frequency(online <= k, triangular_cdf(k, 2, 5, 11), f"online by {k}")


def test_the_installed_capacity_band_follows_the_build_time():
    # mean installed capacity in month k = 10 x F(k)
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-01",
                                                  "build_months": BUILD}]}])
    r = batch(s)
    for k in (4, 6, 9):
        assert_frequency(r.capacity_p[:, k, 0, 0] == 10, triangular_cdf(k, 2, 5, 11),
                         f"capacity in {k}")


def test_a_build_after_a_random_predecessor_adds_the_two_durations():
    # p1 builds D1 ~ tri(0, 0, 3), online at ceil(D1) in {1, 2, 3} with
    # P(ceil(D1) <= 1) = F(1) = 1 - (3 - 1)^2 / (3 x 3) = 5/9; p2 after p1 builds exactly 2:
    # P(p2 online by 3) = P(ceil(D1) + 2 <= 3) = 5/9
    s = engine_scenario([{"id": "a", "phases": [
        {"id": "p1", "capacity": {"ai": 10}, "start": "2024-01",
         "build_months": {"min": 0, "mode": 0, "max": 3}},
        {"id": "p2", "capacity": {"ai": 10}, "after": "p1", "build_months": 2}]}])
    r = batch(s)
    assert np.all(r.phase_online[:, 1] == r.phase_online[:, 0] + 2)
    assert_frequency(r.phase_online[:, 1] <= 3, 5 / 9, "p2 online by 3")


# ---------------------------------------------------------------- tenants
NEGOTIATION = {"id": "x", "status": "negotiating", "probability": 0.3,
               "sign": {"earliest": "2024-02", "latest": "2024-06"}, "demand": {"ai": 1}}
AMPLE = [{"id": "a", "phases": [{"capacity": {"ai": 1000}, "online": "2023-01"}]}]


def test_a_negotiating_tenant_signs_with_its_probability():
    r = run_ensemble(engine_scenario(AMPLE, [NEGOTIATION]), N, 3).reduced
    assert_frequency(r.tenant_signed[:, 0], 0.3, "signed")


def test_the_sign_month_is_uniform_over_the_window():
    # window 2024-02..2024-06 = months 1..5: given it signs, each month with 1/5
    at = batch(engine_scenario(AMPLE, [{**NEGOTIATION, "probability": 1.0}])).tenant_signed_at[:, 0]
    assert set(np.unique(at)) == {1, 2, 3, 4, 5}
    for month in range(1, 6):
        assert_frequency(at == month, 0.2, f"signed in {month}")


def test_signing_and_its_month_are_drawn_independently():
    # among those that sign (p = 0.3, about 1200), the month is still uniform: 1/5 each
    at = batch(engine_scenario(AMPLE, [NEGOTIATION])).tenant_signed_at[:, 0]
    signed = at[np.isfinite(at)]
    assert_frequency(np.isfinite(at), 0.3, "signed")
    for month in range(1, 6):
        assert_frequency(signed == month, 0.2, f"signed in {month}")


def test_alike_tenants_of_a_count_are_drawn_each_on_its_own():
    # count 20 at p = 0.3: the number signed is Binomial(20, 0.3) in each replication,
    # mean 6 and variance 20 x 0.3 x 0.7 = 4.2 (all-or-nothing draws would give variance 75.6)
    r = batch(engine_scenario(AMPLE, [{**NEGOTIATION, "count": 20}]))
    signed = np.isfinite(r.tenant_signed_at).sum(axis=1)
    assert abs(signed.mean() - 6) <= SIGMAS * math.sqrt(4.2 / N)
    # the sample variance has standard error sqrt((mu4 - sigma^4) / n), mu4 = 3 sigma^4 +
    # sigma^2 (1 - 6 p q) = 52.92 - 1.092 = 51.828: sqrt((51.828 - 17.64) / 4000) = 0.0925
    assert abs(signed.var() - 4.2) <= SIGMAS * 0.0925
    assert_frequency(signed == 6, math.comb(20, 6) * 0.3**6 * 0.7**14, "exactly 6 signed")


def test_the_demand_band_of_a_negotiation_is_probability_times_demand():
    # demand 10 from the sign month: by month 5 every signer demands; mean demand 0.3 x 10 = 3
    r = batch(engine_scenario(AMPLE, [{**NEGOTIATION, "demand": {"ai": 10}}]))
    assert set(np.unique(r.demand_p[:, 5, 0])) == {0, 10}
    assert_frequency(r.demand_p[:, 5, 0] == 10, 0.3, "demanding in month 5")
    # month 3: signed in months 1..3 -> 0.3 x 3/5 = 0.18
    assert_frequency(r.demand_p[:, 3, 0] == 10, 0.18, "demanding in month 3")


# ---------------------------------------------------------------- events
SHOCK = {"id": "e", "probability": 0.4, "window": {"from": "2024-03", "to": "2024-08"},
         "delay": {"types": ["ai"], "months": {"min": 1, "mode": 2, "max": 6}}}


def test_an_event_happens_with_its_probability_at_a_uniform_month():
    s = engine_scenario(AMPLE, events=[SHOCK])
    at = batch(s).event_at[:, 0]
    assert_frequency(np.isfinite(at), 0.4, "event")
    # window 2024-03..2024-08 = months 2..7, six months: 0.4 / 6 each
    assert set(np.unique(at[np.isfinite(at)])) == set(range(2, 8))
    for month in range(2, 8):
        assert_frequency(at == month, 0.4 / 6, f"event in {month}")


def test_an_event_delays_by_its_triangular_number_of_whole_months():
    # a phase online 2025-01 (12) is hit by every shock of the window (months 2..7), delayed by
    # ceil(D), D ~ tri(1, 2, 6): P(delay <= k) = F(k): k = 1 -> 0, 2 -> 1/5, 3 -> 1 - 9/20,
    # 5 -> 1 - 1/20
    s = engine_scenario([{"id": "a", "phases": [{"capacity": {"ai": 10}, "online": "2025-01"}]}],
                        events=[{**SHOCK, "probability": 1.0}])
    delay = batch(s).phase_online[:, 0] - 12
    assert delay.min() >= 1 and delay.max() <= 6
    for k in range(1, 7):
        assert_frequency(delay <= k, triangular_cdf(k, 1, 2, 6), f"delay <= {k}")


def test_the_probability_a_target_is_met_combines_build_and_shock():
    # ai target 10 by 2024-08 (7); the phase builds tri(2, 5, 11) from 2024-01 and is met by 7
    # with F(7) = 1 - 16/54 without the shock. A shock (p 0.5, 2024-02 (1), fixed 2 months)
    # always hits it while building: met by 7 needs ceil(D) <= 5, F(5) = 1/3.
    # P(met) = 0.5 x (1 - 16/54) + 0.5 x 1/3
    s = engine_scenario(
        [{"id": "a", "phases": [{"capacity": {"ai": 10}, "start": "2024-01",
                                 "build_months": BUILD}]}],
        targets=[{"type": "ai", "capacity": 10, "by": "2024-08"}],
        events=[{"id": "e", "probability": 0.5, "window": {"from": "2024-02", "to": "2024-02"},
                 "delay": {"types": ["ai"], "months": 2}}])
    table = run_ensemble(s, N, 5).targets
    p = 0.5 * (1 - 16 / 54) + 0.5 / 3
    p_hat = float(table["probability_met"].iloc[0])
    assert abs(p_hat - p) <= SIGMAS * math.sqrt(p * (1 - p) / N)
    assert float(table["probability_met_se"].iloc[0]) == pytest.approx(
        math.sqrt(p_hat * (1 - p_hat) / N))


# ---------------------------------------------------------------- quantiles of an ensemble
@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 3)),
                  elements=st.floats(-1e6, 1e6)))
def test_quantiles_are_numpys_linear_percentiles(values):
    got = quantiles(values)
    want = np.percentile(values, [10, 50, 90], axis=0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)


def test_quantiles_of_ten_values_by_hand():
    # 0..9: position (n - 1) x q = 0.9, 4.5, 8.1 -> 0.9, 4.5, 8.1
    np.testing.assert_allclose(quantiles(np.arange(10.0)), [0.9, 4.5, 8.1])


def test_month_quantiles_are_sample_months_and_never_stays_never():
    # 10 replications: met in months 3, 3, 4, 4, 5, 6, 7, never x 3 -> p10 3, p50 5, p90 never
    months = np.array([3, 3, 4, 4, 5, 6, 7, np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(month_quantiles(np.random.default_rng(0).permutation(months)),
                       [3, 5, np.inf])
