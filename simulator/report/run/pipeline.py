"""The pipeline page: capacity the pipeline adds (a fan), announcements over time, project
counts and the shocks that change what is built. Only for a scenario with `pipeline:`.

Charts take (ax, data) and return the ax; `pipeline_pages(doc, res)` is the page, registered in
`registry.RUN_PAGES` (it adds nothing for a scenario without a pipeline).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D

from simulator.report.axes import legend, month_axis, number_axis, step_fill, step_line, titles
from simulator.report.colors import entity_colors
from simulator.report.data import Results
from simulator.report.document import Chart
from simulator.report.i18n.text import shorten
from simulator.report.pages import draw_table
from simulator.units import format_month

DECLARED, PIPE, TOTAL = "#0072B2", "#E69F00", "#222222"

_TEXT = {  # the page's own strings: (zh, en)
    "page": ("项目储备与供给冲击", "Project pipeline and supply shocks"),
    "fan": ("{label}：已建成算力", "{label}: capacity built"),
    "fan_note": ("已列项目之上的储备项目 P10–P90、P50", "pipeline P10–P90, P50 on the declared"),
    "declared": ("已列项目（P50）", "declared phases (P50)"),
    "pipe50": ("储备项目（P50）", "pipeline (P50)"),
    "pipeband": ("储备项目 P10–P90", "pipeline P10–P90"),
    "total": ("合计 P10–P90", "total P10–P90"),
    "ann": ("储备项目：累计公布与建成数", "Pipeline projects: announced and online, cumulative"),
    "ann_note": ("P50 与 P10–P90", "P50 with P10–P90"),
    "announced": ("公布", "announced"), "online": ("建成", "online"),
    "projects": ("项目数", "projects"),
    "counts": ("项目数（至期末，P10 / P50 / P90）", "Projects by the end (P10 / P50 / P90)"),
    "stream": ("储备", "stream"), "approved": ("获批", "approved"),
    "abandoned": ("放弃", "abandoned"), "all": ("合计", "all"),
    "every": ("全部类型合计", "All types"),
    "shocks": ("供给冲击", "Supply shocks"), "event": ("事件", "event"),
    "p": ("概率", "P"), "window": ("时间窗", "window"), "effect": ("影响", "effect"),
    "hit": ("发生时延后 / 削减（P50）", "delayed / cut (P50)"),
    "delay": ("{types}延后{d}个月", "{types} +{d} months"),
    "factor": ("{types}未建成 ×{f}", "{types} not online x{f}"),
    "switch": ("换用 {a} → {b} ×{f}", "switch {a} -> {b} x{f}"),
    "switched": ("换用：{p}P，{mw}MW，{m}百万元", "switch: {p}P, {mw} MW, {m} M CNY"),
}


def switch_label(res: Results, e) -> str:
    """'switch h800-sxm -> h20 x0.8' for an event with a switch."""
    sw = e.switch
    return _t(res, "switch", a=sw.from_, b=sw.to, f=f"{sw.units_factor:g}")


def _t(res: Results, key: str, **kw) -> str:
    zh, en = _TEXT[key]
    return (zh if res.t.lang == "zh" else en).format(**kw)


@dataclass
class FanData:
    """One type: declared P50, pipeline p10/p50/p90 and total p10/p90 of built capacity [P]."""

    months: np.ndarray  # [decimal years]
    declared: np.ndarray
    pipeline: np.ndarray  # (3, H) p10, p50, p90
    total: np.ndarray  # (2, H) p10, p90
    title: str = ""
    note: str = ""
    labels: dict = field(default_factory=dict)


def fan_data(res: Results, typ: str) -> FanData:
    """The fan of one type, or of all types added together (`all`)."""
    pipe = res.band("pipeline_capacity_p", typ)
    tot = res.band("capacity_p", typ)
    labels = {k: _t(res, k) for k in ("declared", "pipe50", "pipeband", "total")}
    return FanData(res.months, res.band("declared_capacity_p", typ)["p50"].to_numpy(),
                   pipe[["p10", "p50", "p90"]].to_numpy().T, tot[["p10", "p90"]].to_numpy().T,
                   _t(res, "fan", label=_t(res, "every") if typ == "all" else res.type_label(typ)),
                   _t(res, "fan_note"), labels)


def plot_fan(ax, data: FanData):
    """Pipeline capacity as a fan stacked on the declared P50, and the total's P10-P90."""
    m, d = data.months, data.declared
    step_line(ax, m, d, color=DECLARED, linewidth=1.6, label=data.labels.get("declared"))
    step_fill(ax, m, d + data.pipeline[0], d + data.pipeline[2], color=PIPE, alpha=0.35,
              linewidth=0, label=data.labels.get("pipeband"))
    step_line(ax, m, d + data.pipeline[1], color=PIPE, linewidth=1.8,
              label=data.labels.get("pipe50"))
    for k, values in enumerate(data.total):
        step_line(ax, m, values, color=TOTAL, linewidth=0.9, linestyle="--",
                  label=data.labels.get("total") if k == 0 else None)
    month_axis(ax, m)
    ax.set_ylim(0, max(float(np.max(data.total)), 1.0) * 1.1)
    number_axis(ax)
    ax.set_ylabel("P")
    titles(ax, data.title, data.note)
    legend(ax, "upper left")
    return ax


@dataclass
class AnnouncementData:
    """Per stream: cumulative announced and online projects, (3, H) p10/p50/p90 each."""

    months: np.ndarray
    streams: list[tuple[str, str, np.ndarray, np.ndarray]]  # (label, colour, announced, online)
    title: str = ""
    note: str = ""
    labels: dict = field(default_factory=dict)


