"""plan.pdf: what must start building by when, per target and build class (the backcast)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulator.units import format_month
from simulator.report.analysis.labels import Names
from simulator.report.analysis.pages import meta_line, RED, bullets, cover, footnote, p_color, table_pages
from simulator.report.document import Chart, Document
from simulator.report.axes import month_axis, titles
from simulator.report.data import MONTH, Results, to_x
from simulator.report.run.decision import decision_pages
from simulator.report.analysis.plan_options import table_rows, too_late
from simulator.report.pages import A4_LANDSCAPE, draw_table, table_height
from simulator.report.style import COLORS
from simulator.report.i18n.text import Text, cap, num, wrap

WINDOW_COLOR, BUILD_COLOR, DEADLINE_COLOR = "#DCE9F5", COLORS[0], "#C00000"
LATE_COLOR = "#AAAAAA"  # an option that had to start before the scenario's as_of


@dataclass
class PlanRow:
    label: str  # the build class and its build time
    status: str  # met | plan | too late
    start: float | None  # latest construction start [decimal years]
    build: tuple[float, float, float]  # min, mode, max [months]
    text: str  # beside the bar: what to add and the check, or why there is no bar
    late: bool = False  # it had to start before the scenario's as_of: drawn grey


@dataclass
class TimelineData:
    """One target: per build class, the window from the latest start to the deadline and the
    months the new capacity comes online (shortest to longest build)."""

    rows: list[PlanRow]
    deadline: float  # the deadline month [decimal years]
    now: float  # the first simulated month [decimal years]
    span: tuple[float, float] | None = None  # the x range; None: from the rows
    title: str = ""
    note: str = ""
    labels: dict = field(default_factory=dict)


def plot_timeline(ax, data: TimelineData, *, legend_at: str | None = "below"):
    """A row per build class: a light bar from the latest start to the deadline, on it a dark
    bar over the months the capacity comes online (shortest to longest build), a tick at the
    most likely; the deadline and the simulation's start as lines. Returns the ax."""
    n = len(data.rows)
    end = data.deadline + MONTH
    ends = [r.start + (math.ceil(r.build[2]) + 1) * MONTH for r in data.rows if r.start]
    lo = min([data.now] + [r.start for r in data.rows if r.start]) - 3 * MONTH
    hi = max([end] + ends) + 2 * MONTH
    if data.span:
        lo, hi = data.span
    span = hi - lo
    hi += span * 0.45  # room for the notes on the right
    y = np.arange(n)
    for yi, r in zip(y, data.rows):
        if r.status != "plan" or r.start is None:
            ax.text(data.now + MONTH, yi, r.text, va="center", ha="left", fontsize=9.5,
                    color="#555555")
            continue
        s = r.start
        ax.barh(yi, end - s, left=s, height=0.55, color=WINDOW_COLOR, zorder=1)
        first = s + math.ceil(r.build[0]) * MONTH
        last = s + (math.ceil(r.build[2]) + 1) * MONTH
        color = LATE_COLOR if r.late else BUILD_COLOR
        ax.barh(yi, last - first, left=first, height=0.26, color=color, zorder=2)
        mode = s + (math.ceil(r.build[1]) + 0.5) * MONTH
        ax.plot([mode, mode], [yi - 0.2, yi + 0.2], color="#111111", linewidth=1.6, zorder=3)
        ax.plot([s], [yi], marker=">", color=color, markersize=8, zorder=3)
        ax.annotate(data.labels.get("start_at", "{m}").format(m=format_month_x(s)), (s, yi),
                    xytext=(0, 11), textcoords="offset points", ha="left", va="bottom",
                    fontsize=8.5, color="#222222", zorder=5,
                    bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none",
                              alpha=0.85))
        ax.annotate(r.text, (max(end, last), yi), xytext=(8, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=9.5, color="#222222")
    ax.axvline(end, color=DEADLINE_COLOR, linestyle=(0, (4, 2)), linewidth=1.3, zorder=4)
    ax.axvline(data.now, color="#777777", linestyle=(0, (1, 2)), linewidth=1.1, zorder=4)
    ax.set_yticks(y, [r.label for r in data.rows])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(n - 0.4, -0.75)
    months = np.arange(lo, hi, MONTH)
    month_axis(ax, months)
    ax.set_xlim(lo, hi)
    ax.grid(axis="y", visible=False)
    titles(ax, data.title, data.note)
    if legend_at:
        lab = data.labels
        handles = [Patch(color=WINDOW_COLOR, label=lab.get("window")),
                   Patch(color=BUILD_COLOR, label=lab.get("build")),
                   Line2D([], [], color="#111111", linewidth=1.6, label=lab.get("mode")),
                   Line2D([], [], color=DEADLINE_COLOR, linestyle=(0, (4, 2)),
                          label=lab.get("deadline")),
                   Line2D([], [], color="#777777", linestyle=(0, (1, 2)), label=lab.get("now"))]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.1), ncol=5,
                  fontsize=9, borderaxespad=0.0)
    return ax


