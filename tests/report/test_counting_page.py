"""The report's page on counting: its charts draw on a bare figure, and the baseline's targets
show under several rules with different P(met)."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from simulator.output.run_dir import read_run
from simulator.report.data import Results
from simulator.report.run import counting as rc
from simulator.report.style import register_font, report_rc, strict_glyphs
from tests.report.test_report import BASELINE, make_run


@pytest.fixture(scope="module")
def res(tmp_path_factory) -> Results:
    run = make_run(tmp_path_factory.mktemp("runs") / "baseline", BASELINE, 40)
    return Results.from_run(read_run(run))


def test_the_baseline_counts_each_target_under_several_rules_with_different_odds(res):
    assert rc.has_counting(res)
    data = rc.rules_data(res)
    by_target = {}
    for row in data.rows:
        by_target.setdefault(row["label"].split(" · ")[0], []).append(row)
    assert len(by_target) == 2 and all(len(rows) >= 2 for rows in by_target.values())
    hpc = next(rows for key, rows in by_target.items() if "1,000P" in key)
    assert len({round(r["p_met"], 6) for r in hpc}) >= 2  # met one way, not another
    assert hpc[0]["primary"] and hpc[0]["p_met"] == 0  # its own pool: never met


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_counting_charts_draw_on_a_bare_figure(res, lang):
    from simulator.report.i18n.text import Text

    res.t = Text(lang)
    register_font()
    with mpl.rc_context(report_rc()), strict_glyphs():
        fig = Figure()
        ax = rc.plot_precision(fig.add_subplot(2, 1, 1), rc.precision_data(res))
        assert [line.get_label() for line in ax.get_lines()][:4] == ["FP64", "FP32", "FP16/BF16",
                                                                    "INT8"]
        ax = rc.plot_rules(fig.add_subplot(2, 1, 2), rc.rules_data(res))
        assert len(ax.patches) == len(rc.rules_data(res).rows)
        fig.savefig(__import__("io").BytesIO(), format="png")
