"""Reports: each chart on a bare Figure, the PDF's pages and text, PNGs, languages, glyphs, CLI."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

import simulator as sim
from simulator.ensemble.run import run_ensemble
from simulator.output.run_dir import read_run, write_run
from simulator.report import MissingGlyphError, strict_glyphs, write_report
from simulator.report import fork
from simulator.report.document import Chart, Document
from simulator.report.run import assemble
from simulator.report.run import build as cb
from simulator.report.run import capacity as cc
from simulator.report.run import demand as cd
from simulator.report.run.registry import page_functions
from simulator.report.data import Results, scenario_title
from simulator.report.pages import headline
from simulator.report.style import register_font, report_rc
from simulator.report.i18n.text import Text, band, cap, wrap
from tests.helpers import EXAMPLE_YAML

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
N = 50


def make_run(path: Path, scenario_file: Path, n: int = N, **overrides) -> Path:
    scenario = sim.load_scenario(scenario_file, overrides or None)
    return write_run(run_ensemble(scenario, n, 7), path, scenario_file=str(scenario_file))


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory) -> Path:
    """The shipped Chinese baseline, 50 replications, written without a report."""
    return make_run(tmp_path_factory.mktemp("runs") / "baseline", BASELINE)


@pytest.fixture(scope="module")
def results(baseline_run) -> Results:
    return Results.from_run(read_run(baseline_run))


@pytest.fixture(scope="module")
def zh_report(baseline_run) -> Path:
    """The baseline's Chinese report.pdf with its PNGs (strict glyphs), drawn once for the
    tests that read it."""
    with strict_glyphs():
        pdf = write_report(baseline_run, png=True)
    assert pdf == baseline_run / "report.pdf"
    return baseline_run


@pytest.fixture(scope="module")
def en_report(tmp_path_factory) -> Path:
    """`capsim report RUN --lang en --png` (in this process, strict glyphs) over a run with an
    old report.pdf and a stale chart: redrawn once, read by the tests of the English report and
    of the command."""
    from typer.testing import CliRunner

    from simulator.cli import app

    out = make_run(tmp_path_factory.mktemp("runs") / "en", BASELINE, n=10)
    (out / "charts").mkdir()
    (out / "charts" / "stale.png").write_bytes(b"old")
    (out / "report.pdf").write_bytes(b"an old report")
    with strict_glyphs():
        res = CliRunner().invoke(app, ["report", str(out), "--lang", "en", "--png"])
    assert (res.exit_code, res.exception) == (0, None), res.stderr
    assert f"wrote {out / 'report.pdf'}" in res.stdout
    return out


@pytest.fixture(scope="module")
def charts(results) -> list[Chart]:
    """Every chart of the baseline's run report (laid out once; each test draws its own)."""
    return all_charts(results)


@pytest.fixture
def style():
    register_font()
    with mpl.rc_context(report_rc()), strict_glyphs():
        yield


