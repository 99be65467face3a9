"""sweep.pdf: the cover (what was swept, a sentence per target), a page per target, the table."""

from __future__ import annotations

import numpy as np

from simulator.report.analysis.labels import Names
from simulator.report.analysis.pages import bullets, cover, footnote, meta_line, table_pages
from simulator.report.analysis.sweep import (_head, grid_table, headline, plot_sweep,
                                             short_names, split_axes, sweep_data, table_rows,
                                             values_of)
from simulator.report.document import Document
from simulator.report.pages import A4_LANDSCAPE, draw_table, table_height
from simulator.report.colors import VARIANT_COLORS as COLORS


def sweep_pages(doc: Document, data, names: Names) -> None:
    """Cover (what was swept, a sentence per target, the grids), a page per target, the
    table."""
    table, axes, t = data.table, data.axes, names.t
    targets = list(dict.fromkeys(table["target"])) if len(table) else []
    xp, others, _ = split_axes(table, axes)
    _cover(doc, data, names, targets)
    for target in targets:
        _target_page(doc, data, names, target, xp)
    if len(table):
        short = short_names([xp] + others, names)
        header = [t("target")] + [_head(short[p]) for p in [xp] + others] + [
            t("sw_c_pmet"), t("sw_c_cap"), t("sw_c_gap"), t("sw_c_gap_mean"),
            t("month_met_p50")]
        doc.add(*table_pages(t("an_page_table"), header,
                             [("", table_rows(table, axes, names))], t,
                             align=["left"] + ["right"] * (len(header) - 1)))


def _cover(doc: Document, data, names: Names, targets: list[str]) -> None:
    """What was swept (the fixed paths greyed), a sentence per target, the grids if they fit."""
    s, table, axes, t = data.scenario, data.table, data.axes, names.t
    ens = data.ensembles or []
    first = ens[0] if ens else None
    xp, others, fixed = split_axes(table, axes)
    meta = [t("sw_points", n=len(ens) or len(table))] + meta_line(
        t, first.replications if first else None, len(ens), first.seed if first else None)
    fig, y = cover(doc, s, t("sw_title"), meta)
    fig.text(0.025, y, t("sw_swept"), fontsize=12, va="top", color="#0B3D66")
    y -= 0.035
    lines = [(COLORS[0], t.colon(names.path_label(p), ", ".join(
        names.value(p, v) for v in values_of(table, p)))) for p in [xp] + others]
    lines += [("#999999", t.colon(names.path_label(p), names.value(p, values_of(table, p)[0])
                                  + t.paren(t("sw_fixed")))) for p in fixed]
    y = bullets(fig, y, lines, fontsize=11)
    y -= 0.02
    y = bullets(fig, y, [headline(table, axes, x, names) for x in targets]
                or [("#555555", t("no_targets"))])
    _grids(fig, y, [(x, *grid_table(table, axes, x, names)) for x in targets], names)
    footnote(fig, t("an_crn"), t)


def _grids(fig, y: float, grids: list, names: Names) -> None:
    """Each target's grid of median gaps, two a row where narrow, if they fit on the cover."""
    t = names.t
    width = min(0.95, 0.14 + 0.1 * (len(grids[0][1]) - 1)) if grids else 0.95
    per_row = 2 if width <= 0.46 else 1
    pairs = [grids[k:k + per_row] for k in range(0, len(grids), per_row)]
    need = sum(max(table_height(len(g[2]), 0.23) for g in pair) / A4_LANDSCAPE[1] + 0.05
               for pair in pairs)
    if not grids or y - 0.05 - need <= 0.08:
        return
    y -= 0.015
    fig.text(0.025, y, t("sw_grid"), fontsize=12, va="top", color="#222222")
    y -= 0.035
    for pair in pairs:
        h = max(table_height(len(g[2]), 0.23) for g in pair) / A4_LANDSCAPE[1]
        for k, (x, header, rows) in enumerate(pair):
            left = 0.025 + k * 0.49
            fig.text(left, y, names.target(x), fontsize=10, va="top", color="#0B3D66")
            hk = table_height(len(rows), 0.23) / A4_LANDSCAPE[1]
            draw_table(fig.add_axes((left, y - 0.028 - hk, width, hk)), header, rows,
                       fontsize=9.5, uniform=True)
        y -= h + 0.05


def _target_page(doc: Document, data, names: Names, target: str, xp: str) -> None:
    """P(met) over the swept values (or one line where it does not move) above the gap."""
    t = names.t
    pm, gap = sweep_data(data.table, data.axes, target, names)
    fig = doc.page(t("sw_page", target=names.target(target), x=short_names([xp], names)[xp]))
    p_all = np.concatenate([y for _, y, _ in pm.series])
    if float(np.nanmax(p_all) - np.nanmin(p_all)) < 1e-9:  # P(met) flat: one line, the gap
        fig.get_layout_engine().set(rect=(0.0, 0.035, 1.0, 0.86))
        fig.text(0.025, 0.925, names.t("sw_pmet_flat", p=names.t.pct(p_all[0])),
                 fontsize=11.5, va="top", color="#B35900")
        a2 = fig.add_subplot()
        plot_sweep(a2, gap)
        doc.place(f"sweep-{target}", fig, [a2])
        return
    a1, a2 = fig.subplots(2, 1, sharex=True)
    plot_sweep(a1, pm)
    plot_sweep(a2, gap, legend_at=None)
    a1.set_xlabel("")
    a1.tick_params(axis="x", labelbottom=True)
    doc.place(f"sweep-{target}", fig, [a1, a2])
