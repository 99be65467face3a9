"""The shipped scenarios: each loads and runs; the baseline holds the Nov 2023 facts without
set-up artifacts; each what-if changes what it says; every file they cite exists."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.units import parse_month

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "dianjun-baseline.yaml"
WHAT_IFS = sorted(p for p in SCENARIOS.glob("*.yaml") if p != BASELINE)


def load(name: str | Path):
    return simulator.load_scenario(SCENARIOS / name)


def installed_by(scenario, month: str) -> dict[str, float]:
    """Capacity per type of the phases with a fixed `online` month at or before `month` [P]."""
    limit = parse_month(month)
    total: dict[str, float] = {}
    for facility in scenario.facilities:
        for phase in facility.phases:
            if phase.online is not None and phase.online <= limit:
                for kind, p in phase.capacity.items():
                    total[kind] = total.get(kind, 0.0) + p
    return total


def changed_sections(base, other) -> set[str]:
    """Top-level fields whose value differs between two scenarios."""
    a, b = base.model_dump(), other.model_dump()
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


def by_id(items, ident):
    return next(x for x in items if x.id == ident)


# ---------------------------------------------------------------- every file
def test_there_is_a_baseline_and_at_least_four_what_ifs():
    assert BASELINE.is_file()
    assert len(WHAT_IFS) >= 4


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_loads_without_errors_or_warnings(path):
    warnings: list = []
    scenario = simulator.load_scenario(path, warnings=warnings)
    assert scenario.name
    assert [w.render() for w in warnings] == []


@pytest.mark.parametrize("path", WHAT_IFS, ids=lambda p: p.name)
def test_what_if_extends_the_baseline_and_has_its_own_name(path):
    text = path.read_text(encoding="utf-8")
    base = re.search(r"^extends: (\S+)", text, re.M)
    assert base, "a what-if extends the baseline, or a shipped what-if that does"
    chain = [base.group(1)]
    while chain[-1] != BASELINE.name:  # a layered what-if (yichang-pipeline-h20 on yichang-pipeline)
        nxt = re.search(r"^extends: (\S+)", (SCENARIOS / chain[-1]).read_text("utf-8"), re.M)
        assert nxt and len(chain) < 5, chain
        chain.append(nxt.group(1))
    assert text.lstrip().startswith("#"), "a what-if opens with a comment saying its question"
    assert load(path.name).name != load(BASELINE.name).name


# ---------------------------------------------------------------- the baseline
def test_baseline_horizon_seed_language():
    s = load(BASELINE.name)
    assert (s.start, s.end) == (parse_month("2023-01"), parse_month("2027-12"))
    assert s.seed == 20231114
    assert s.language == "zh"
    assert {k: v.label for k, v in s.compute_types.items()} == {
        "hpc": "超算", "ai": "智算", "general": "通算", "throughput": "高通量"}
    assert {k: v.label_en for k, v in s.compute_types.items()} == {
        "hpc": "HPC", "ai": "AI", "general": "General", "throughput": "High-throughput"}


def test_baseline_holds_the_four_facilities_of_nov_2023():
    s = load(BASELINE.name)
    assert [f.id for f in s.facilities] == ["baidu-ai", "zhongke-shengzhe", "ruixin-hub", "nacic"]
    assert all(f.name and f.name_en for f in s.facilities)


def test_baseline_has_about_305p_installed_in_nov_2023():
    s = load(BASELINE.name)
    nov = installed_by(s, "2023-11")
    assert sum(nov.values()) == pytest.approx(305.0)
    assert nov["ai"] == pytest.approx(100.0)          # Baidu 50P + Shengzhe 50P
    assert nov["throughput"] == pytest.approx(80.0)   # Zhongke Ruixin hub
    assert nov["general"] + nov["hpc"] == pytest.approx(125.0)  # innovation center phase 1


def test_baseline_phase_2_brings_the_innovation_center_to_500p():
    s = load(BASELINE.name)
    nacic = by_id(s.facilities, "nacic")
    assert sum(sum(p.capacity.values()) for p in nacic.phases) == pytest.approx(500.0)
    p2 = by_id(nacic.phases, "p2")
    assert p2.online is None and p2.start == parse_month("2024-03") and p2.after == "p1"
    assert p2.build_months.min <= p2.build_months.mode <= p2.build_months.max


def test_baseline_targets():
    s = load(BASELINE.name)
    got = sorted((t.type, t.capacity, t.by) for t in s.targets)
    assert got == [("ai", 3000.0, parse_month("2025-12")), ("hpc", 1000.0, parse_month("2025-12"))]


def test_baseline_is_not_a_rigged_success():
    """Even if every phase came online, the baseline stays far below the 4000P goal."""
    s = load(BASELINE.name)
    everything = sum(sum(p.capacity.values()) for f in s.facilities for p in f.phases)
    assert everything < 1000.0


def test_baseline_tenants():
    s = load(BASELINE.name)
    negotiating = {t.id: t for t in s.tenants if t.status == "negotiating"}
    assert set(negotiating) == {"people-daily", "ctrip", "inspur", "p2-hpc-users"}
    assert {"人民网", "携程", "浪潮信息"} <= {t.name for t in negotiating.values()}
    for t in negotiating.values():
        assert 0.0 < t.probability < 1.0
        assert t.sign.earliest <= t.sign.latest
    names = {t.name for t in s.tenants}
    assert {"中科睿芯", "京东云人工智能数据标注中心"} <= names
    assert any(t.count > 1 for t in s.tenants), "the rest of the 20+ firms as a group"
    resident = sum(t.count for t in s.tenants if t.status == "signed")
    assert resident >= 20


def test_baseline_names_its_scope():
    s = load(BASELINE.name)
    assert s.scope.level == ("district", "dianjun")
    assert (s.scope.city, s.scope.province) == ("yichang", "hubei")


def test_sugon_operates_the_innovation_center_and_is_no_tenant():
    s = load(BASELINE.name)
    assert by_id(s.facilities, "nacic").operator == "中科曙光"
    assert not any(t.name == "中科曙光" or t.id == "sugon" for t in s.tenants)


def test_the_full_ai_sites_are_full_without_a_standing_shortfall():
    """满载运行: the signed AI tenants use 85-100 % of the usable AI capacity from Nov 2023 until
    phase 2 could come online, and no signed tenant is ever short in that time (the negotiations,
    which may sign without free capacity, left out)."""
    s = load(BASELINE.name)
    signed = s.model_copy(update={"tenants": [t for t in s.tenants if t.status == "signed"],
                                  "events": []})
    ens = simulator.run_ensemble(signed, replications=1, seed=1)
    m = ens.monthly.set_index(["metric", "type", "facility", "month"])["p50"]
    usable = 100.0 * s.scheduling.max_utilization
    for month in ("2023-11", "2024-06", "2024-12"):
        demand = m[("demand_p", "ai", "all", month)]
        assert 0.85 * usable <= demand <= usable, (month, demand)
        assert m[("unmet_p", "ai", "all", month)] == 0.0
    kpis = ens.kpis.set_index(["kpi", "type"])["p50"]
    assert kpis[("tenants_lost", "ai")] == 0 and kpis[("tenants_lost", "hpc")] == 0


def test_hpc_demand_is_served_and_the_open_question_is_marked():
    """Phase 1's HPC users are served at 2025-12 in every replication; phase 2's HPC users are a
    negotiation whose lines say they are an open question, not a finding."""
    s = load(BASELINE.name)
    ens = simulator.run_ensemble(s, replications=50, seed=3)
    served = ens.monthly.set_index(["metric", "type", "facility", "month"])
    assert served.loc[("served_p", "hpc", "all", "2025-12"), "p10"] > 10.0
    text = BASELINE.read_text(encoding="utf-8")
    assert "OPEN QUESTION" in text
    assert by_id(s.tenants, "p2-hpc-users").probability == 0.5


def test_baseline_economics_scheduling_and_event():
    s = load(BASELINE.name)
    d = s.defaults
    assert d.pue == pytest.approx(1.3)
    assert d.power_kw_per_p["ai"] == pytest.approx(3.0)
    assert d.power_kw_per_p["hpc"] == pytest.approx(25.0)
    assert d.capex_per_p["ai"] == pytest.approx(1.0)
    assert d.capex_per_p["hpc"] == pytest.approx(19.0)
    assert d.price_per_p_month["ai"] == pytest.approx(9000.0)
    assert d.electricity_price == pytest.approx(0.5)
    for field in (d.power_kw_per_p, d.capex_per_p, d.price_per_p_month):
        assert set(field) == set(s.compute_types)
    assert s.scheduling.policy == "priority"
    assert 0.0 < s.scheduling.max_utilization < 1.0
    assert s.scheduling.leave_after_unserved_months is not None
    event = by_id(s.events, "export-controls")
    assert 0.0 < event.probability < 1.0
    assert event.delay.types == ["ai"]
    assert event.delay.months.min <= event.delay.months.mode <= event.delay.months.max


# ---------------------------------------------------------------- the what-ifs
def test_p2_slips():
    base, s = load(BASELINE.name), load("dianjun-p2-slips.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "facilities"}
    old = by_id(by_id(base.facilities, "nacic").phases, "p2")
    new = by_id(by_id(s.facilities, "nacic").phases, "p2")
    assert new.start == parse_month("2024-09") > old.start
    assert new.build_months.mode > old.build_months.mode
    assert new.build_months.max > old.build_months.max
    assert new.capacity == old.capacity and new.after == old.after
    for f in base.facilities:
        if f.id != "nacic":
            assert by_id(s.facilities, f.id) == f


def test_negotiations_sign():
    base, s = load(BASELINE.name), load("dianjun-negotiations-sign.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "tenants"}
    for ident in ("people-daily", "ctrip", "inspur"):
        t = by_id(s.tenants, ident)
        assert t.status == "negotiating" and t.probability == 1.0
        assert t.model_copy(update={"probability": None}) == \
            by_id(base.tenants, ident).model_copy(update={"probability": None})
    assert [t.id for t in s.tenants] == [t.id for t in base.tenants]


def test_export_controls_as_they_happened():
    """Nov 2023 expected a round somewhere in 2024-01..2025-06; two came, 2024-12 and 2025-04."""
    base, s = load(BASELINE.name), load("dianjun-export-controls.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "events"}
    old = by_id(base.events, "export-controls")
    assert 0.5 < old.probability < 1.0
    assert [(e.id, e.probability, e.window.from_, e.window.to) for e in s.events] == [
        ("export-controls", 1.0, parse_month("2024-12"), parse_month("2024-12")),
        ("export-controls-h20", 1.0, parse_month("2025-04"), parse_month("2025-04"))]
    for e in s.events:
        assert e.delay == old.delay


def test_informed_adds_a_pipeline_only():
    """The informed scenario is the baseline plus one stream of AI projects not yet announced."""
    base, s = load(BASELINE.name), load("dianjun-informed.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "pipeline"}
    assert s.facilities == base.facilities
    (st,) = s.pipeline
    assert st.type == "ai" and 0 < st.rate_per_year and 0 < st.probability_built < 1
    assert st.size.min < st.size.mode < st.size.max
    assert st.build_months.max > 2 * st.build_months.mode  # a long tail: stalled projects


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_runs(path):
    ens = simulator.run_ensemble(load(path.name), replications=5, seed=1)
    served = ens.monthly.query("metric == 'served_p'")["p50"].to_numpy()
    assert np.all(np.isfinite(served)) and ens.replications == 5


CITED = re.compile(r"((?:docs|observations|scenarios)/[\w./-]*\w|[A-Z]+\.md|[\w-]+\.ya?ml)")


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_file_a_scenario_cites_exists(path):
    """Paths (docs/..., FACTS.md, other scenarios) in a scenario's comments and values exist."""
    text = path.read_text(encoding="utf-8")
    for name in set(CITED.findall(text)):
        candidates = [ROOT / name, SCENARIOS / name, ROOT / "docs" / "sources" / name]
        assert any(c.is_file() for c in candidates), f"{path.name} cites {name}"