def pdf_pages(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    return [page.extract_text() for page in reader.pages]


# ---------------------------------------------------------------------------- plot functions
def all_charts(res: Results) -> list[Chart]:
    """Every chart the run report places, drawn once on its pages (not written)."""
    register_font()
    with Document(assemble.meta_of(res)) as doc:
        for pages in page_functions():
            pages(doc, res)
    return [Chart(name, *_CHARTS[name.split("-")[0]](res, name)) for name, _, _ in doc.placed
            if name.split("-")[0] in _CHARTS]


def _typ(name: str) -> str:
    return name.split("-")[-1]


_CHARTS = {  # how to draw a placed chart again on a bare figure: (plot, data)
    "capacity": lambda r, n: (cc.plot_capacity, cc.capacity_data(r, _typ(n))),
    "demand": lambda r, n: (cd.plot_demand, cd.demand_data(r, _typ(n))),
    "utilization": lambda r, n: (cd.plot_utilization, cd.utilization_data(r)),
    "idle": lambda r, n: (cd.plot_idle, cd.idle_data(r)),
    "buildout": lambda r, n: (cb.plot_gantt, cb.gantt_data(r)),
    "power": lambda r, n: (cb.plot_series, cb.power_data(r)),
    "energy": lambda r, n: (cb.plot_series, cb.energy_cost_data(r)),
    "capex": lambda r, n: (cb.plot_capex, cb.capex_data(r)),
}


def test_every_chart_draws_on_a_bare_figure_and_returns_its_ax(charts, style):
    names = {ch.name for ch in charts}
    assert {"capacity-hpc", "capacity-ai", "demand-ai", "utilization", "idle", "buildout",
            "power", "energy-cost", "capex"} <= names
    for ch in charts:
        fig = Figure()
        ax = fig.add_subplot()
        assert ch.plot(ax, ch.data) is ax, ch.name
        drawn = ax.lines + ax.collections + ax.patches + ax.texts
        assert drawn, f"{ch.name} drew nothing"
        assert ax.get_title(loc="left"), f"{ch.name} has no title"
        fig.savefig(io.BytesIO(), format="png", dpi=40)  # draws every glyph: strict


def test_time_axes_have_units_and_few_ticks(charts, style):
    for ch in charts:
        if ch.name in ("utilization", "buildout"):
            continue
        fig = Figure()
        ax = ch.plot(fig.add_subplot(), ch.data)
        assert re.search(r"[(（].*(P|MW|百万元|million CNY).*[)）]", ax.get_ylabel()), \
            (ch.name, ax.get_ylabel())
        assert 3 <= len(ax.get_xticks()) <= 9, ch.name


def test_capacity_chart_tells_built_pipeline_and_target_apart(charts, style):
    data = next(ch for ch in charts if ch.name == "capacity-hpc").data
    ax = cc.plot_capacity(Figure().add_subplot(), data)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for word in ("已建成", "在建", "规划", "P10–P90", "目标 1,000P"):
        assert any(word in label for label in labels), word


def test_capacity_zooms_in_where_the_target_dwarfs_the_capacity(charts, style):
    data = next(ch for ch in charts if ch.name == "capacity-ai").data
    ax = cc.plot_capacity(Figure().add_subplot(), data)
    assert len(ax.child_axes) == 1  # 3000P target, ~225P built: an inset shows the detail


# ---------------------------------------------------------------------------- the PDF
def test_report_pdf_has_the_pages_and_chinese_text(zh_report, results):
    baseline_run, pdf = zh_report, zh_report / "report.pdf"
    pages = pdf_pages(pdf)
    titles = ["要决定什么", "算力规划报告", "算力与目标", "需求与满足情况",
              "利用率与闲置算力", "租户", "各租户需求", "建设进度", "电力、电费与投资",
              "资金：各运营方的净现值与回收期", "资金：中科曙光", "算力调度与交易平台",
              "计法：一个 P 是什么", "主要假设"]
    # 15 pages (with the page on counting, issue 13), and money (issue 15): an overview, one
    # page per operator (4), the platform
    assert len(pages) == 21
    assert "要决定什么" in pages[0] and "算力规划报告" in pages[1]
    text = "\n".join(pages)
    for title in titles:
        assert title in text, title
    assert "目标缺口随时间变化" not in text  # it repeated the capacity pages
    assert "点军区算力基线（2023年11月）" in pages[1]  # the scenario's Chinese name, extractable
    assert results.facts["scenario_hash"] in pages[1]
    assert "2025-12前建成 3,000P 智算" in pages[1]
    assert f"第 1 / {len(pages)} 页" in pages[0]
    # the decision page: per target P(met), demand beside capacity, what closing it takes
    assert "3,000P 智算（2025-12）达成概率仅 0%" in pages[0]
    assert "期限时需求 P50 [P10–P90]" in pages[0] and "最晚" in pages[0]
    meta = pypdf.PdfReader(str(pdf)).metadata
    assert meta.title == "点军区算力基线（2023年11月）"
    charts = sorted(p.name for p in (baseline_run / "charts").iterdir())
    # 23 charts, and money: cash and utilisation per operator (2 x 4), the platform (2 types)
    assert len(charts) == 33 and "capacity-ai.png" in charts and "counting-rules.png" in charts
    assert "money-cash-4.png" in charts and "platform-hpc.png" in charts
    assert "decision-ai-2025-12.png" in charts and "gap-ai-2025-12.png" not in charts
    from PIL import Image
    with Image.open(baseline_run / "charts" / "capacity-ai.png") as img:
        assert img.format == "PNG" and img.width > 600 and img.height > 300


def test_redrawn_in_english_the_report_shows_no_chinese(en_report):
    pages = pdf_pages(en_report / "report.pdf")
    text = "\n".join(pages)
    assert "What to decide" in pages[0]
    assert "Compute capacity planning report" in pages[1]
    assert "Dianjun compute baseline (Nov 2023)" in pages[1]  # its name_en
    assert "3,000P AI by 2025-12" in pages[1]
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))
    # the PDF and charts/ were replaced whole: no stale chart, no temporary files left
    assert not (en_report / "charts" / "stale.png").exists()
    assert not [p for p in en_report.iterdir()
                if p.name.startswith(".") and p.name != ".capsim-run"]  # the marker stays


