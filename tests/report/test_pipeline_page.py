"""The pipeline page: its charts on a bare Figure, the page in a report of a pipeline what-if
(and not in one without a pipeline), in both languages."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from simulator.output.run_dir import read_run
from simulator.report.data import Results
from simulator.report.document import Document
from simulator.report.run.assemble import meta_of
from simulator.report.run.registry import page_functions
from simulator.report.run import pipeline as pp
from simulator.report.style import register_font, report_rc
from simulator.report import strict_glyphs
from tests.report.test_report import make_run

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "scenarios" / "yichang-pipeline.yaml"


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "pipeline", PIPELINE, n=20)


@pytest.fixture
def style():
    register_font()
    with mpl.rc_context(report_rc()), strict_glyphs():
        yield


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pipeline_charts_draw_on_a_bare_figure(pipeline_run, style, lang):
    res = Results.from_run(read_run(pipeline_run), lang)
    for plot, data in ((pp.plot_fan, pp.fan_data(res, "ai")), (pp.plot_fan, pp.fan_data(res, "all")),
                       (pp.plot_announcements, pp.announcement_data(res))):
        ax = Figure().add_subplot()
        assert plot(ax, data) is ax
        assert ax.get_title(loc="left")
    assert len(pp.count_rows(res)[1]) == len(res.scenario.pipeline) + 1  # and "all"
    assert [r[0] for r in pp.shock_rows(res)[1]] and all(r[-1] != "–" for r in pp.shock_rows(res)[1])


def test_the_page_is_in_a_pipeline_report_only(pipeline_run, style):
    res = Results.from_run(read_run(pipeline_run), "en")
    rep = _pages(res)
    names = [name for name, _fig, _axes in rep.placed]
    assert {"pipeline-ai", "pipeline-general", "pipeline-all", "pipeline-announcements"} <= set(names)
    fan = pp.fan_data(res, "all")
    # the fan stacks on the declared phases, and the pipeline is what the total adds to them
    assert (fan.pipeline[1] >= 0).all() and fan.declared[0] > 0


def test_no_pipeline_page_without_a_pipeline(tmp_path, style):
    run = make_run(tmp_path / "base", ROOT / "scenarios" / "dianjun-baseline.yaml", n=5)
    rep = _pages(Results.from_run(read_run(run)))
    assert not [name for name, _f, _a in rep.placed if name.startswith("pipeline-")]


def _pages(res) -> Document:
    """Every registered page of the run report drawn into a Document (not written)."""
    with Document(meta_of(res)) as doc:
        for pages in page_functions():
            pages(doc, res)
    return doc
