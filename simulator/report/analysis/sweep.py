"""sweep.pdf's charts and tables: P(met) and the median gap over a grid of field values."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.report.analysis.labels import Names
from simulator.report.analysis.pages import p_color
from simulator.report.axes import number_axis, titles
from simulator.report.data import to_x
from simulator.report.colors import VARIANT_COLORS
from simulator.report.i18n.text import cap, shorten, wrap

MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
LINESTYLES = ("-", (0, (5, 2)), (0, (1, 1.2)), (0, (6, 2, 1, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P")


@dataclass
class SweepData:
    """One measure of one target against the swept values of the first path: a line per
    combination of the other swept paths."""

    x: np.ndarray  # positions of the swept values
    ticks: list[str]  # the values as text
    series: list[tuple[str, np.ndarray, np.ndarray | None]]  # (label, y, ±error or None)
    percent: bool = False
    title: str = ""
    xlabel: str = ""
    legend_title: str = ""
    flat: str = ""  # said when every point has the same value
    fmt: object = cap
    dotted: list[np.ndarray] = field(default_factory=list)  # a second, dotted line per series


def plot_sweep(ax, data: SweepData, *, legend_at: str | None = "right"):
    """Lines over the swept values, markers at the grid points, error bars where given; the
    lines are nudged apart sideways so equal values stay visible. Returns the ax."""
    n = len(data.series)
    span = float(np.ptp(data.x)) if len(data.x) > 1 else 1.0
    offsets = (np.arange(n) - (n - 1) / 2) * span * 0.012
    allv = np.concatenate([y for _, y, _ in data.series] + list(data.dotted)) if n \
        else np.zeros(1)
    for j, (label, y, err) in enumerate(data.series):
        color = VARIANT_COLORS[j % len(VARIANT_COLORS)]
        x = data.x + offsets[j]
        ax.plot(x, y, color=color, linestyle=LINESTYLES[(j // 7) % len(LINESTYLES)],
                marker=MARKERS[j % len(MARKERS)], markersize=5.5, label=label, zorder=3)
        if j < len(data.dotted):
            ax.plot(x, data.dotted[j], color=color, linestyle=(0, (1, 1.5)), linewidth=1.3,
                    marker=MARKERS[j % len(MARKERS)], markersize=3, zorder=2.5)
        if err is not None and np.any(err > 0):
            ax.errorbar(x, y, yerr=err, fmt="none", ecolor=color, elinewidth=1.0, capsize=3,
                        zorder=2)
    ax.set_xticks(data.x, data.ticks)
    pad = span * 0.06
    ax.set_xlim(float(data.x.min()) - pad, float(data.x.max()) + pad)
    if data.percent:
        ax.set_ylim(-0.04, 1.06)
        ax.set_yticks(np.linspace(0, 1, 6))
        number_axis(ax, percent=True)
    else:
        lo, hi = float(np.nanmin(allv)), float(np.nanmax(allv))
        lo, hi = min(lo, 0.0), max(hi, 0.0)  # from zero: a 4 % change stays a 4 % change
        pad = (hi - lo) * 0.08 or 1.0
        ax.set_ylim(lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 else 0.0)
        number_axis(ax, nbins=5)
        if lo - pad < 0 < hi + pad:
            ax.axhline(0, color="#222222", linewidth=1.0)
    ax.set_xlabel(data.xlabel)
    ax.grid(axis="x", visible=False)
    titles(ax, data.title)
    if data.flat and np.nanmax(allv) - np.nanmin(allv) < 1e-9:
        ax.text(0.5, 0.62, data.flat, transform=ax.transAxes, ha="center", va="center",
                color="#555555", fontsize=10.5,
                bbox=dict(boxstyle="round,pad=0.5", facecolor="white", edgecolor="#DDDDDD"))
    if legend_at and n > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=9,
                  title=wrap(data.legend_title, 22, 4), title_fontsize=9, alignment="left")
    return ax


# ---------------------------------------------------------------------------- data
def values_of(table: pd.DataFrame, path: str) -> list:
    return list(dict.fromkeys(table[path])) if path in table else []


def positions(values: list) -> tuple[np.ndarray, list[str]]:
    """Months on a time axis, numbers as numbers, anything else evenly spaced."""
    text = [str(v) for v in values]
    if all(isinstance(v, str) and MONTH_RE.match(v) for v in values):
        return np.array([to_x(v) for v in values]), text
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=float), [_num(v) for v in values]
    return np.arange(len(values), dtype=float), [shorten(s, 24) for s in text]


def _head(text: str) -> str:
    """A column header starts with a capital."""
    return text[:1].upper() + text[1:]


def _num(v) -> str:
    v = float(v)
    return f"{v:,.0f}" if v == round(v) else f"{v:,.3g}"


def split_axes(table: pd.DataFrame, axes: list[str]) -> tuple[str, list[str], list[str]]:
    """(the x path, the other swept paths, the fixed paths)."""
    swept = [p for p in axes if len(values_of(table, p)) > 1]
    fixed = [p for p in axes if p not in swept]
    x = swept[0] if swept else axes[0]
    return x, [p for p in swept if p != x], [p for p in fixed if p != x]


def short_names(paths: list[str], names: Names) -> dict[str, str]:
    """Column headers: what each path sets, with whose where two would read the same."""
    what = {p: names.path(p)[1] for p in paths}
    out = {}
    for p in paths:
        twin = [q for q in paths if what[q] == what[p]]
        whose = names.path(p)[0]
        out[p] = f"{shorten(whose, 18)} {what[p]}" if len(twin) > 1 and whose else what[p]
    return out


def sweep_data(table: pd.DataFrame, axes: list[str], target: str, names: Names
               ) -> tuple[SweepData, SweepData]:
    """P(met) (±2 standard errors) and the median gap of a target."""
    t = names.t
    xp, others, _ = split_axes(table, axes)
    xs = values_of(table, xp)
    x, ticks = positions(xs)
    rows = table[table["target"] == target]
    combos = list(itertools.product(*(values_of(table, p) for p in others))) or [()]
    pm, gap, mean = [], [], []
    for combo in combos:
        sel = rows
        for p, v in zip(others, combo):
            sel = sel[sel[p] == v]
        sel = sel.set_index(sel[xp].map(str)).reindex([str(v) for v in xs])
        label = t.dot.join(names.value(p, v) for p, v in zip(others, combo)) or names.target(
            target)
        pm.append((label, sel["probability_met"].to_numpy(float),
                   2 * sel["probability_met_se"].to_numpy(float)))
        gap.append((label, sel["gap_p50"].to_numpy(float), None))
        mean.append(sel["gap_mean"].to_numpy(float))
    legend_title = t.dot.join(names.path_label(p) for p in others)
    xlabel = wrap(names.path_label(xp), 150)
    p_all = np.concatenate([y for _, y, _ in pm])
    g_all = np.concatenate([y for _, y, _ in gap])
    return (SweepData(x, ticks, pm, True, t("sw_t_pmet"), xlabel, legend_title,
                      t("sw_flat", v=t.pct(p_all[0])) if len(p_all) else "", t.pct),
            SweepData(x, ticks, gap, False, t("sw_t_gap"), xlabel, legend_title,
                      t("sw_flat", v=cap(g_all[0])) if len(g_all) else "", cap, mean))


def _point(r: dict, paths: list[str], names: Names, short: dict) -> str:
    return names.t.comma.join(f"{short[p]} {names.value(p, r[p])}" for p in paths)


def headline(table: pd.DataFrame, axes: list[str], target: str, names: Names
             ) -> tuple[str, str]:
    t = names.t
    rows = table[table["target"] == target]
    xp, others, _ = split_axes(table, axes)
    paths = [xp] + others
    short = short_names(paths, names)
    p = rows["probability_met"]
    gaps = rows["gap_p50"]
    if p.max() - p.min() < 1e-9 and gaps.max() - gaps.min() < 1e-9:
        text = t("sw_h_flat_all", p=t.pct(p.iloc[0]), gap=cap(gaps.iloc[0]))
    elif p.max() - p.min() < 1e-9:
        text = t("sw_h_flat", p=t.pct(p.iloc[0]), lo=cap(gaps.min()), hi=cap(gaps.max()))
    else:
        best, worst = rows.loc[p.idxmax()], rows.loc[p.idxmin()]
        text = t("sw_h_best", p=t.pct(best["probability_met"]),
                 at=_point(best, paths, names, short), q=t.pct(worst["probability_met"]),
                 at2=_point(worst, paths, names, short))
    return p_color(float(p.max())), t.colon(names.target(target), text)


def table_rows(table: pd.DataFrame, axes: list[str], names: Names) -> list[list[str]]:
    t = names.t
    xp, others, fixed = split_axes(table, axes)
    paths = [xp] + others
    order = {k: i for i, k in enumerate(dict.fromkeys(table["target"]))}
    rows = table.assign(_o=table["target"].map(order)).sort_values("_o", kind="stable")
    out = []
    for r in rows.to_dict("records"):
        se = r["probability_met_se"]
        pm = t.pct(r["probability_met"]) + (" " + t("sw_se", v=f"{se * 100:.1f}") if se > 0
                                            else "")
        month = r["month_met_p50"]
        out.append([names.target(r["target"])] + [names.value(p, r[p]) for p in paths]
                   + [pm, cap(r["capacity_p50"]), cap(r["gap_p50"]), cap(r["gap_mean"]),
                      t.month_or_never(month)])
    return out


def grid_table(table: pd.DataFrame, axes: list[str], target: str, names: Names
               ) -> tuple[list[str], list[list[str]]]:
    """A target's median gap (P(met)) at each point: a row per value of the first swept path,
    a column per combination of the others."""
    t = names.t
    xp, others, _ = split_axes(table, axes)
    combos = list(itertools.product(*(values_of(table, p) for p in others))) or [()]
    rows = table[table["target"] == target]
    header = [_head(short_names([xp], names)[xp])] + [
        t.dot.join(f"{short_names(others, names)[p]} {names.value(p, v)}"
                   for p, v in zip(others, c)) or t("sw_c_gap") for c in combos]
    header = [_head(h) for h in header]
    out = []
    for xv in values_of(table, xp):
        cells = [names.value(xp, xv)]
        for combo in combos:
            sel = rows[rows[xp].map(str) == str(xv)]
            for p, v in zip(others, combo):
                sel = sel[sel[p].map(str) == str(v)]
            r = sel.iloc[0] if len(sel) else None
            cells.append("–" if r is None else
                         f"{cap(r['gap_p50'])}{t.paren(t.pct(r['probability_met']))}")
        out.append(cells)
    return header, out