def test_the_scenario_language_picks_the_report_language(write, tmp_path):
    scenario = write("s.yaml", EXAMPLE_YAML.replace("seed: 20231114", "seed: 1\nlanguage: en"))
    out = make_run(tmp_path / "run", scenario, n=10)
    with strict_glyphs():
        write_report(out)
    first = pdf_pages(out / "report.pdf")[1]
    assert "Compute capacity planning report" in first
    assert "Dianjun compute baseline (Nov 2023)" in first


def test_a_missing_glyph_is_an_error(write, tmp_path):
    scenario = write("s.yaml", EXAMPLE_YAML.replace("name: 中科曙光", "name: 中科曙光\U00020000"))
    out = make_run(tmp_path / "run", scenario, n=5)
    with pytest.raises(MissingGlyphError):
        with strict_glyphs():
            write_report(out)
    assert not (out / "report.pdf").exists()  # nothing half-written
    assert not list(out.glob(".*tmp*")) and not list(tmp_path.glob("*/.charts*"))


@pytest.mark.slow  # a whole report with its PNGs again, in one process
def test_charts_drawn_in_this_process_match_the_forked_ones(zh_report, tmp_path, monkeypatch):
    forked = sorted(p.name for p in (zh_report / "charts").iterdir())
    monkeypatch.setattr(fork, "ENABLED", False)
    out = tmp_path / "run"
    make_run(out, BASELINE, n=10)
    write_report(out, png=True)
    assert sorted(p.name for p in (out / "charts").iterdir()) == forked


def test_a_failing_job_is_reported_forked_or_not():
    def job():
        raise MissingGlyphError("Glyph 1 missing")

    with pytest.raises(MissingGlyphError, match="Glyph 1 missing"):
        fork.start(job).join()  # forked: raised by join; in this process: by start


# ---------------------------------------------------------------------------- words
def test_headline_sentences():
    zh, en = Text("zh"), Text("en")
    row = {"target_p": 3000.0, "type": "ai", "by": "2025-12", "replications": 1000,
           "probability_met": 0.04, "gap_p50": 2410.0, "month_met_p50": "2026-08"}

    class R:  # the two things `headline` asks of the results
        def __init__(self, t):
            self.t = t

        def type_label(self, typ):
            return {"zh": "智算", "en": "AI"}[self.t.lang]

    assert headline(R(en), row) == \
        "3,000P AI by 2025-12: 4 % likely; median shortfall 2,410P; reached 2026-08 (median)"
    assert headline(R(zh), row) == \
        "2025-12前建成 3,000P 智算：可能性 4%；缺口中位数 2,410P；中位数 2026-08 达成"
    assert headline(R(en), {**row, "probability_met": 0.0, "month_met_p50": None}) == \
        "3,000P AI by 2025-12: met in none of 1,000 runs; median shortfall 2,410P"
    assert headline(R(en), {**row, "probability_met": 1.0, "gap_p50": -300.0}) == \
        "3,000P AI by 2025-12: met in all 1,000 runs; median surplus 300P"


@pytest.mark.parametrize("p, zh, en", [(0.0, "0%", "0 %"), (0.004, "<1%", "<1 %"),
                                       (0.5, "50%", "50 %"), (0.996, ">99%", ">99 %"),
                                       (1.0, "100%", "100 %")])
def test_probabilities(p, zh, en):
    assert Text("zh").pct(p) == zh and Text("en").pct(p) == en


