"""The money pages of a run's report: NPV and payback per operator (an overview table and a
page per operator: cumulative cash flow fan, utilisation against break-even), and the platform
page (local, sold outside, bought outside, still unmet). Drawn only when the run has money
(summary.json's `money`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.report.axes import legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.data import Results
from simulator.report.i18n.text import band, shorten
from simulator.report.pages import draw_table, table_height
from simulator.report.style import COLORS


# ---------------------------------------------------------------- data
@dataclass
class CashData:
    months: np.ndarray  # month starts [decimal years]
    p10: np.ndarray  # cumulative cash flow [million CNY]
    p50: np.ndarray
    p90: np.ndarray
    title: str
    note: str
    labels: dict


@dataclass
class UtilData:
    names: list[str]
    util: np.ndarray  # (O, 3) p10, p50, p90 [fraction]
    breakeven: np.ndarray  # (O,) p50 [fraction]
    title: str
    labels: dict


@dataclass
class PlatformData:
    months: np.ndarray
    series: list[tuple[str, str, np.ndarray]]  # (label, colour, mean P) stacked in this order
    usable: np.ndarray  # usable capacity (mean) [P]
    title: str
    note: str
    usable_label: str


def op_name(res: Results, o: dict) -> str:
    """An operator's name in the report's language (operators have no English name: in English
    a Chinese one gives way to its facilities' ids, or 'platform')."""
    return res.t.pick(o["operator"], None, ", ".join(o["facilities"]) or "platform")


def _mcny(values) -> str:
    """Millions of CNY as P50 [P10–P90]: one decimal when every value is below 10 in size."""
    digits = 1 if max(abs(v) for v in values) < 10 else 0
    return band(*values, lambda v: f"{v:,.{digits}f}")


def _npv_text(o: dict) -> str:
    n = o["npv_mcny"]
    return _mcny([n["p50"], n["p10"], n["p90"]]) if n["p50"] is not None else "–"


def _payback_text(res: Results, o: dict) -> str:
    never = res.t("m_never")
    q = [o.get(f"payback_{k}") or never for k in ("p50", "p10", "p90")]
    return q[0] if q[0] == q[1] == q[2] else f"{q[0]} [{q[1]}–{q[2]}]"


def cash_data(res: Results, o: dict) -> CashData:
    t = res.t
    c = o["cumulative_mcny"]
    note = t("m_note_cum", npv=_npv_text(o), pb=_payback_text(res, o),
             p=t.pct(o["probability_payback"]))
    return CashData(res.months, *(np.asarray(c[k], dtype=float) for k in ("p10", "p50", "p90")),
                    t("m_t_cum"), note, {"p50": t("l_p50"), "band": t("l_p10_90"),
                                         "zero": t("m_l_zero")})


def util_data(res: Results, ops: list[dict]) -> UtilData:
    t = res.t
    ops = [o for o in ops if o["utilization"]["p50"] is not None]
    util = np.array([[o["utilization"][k] for k in ("p10", "p50", "p90")] for o in ops],
                    dtype=float).reshape(-1, 3)
    be = np.array([o["breakeven_utilization"]["p50"] if o["breakeven_utilization"]["p50"]
                   is not None else np.nan for o in ops], dtype=float)
    return UtilData([shorten(op_name(res, o), 18) for o in ops], util, be, t("m_t_util"),
                    {"util": t("m_l_util"), "breakeven": t("m_l_breakeven")})


def platform_data(res: Results, typ: str) -> PlatformData:
    t = res.t
    mean = lambda metric: res.band(metric, typ)["mean"].to_numpy(dtype=float)  # noqa: E731
    local, market, spill, unmet = (mean(m) for m in ("served_p", "market_p", "spillover_p",
                                                     "unmet_p"))
    mu = res.scenario.scheduling.max_utilization
    note = t("m_note_platform", **{k: f"{v.sum():,.0f}" for k, v in
                                   (("local", local), ("market", market), ("spill", spill),
                                    ("unmet", unmet))})
    series = [(t("m_l_local"), COLORS[0], local), (t("m_l_market"), COLORS[2], market),
              (t("m_l_spill"), COLORS[4], spill), (t("m_l_unmet"), COLORS[1], unmet)]
    return PlatformData(res.months, series, mean("capacity_p") * mu,
                        t("m_t_platform", label=res.type_label(typ)), note, t("m_l_usable"))


# ---------------------------------------------------------------- charts (ax, data) -> ax
def plot_cash(ax, data: CashData):
    """Cumulative cash flow: the P10–P90 fan and the P50 line, with zero marked."""
    step_fill(ax, data.months, data.p10, data.p90, color=COLORS[0], alpha=0.25, linewidth=0,
              label=data.labels["band"])
    step_line(ax, data.months, data.p50, color=COLORS[0], linewidth=2, label=data.labels["p50"])
    ax.axhline(0, color="#333333", linewidth=0.8)
    month_axis(ax, data.months)
    number_axis(ax)
    titles(ax, data.title, data.note)
    legend(ax, "upper left")
    return ax


def plot_util(ax, data: UtilData):
    """Mean utilisation per operator (P50 bar, P10–P90 whisker) and the break-even level."""
    y = np.arange(len(data.names))
    if len(y):
        u = data.util
        ax.barh(y, u[:, 1], height=0.5, color=COLORS[0], alpha=0.8, label=data.labels["util"])
        ax.errorbar(u[:, 1], y, xerr=[u[:, 1] - u[:, 0], u[:, 2] - u[:, 1]], fmt="none",
                    ecolor="#333333", capsize=3, linewidth=1)
        shown = np.minimum(data.breakeven, 1.5)
        ax.scatter(shown, y, marker="D", color="#D55E00", zorder=3, label=data.labels["breakeven"])
        for yi, be in zip(y, data.breakeven):
            if np.isfinite(be):
                ax.annotate(f"{be * 100:,.0f}%", (min(be, 1.5), yi), xytext=(6, 0),
                            textcoords="offset points", va="center", fontsize=8.5)
    ax.set_yticks(y, data.names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.65)
    ax.axvline(1.0, color="#777777", linewidth=0.8, linestyle=":")
    number_axis(ax, "x", percent=True)
    titles(ax, data.title)
    legend(ax, "right")
    return ax


def plot_platform(ax, data: PlatformData):
    """Where a type's capacity goes each month: stacked local, sold, bought, unmet (means)."""
    low = np.zeros(len(data.months))
    for label, color, values in data.series:
        if np.any(values > 0):
            step_fill(ax, data.months, low, low + values, color=color, alpha=0.75, linewidth=0,
                      label=label)
        low = low + values
    step_line(ax, data.months, data.usable, color="#333333", linewidth=1.2, linestyle="--",
              label=data.usable_label)
    month_axis(ax, data.months)
    number_axis(ax)
    titles(ax, data.title, data.note)
    legend(ax, "below", fontsize=8)
    return ax


# ---------------------------------------------------------------- pages
def overview_rows(res: Results, money: dict) -> tuple[list[str], list[list[str]]]:
    t = res.t
    header = [t("m_operator"), t("m_facilities"), t("m_npv"), t("m_payback"), t("m_p_payback"),
              t("m_util")]
    rows = []
    for o in money["operators"]:
        u, be = o["utilization"]["p50"], o["breakeven_utilization"]["p50"]
        util = "–" if u is None else f"{u * 100:.0f}% / " + ("–" if be is None else
                                                           f"{be * 100:,.0f}%")
        facs = ", ".join(shorten(res.facility_name(f), 22) for f in o["facilities"]) or "–"
        rows.append([shorten(op_name(res, o), 16), shorten(facs, 44), _npv_text(o),
                     _payback_text(res, o), t.pct(o["probability_payback"]), util])
    return header, rows


def total_rows(res: Results, money: dict) -> tuple[list[str], list[list[str]]]:
    t, tot = res.t, money["totals"]

    def b(*names):
        return _mcny([sum(tot[n][k] or 0.0 for n in names) for k in ("p50", "p10", "p90")])

    return [t("m_item"), t("m_value")], [
        [t("m_k_revenue"), b("revenue_mcny")], [t("m_k_market"), b("market_revenue_mcny")],
        [t("m_k_spill"), b("spillover_cost_mcny")],
        [t("m_k_subsidy"), b("vouchers_mcny", "grant_mcny")],
        [t("m_k_costs"), b("electricity_mcny", "opex_mcny")], [t("m_k_capex"), b("capex_mcny")],
        [t("m_k_npv"), b("npv_mcny")]]


def money_pages(doc, res: Results) -> None:
    """The money pages (registered in `registry.RUN_PAGES`), if the run has money."""
    from simulator.report.document import Chart

    money = res.facts.get("money")
    if not money:
        return
    t = res.t
    fig = doc.page(t("m_p_overview"))
    header, rows = overview_rows(res, money)
    theader, trows = total_rows(res, money)
    gs = fig.add_gridspec(3, 1, height_ratios=[table_height(len(rows)), table_height(len(trows)),
                                               max(5.6 - table_height(len(rows) + len(trows)),
                                                   0.6)])
    axes = [fig.add_subplot(gs[i]) for i in range(3)]
    fig.get_layout_engine().execute(fig)
    draw_table(axes[0], header, rows, fontsize=9,
               align=["left", "left", "right", "right", "right", "right"])
    draw_table(axes[1], theader, trows, fontsize=9, align=["left", "right"])
    axes[2].set_axis_off()
    axes[2].text(0, 1, t("m_reading", rate=f"{money['discount_rate'] * 100:g}%"), va="top",
                 fontsize=8.5, color="#555555", wrap=True, transform=axes[2].transAxes)
    for k, o in enumerate(money["operators"]):
        fig = doc.page(t("m_p_operator", name=op_name(res, o)))
        gs = fig.add_gridspec(2, 1, height_ratios=[3.0, 1.0])
        doc.draw(fig, fig.add_subplot(gs[0]), Chart(f"money-cash-{k + 1}", plot_cash,
                                                    cash_data(res, o)))
        doc.draw(fig, fig.add_subplot(gs[1]), Chart(f"money-util-{k + 1}", plot_util,
                                                    util_data(res, [o])))
    moved = lambda x, m: res.band(m, x)["mean"].sum() > 0  # noqa: E731
    types = [x for x in res.types if moved(x, "market_p") or moved(x, "spillover_p")] or \
        [x for x in res.types if moved(x, "demand_p")]
    for i in range(0, len(types), 4):
        fig = doc.page(t("m_p_platform"))
        chunk = types[i:i + 4]
        axes = fig.subplots(-(-len(chunk) // 2), 2, squeeze=False).ravel()
        for ax, typ in zip(axes, chunk):
            doc.draw(fig, ax, Chart(f"platform-{typ}", plot_platform, platform_data(res, typ)))
        for ax in axes[len(chunk):]:
            ax.set_visible(False)
