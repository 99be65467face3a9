"""The NPV tornado of `capsim sensitivity`: each input's effect on the operators' NPV."""

from __future__ import annotations

import pandas as pd

from simulator.report.analysis.labels import Names
from simulator.report.analysis.sensitivity import EPS, MAX_ROWS, TornadoData, _legend, labelled
from simulator.report.i18n.text import num


def npv_tornado(df: pd.DataFrame, names: Names) -> TornadoData | None:
    """NPV of every operator (mean, million CNY) against each input; None without money."""
    if "swing_npv_mcny" not in df or not len(df):
        return None
    t = names.t
    rows = df.drop_duplicates("input").sort_values(["swing_npv_mcny", "input"],
                                                   ascending=[False, True], kind="stable")
    rows = rows[rows["swing_npv_mcny"] > EPS].head(MAX_ROWS + 4)
    base = float(df["npv_mcny_base"].iloc[0])
    return TornadoData(labelled(rows, names), base, rows["npv_mcny_low"].to_numpy(),
                       rows["npv_mcny_high"].to_numpy(), num, False, t("s_t_npv"),
                       legend=_legend(t), flat=t("s_no_move", what=t("m_k_npv"), v=num(base)))


def npv_page(doc, df: pd.DataFrame, names: Names, Chart) -> None:
    """Append the NPV tornado page to a sensitivity report, when the run has money."""
    from simulator.report.analysis.sensitivity import plot_tornado

    data = npv_tornado(df, names)
    if data is None:
        return
    fig = doc.page(names.t("s_page_npv"))
    doc.draw(fig, fig.add_subplot(), Chart("tornado-npv", plot_tornado, data,
                                           {"label_width": 64}))