def announcement_data(res: Results) -> AnnouncementData:
    out = []
    colors = entity_colors([st.id for st in res.scenario.pipeline])
    for st in res.scenario.pipeline:
        name = res.t.pick(st.name, st.name_en, st.id)
        bands = [res.band(f"pipeline_{k}", st.type, st.id)[["p10", "p50", "p90"]].to_numpy().T
                 for k in ("announced", "online")]
        out.append((name, colors[st.id], *bands))
    labels = {k: _t(res, k) for k in ("announced", "online", "projects")}
    return AnnouncementData(res.months, out, _t(res, "ann"), _t(res, "ann_note"), labels)


def plot_announcements(ax, data: AnnouncementData):
    """Cumulative announcements (solid, with their P10-P90) and projects online (dashed)."""
    m = data.months
    handles = []
    for name, color, ann, onl in data.streams:
        step_fill(ax, m, ann[0], ann[2], color=color, alpha=0.18, linewidth=0)
        step_line(ax, m, ann[1], color=color, linewidth=1.6)
        step_line(ax, m, onl[1], color=color, linewidth=1.2, linestyle="--")
        handles.append(Line2D([], [], color=color, linewidth=3, label=shorten(name, 40)))
    handles += [Line2D([], [], color="#444444", linewidth=1.6, label=data.labels["announced"]),
                Line2D([], [], color="#444444", linewidth=1.2, linestyle="--",
                       label=data.labels["online"])]
    month_axis(ax, m)
    ax.set_ylim(bottom=0)
    number_axis(ax)
    ax.set_ylabel(data.labels["projects"])
    titles(ax, data.title, data.note)
    ax.legend(handles=handles, loc="upper left", fontsize=7)
    return ax


def count_rows(res: Results) -> tuple[list[str], list[list[str]]]:
    """The counts table from summary.json's `pipeline` (empty when the run has none)."""
    counts = res.facts.get("pipeline") or {}
    header = [_t(res, k) for k in ("stream", "announced", "approved", "abandoned", "online")]
    names = {st.id: res.t.pick(st.name, st.name_en, st.id) for st in res.scenario.pipeline}
    rows = []
    for sid, c in counts.items():
        cells = [" / ".join(f"{c[k][q]:.0f}" for q in ("p10", "p50", "p90"))
                 for k in ("announced", "approved", "abandoned", "online")]
        rows.append([shorten(names.get(sid, _t(res, "all") if sid == "all" else sid), 36)]
                    + cells)
    return header, rows


def shock_rows(res: Results) -> tuple[list[str], list[list[str]]]:
    """Every shock: its chance, window and what it changes."""
    header = [_t(res, k) for k in ("event", "p", "window", "effect", "hit")]
    seen = res.facts.get("shocks") or {}
    rows = []
    for e in res.scenario.events:
        effects = []
        if e.delay is not None:
            m = e.delay.months
            d = f"{m.min:g}-{m.max:g}" if hasattr(m, "min") else f"{m:g}"
            effects.append(_t(res, "delay", types="/".join(res.type_label(x) for x in e.delay.types),
                              d=d))
        if e.capacity_factor is not None:
            effects.append(_t(res, "factor", types="/".join(res.type_label(x)
                                                             for x in e.factor_types),
                              f=f"{e.capacity_factor:g}"))
        if e.switch is not None:
            effects.append(switch_label(res, e))
        rows.append([shorten(res.event_name(e), 24), res.t.pct(e.probability),
                     f"{format_month(e.window.from_)}..{format_month(e.window.to)}",
                     res.t.semi.join(effects), _effect(res, seen.get(e.id))])
    return header, rows


def _effect(res: Results, entry: dict | None) -> str:
    """'<P delayed> / <P cut>' when the event hits (P50), from summary.json's `shocks`, and on a
    second line what a switch changed (P50 of capacity, site power, capex; after - before)."""
    if not entry or entry["delayed_p"]["p50"] is None:
        return "–"
    text = f"{entry['delayed_p']['p50']:,.0f}P / {entry['cut_p']['p50']:,.0f}P"
    sw = entry.get("switch")
    if sw and sw["capacity_p"]["p50"] is not None:
        text += "\n" + _t(res, "switched", p=f"{sw['capacity_p']['p50']:+,.0f}",
                          mw=f"{sw['site_power_mw']['p50']:+,.1f}",
                          m=f"{sw['capex_mcny']['p50']:+,.0f}")
    return text


def pipeline_pages(doc, res: Results) -> None:
    """The pipeline page (registered in `registry.RUN_PAGES`); nothing without a pipeline."""
    s = res.scenario
    if not s.pipeline or not res.has("pipeline_capacity_p", s.pipeline[0].type):
        return
    fig = doc.page(_t(res, "page"))
    gs = fig.add_gridspec(2, 2, height_ratios=[1.25, 1.0])
    types = list(dict.fromkeys(st.type for st in s.pipeline)) + ["all"]
    top = gs[0, :].subgridspec(1, len(types))
    for i, typ in enumerate(types):
        doc.draw(fig, fig.add_subplot(top[0, i]), Chart(f"pipeline-{typ}", plot_fan,
                                                        fan_data(res, typ)))
    doc.draw(fig, fig.add_subplot(gs[1, 0]), Chart("pipeline-announcements",
                                                   plot_announcements, announcement_data(res)))
    side = gs[1, 1].subgridspec(2, 1)
    for k, (title, (header, rows)) in enumerate(((_t(res, "counts"), count_rows(res)),
                                                (_t(res, "shocks"), shock_rows(res)))):
        ax = fig.add_subplot(side[k])
        ax.set_title(title, fontsize=10, loc="left")
        draw_table(ax, header, rows, fontsize=8.5)
