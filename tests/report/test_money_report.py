"""The money charts draw on a bare Figure; their data say what the summary says."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from simulator.report.run import money as rm


def test_the_charts_draw_on_a_bare_figure():
    months = 2024 + np.arange(12) / 12
    cash = rm.CashData(months, -np.arange(12.0) - 1, -np.arange(12.0), 1 - np.arange(12.0),
                       "cash", "NPV -5", {"p50": "P50", "band": "P10-P90", "zero": "0"})
    ax = rm.plot_cash(Figure().add_subplot(), cash)
    assert len(ax.lines) >= 2
    util = rm.UtilData(["a", "b"], np.array([[0.2, 0.3, 0.4], [0.5, 0.6, 0.7]]),
                       np.array([0.5, 3.0]), "util", {"util": "u", "breakeven": "b"})
    ax = rm.plot_util(Figure().add_subplot(), util)
    assert [t.get_text() for t in ax.texts] == ["50%", "300%"]  # break-even labels, capped dots
    plat = rm.PlatformData(months, [("local", "C0", np.full(12, 3.0)),
                                    ("sold", "C1", np.full(12, 1.0)),
                                    ("bought", "C2", np.zeros(12)),
                                    ("unmet", "C3", np.zeros(12))], np.full(12, 5.0), "p", "", "u")
    ax = rm.plot_platform(Figure().add_subplot(), plat)
    assert len(ax.collections) == 2  # only the series that are not all zero are filled


def test_money_pages_add_nothing_without_money():
    class Rep:
        figures: list = []

    class Res:
        facts: dict = {}

    rep = Rep()
    rm.money_pages(rep, Res())
    assert rep.figures == []
