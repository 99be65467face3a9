"""The report's page on counting: capacity over time at each precision, and each target under
each of its counting rules with its P(met). Charts are `(ax, data) -> ax`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.report.axes import legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.data import Results
from simulator.report.document import Chart
from simulator.report.i18n.text import cap
from simulator.report.style import COLORS

PRECISIONS = ("fp64", "fp32", "fp16", "int8")
LABELS = {"fp64": "FP64", "fp32": "FP32", "fp16": "FP16/BF16", "int8": "INT8"}
WORDS = {  # (zh, en)
    "page": ("计法：一个 P 是什么", "Counting: what a P is"),
    "t_precision": ("各精度下的算力（全部设施，P50，P10–P90 区间）",
                    "Capacity at each precision (all facilities, P50 with P10–P90)"),
    "n_precision": ("同一批设备，按不同精度计数；目标以虚线标出", "the same hardware counted at each "
                    "precision; targets dotted"),
    "t_rules": ("各目标在各计法下达成的概率", "P(met) of each target under each counting rule"),
    "n_rules": ("深色为目标本身的计法；右侧为截止时 P50 算力 / 目标", "dark: the target's own rule; "
                "right: P50 capacity at the deadline / target"),
    "pool": ("本池", "own pool"), "at": ("全部算力按{k}计", "all pools at {k}"),
    "sum": ("名义合计：{types}", "nominal sum: {types}"), "unit": ("P（各自精度）", "P (at each precision)"),
    "p_met": ("达成概率", "P(met)"),
}


def word(res: Results, key: str, **fields) -> str:
    return WORDS[key][0 if res.t.lang == "zh" else 1].format(**fields)


@dataclass
class PrecisionData:
    """Installed capacity of all facilities at each precision, and the targets' levels."""

    months: np.ndarray  # [decimal years]
    series: list[tuple[str, str, pd.DataFrame]]  # (label, colour, p10/p50/p90 [P])
    targets: list[tuple[str, float]] = field(default_factory=list)  # (label, capacity [P])
    title: str = ""
    note: str = ""
    ylabel: str = "P"


@dataclass
class RulesData:
    """One row per target and rule: label, P(met), P50 capacity at the deadline, target."""

    rows: list[dict]  # label, rule, p_met, capacity_p50, target_p, primary
    title: str = ""
    note: str = ""
    xlabel: str = ""


def has_counting(res: Results) -> bool:
    """Whether the run counted (its summary has rules per target)."""
    return any(t.get("counting") for t in res.facts.get("targets", []) or [])


def rule_label(res: Results, rule: str, typ: str) -> str:
    """'own pool (超算)', 'all pools at FP64', 'nominal sum: HPC+General'."""
    if rule == "pool":
        return word(res, "pool") + res.t.paren(res.type_label(typ))
    if rule in PRECISIONS:
        return word(res, "at", k=LABELS[rule])
    return word(res, "sum", types="+".join(res.type_label(x) for x in rule.split("+")))


def precision_data(res: Results) -> PrecisionData:
    series = [(LABELS[k], COLORS[i], res.band(f"capacity_{k}_p"))
              for i, k in enumerate(PRECISIONS) if res.has(f"capacity_{k}_p")]
    targets = {(cap(t["target_p"]), float(t["target_p"])) for t in res.facts.get("targets", [])}
    return PrecisionData(res.months, series, sorted(targets, key=lambda x: x[1]),
                         word(res, "t_precision"), word(res, "n_precision"), word(res, "unit"))


def plot_precision(ax, data: PrecisionData, *, legend_at: str | None = "right"):
    """P50 step line per precision with its P10–P90 band; each target level dotted."""
    m = data.months
    for label, color, band in data.series:
        if np.any(band["p90"].to_numpy() != band["p10"].to_numpy()):
            step_fill(ax, m, band["p10"].to_numpy(), band["p90"].to_numpy(), color=color,
                      alpha=0.15, linewidth=0)
        step_line(ax, m, band["p50"].to_numpy(), color=color, linewidth=2, label=label)
    for label, level in data.targets:
        ax.axhline(level, color="#C00000", linestyle=(0, (2, 2)), linewidth=1)
        ax.annotate(label, (0.005, level), xycoords=("axes fraction", "data"), va="bottom",
                    fontsize=8.5, color="#C00000")
    month_axis(ax, m)
    ax.set_ylim(bottom=0)
    number_axis(ax)
    ax.set_ylabel(data.ylabel)
    titles(ax, data.title, data.note)
    legend(ax, legend_at)
    return ax


def rules_data(res: Results) -> RulesData:
    rows = []
    for t in res.facts.get("targets", []):
        head = f"{cap(t['target_p'])} {res.type_label(t['type'])}{res.t.paren(t['by'])}"
        for r in t.get("counting", []):
            rows.append({"label": f"{head} · {rule_label(res, r['rule'], t['type'])}",
                         "p_met": float(r["probability_met"] or 0.0),
                         "capacity_p50": float(r["capacity_p50"] or 0.0),
                         "target_p": float(t["target_p"]), "primary": bool(r["primary"])})
    return RulesData(rows, word(res, "t_rules"), word(res, "n_rules"), word(res, "p_met"))


def plot_rules(ax, data: RulesData):
    """A horizontal bar of P(met) per target and rule, its label above it, the P50 capacity at
    the deadline / target beside it. Returns the ax."""
    n = len(data.rows)
    y = np.arange(n)[::-1].astype(float)
    for yi, r in zip(y, data.rows):
        ax.barh(yi - 0.12, r["p_met"], color=COLORS[0] if r["primary"] else "#7FB8DA",
                height=0.42)
        ax.annotate(f"{r['p_met']:.0%}   {cap(r['capacity_p50'])} / {cap(r['target_p'])}",
                    (max(r["p_met"], 0.0), yi - 0.12), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9)
        ax.annotate(r["label"], (0.0, yi + 0.12), xytext=(0, 1), textcoords="offset points",
                    va="bottom", fontsize=9.5, color="#222222" if r["primary"] else "#444444")
    ax.set_yticks([])
    ax.set_ylim(-0.6, n - 0.2)
    ax.set_xlim(0, 1.3)
    number_axis(ax, "x", percent=True)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel(data.xlabel)
    ax.grid(True, axis="x")
    titles(ax, data.title, data.note)
    return ax


def counting_pages(doc, res: Results) -> None:
    """The counting page (registered in `registry.RUN_PAGES`), if the run counted."""
    if not has_counting(res):
        return
    rules = rules_data(res)
    fig = doc.page(word(res, "page"))
    gs = fig.add_gridspec(2, 1, height_ratios=[3.0, max(len(rules.rows), 2) * 0.42 + 0.8])
    doc.draw(fig, fig.add_subplot(gs[0]), Chart("counting-precision", plot_precision,
                                                precision_data(res)))
    doc.draw(fig, fig.add_subplot(gs[1]), Chart("counting-rules", plot_rules, rules))


def counted_label(res: Results, r: dict) -> str:
    """A target's type label, with its counting rule where it does not count its own pool:
    '超算', or '超算（全部算力按FP64计）' (`r`: a row of the targets table)."""
    from simulator.scenario.schema_counting import rule_name

    label = res.type_label(r["type"])
    targets = getattr(getattr(res, "scenario", None), "targets", [])
    tg = next((t for t in targets if t.key == r.get("target")), None)
    rule = rule_name(tg.count) if tg is not None else "pool"
    return label if rule == "pool" else label + res.t.paren(rule_label(res, rule, r["type"]))
