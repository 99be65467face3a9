"""hindcast.pdf: the verdict and the tables, then a fan per observed series with its sources.

Built from the shared page helpers (`style`, `pages`, `axes`) in its own module, so that it does
not depend on how the run report assembles its pages.
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.report.hindcast.charts import FanData, plot_fan
from simulator.report.i18n.text import shorten, wrap
from simulator.report.pages import A4_LANDSCAPE, draw_table, page, table_height
from simulator.report.document import Document, Meta
from simulator.report.style import strict_glyphs
from simulator.units import format_month

FANS_PER_PAGE = 4
METRIC_LABELS = {"capacity_p": "installed", "under_construction_p": "under construction",
                 "planned_p": "planned", "served_p": "served", "demand_p": "demand",
                 "unmet_p": "unmet demand"}
TABLE_ROWS = 14  # rows of a table on the summary page; the rest are in hindcast.csv


def write_hindcast_pdf(h, observations_name: str, path: str | os.PathLike) -> Path:
    """Draw a `analysis.hindcast.Hindcast` to `path` (one `Document`, as every capsim PDF);
    returns the path."""
    from simulator import __version__
    from simulator.ensemble.run import scenario_hash

    marks = {sc.obs.id: f"[{i}]" for i, sc in enumerate(h.scored, 1)}
    title = f"Hindcast: {_name(h.scenario)}"
    meta = Meta(title=title, subject="hindcast", scenario_hash=scenario_hash(h.scenario), seed=h.seed,
                version=__version__, lang="en", replications=h.replications,
                footer=f"against {observations_name}")
    with Document(meta) as doc, strict_glyphs():
        doc.add(_summary(h, observations_name, marks, title))
        fans = _fans(h, marks)
        for k in range(0, len(fans), FANS_PER_PAGE):
            doc.add(_fan_page(h, fans[k:k + FANS_PER_PAGE]))
        doc.write(path)
    return Path(path)


def hindcast_pages(h, observations_name: str):
    """The hindcast's pages as a page function `(doc, res) -> None` of the run report: the run's
    report.pdf then says how good the forecast was (in English, as hindcast.pdf)."""
    def pages(doc, res) -> None:
        marks = {sc.obs.id: f"[{i}]" for i, sc in enumerate(h.scored, 1)}
        doc.add(_summary(h, observations_name, marks, f"Hindcast: {_name(h.scenario)}"))
        fans = _fans(h, marks)
        for k in range(0, len(fans), FANS_PER_PAGE):
            doc.add(_fan_page(h, fans[k:k + FANS_PER_PAGE]))
    return pages


def _name(s) -> str:
    return f"{s.name} ({s.name_en})" if s.name_en else s.name


def _summary(h, observations_name: str, marks: dict, title: str):
    fig = page(title, layout=False)
    scope = h.scenario.scope.level if h.scenario.scope is not None else None
    lines = [f"Observations: {observations_name}",
             f"Scenario scope: {scope[0]} {scope[1]}" if scope else "Scenario scope: not named "
             "(only observations of its facilities are compared)",
             f"{h.replications:,} replications, seed {h.seed}"]
    fig.text(0.025, 0.9, "\n".join(lines), fontsize=10.5, va="top", color="#444444",
             linespacing=1.5)
    cov, crps = h.coverage, h.mean_crps
    head = ("No observation in scope" if cov is None else
            f"Coverage of the 80 % band: {cov * 100:.0f} %   ·   mean CRPS: {crps:,.1f} P")
    fig.text(0.025, 0.79, head, fontsize=16, va="top", color="#0B3D66")
    fig.text(0.025, 0.745, wrap(h.verdict, 170), fontsize=10.5, va="top", color="#222222",
             linespacing=1.4)
    y = 0.66
    rows = [[marks[sc.obs.id], sc.obs.id + (" *" if sc.obs.in_sample else ""),
             format_month(sc.obs.month), shorten(sc.series, 46), f"{sc.obs.value:,.0f}",
             f"{sc.p10:,.0f} / {sc.p50:,.0f} / {sc.p90:,.0f}", f"{sc.pit:.2f}",
             "yes" if sc.inside else "no", f"{sc.crps:,.1f}"] for sc in h.scored]
    y = _table(fig, y, "Scored (* in-sample: the scenario was built from it)",
               ["", "observation", "month", "series", "reported [P]", "P10 / P50 / P90 [P]",
                "PIT", "in band", "CRPS [P]"], rows,
               ["left"] * 4 + ["right"] * 3 + ["center", "right"])
    skipped = [[o.id, format_month(o.month), o.scope.label(), f"{o.value:,.0f}",
                shorten(reason, 90)] for o, reason in h.skipped]
    _table(fig, y, "Skipped (outside the scenario's scope or horizon)",
           ["observation", "month", "scope", "reported [P]", "why"], skipped,
           ["left"] * 3 + ["right", "left"])
    return fig


def _table(fig, y: float, caption: str, header: list[str], rows: list[list[str]],
           align: list[str]) -> float:
    """A captioned table from height y down; returns the y below it."""
    if not rows:
        return y
    more = len(rows) - TABLE_ROWS
    rows = rows[:TABLE_ROWS]
    fig.text(0.025, y, caption + (f" (first {TABLE_ROWS}; all in hindcast.csv)" if more > 0
                                  else ""), fontsize=11.5, va="top", color="#222222")
    h = table_height(len(rows), 0.25) / A4_LANDSCAPE[1]
    ax = fig.add_axes((0.025, y - 0.03 - h, 0.95, h))
    draw_table(ax, header, rows, fontsize=8.5, width_in=0.95 * A4_LANDSCAPE[0], align=align)
    return y - 0.03 - h - 0.04


def _fans(h, marks: dict) -> list[FanData]:
    fans = []
    for key, fan in h.series.items():
        pts = [{"month": format_month(sc.obs.month), "value": sc.obs.value,
                "inside": sc.inside, "mark": marks[sc.obs.id], "obs": sc.obs}
               for sc in h.scored if sc.series == key]
        covered = sum(p["inside"] for p in pts)
        first = pts[0]["obs"]
        name = f"{METRIC_LABELS.get(first.metric, first.metric)} · {first.selection} · " \
               f"{first.scope.label()}"
        fans.append(FanData(name, f"{covered} of {len(pts)} reported inside the band",
                            fan["months"], fan["p10"], fan["p50"], fan["p90"], pts))
    return fans


def _fan_page(h, fans: list[FanData]):
    name = h.scenario.name_en or h.scenario.name
    fig = page(shorten(f"The forecast against the reports: {name}", 110))
    notes = []
    for fan in fans:
        for p in fan.points:
            o = p["obs"]
            notes.append(wrap(f"{p['mark']} {o.id}: {o.source}. Counts: {o.counting}.", 190, 2))
    lines = sum(n.count("\n") + 1 for n in notes)
    bottom = min(0.45, 0.05 + 0.022 * lines)
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 0.9 - bottom))
    axes = fig.subplots(2 if len(fans) > 2 else 1, 2 if len(fans) > 1 else 1,
                        squeeze=False).ravel()
    for ax, fan in zip(axes, fans):
        plot_fan(ax, fan)
    for ax in axes[len(fans):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    seen = dict(zip(labels, handles))
    for ax in axes[1:len(fans)]:
        for hd, lb in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lb, hd)
    axes[0].legend(list(seen.values()), list(seen), loc="upper left", fontsize=8.5)
    fig.text(0.025, bottom - 0.01, "Sources\n" + "\n".join(notes), fontsize=7.5, va="top",
             color="#444444", linespacing=1.35)
    return fig
