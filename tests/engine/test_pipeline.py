"""The project pipeline and capacity_factor: statistics of the draws against their
distributions (stated tolerances, fixed seeds), hand-computed gates and factors, and common
random numbers across what-ifs.

Horizons start 2024-01, so month index i is ym(i): 0 = 2024-01, 6 = 2024-07.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from simulator.engine.arrays import compile_scenario
from simulator.engine.batch import Batch
from simulator.engine.draws import replication_keys
from simulator.engine.pipeline import TAIL, slot_count
from simulator.engine.processes import simulate, simulate_batch
from tests.helpers import engine_scenario

AI = 0
REPS = 4000


def stream(**kw) -> dict:
    base = {"id": "city", "type": "ai", "window": {"from": "2024-01", "to": "2024-12"},
            "rate_per_year": 12, "size": {"min": "20P", "mode": "50P", "max": "140P"},
            "build_months": {"min": 3, "mode": 6, "max": 12}}
    return {**base, **kw}


ANCHOR = [{"id": "anchor", "phases": [{"capacity": {"ai": "100P"}, "online": "2023-01"}]}]


def batch(*streams, reps=REPS, seed=3, **kw) -> Batch:
    """The state of a batch right after it is set up (draws made, nothing played)."""
    c = compile_scenario(engine_scenario(ANCHOR, pipeline=list(streams), **kw))
    return Batch(c, replication_keys(seed, range(reps)))


def poisson_tail(mean: float, k: int) -> float:
    """P(Poisson(mean) > k)."""
    return 1.0 - sum(math.exp(-mean) * mean ** j / math.factorial(j) for j in range(k + 1))


def test_slot_count_is_the_poisson_upper_bound():
    for mean in (0.5, 3.0, 12.0, 40.0):
        k = slot_count(mean)
        assert poisson_tail(mean, k) < TAIL <= poisson_tail(mean, k - 1)
    assert slot_count(0.0) == 0


def test_announcement_count_has_the_poisson_mean_and_variance():
    # rate 12 a year over 12 months: Poisson(12). Over 4000 replications the standard error of
    # the mean is sqrt(12/4000) = 0.055 and of the variance sqrt((12 + 2*12^2)/4000) = 0.27;
    # tolerances are about 4.5 standard errors (the seed is fixed, so the test cannot flake).
    b = batch(stream())
    count = (b.pipe.announce_at[:, b.pipe.is_slot] < b.H).sum(axis=1)
    assert abs(count.mean() - 12.0) < 0.25
    assert abs(count.var(ddof=1) - 12.0) < 1.2
    # announcements fall in the window only, in order of the slots
    ann = b.pipe.announce_at[:, b.pipe.is_slot]
    assert ann[np.isfinite(ann)].min() >= 0 and ann[np.isfinite(ann)].max() <= 11
    assert (np.diff(np.where(np.isfinite(ann), ann, 1e9), axis=1) >= 0).all()


def test_sizes_and_build_times_follow_their_triangular_distributions():
    b = batch(stream())
    slots = b.pipe.is_slot
    size = b.pipe.size[:, slots].ravel()  # every slot draws a size, announced or not
    lo, mode, hi = 20.0, 50.0, 140.0
    n = size.size
    mean = (lo + mode + hi) / 3  # 70
    sd = math.sqrt((lo**2 + mode**2 + hi**2 - lo * mode - lo * hi - mode * hi) / 18)  # 25.5
    assert size.min() >= lo and size.max() <= hi
    assert abs(size.mean() - mean) < 4.5 * sd / math.sqrt(n)
    # the CDF at the mode is (mode - lo) / (hi - lo) = 0.25; standard error sqrt(.25*.75/n)
    assert abs((size <= mode).mean() - 0.25) < 4.5 * math.sqrt(0.25 * 0.75 / n)
    # whole build months: ceil(x) <= k exactly when x <= k, so P(build <= k) = F(k) of the
    # triangular {3, 6, 12}: F(k) = (k-3)^2 / ((12-3)(6-3)) for k <= 6, else
    # 1 - (12-k)^2 / ((12-3)(12-6))
    build = b.dur[:, slots].ravel()
    assert set(np.unique(build)) <= set(range(3, 13))
    for k in (4, 6, 9):
        f = (k - 3) ** 2 / 27 if k <= 6 else 1 - (12 - k) ** 2 / 54
        assert abs((build <= k).mean() - f) < 4.5 * math.sqrt(f * (1 - f) / n), k


def gate_case(hold: int):
    """100P AI stands; 20P of demand from 2024-01 and 60P more from 2024-05 (month 4): the
    region's AI utilisation is 0.2 in months 0-3 and 0.8 from month 4. Projects of a fixed 50P
    and 3 build months are announced in 2024-02 (month 1) only, behind a gate at 0.5.
    """
    tenants = [{"id": "a", "demand": {"ai": "20P"}, "from": "2024-01"},
               {"id": "b", "demand": {"ai": "60P"}, "from": "2024-05"}]
    st = stream(window={"from": "2024-02", "to": "2024-02"}, rate_per_year=24,
                size={"min": "50P", "mode": "50P", "max": "50P"}, build_months=3,
                approve_when={"utilization_below": 0.5, "types": ["ai"], "hold_months": hold})
    s = engine_scenario(ANCHOR, tenants, pipeline=[st])
    return simulate_batch(compile_scenario(s), 5, range(200))


def test_approval_gate_waits_for_utilisation_then_builds():
    # Checks in months 1..7 look at the month before: u(0..3) = 0.2 < 0.5 waits; in month 5,
    # u(4) = 0.8 >= 0.5: approved in month 5 (2024-06), online 5 + 3 = month 8 (2024-09).
    r = gate_case(hold=6)
    p, slots = r.pipeline, r.compiled.pipeline.slots[0]
    announced = p["phase_announced"][:, slots] < r.compiled.months
    assert announced.any() and (~announced).any()  # some replications announce none
    assert_array_equal(p["phase_announced"][:, slots][announced], 1)
    assert_array_equal(p["phase_approved"][:, slots][announced], 5)
    assert_array_equal(r.phase_online[:, slots][announced], 8)
    n = announced.sum(axis=1)
    assert_allclose(p["capacity_p"][:, 7, AI], 0.0)
    assert_allclose(p["capacity_p"][:, 8, AI], 50.0 * n)  # 50P for each project from 2024-09
    assert_allclose(r.type_capacity()[:, 8, AI], 100.0 + 50.0 * n)
    assert_array_equal(p["counts"][:, 0], np.stack([n, n, 0 * n, n], axis=1))


def test_approval_gate_lapses_after_hold_months():
    # hold 3: checks in months 1..4 see u(0..3) = 0.2; abandoned in month 1 + 3 = 4 (2024-05)
    r = gate_case(hold=3)
    p, slots = r.pipeline, r.compiled.pipeline.slots[0]
    announced = p["phase_announced"][:, slots] < r.compiled.months
    assert_array_equal(p["phase_dropped"][:, slots][announced], 4)
    assert np.isinf(p["phase_approved"][:, slots][announced]).all()
    assert np.isinf(r.phase_online[:, slots]).all()
    assert_allclose(p["capacity_p"], 0.0)
    # planned from announcement to the lapse (months 1-3), never under construction
    planned = r.planned_p[:, :, -1, AI]
    n = announced.sum(axis=1)
    assert_allclose(planned[:, 0], 0.0)
    assert_allclose(planned[:, 1], 50.0 * n)
    assert_allclose(planned[:, 3], 50.0 * n)
    assert_allclose(planned[:, 4], 0.0)
    assert_allclose(r.under_construction_p[..., AI], 0.0)


def test_capacity_factor_on_phases_not_yet_online():
    # A 100P AI phase starts 2024-01 with 6 build months: online 2024-07 (month 6). The shock
    # hits in 2024-03 with factor 0.6: it delivers 60P. The 100P AI anchor (online already)
    # and a 40P HPC phase built at the same time keep theirs: 100 + 60 = 160P AI from month 6.
    fac = ANCHOR + [{"id": "new", "phases": [
        {"capacity": {"ai": "100P"}, "start": "2024-01", "build_months": 6},
        {"capacity": {"hpc": "40P"}, "start": "2024-01", "build_months": 6}]}]
    event = {"id": "h20", "window": {"from": "2024-03", "to": "2024-03"}, "types": ["ai"],
             "capacity_factor": 0.6}
    r = simulate(engine_scenario(fac, events=[event]), 0)
    cap = r.type_capacity()[0]
    assert_allclose(cap[:6, AI], 100.0)
    assert_allclose(cap[6:, AI], 160.0)
    assert_allclose(cap[6:, 1], 40.0)
    assert_allclose(r.pipeline["effects"][0, 0, :2], [0.0, 40.0])  # nothing delayed, 100 - 60 cut


def test_capacity_factor_spares_projects_announced_after_the_shock():
    # fixed 50P projects, 1 build month; those announced by the shock (2024-03, month 2)
    # deliver 0.6 x 50 = 30P, later ones 50P
    st = stream(size={"min": "50P", "mode": "50P", "max": "50P"}, build_months=1)
    event = {"id": "h20", "window": {"from": "2024-03", "to": "2024-03"}, "types": ["ai"],
             "capacity_factor": 0.6}
    r = simulate_batch(compile_scenario(engine_scenario(ANCHOR, pipeline=[st], events=[event])),
                       1, range(100))
    slots = r.compiled.pipeline.slots[0]
    ann = r.pipeline["phase_announced"][:, slots]
    early = ((ann <= 2) & (ann + 1 > 2)).sum(axis=1)  # announced by the shock, not yet online
    late = ((ann > 2) & (ann < 24)).sum(axis=1)
    before = ((ann + 1 <= 2)).sum(axis=1)  # online before the shock
    assert_allclose(r.pipeline["capacity_p"][:, 23, AI], 50.0 * (before + late) + 30.0 * early)


def test_the_same_seed_gives_the_same_pipeline_in_every_what_if_that_keeps_the_stream():
    keep = stream(probability_built=0.7)
    other = stream(id="other", rate_per_year=30, facility="anchor")
    a = compile_scenario(engine_scenario(ANCHOR, pipeline=[keep]))
    b = compile_scenario(engine_scenario(
        ANCHOR + [{"id": "more", "phases": [{"capacity": {"hpc": "10P"}, "online": "2024-05"}]}],
        [{"id": "t", "demand": {"ai": "30P"}, "from": "2024-02"}],
        pipeline=[other, keep], events=[{"id": "x", "probability": 0.5, "window": {
            "from": "2024-01", "to": "2025-06"}, "delay": {"types": ["hpc"], "months": 3}}]))
    ra, rb = simulate_batch(a, 11, range(50)), simulate_batch(b, 11, range(50))
    sa, sb = a.pipeline.slots[0], b.pipeline.slots[1]
    for key in ("phase_announced", "phase_approved", "phase_dropped", "phase_size"):
        assert_array_equal(ra.pipeline[key][:, sa], rb.pipeline[key][:, sb], err_msg=key)
    assert_array_equal(ra.phase_online[:, sa], rb.phase_online[:, sb])
    assert_array_equal(ra.pipeline["counts"][:, 0], rb.pipeline["counts"][:, 1])


def test_a_pipeline_gives_the_same_numbers_whatever_the_batch():
    import pandas as pd

    from simulator.ensemble.run import run_ensemble

    tenants = [{"id": "a", "demand": {"ai": "60P"}, "from": "2024-01", "growth": "50%"}]
    gated = stream(id="gated", approve_when={"utilization_below": 0.4, "types": ["ai"],
                                             "hold_months": 2}, probability_built=0.8)
    event = {"id": "h20", "probability": 0.5, "window": {"from": "2024-03", "to": "2024-09"},
             "types": ["ai"], "capacity_factor": 0.6, "delay": {"types": ["ai"], "months": 2}}
    s = engine_scenario(ANCHOR, tenants, pipeline=[stream(), gated], events=[event])
    one, many = run_ensemble(s, 30, 4, batch_size=1), run_ensemble(s, 30, 4, batch_size=13)
    pd.testing.assert_frame_equal(one.monthly, many.monthly, check_exact=True)
    pd.testing.assert_frame_equal(one.pipeline, many.pipeline, check_exact=True)
    assert (one.pipeline["count"] == "announced").any()


def test_under_construction_holds_the_capacity_of_its_time():
    # the 100P AI phase of test_capacity_factor_on_phases_not_yet_online is under construction
    # in months 0-5: 100P until the shock in 2024-03 (month 2), 60P from then on
    fac = ANCHOR + [{"id": "new", "phases": [
        {"capacity": {"ai": "100P"}, "start": "2024-01", "build_months": 6}]}]
    event = {"id": "h20", "window": {"from": "2024-03", "to": "2024-03"}, "types": ["ai"],
             "capacity_factor": 0.6}
    r = simulate(engine_scenario(fac, events=[event]), 0)
    uc = r.under_construction_p[0, :, :, AI].sum(axis=1)
    assert_allclose(uc[:8], [100, 100, 60, 60, 60, 60, 0, 0])


def test_shocks_of_the_same_month_hit_in_scenario_order_whatever_the_batch():
    """A delay and a capacity factor at random months of the same window: where both hit in
    the same month, the delay is counted on the capacity before the factor cuts it (the
    scenario lists the delay first), whatever other replications share the batch (SimPy
    alone would order them by when each process last woke, which depends on the batch)."""
    fac = ANCHOR + [{"id": "new", "phases": [
        {"capacity": {"ai": "100P"}, "start": "2024-01", "build_months": 9}]}]
    window = {"from": "2024-02", "to": "2024-05"}
    late = {"id": "late", "window": window, "delay": {"types": ["ai"], "months": 2}}
    cut = {"id": "cut", "window": window, "types": ["ai"], "capacity_factor": 0.6}
    c = compile_scenario(engine_scenario(fac, events=[late, cut]))
    n = 60
    whole = simulate_batch(c, 5, list(range(n)))
    for size in (1, 7):
        parts = [simulate_batch(c, 5, list(range(a, min(a + size, n)))).pipeline["effects"]
                 for a in range(0, n, size)]
        assert_array_equal(np.concatenate(parts), whole.pipeline["effects"])
    same = whole.event_at[:, 0] == whole.event_at[:, 1]
    assert same.sum() >= 5, "the seed should give several replications with both in one month"
    eff = whole.pipeline["effects"][same]
    assert_allclose(eff[:, 0, 0], 100.0)  # delayed: the phase's 100P before the cut
    assert_allclose(eff[:, 1, 1], 40.0)  # cut: 100 - 60