def format_month_x(x: float) -> str:
    i = int(round(x * 12))
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


# ---------------------------------------------------------------------------- data
def _months(a: float, b: float, t: Text) -> str:
    return t("u_months", a=num(a), b=num(b))


def class_label(names: Names, r: dict) -> str:
    return names.build_class(r["build_class"]) + names.t.paren(
        _months(r["build_min"], r["build_max"], names.t))


def target_label(names: Names, r: dict) -> str:
    return f"{cap(r['target_p'])} {names.type_label(r['type'])}"


def time_span(table, s) -> tuple[float, float]:
    """The months every timeline shows: from the simulation's start (or the earliest latest
    start) to past the latest deadline and the longest build, so the charts line up."""
    now = to_x(format_month(s.start))
    lo, hi = now, now
    for r in table.to_dict("records"):
        hi = max(hi, to_x(r["by"]) + MONTH)
        if r["status"] == "plan" and isinstance(r["latest_start"], str):
            start = to_x(r["latest_start"])
            lo = min(lo, start)
            hi = max(hi, start + (math.ceil(r["build_max"]) + 1) * MONTH)
    return lo - 3 * MONTH, hi + 2 * MONTH


def timeline_data(table, target: str, names: Names, confidence: float,
                  span: tuple[float, float] | None = None) -> TimelineData:
    t, s = names.t, names.s
    rows = []
    conf = t.pct(confidence)
    for r in table[table["target"] == target].to_dict("records"):
        late = too_late(r, s)
        if r["status"] == "plan":
            text = t("pl_row_note", cap=cap(r["capacity_p"]), p=t.pct(r["p_met_checked"]))
            if late:
                text = t.colon(t("pl_s_before", m=format_month(s.knowledge_month)), text)
        elif r["status"] == "met":
            text = t("pl_row_met", p=t.pct(r["p_met_now"]))
        else:
            text = t("pl_row_late", m=format_month(s.start), conf=conf)
        start = to_x(r["latest_start"]) if r["status"] == "plan" else None
        rows.append(PlanRow(class_label(names, r), r["status"], start,
                            (r["build_min"], r["build_mode"], r["build_max"]), text, late))
    first = table[table["target"] == target].iloc[0]
    title = t("pl_t_chart", target=names.target(target), conf=conf)
    note = shocks_note(names, first["type"])
    return TimelineData(rows, to_x(first["by"]), to_x(format_month(s.start)), span, title, note, {
        "window": t("pl_window"), "build": t("pl_build"), "mode": t("pl_mode"),
        "deadline": t("l_deadline", by=first["by"]),
        "now": t("pl_now", m=format_month(s.start)),
        "start_at": t.colon(t("pl_start_mark"), "{m}")})


def shocks_note(names: Names, typ: str) -> str:
    """The shocks that can delay new capacity of a type (the backcast allows for them)."""
    t = names.t
    items = []
    for e in names.s.events:
        if e.probability <= 0 or e.delay is None or typ not in e.delay.types:
            continue
        m = e.delay.months
        d = t("u_months", a=num(m.min), b=num(m.max)) if hasattr(m, "min") else \
            t("v_months", n=num(m))
        items.append(t("pl_shock", name=names.event(e.id), p=t.pct(e.probability), d=d))
    return t("pl_shocks", items=t.semi.join(items)) if items else ""