def test_numbers_and_labels():
    assert cap(2410.4) == "2,410P" and cap(0.8) == "0.8P"
    assert band(275, 25, 275, cap) == "275P [25–275]"
    assert band(12.0, 8.3, 12.0) == "12 [8–12]"
    assert band(0.0, 0.0, 0.0) == "0"
    assert wrap("国家先进计算产业创新中心（宜昌）", 30) == "国家先进计算产业\n创新中心（宜昌）"
    assert wrap("骋风而来超大规模人工智能算力中心", 30) == "骋风而来超大规模\n人工智能算力中心"
    assert wrap("Existing customers of the Baidu and Shengzhe AI platforms", 40, 2) == \
        "Existing customers of the Baidu\nand Shengzhe AI platforms"


def test_english_title_never_shows_chinese():
    s = sim.load_scenario(BASELINE)
    assert scenario_title(s, Text("zh")) == "点军区算力基线（2023年11月）"
    assert scenario_title(s, Text("en")) == "Dianjun compute baseline (Nov 2023)"  # name_en
    s = s.model_copy(update={"name_en": None})  # without it, from the English description
    assert scenario_title(s, Text("en")) == "Dianjun compute baseline as of Nov 2023"
    nameless = s.model_copy(update={"description": "人民网 signs"})
    assert scenario_title(nameless, Text("en"), "dianjun-baseline") == "dianjun-baseline"


# ---------------------------------------------------------------------------- command line
def capsim(*args):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_capsim_report_redraws_without_simulating(en_report):
    out = en_report  # `capsim report --lang en --png` over a run written without its report
    assert (out / "report.pdf").is_file() and (out / "charts" / "buildout.png").is_file()
    assert (out / "results.xlsx").is_file()
    assert "Compute capacity planning report" in pdf_pages(out / "report.pdf")[1]


def test_capsim_report_of_a_folder_that_is_no_run_exits_2(tmp_path):
    from tests.helpers import capsim_in_process  # refused before any drawing: in this process

    res = capsim_in_process("report", tmp_path)
    assert res.returncode == 2
    assert "not a complete run directory" in res.stderr and "Traceback" not in res.stderr
    assert capsim_in_process("report", tmp_path, "--lang", "fr").returncode == 2


@pytest.mark.slow  # the same command with --observations, in the fast loop: test_cli_hindcast.py
def test_capsim_run_writes_the_report(tmp_path):
    scenario = tmp_path / "baseline.yaml"
    scenario.write_text(EXAMPLE_YAML, encoding="utf-8")
    res = capsim("run", scenario, "-n", 10, "--out", tmp_path / "run", "-q")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "run" / "report.pdf").is_file()
    assert not (tmp_path / "run" / "charts").exists()  # PNGs only with --png


@pytest.mark.slow  # a second whole report, with PNGs (`capsim report --png`: en_report)
def test_capsim_run_png_writes_the_charts(tmp_path):
    scenario = tmp_path / "baseline.yaml"
    scenario.write_text(EXAMPLE_YAML, encoding="utf-8")
    res = capsim("run", scenario, "-n", 10, "--out", tmp_path / "png", "-q", "--png")
    assert res.returncode == 0, res.stderr
    assert len(list((tmp_path / "png" / "charts").glob("*.png"))) >= 15


def test_every_word_exists_in_both_languages_and_english_has_no_chinese():
    from simulator.report.i18n.strings import STRINGS

    for key, (zh, en) in STRINGS.items():
        assert zh and en, key
        assert not CJK.search(en), key
        assert sorted(re.findall(r"{\w+}", zh)) == sorted(re.findall(r"{\w+}", en)), key


def test_a_bare_scenario_without_targets_tenants_or_money_still_reports(write, tmp_path):
    from simulator.report.run.assemble import render

    scenario = sim.load_scenario(write("bare.yaml", """\
        name: 最小情景
        start: 2024-01
        end: 2025-06
        compute_types: {ai: {label: 智算}}
        facilities:
          - {id: a, name: 甲中心, phases: [{capacity: {ai: 10P}, online: 2024-03}]}
        """))
    with strict_glyphs():
        pdf = render(Results.from_ensemble(run_ensemble(scenario, 1, 1)), tmp_path / "r.pdf",
                     tmp_path / "charts")
    text = "\n".join(pdf_pages(pdf))
    assert "本情景未设目标" in text and "power_kw_per_p" in text and "租户管道" not in text
    assert (tmp_path / "charts" / "capacity-ai.png").is_file()
