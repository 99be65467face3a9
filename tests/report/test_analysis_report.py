"""The analysis PDFs: sensitivity.pdf, plan.pdf and sweep.pdf, from the commands and in-process."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import simulator as sim
from simulator.analysis.plan import plan
from simulator.report import (MissingGlyphError, PlanInput, SensitivityInput, SweepInput,
                              strict_glyphs, write_analysis_report)
from simulator.report.analysis.labels import Names
from simulator.report.analysis.plan import headline as plan_headline
from simulator.report.data import scenario_title
from simulator.report.i18n.text import Text
from simulator.analysis.sensitivity import sensitivity
from simulator.analysis.sweep import run_sweep
from tests.analysis.test_analysis import scenario as small_scenario
from tests.helpers import capsim_in_process

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
NAME_ZH = "点军区算力基线（2023年11月）"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
SWEEP = ["--set", "facilities.nacic.phases.p2.start=2024-01,2024-06",
         "--set", "events.export-controls.probability=0,1"]


def capsim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def pdf_pages(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """The three commands on the Chinese baseline (30 replications), and plan in English,
    through the CLI app in this process (the commands as real processes: the slow test
    below)."""
    root = tmp_path_factory.mktemp("analysis")
    out = {}
    for kind, extra in [("sensitivity", ["-q"]), ("plan", []), ("sweep", SWEEP + ["-q"]),
                        ("plan-en", ["--lang", "en"])]:
        res = capsim_in_process(kind.removesuffix("-en"), BASELINE, "-n", 30,
                                "--out", root / kind, *extra, cwd=ROOT)
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stderr
        out[kind] = root / kind
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind, extra", [("sensitivity", ["-q"]), ("plan", ["--lang", "en"]),
                                         ("sweep", SWEEP + ["-q"])])
def test_the_analysis_commands_as_processes_write_their_pdf(kind, extra, tmp_path):
    res = capsim(kind, BASELINE, "-n", 20, "--out", tmp_path / kind, *extra)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert len(pdf_pages(tmp_path / kind / f"{kind}.pdf")) >= 2


def test_sensitivity_pdf_has_a_tornado_per_target_the_unmet_chart_and_the_table(runs):
    pages = pdf_pages(runs["sensitivity"] / "sensitivity.pdf")
    # cover, a tornado page per target, unmet demand, NPV (the baseline has money), the table
    # (18 inputs, 5 of them market and rents, x 2 targets: two pages)
    assert len(pages) == 7
    assert NAME_ZH in pages[0] and "敏感性分析" in pages[0] and "第 1 / 7 页" in pages[0]
    assert "1,000P 超算（2025-12）" in pages[0] and "美国芯片出口管制加码：发生概率" in pages[0]
    assert "各输入的影响（旋风图）" in pages[1] and "达成概率" in pages[1]
    assert "二期：建设工期（12.4–20.3 个月）" in pages[1]
    assert "各输入对未满足需求的影响" in pages[3] and "结果表" in pages[5]
    assert "各输入对净现值的影响" in pages[4] and "租金年降幅" in pages[4]
    charts = sorted(p.name for p in (runs["sensitivity"] / "charts").iterdir())
    assert charts == ["tornado-ai-2025-12.png", "tornado-hpc-2025-12.png", "tornado-npv.png",
                      "tornado-unmet.png"]


def test_plan_pdf_says_what_to_add_and_when_per_class(runs):
    pages = pdf_pages(runs["plan"] / "plan.pdf")
    assert len(pages) == 3  # the decision page, the summary with its table, the timelines
    assert "要决定什么" in pages[0] and "补足方案来自倒推规划" in pages[0]
    assert NAME_ZH in pages[1] and "倒推规划" in pages[1]
    assert "要以 80% 的把握在 2025-12 前达到 3,000P 智算" in pages[1]
    assert "改造须在" in pages[1] and "plan-campus.yaml" in pages[1]
    assert "投资（百万元）" in pages[1] and "利用率" in pages[1]  # each option's economics
    assert "最晚开工" in pages[2]
    assert {p.name for p in (runs["plan"] / "charts").iterdir()} == {
        "plan-hpc-2025-12.png", "plan-ai-2025-12.png", "decision-hpc-2025-12.png",
        "decision-ai-2025-12.png"}
    assert (runs["plan"] / "plan-fit-out.yaml").is_file()  # the command's own files remain


def test_plan_pdf_in_english_shows_no_chinese(runs):
    pages = pdf_pages(runs["plan-en"] / "plan.pdf")
    text = "\n".join(pages)
    title = scenario_title(sim.load_scenario(BASELINE), Text("en"))
    assert "What to decide" in pages[0]
    assert title.startswith("Dianjun compute baseline") and title in pages[1]
    assert "To reach 3,000P AI by 2025-12 with 80 % confidence" in pages[1]
    assert "a fit-out must start by" in pages[1]
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))


def test_sweep_pdf_has_a_page_per_target_and_the_table(runs):
    pages = pdf_pages(runs["sweep"] / "sweep.pdf")
    assert len(pages) == 4  # cover, two targets, the table
    assert NAME_ZH in pages[0] and "扫描的输入" in pages[0]
    assert "2024-01, 2024-06" in pages[0]
    # P(met) is 0 % at every point of the baseline's sweep: one line instead of a flat chart
    assert "达成概率在扫描的每一点都是 0%：请看缺口" in pages[1] and "开工月份" in pages[1]
    assert "达成概率（须线 ±2 标准误）" not in pages[1]
    assert "结果表" in pages[3]
    assert {p.name for p in (runs["sweep"] / "charts").iterdir()} == {
        "sweep-hpc-2025-12.png", "sweep-ai-2025-12.png"}


# ---------------------------------------------------------------------------- in this process
@pytest.fixture(scope="module")
def small():
    """The small scenario of test_analysis, with a target already met and one out of reach."""
    s = small_scenario(targets=[{"type": "ai", "capacity": "300P", "by": "2025-12"},
                                {"type": "ai", "capacity": "100P", "by": "2025-06"},
                                {"type": "ai", "capacity": "1000P", "by": "2024-03"}])
    _, ensembles, table = run_sweep(s, {"facilities.f.phases.wide.start": ["2024-03", "2024-09"],
                                        "tenants.t.probability": [0, 1]}, 40)
    return {"sensitivity": SensitivityInput(s, sensitivity(s, 40), 40),
            "plan": PlanInput(s, plan(s, 0.8, 40)),
            "sweep": SweepInput(s, table, ["facilities.f.phases.wide.start",
                                           "tenants.t.probability"], ensembles)}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["sensitivity", "plan", "sweep"])
def test_every_kind_draws_without_a_missing_glyph(small, kind, lang, tmp_path):
    with strict_glyphs():
        pdf = write_analysis_report(tmp_path, small[kind], lang=lang)
    assert pdf == tmp_path / f"{kind}.pdf"
    pages = pdf_pages(pdf)
    assert "small" in pages[0] and len(pages) >= 2
    assert list((tmp_path / "charts").glob("*.png"))
    if lang == "en":
        assert not CJK.findall("\n".join(pages))


def test_a_plan_says_met_and_too_late(small, tmp_path):
    first = pdf_pages(write_analysis_report(tmp_path, small["plan"], lang="en"))[1]
    assert "100P AI by 2025-06 is already met" in first
    assert "1,000P AI by 2024-03 with 80 % confidence" in first and "too late" in first


def test_a_missing_glyph_is_an_error(small, tmp_path):
    s = small["plan"].scenario
    odd = s.model_copy(update={"name": "small \U00020000"})
    with pytest.raises(MissingGlyphError), strict_glyphs():
        write_analysis_report(tmp_path, dataclasses.replace(small["sweep"], scenario=odd))


def test_an_untyped_input_is_refused(small, tmp_path):
    with pytest.raises(TypeError, match="SensitivityInput"):
        write_analysis_report(tmp_path, {"scenario": small["plan"].scenario})


def test_the_cover_lists_the_overrides(small, tmp_path):
    data = dataclasses.replace(small["plan"], overrides={"facilities.f.phases.wide.start":
                                                         "2024-09"})
    for page in pdf_pages(write_analysis_report(tmp_path, data, lang="en"))[:2]:
        assert "Overrides (--set)" in page  # the decision page and the cover
        assert "facilities.f.phases.wide.start = 2024-09" in page
        assert "overrides: 1" in page  # and the footer of every page


# ---------------------------------------------------------------------------- words
def test_inputs_are_named_readably_in_both_languages():
    s = sim.load_scenario(BASELINE)
    zh, en = Names(s, Text("zh")), Names(s, Text("en"))
    p2 = "facilities.nacic.phases.p2.build_months"
    assert zh.input_label(p2, "build_months", 12.366, 20.258) == \
        "国家先进计算产业创新中心（宜昌）二期：建设工期（12.4–20.3 个月）"
    phase = en.phase("nacic", "p2")  # the facility's English name and the phase's (or id)
    assert phase.startswith("National Advanced Computing Industry Innovation Center (Yichang) ")
    assert en.input_label(p2, "build_months", 12.366, 20.258) == \
        f"{phase}: build time (12.4–20.3 months)"
    assert en.input_label("events.export-controls.probability", "event_probability", 0, 1) == \
        "US chip export controls tighten: probability (0–1)"
    # an event without an English name: its id, read as words
    unnamed = s.model_copy(update={"events": [s.events[0].model_copy(update={"name_en": None})]})
    assert Names(unnamed, Text("en")).input_label("events.export-controls.probability",
                                                  "event_probability", 0, 1) == \
        "export controls: probability (0–1)"
    assert en.input_label("tenants.ctrip.probability", "probability", 0, 1) == \
        "Trip.com (Ctrip): signing probability (0–1)"
    assert en.input_label("tenants.nacic-users.growth", "growth", 0.075, 0.225) == \
        "Users of the innovation center's phase 1 (operated by Sugon): demand growth " \
        "(7.5%–22.5%/yr)"
    assert zh.input_label("tenants.ctrip.probability", "probability", 0, 1) == "携程：签约概率（0–1）"
    assert zh.path_label("facilities.nacic.phases.p2.start") == \
        "国家先进计算产业创新中心（宜昌）二期：开工月份"
    assert en.path_label("scheduling.max_utilization") == "maximum utilisation"


def test_the_plan_sentence():
    s = sim.load_scenario(BASELINE)
    rows = [{"target": "ai-2025-12", "type": "ai", "target_p": 3000.0, "by": "2025-12",
             "p_met_now": 0.0, "build_class": c, "build_min": lo, "build_mode": mo,
             "build_max": hi, "status": "plan", "capacity_p": 2900.0, "latest_start": start,
             "capacity_if_started_now_p": 2900.0, "p_met_checked": p}
            for c, lo, mo, hi, start, p in [("fit-out", 4, 5, 6, "2024-11", 0.84),
                                            ("new-building", 9, 12, 15, "2024-04", 0.84),
                                            ("campus", 18, 24, 36, "2023-02", 0.84)]]
    _, text = plan_headline(pd.DataFrame(rows), "ai-2025-12", Names(s, Text("en")), 0.8)
    assert text == ("To reach 3,000P AI by 2025-12 with 80 % confidence (now 0 %): add 2,900P; "
                    "a fit-out must start by 2024-11, a new building must start by 2024-04, "
                    "a campus must start by 2023-02; checked: 84 %")
