"""The scheduling decision on its own: allocate(usable, demand, pin, rank, policy), by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from simulator.engine.allocation import Allocator, allocate


def one(usable, demand, pin=None, rank=None, policy="priority"):
    """allocate() for a single replication given as plain lists; returns (served, by_facility)."""
    demand = np.array([demand], dtype=float)
    n = demand.shape[1]
    pin = np.full(n, -1) if pin is None else np.array(pin)
    rank = np.arange(n, dtype=float)[None] if rank is None else np.array([rank], dtype=float)
    served, by_facility = allocate(np.array([usable], dtype=float), demand, pin, rank, policy)
    return served[0], by_facility[0]


def test_priority_serves_in_rank_order_until_capacity_runs_out():
    # 10 usable; 6 + 7 + 3 wanted: 6, then 4 of 7, then nothing
    served, by_f = one([10], [6, 7, 3])
    assert_allclose(served, [6, 4, 0])
    assert_allclose(by_f, [10])


def test_priority_follows_rank_not_column_order():
    # ranks 2, 1, 0: the third (3) first, then the second (7), the first gets 10 - 10 = 0
    served, _ = one([10], [6, 7, 3], rank=[2, 1, 0])
    assert_allclose(served, [0, 7, 3])


def test_priority_ties_keep_column_order():
    served, _ = one([10], [6, 7, 3], rank=[0, 0, 0])
    assert_allclose(served, [6, 4, 0])


def test_priority_lets_a_later_small_tenant_use_what_an_earlier_large_one_cannot():
    # there is no skipping: the first takes all 10 of its 12, the second (1) gets nothing
    served, _ = one([10], [12, 1])
    assert_allclose(served, [10, 0])


def test_proportional_gives_everyone_the_same_fraction():
    # 10 of 16 wanted: 0.625 each -> 3.75, 4.375, 1.875
    served, by_f = one([10], [6, 7, 3], policy="proportional")
    assert_allclose(served, [3.75, 4.375, 1.875])
    assert_allclose(by_f, [10])


def test_enough_capacity_serves_everyone_in_full_under_both_policies():
    for policy in ("priority", "proportional"):
        served, by_f = one([20], [6, 7, 3], policy=policy)
        assert_allclose(served, [6, 7, 3])
        assert_allclose(by_f, [16])


def test_no_capacity_serves_nobody():
    for policy in ("priority", "proportional"):
        served, by_f = one([0, 0], [6, 7], policy=policy)
        assert_array_equal(served, [0, 0])
        assert_array_equal(by_f, [0, 0])


def test_unpinned_demand_is_spread_in_proportion_to_usable_capacity():
    # 10 + 20 usable, 12 wanted: 12 x 10/30 = 4 from the first, 12 x 20/30 = 8 from the second
    served, by_f = one([10, 20], [12])
    assert_allclose(served, [12])
    assert_allclose(by_f, [4, 8])


def test_pinned_demand_first_then_unpinned_in_proportion_to_what_is_left():
    # a pinned to facility 0 wants 4 -> 4 from facility 0; left 6 and 20 (pool 26)
    # b, c unpinned want 12 and 6 = 18 <= 26: spread 18 x 6/26 and 18 x 20/26
    served, by_f = one([10, 20], [4, 12, 6], pin=[0, -1, -1])
    assert_allclose(served, [4, 12, 6])
    assert_allclose(by_f, [4 + 18 * 6 / 26, 18 * 20 / 26])


def test_pinned_demand_is_served_before_unpinned_demand_of_earlier_rank():
    # b (unpinned, rank 0) wants 10; a (pinned to 0, rank 1) wants 10; only 10 usable
    served, by_f = one([10], [10, 10], pin=[0, -1], rank=[1, 0])
    assert_allclose(served, [10, 0])
    assert_allclose(by_f, [10])


def test_a_pinned_tenant_never_spills_to_another_facility():
    # a pinned to 0 wants 15 of facility 0's 10; b unpinned wants 20 of what is left (0 + 30)
    served, by_f = one([10, 30], [15, 20], pin=[0, -1])
    assert_allclose(served, [10, 20])
    assert_allclose(by_f, [10, 20])


def test_pinned_tenants_of_one_facility_share_it_by_priority():
    # facility 0 (8): a (rank 1) and c (rank 0) pinned, c first: c 5, a 3 of 4;
    # facility 1 (6): b pinned wants 9 -> 6
    served, by_f = one([8, 6], [4, 9, 5], pin=[0, 1, 0], rank=[1, 2, 0])
    assert_allclose(served, [3, 6, 5])
    assert_allclose(by_f, [8, 6])


def test_pinned_tenants_of_one_facility_share_it_proportionally():
    # facility 0 (8): a 4 + c 12 = 16 wanted -> half each: 2 and 6; facility 1 (6): b 3 in full
    served, by_f = one([8, 6], [4, 3, 12], pin=[0, 1, 0], policy="proportional")
    assert_allclose(served, [2, 3, 6])
    assert_allclose(by_f, [8, 3])


def test_negative_inputs_are_treated_as_zero():
    served, by_f = one([-5, 10], [-3, 4])
    assert_allclose(served, [0, 4])
    assert_allclose(by_f, [0, 4])


def test_replications_are_allocated_independently():
    # row r of a batch equals the allocation of that row alone, for both policies
    usable = np.array([[10.0, 20.0], [3.0, 1.0], [0.0, 50.0]])
    demand = np.array([[4.0, 12.0, 6.0], [2.0, 5.0, 1.0], [30.0, 30.0, 0.0]])
    pin = np.array([0, -1, -1])
    rank = np.array([[0.0, 1.0, 2.0], [2.0, 0.0, 1.0], [1.0, 2.0, 0.0]])
    for policy in ("priority", "proportional"):
        served, by_f = allocate(usable, demand, pin, rank, policy)
        for r in range(3):
            s1, b1 = allocate(usable[r:r + 1], demand[r:r + 1], pin, rank[r:r + 1], policy)
            assert_array_equal(served[r], s1[0])
            assert_array_equal(by_f[r], b1[0])


def test_allocator_reused_over_months_equals_allocate():
    rng = np.random.default_rng(5)
    pin = np.array([1, -1, 0, -1, -1])
    rank = np.argsort(rng.random((2, 5)), axis=1).astype(float)
    for policy in ("priority", "proportional"):
        alloc = Allocator(pin, rank, 3, policy)
        for _ in range(4):
            usable, demand = rng.random((2, 3)) * 10, rng.random((2, 5)) * 8
            want = allocate(usable, demand, pin, rank, policy)
            for got, expected in zip(alloc(usable, demand), want):
                assert_array_equal(got, expected)


def test_no_tenants_gives_empty_grants():
    served, by_f = allocate(np.array([[5.0, 6.0]]), np.zeros((1, 0)), np.zeros(0, dtype=np.intp),
                            np.zeros((1, 0)), "priority")
    assert served.shape == (1, 0)
    assert_array_equal(by_f, [[0, 0]])


def test_an_unknown_policy_is_refused_with_its_name():
    with pytest.raises(ValueError, match='"policy" must be one of .*fairest'):
        one([10], [1], policy="fairest")


def test_proportional_with_a_vanishing_demand_warns_nothing():
    # 10 usable, 1e-310 wanted: served in full, and no RuntimeWarning on the way
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        served, _ = one([10], [1e-310], policy="proportional")
    assert served[0] == 1e-310
