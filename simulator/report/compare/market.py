"""The comparison page of the market and money: utilisation, market sales, revenue and NPV,
each as the paired difference to scenario A. Drawn only when some scenario uses money."""

from __future__ import annotations

from matplotlib.figure import Figure

from simulator.report.compare import charts as cc
from simulator.report.pages import page


def market_page(table, results, labels: list[str], t) -> list[Figure]:
    """[the page] when the comparison table has NPV rows, else []."""
    if not (table["name"] == "npv_mcny").any():
        return []
    fig = page(t("c_p_market"))
    cc.kpi_diff_grid(fig, table, results, labels,
                     [("mean_utilization", t("k_util"), t("c_x_util")),
                      ("market_revenue_mcny", t("m_k_market"), t("c_x_mcny")),
                      ("revenue_mcny", t("k_revenue"), t("c_x_mcny")),
                      ("npv_mcny", t("m_k_npv"), t("c_x_mcny"))])
    return [fig]
