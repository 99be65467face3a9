"""Charts of a scenario comparison: capacity overlaid, P(met) as bars, KPI differences."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.report.colors import VARIANT_COLORS
from simulator.report.axes import deadline_line, empty, legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.data import MONTH, Results, to_x
from simulator.report.i18n.text import Text, cap, wrap

TARGET_COLOR = "#C00000"


def scenario_colors(n: int) -> list[str]:
    """A (the reference) dark grey, then colours no compute type uses (see `colors`)."""
    return [VARIANT_COLORS[i % len(VARIANT_COLORS)] for i in range(n)]


@dataclass
class OverlayData:
    """One compute type: total capacity of each scenario (P50 line, P10-P90 band), targets."""

    series: list[tuple[str, str, np.ndarray, pd.DataFrame]]  # (label, colour, months, band)
    targets: list[tuple[float, float, str]]  # (capacity [P], deadline [decimal years], label)
    title: str = ""
    ylabel: str = "P"


def overlay_data(results: list[Results], labels: list[str], typ: str) -> OverlayData:
    t = results[0].t
    colors = scenario_colors(len(results))
    series = [(lab, col, r.months, r.band("capacity_p", typ))
              for lab, col, r in zip(labels, colors, results) if typ in r.scenario.compute_types]
    seen, targets = set(), []
    for r in results:
        for row in r.targets[r.targets["type"] == typ].to_dict("records"):
            key = (row["target_p"], row["by"])
            if key not in seen:
                seen.add(key)
                targets.append((row["target_p"], to_x(row["by"]),
                                t("l_target", cap=cap(row["target_p"]), by=row["by"])))
    label = next(r.type_label(typ) for r in results if typ in r.scenario.compute_types)
    return OverlayData(series, targets, t("c_t_capacity", label=label), t("unit_p"))


LINESTYLES = ("-", (0, (5, 2)), (0, (1, 1.2)), (0, (6, 2, 1, 2)))


def plot_overlay(ax, data: OverlayData, *, legend_at: str | None = "upper left"):
    """Each scenario's total capacity: P50 step line over its P10-P90 band (the first thickest,
    the others dashed on top, so equal lines stay visible); targets as lines up to their
    deadlines. Returns the ax."""
    lo = min(float(m[0]) for _, _, m, _ in data.series)
    hi = max(float(m[-1]) for _, _, m, _ in data.series)
    for j, (label, color, months, b) in enumerate(data.series):
        step_fill(ax, months, b["p10"], b["p90"], color=color, alpha=0.13, linewidth=0)
        step_line(ax, months, b["p50"], color=color, linewidth=max(3.4 - 0.9 * j, 1.3),
                  linestyle=LINESTYLES[j % len(LINESTYLES)], label=label, zorder=3 + j)
    top = max([float(b["p90"].max()) for *_, b in data.series] + [1.0])
    for capacity, by, label in data.targets:
        ax.plot([lo, by + MONTH], [capacity] * 2, color=TARGET_COLOR, linewidth=1.4,
                linestyle=(0, (6, 3)))
        ax.plot([by + MONTH], [capacity], marker="D", color=TARGET_COLOR, markersize=6)
        ax.annotate(label, (by + MONTH, capacity), xytext=(6, 4), textcoords="offset points",
                    fontsize=8.5, color=TARGET_COLOR, va="bottom",
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none",
                              alpha=0.85))
        deadline_line(ax, by)
        top = max(top, capacity)
    month_axis(ax, np.arange(lo, hi + MONTH / 2, MONTH))
    ax.set_ylim(0, top * 1.2)
    number_axis(ax, nbins=5)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title)
    legend(ax, legend_at, fontsize=8.5)
    return ax


@dataclass
class PmetData:
    """P(met) of each target in each scenario."""

    targets: list[str]  # target labels
    scenarios: list[str]  # scenario labels
    values: np.ndarray  # (targets, scenarios) probabilities; nan where a scenario lacks it
    by_end: np.ndarray  # (targets, scenarios) P(met by the end of the horizon)
    title: str = ""
    ylabel: str = ""
    t: Text = field(default_factory=lambda: Text("en"))


def pmet_data(table: pd.DataFrame, results: list[Results], labels: list[str]) -> PmetData:
    t = results[0].t
    rows = table[table["kind"] == "target"]
    keys = list(dict.fromkeys(rows["name"]))
    names = {}
    for r in results:
        for row in r.targets.to_dict("records"):
            names.setdefault(row["target"], f"{cap(row['target_p'])} {r.type_label(row['type'])}"
                                            f"{t.paren(row['by'])}")
    letters = list(dict.fromkeys(table["label"]))
    values = np.full((len(keys), len(letters)), np.nan)
    by_end = np.full((len(keys), len(letters)), np.nan)
    for row in rows.to_dict("records"):
        values[keys.index(row["name"]), letters.index(row["label"])] = row["probability_met"]
    for j, r in enumerate(results):
        for row in r.targets.to_dict("records"):
            by_end[keys.index(row["target"]), j] = row["probability_met_by_end"]
    return PmetData([names.get(k, k) for k in keys], labels, values, by_end,
                    t("c_t_pmet"), t("p_met"), t)


def plot_pmet(ax, data: PmetData, *, legend_at: str | None = "upper left"):
    """Grouped bars: one group per target, one bar per scenario, labelled with P(met)."""
    if not data.targets:
        return empty(ax, data.t("no_targets"))
    if not np.any(np.nan_to_num(data.values) > 0):  # all zero: one line says it
        titles(ax, data.title)
        for label, color in zip(data.scenarios, scenario_colors(len(data.scenarios))):
            ax.bar([np.nan], [np.nan], color=color, label=label)  # the page's colour key
        legend(ax, "lower left", fontsize=9, ncol=legend_columns(data.scenarios),
               title=data.t("l_by_scenario"), title_fontsize=9, alignment="left")
        empty(ax, data.t("c_pmet_zero"))
        ax.texts[-1].set(y=0.98, va="top")  # above the colour key, however many rows it has
        return ax
    n = len(data.scenarios)
    width = 0.8 / n
    x = np.arange(len(data.targets))
    for j, (label, color) in enumerate(zip(data.scenarios, scenario_colors(n))):
        v, end = data.values[:, j], data.by_end[:, j]
        pos = x - 0.4 + width * (j + 0.5)
        ax.bar(pos, np.nan_to_num(v), width=width * 0.92, color=color, label=label)
        for p, val, e in zip(pos, v, end):
            if not np.isnan(val):
                text = data.t.pct(val) + (("\n" + data.t("c_by_end_short", p=data.t.pct(e)))
                                          if e == e and e > val else "")
                ax.text(p, val + 0.015, text, ha="center", va="bottom", fontsize=8.5,
                        linespacing=1.1)
    ax.set_xticks(x, data.targets)
    ax.set_ylim(0, 1.3)
    ax.set_yticks(np.linspace(0, 1, 6))
    number_axis(ax, percent=True)
    ax.set_ylabel(data.ylabel)
    ax.grid(axis="x", visible=False)
    titles(ax, data.title)
    legend(ax, legend_at, fontsize=9, title=data.t("l_by_scenario"), title_fontsize=9,
           alignment="left", ncol=legend_columns(data.scenarios))
    return ax


def legend_columns(labels: list[str], width: int = 150) -> int:
    """Legend entries per row so that a row of the longest label stays within about `width`
    characters at 9 pt (a page-wide chart): long scenario names wrap onto more rows instead of
    running off the page."""
    def wide(label: str) -> int:  # a Chinese character is two columns wide
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)

    longest = max((wide(label) for label in labels), default=1)
    return max(1, min(len(labels), width // (longest + 6)))


@dataclass
class KpiDiffData:
    """Paired differences of one KPI against the first scenario: per group (a type or the
    total), per scenario: mean with a P10-P90 range."""

    groups: list[str]
    scenarios: list[str]  # labels of scenarios B, C, ...
    colors: list[str]
    mean: np.ndarray  # (groups, scenarios)
    p10: np.ndarray
    p90: np.ndarray
    title: str = ""
    xlabel: str = ""
    note: str = ""
    clear: np.ndarray | None = None  # (groups, scenarios): the mean is beyond 2 standard errors
    scale: float = 0.0  # the reference's own size: the axis shows at least 5 % of it
    unclear: str = ""  # said where the difference is within the noise


def kpi_diff_data(table: pd.DataFrame, results: list[Results], labels: list[str], kpi: str,
                  title: str, xlabel: str) -> KpiDiffData:
    """Paired differences; a mean within 2 standard errors (estimated from the P10-P90 range of
    the paired differences, as of a normal spread: sd = (P90 - P10) / 2.563) is unclear."""
    t = results[0].t
    rows = table[(table["kind"] == "kpi") & (table["name"] == kpi)]
    groups = list(dict.fromkeys(rows["type"]))
    letters = list(dict.fromkeys(table["label"]))[1:]
    shape = (len(groups), len(letters))
    mean, p10, p90 = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for row in rows.to_dict("records"):
        if row["label"] in letters:
            i, j = groups.index(row["type"]), letters.index(row["label"])
            mean[i, j], p10[i, j], p90[i, j] = row["diff_mean"], row["diff_p10"], row["diff_p90"]

    def group_label(g: str) -> str:
        if g == "all":
            return t("total")
        return next((r.type_label(g) for r in results if g in r.scenario.compute_types), g)

    n = max(int(results[0].facts.get("replications") or 1), 1)
    se = (p90 - p10) / 2.563 / np.sqrt(n)
    clear = np.abs(np.nan_to_num(mean)) > 2 * np.nan_to_num(se) + 1e-9
    base = rows[rows["label"] == list(dict.fromkeys(table["label"]))[0]]["mean"]
    scale = float(np.nanmax(np.abs(base))) if len(base) else 0.0
    return KpiDiffData([group_label(g) for g in groups], labels[1:],
                       scenario_colors(len(labels))[1:], mean, p10, p90, title, xlabel,
                       t("c_diff_note"), clear, scale, t("c_unclear"))


def plot_kpi_diff(ax, data: KpiDiffData, *, legend_at: str | None = "below"):
    """Horizontal bars of the mean difference to the first scenario, whiskers P10-P90, each
    labelled, a zero line; a single group (a total) shows one bar per scenario. Returns ax."""
    if not data.groups or not data.scenarios:
        return empty(ax, "–")
    single = len(data.groups) == 1
    n = len(data.scenarios)
    height = 0.7 if single else 0.8 / n
    y = np.arange(n if single else len(data.groups))
    lim = float(np.nanmax(np.abs(np.concatenate([data.p10.ravel(), data.p90.ravel(),
                                                 data.mean.ravel(), [0.0]]))))
    lim = max(lim, 0.05 * data.scale) or 1.0  # noise is not blown up to fill the axis
    clear = data.clear if data.clear is not None else np.ones(data.mean.shape, bool)
    for j, (label, color) in enumerate(zip(data.scenarios, data.colors)):
        pos = np.array([j]) if single else y - 0.4 + height * (j + 0.5)
        m = np.nan_to_num(data.mean[:, j])
        colors = [color if c else "#CCCCCC" for c in clear[:, j]]
        ax.barh(pos, m, height=height * 0.9, color=colors)
        ax.barh([np.nan], [np.nan], color=color, label=label)  # the legend's swatch
        lo, hi = np.nan_to_num(data.p10[:, j]), np.nan_to_num(data.p90[:, j])
        err = np.clip(np.vstack([m - lo, hi - m]), 0, None)
        ax.errorbar(m, pos, xerr=err, fmt="none", ecolor="#222222", elinewidth=1.0, capsize=2.5)
        for i, (p, v, top, c) in enumerate(zip(pos, m, np.maximum(hi, m), clear[:, j])):
            if c or single or clear[i].any():  # a group where no bar is clear: said once
                ax.text(max(top, 0) + lim * 0.03, p, _signed(v) if c else data.unclear,
                        va="center", ha="left", fontsize=8 if n <= 4 else 6.5,
                        color="#333333" if c else "#777777")
    if not single:
        for i in np.flatnonzero(~clear.any(axis=1)):
            top = max(float(np.nanmax(np.concatenate([data.p90[i], data.mean[i], [0.0]]))), 0)
            ax.text(top + lim * 0.03, y[i], data.unclear, va="center", ha="left", fontsize=8,
                    color="#777777")
    ax.axvline(0, color="#222222", linewidth=1.0)
    ax.set_yticks(y, [wrap(s, 26, 3) for s in data.scenarios] if single else data.groups)
    ax.set_ylim(len(y) - 0.5, -0.5)
    ax.set_xlim(-lim * 1.3, lim * 1.3)
    number_axis(ax, "x", nbins=6)
    ax.set_xlabel(data.xlabel)
    ax.grid(axis="y", visible=False)
    titles(ax, data.title, data.note)
    if n > 1 and not single:
        legend(ax, legend_at, fontsize=8.5)
    return ax


def _signed(v: float) -> str:
    if abs(v) < 0.05:
        return "0"
    return f"{v:+,.0f}" if abs(v) >= 10 else f"{v:+,.1f}"


def kpi_diff_grid(fig, table: pd.DataFrame, results: list[Results], labels: list[str],
                  kpis: list[tuple[str, str, str]]) -> None:
    """Four KPI differences on a 2 x 2 grid of `fig`: kpis = [(kpi, title, x label)] x 4."""
    for ax, (kpi, title, xlabel) in zip(fig.subplots(2, 2).ravel(), kpis):
        plot_kpi_diff(ax, kpi_diff_data(table, results, labels, kpi, title, xlabel))
