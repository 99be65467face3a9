"""The comparison's charts with many scenarios: the colour key wraps instead of running off the
page, and a group where no scenario differs clearly says so once."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simulator.report.compare.charts import (KpiDiffData, PmetData, legend_columns,  # noqa: E402
                                             plot_kpi_diff, plot_pmet)
from simulator.report.i18n.text import Text  # noqa: E402

LONG = [f"{c}: Dianjun compute baseline (Nov 2023)" for c in "ABCDEFGHI"]


def test_legend_columns_keep_a_row_of_long_names_on_the_page():
    assert legend_columns(LONG) == 3  # 38 characters each: three to a row, three rows for 9
    assert legend_columns(["A: base", "B: slip"]) == 2  # short names: all in one row
    # a Chinese character counts two columns
    assert legend_columns(["A: 点军区算力知情情景（2023年11月可预期）"] * 6) == 3
    assert legend_columns(["A: " + "点" * 80]) == 1


def test_nine_scenarios_with_no_target_met_lay_out_without_collapsing():
    fig, (ax, below) = plt.subplots(2, 1, figsize=(11.7, 8.3), layout="constrained",
                                    height_ratios=[1, 3])
    try:
        data = PmetData(["1,000P hpc (2025-12)"], LONG, np.zeros((1, 9)), np.zeros((1, 9)),
                        "P(met)", "P(met)", Text("en"))
        plot_pmet(ax, data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "constrained_layout not applied ... collapsed"
            fig.canvas.draw()
        key = ax.get_legend()
        assert len(key.get_texts()) == 9 and key._ncols == 3
        renderer = fig.canvas.get_renderer()
        assert key.get_window_extent(renderer).x1 <= fig.bbox.x1  # on the page
        message = ax.texts[-1]  # above the key, not under it
        assert message.get_window_extent(renderer).y0 >= key.get_window_extent(renderer).y1 - 1
    finally:
        plt.close(fig)


def _diff(clear: np.ndarray) -> KpiDiffData:
    groups, n = clear.shape
    zeros = np.zeros((groups, n))
    return KpiDiffData([f"g{i}" for i in range(groups)], LONG[1:n + 1], ["#333333"] * n,
                       zeros + clear, zeros - 1, zeros + 2, "t", "x", "", clear, 1.0,
                       "no clear difference")


def test_a_group_where_no_scenario_differs_clearly_says_so_once():
    clear = np.zeros((3, 8), dtype=bool)
    clear[1, 2] = True  # one clear difference in the second group
    fig, ax = plt.subplots()
    try:
        plot_kpi_diff(ax, _diff(clear), legend_at=None)
        said = [t.get_text() for t in ax.texts]
    finally:
        plt.close(fig)
    # groups 0 and 2: once each; group 1: its 8 bars, one with its value
    assert said.count("no clear difference") == 2 + 7
    assert "+1.0" in said