def _phrase(names: Names, name: str) -> str:
    """'a fit-out' / 'an ...' in English, the class's name in Chinese."""
    word = names.build_class(name)
    if names.t.lang == "zh":
        return word
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def headline(table, target: str, names: Names, confidence: float) -> tuple[str, str]:
    """One sentence per target over all build classes: what to add and when each must start."""
    t, s = names.t, names.s
    rows = table[table["target"] == target].to_dict("records")
    r0 = rows[0]
    fields = {"target": target_label(names, r0), "by": r0["by"], "conf": t.pct(confidence),
              "now": t.pct(r0["p_met_now"])}
    plans = [r for r in rows if r["status"] == "plan"]
    if all(r["status"] == "met" for r in rows):
        return p_color(r0["p_met_now"]), t("pl_h_met", p=t.pct(r0["p_met_now"]), **fields)
    if not plans:
        return RED, t("pl_h_late", start=format_month(s.start), **fields)
    same = len({r["capacity_p"] for r in plans}) == 1
    parts = []
    for r in rows:
        cls = _phrase(names, r["build_class"])
        if too_late(r, s):
            parts.append(t("pl_too_late_asof", cls=cls, m=r["latest_start"],
                           asof=format_month(s.knowledge_month)))
        elif r["status"] == "plan" and same:
            parts.append(t("pl_start_by", cls=cls, m=r["latest_start"]))
        elif r["status"] == "plan":
            parts.append(t("pl_start_cap", cls=cls, cap=cap(r["capacity_p"]),
                           m=r["latest_start"]))
        else:
            parts.append(t("pl_too_late", cls=cls))
    checked = sorted(float(r["p_met_checked"]) for r in plans)
    low, high = t.pct(checked[0]), t.pct(checked[-1])
    check = low if low == high else f"{low}–{high}"
    if same:
        text = t("pl_h_plan", add=cap(plans[0]["capacity_p"]), starts=t.comma.join(parts),
                 checked=check, **fields)
    else:
        text = t("pl_h_each", starts=t.comma.join(parts), checked=check, **fields)
    return COLORS[0], text


# ---------------------------------------------------------------------------- pages
def plan_pages(doc: Document, data, names: Names) -> None:
    """Cover with a sentence per target, the timelines (two targets a page), the table."""
    s, plan, t = data.scenario, data.plan, names.t
    res = Results.from_ensemble(plan.base, t.lang)
    decision_pages(doc, res, plan.table, plan.confidence)
    table = plan.table
    targets = list(dict.fromkeys(table["target"])) if len(table) else []
    base = plan.base
    meta = [t.colon(t("pl_conf"), t.pct(plan.confidence))] + meta_line(
        t, base.replications, 1 + len(plan.whatifs), base.seed)
    fig, y = cover(doc, s, t("pl_title"), meta)
    items = [headline(table, x, names, plan.confidence) for x in targets]
    y = bullets(fig, y, items or [("#555555", t("no_targets"))])
    if plan.whatifs:
        files = (t.comma if t.lang == "zh" else ", ").join(
            f"plan-{name}.yaml" for name in plan.whatifs)
        fig.text(0.025, y, wrap(t("pl_files", files=files), 170), fontsize=10, va="top",
                 color="#444444")
        y -= 0.05
    header = [t("target"), t("pl_c_now"), t("pl_c_class"), t("pl_c_build"), t("pl_c_status"),
              t("pl_c_add"), t("pl_c_start"), t("pl_c_checked"), t("dc_c_capex"),
              t("dc_c_power"), t("dc_c_util")]
    align = ["left", "right", "left", "right", "left"] + ["right"] * 6
    rows = table_rows(table, names, res) if len(table) else []
    h = table_height(len(rows), 0.25) / A4_LANDSCAPE[1]
    on_cover = rows and y - h > 0.1
    if on_cover:
        draw_table(fig.add_axes((0.025, y - h, 0.95, h)), header, rows, fontsize=9.5,
                   align=align)
    footnote(fig, t("pl_reading"), t)
    span = time_span(table, s)
    charts = [Chart(f"plan-{x}", plot_timeline,
                    timeline_data(table, x, names, plan.confidence, span)) for x in targets]
    for k in range(0, len(charts), 2):
        fig = doc.page(t("pl_page"))
        chunk = charts[k:k + 2]
        axes = fig.subplots(2, 1, squeeze=False).ravel()  # a lone chart keeps its height
        for ax, ch in zip(axes, chunk):
            doc.draw(fig, ax, ch)
        for ax in axes[len(chunk):]:
            ax.set_visible(False)
    if rows and not on_cover:
        doc.add(*table_pages(t("an_page_table"), header, [("", rows)], t, align=align,
                             fontsize=9.5))
