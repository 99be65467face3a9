"""Bounded work: replications, workers, tenant-months and memory refused up front, with the
number that fits."""

from __future__ import annotations

import pytest

from simulator.ensemble import bounds
from simulator.errors import ScenarioError
from tests.helpers import engine_scenario


def _scenario(count: int = 1, entries: int = 1):
    from simulator.scenario.validate import scenario_from_dict
    from tests.helpers import engine_dict

    data = engine_dict([{"id": "f", "name": "F", "phases": [{"capacity": {"ai": 10},
                                                             "online": "2024-01"}]}])
    data["tenants"] = [{"id": f"t{i}", "name": "T", "status": "signed", "from": "2024-01",
                        "count": count, "demand": {"ai": 1}} for i in range(entries)]
    return scenario_from_dict(data)


def test_a_feasible_run_passes():
    bounds.check_work(_scenario(), 1000, 2)


def test_replications_beyond_the_limit_are_refused_at_once():
    with pytest.raises(ScenarioError) as err:
        bounds.check_work(_scenario(), 10**12)
    assert err.value.lines() == ["-n 1,000,000,000,000 replications is beyond the limit "
                                 "of 10,000,000 (10,000 already gives P(met) to about +-0.5 %)"]


def test_too_many_workers_are_refused():
    with pytest.raises(ScenarioError) as err:
        bounds.check_work(_scenario(), 10, 100_000)
    assert "--workers 100,000 is more than this machine can use; at most" in err.value.lines()[0]


def test_tenant_months_beyond_the_limit_say_how_many_replications_fit():
    s = _scenario(count=100_000, entries=1000)  # 1e8 tenants over 24 months
    with pytest.raises(ScenarioError) as err:
        bounds.check_work(s, 1000)
    assert err.value.lines() == [
        "1,000 replications x 100,000,000 tenants x 24 months is 2.4e+12 tenant-months, "
        "beyond the limit of 2e+10; at most 8 replications fit (lower -n, or group fewer "
        "tenants)"]


def test_memory_beyond_what_is_available_says_how_many_fit(monkeypatch):
    s = _scenario()
    kept, running = bounds.bytes_per_replication(s)
    fixed = 500 * running + bounds.summary_bytes(s)  # a batch in flight and the statistics
    budget = fixed + 1000 * kept  # room for the outcomes of 1,000 replications
    monkeypatch.setattr(bounds, "available_bytes", lambda: 2 * budget)
    with pytest.raises(ScenarioError) as err:
        bounds.check_work(s, 2000)
    assert err.value.lines()[0].endswith("about 1,000 replications fit (lower -n)")
    bounds.check_work(s, 1000)  # and that many pass


def test_memory_does_not_grow_with_replications_beyond_the_keep_limit(monkeypatch):
    """Statistics stream: beyond KEEP_LIMIT no per-replication outcomes are kept, so 10x the
    replications need the memory of KEEP_LIMIT."""
    s = _scenario()
    kept, running = bounds.bytes_per_replication(s)
    need = bounds.KEEP_LIMIT * kept + 500 * running + bounds.summary_bytes(s)
    monkeypatch.setattr(bounds, "available_bytes", lambda: 2 * need + 2)
    bounds.check_work(s, 10 * bounds.KEEP_LIMIT)
    monkeypatch.setattr(bounds, "available_bytes", lambda: 2 * need - 2 * kept)
    with pytest.raises(ScenarioError):
        bounds.check_work(s, 10 * bounds.KEEP_LIMIT)


def test_one_replication_too_large_to_run_is_said_so(monkeypatch):
    monkeypatch.setattr(bounds, "available_bytes", lambda: 2 * 10**9)
    with pytest.raises(ScenarioError) as err:
        bounds.check_work(_scenario(count=100_000, entries=100), 1)
    assert err.value.lines()[0].startswith("one replication of 10,000,000 tenants over 24 "
                                           "months needs")


def test_engine_scenario_helper_still_builds():
    assert engine_scenario([{"id": "f", "name": "F", "phases": [
        {"capacity": {"ai": 1}, "online": "2024-01"}]}]).months == 24