def test_10000p_center():
    base, s = load(BASELINE.name), load("dianjun-10000p-center.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "end", "facilities"}
    assert s.end == parse_month("2028-12")
    assert s.facilities[: len(base.facilities)] == base.facilities
    (center,) = s.facilities[len(base.facilities):]
    assert sum(p.capacity.get("ai", 0.0) for p in center.phases) == pytest.approx(10_000.0)
    assert set().union(*(p.capacity for p in center.phases)) == {"ai"}
    p1 = center.phases[0]
    assert p1.start == parse_month("2024-09")
    assert p1.start + p1.build_months.mode == parse_month("2027-08")   # phase 1 due Aug 2027
    # 9.3 bn CNY for 10,000P
    assert center.capex_per_p["ai"] * 10_000 == pytest.approx(9_300.0)


def test_proportional_policy():
    base, s = load(BASELINE.name), load("dianjun-proportional.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "scheduling"}
    assert s.scheduling.policy == "proportional"
    assert s.scheduling.model_copy(update={"policy": "priority"}) == base.scheduling


def test_yichang_h20_changes_the_chips_and_nothing_else():
    """The H800 -> H20 -> Ascend 910B what-if: the same streams, in H800 units, and two switches
    in place of the capacity factor."""
    base, s = load("yichang-pipeline.yaml"), load("yichang-pipeline-h20.yaml")
    assert changed_sections(base, s) == {"name", "name_en", "description", "hardware",
                                         "pipeline", "events"}
    assert [st.hardware for st in s.pipeline] == ["h800-sxm", None, "h800-sxm", "h800-sxm"]
    assert [(st.id, st.size) for st in s.pipeline] == [(st.id, st.size) for st in base.pipeline]
    switches = {e.id: (e.switch.from_, e.switch.to) for e in s.events if e.switch}
    assert switches == {"bis-2023": ("h800-sxm", "h20"), "h20-licence": ("h20", "ascend-910b")}
    assert "h20-only" not in {e.id for e in s.events}
