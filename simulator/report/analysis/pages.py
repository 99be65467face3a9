"""Pages shared by the analysis PDFs: the cover with its headlines, and paged tables."""

from __future__ import annotations

from matplotlib.figure import Figure

from simulator.scenario.schema import Scenario
from simulator.units import format_month
from simulator.report.data import scenario_title
from simulator.report.pages import (A4_LANDSCAPE, MONO, draw_table, overrides_line, page,
                                      report_date, table_height)
from simulator.report.style import COLORS
from simulator.report.i18n.text import Text, has_cjk, wrap

RED, AMBER, GREEN = "#C00000", COLORS[3], COLORS[2]


def p_color(p: float) -> str:
    """Traffic light of a probability, as on the report's cover."""
    return GREEN if p >= 0.8 else AMBER if p >= 0.2 else RED


def cover(doc, s: Scenario, heading: str, meta: list[str], subtitle: str = ""
          ) -> tuple[Figure, float]:
    """The first page of `doc`: what kind of analysis, the scenario's name, what was run (with
    any overrides). Returns the page and the height (figure fraction) where the content may
    start."""
    t = doc.t
    fig = doc.page(heading, layout=False)
    fig.texts[0].set(fontsize=12, color="#555555")
    y = 0.905
    title = wrap(scenario_title(s, t), 60 if t.lang == "en" else 50, 2)
    fig.text(0.025, y, title, fontsize=24, va="top", color="#0B3D66", linespacing=1.15)
    y -= 0.058 * (1 + title.count("\n")) + 0.012
    if subtitle:
        fig.text(0.025, y, subtitle, fontsize=14, va="top", color="#333333")
        y -= 0.045
    today = report_date()
    meta = [f"{t('report_date')} {today:%Y-%m-%d}",
            f"{t('horizon')} {format_month(s.start)} – {format_month(s.end)}"] + meta
    for line in _lines(meta, 150 if t.lang == "en" else 165):
        fig.text(0.025, y, line, fontsize=10.5, va="top", color="#222222")
        y -= 0.03
    y = overrides_line(fig, y, doc.meta.overrides, t)
    y -= 0.002
    fig.text(0.025, y, f"{t('hash')}  ", fontsize=9.5, va="top", color="#555555")
    fig.text(0.025 + (0.075 if t.lang == "zh" else 0.09), y, doc.meta.scenario_hash,
             fontsize=9, va="top", color="#555555", family=MONO)
    return fig, y - 0.055


def _lines(parts: list[str], width: int, sep: str = "    ·    ") -> list[str]:
    """Parts joined with `sep` into lines of at most `width` columns (CJK two)."""
    lines = [""]
    for part in parts:
        joined = lines[-1] + sep + part if lines[-1] else part
        if lines[-1] and _cols(joined) > width:
            lines.append(part)
        else:
            lines[-1] = joined
    return lines


def _cols(text: str) -> int:
    return sum(2 if has_cjk(ch) else 1 for ch in text)


def bullets(fig: Figure, y: float, items: list[tuple[str, str]], *,
            fontsize: float = 12.5) -> float:
    """Headlines, each a coloured dot and a sentence (wrapped); returns the height below."""
    line = fontsize / 72.0 / A4_LANDSCAPE[1] * 1.45
    for color, text in items:
        # the line's width in columns (a CJK character two): ~0.93 of the page at this size
        cols = 0.93 * A4_LANDSCAPE[0] * 72.0 / fontsize * (2.0 if has_cjk(text) else 1.75)
        text = wrap(text, int(cols))
        fig.text(0.025, y, "●", fontsize=fontsize, va="top", color=color)
        fig.text(0.045, y, text, fontsize=fontsize, va="top", color="#222222", linespacing=1.35)
        y -= line * (text.count("\n") + 1) + 0.016
    return y


def footnote(fig: Figure, text: str, t: Text, y: float = 0.045) -> None:
    """The grey paragraph at the foot of a cover: how to read it."""
    fig.text(0.025, y, wrap(text, 190 if t.lang == "en" else 170), fontsize=9, va="bottom",
             color="#666666", linespacing=1.4)


def table_pages(title: str, header: list[str], sections: list[tuple[str, list[list[str]]]],
                t: Text, *, align: list[str] | None = None, fontsize: float = 9.0,
                intro: str = "", row_in: float = 0.22) -> list[Figure]:
    """Tables on as many pages as they need: a section (a heading and its rows) kept on one
    page where it fits, else split with '(continued)'."""
    top, bottom, heading_in, gap_in = 0.905 * A4_LANDSCAPE[1], 0.045 * A4_LANDSCAPE[1], 0.3, 0.2
    room = top - bottom
    intro_text = wrap(intro, 180 if t.lang == "en" else 160) if intro else ""
    intro_in = (0.2 * (intro_text.count("\n") + 1) + 0.15) if intro else 0.0
    pages: list[list[tuple[str, list[list[str]]]]] = [[]]
    used = intro_in
    for heading, rows in sections:
        rows, k = list(rows), 0
        while rows or not k:
            extra = heading_in if heading else 0.0
            fit = int((room - used - extra - gap_in) / row_in + 1e-6) - 1  # below the header
            whole = table_height(len(rows), row_in) + extra + gap_in <= room
            if pages[-1] and (fit < min(len(rows), 4) or (fit < len(rows) and whole)):
                pages.append([])
                used = 0.0
                continue
            part, rows = rows[:max(fit, 1)], rows[max(fit, 1):]
            pages[-1].append((heading + (t("a_more") if k else ""), part))
            used += extra + table_height(len(part), row_in) + gap_in
            k += 1
    figures = []
    for i, chunk in enumerate(pages):
        fig = page(title + (t("a_more") if i else ""), layout=False)
        y = top
        if intro_text and not i:
            fig.text(0.025, y / A4_LANDSCAPE[1], intro_text, fontsize=10, va="top",
                     color="#444444", linespacing=1.35)
            y -= intro_in
        for heading, rows in chunk:
            if heading:
                fig.text(0.025, y / A4_LANDSCAPE[1], heading, fontsize=12, va="top",
                         color="#0B3D66")
                y -= heading_in
            h = table_height(len(rows), row_in)
            ax = fig.add_axes((0.025, (y - h) / A4_LANDSCAPE[1], 0.95, h / A4_LANDSCAPE[1]))
            draw_table(ax, header, rows, fontsize=fontsize, align=align,
                       width_in=0.95 * A4_LANDSCAPE[0])
            y -= h + gap_in
        figures.append(fig)
    return figures


def meta_line(t: Text, replications: int | None, ensembles: int, seed) -> list[str]:
    from simulator import __version__

    out = []
    if replications:
        out.append(f"{t('an_per_ensemble')} {int(replications):,}")
    out.append(f"{t('an_ensembles')} {ensembles:,}")
    if seed is not None:
        out.append(f"{t('seed')} {seed}")
    return out + [f"{t('version')} {__version__}"]
