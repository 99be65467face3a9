"""Lay pages out once; save them as PDF pages and, from the same draw, their charts as PNGs.

A page with charts whose PNGs are asked for is saved with its renderer teed (see `tee`): its
background and its charts' axes are drawn on an Agg canvas of the page (`canvas.Canvas`, at
`PNG_DPI`) by the same walk of the artists that writes the PDF page, and each chart is cut out
of that canvas along what it inked (see `inked`) and written by `pngfile`. Pages without such
charts are only saved. Where the tee cannot draw a chart (an image in it), that page's charts
are drawn by matplotlib on Agg directly instead.

`PNG_DPI` is 150: a chart as wide as the A4 page is ~1,740 px wide, so it fills a 1920-px
slide at one PNG pixel per screen pixel, and a half-page chart (~870 px) a half slide; the
text stays sharp at either size (10-pt tick labels are ~21 px tall). The PNG records its
resolution, so slide and word processors place it at its size on the page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import matplotlib as mpl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox

from simulator.report import inked, pngfile
from simulator.report.canvas import Canvas
from simulator.report.tee import Tee, tapped

PNG_DPI = 150  # the charts/ PNGs [dots per inch]: a full-width chart of an A4 page ~1,750 px
PAD_IN = 0.08  # white margin kept around a chart's axes, labels and legend [inch]
TEED = True  # False: each page saved, then its charts drawn on Agg directly (tests compare)
NO_AUTO_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Save frozen pages (see `freeze_layout`) inside this: `savefig` sets a page's layout
    engine to "none" while it draws and then back to what it was, and "back to no engine"
    under the report's rc (constrained layout on) would give the page a new constrained engine,
    so a later draw (the PNGs after the PDF) would lay it out again, differently."""
    with mpl.rc_context(NO_AUTO_LAYOUT):
        yield


def freeze_layout(figures: list[Figure]) -> None:
    """Lay each page out once and keep that layout: the PDF and the PNGs then agree exactly,
    and neither lays the page out again.

    The page is left with no layout engine at all (not matplotlib's "none" placeholder):
    `savefig` on a figure with any engine draws it twice, once with drawing disabled "to make
    the layout work" and once for real, and the first of these is wasted here (about a third
    of the PDF's CPU)."""
    for fig in figures:
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.execute(fig)  # what a draw would do first, without the drawing
        if isinstance(engine, (ConstrainedLayoutEngine, PlaceHolderLayoutEngine)):
            with frozen():
                fig.set_layout_engine(None)  # None here: no engine, no extra draw on save


def save_pages(pdf, figures: list[Figure], placed: list | None = None,
               png_dir: Path | None = None) -> None:
    """Save `figures` as pages of `pdf` (a PdfPages), each laid out once (see
    `freeze_layout`), and, with `png_dir`, each chart of `placed` (name, page, axes) that sits
    on them as `png_dir/<name>.png`, cut from the same draw."""
    freeze_layout(figures)  # (done already where the pages were numbered: then at no cost)
    by_page: dict[int, list] = {}
    for name, fig, axes in (placed or []) if png_dir is not None else []:
        by_page.setdefault(id(fig), []).append((name, fig, axes))
    canvases: dict[tuple, Canvas] = {}  # one per page size, cleared for each page
    with frozen():
        for fig in figures:
            charts = by_page.get(id(fig))
            if not charts:
                pdf.savefig(fig)
                continue
            w_in, h_in = fig.get_size_inches()
            key = (w_in, h_in)
            if key not in canvases:
                canvases[key] = Canvas(w_in * PNG_DPI, h_in * PNG_DPI, PNG_DPI)
            _save_with_pngs(pdf, fig, charts, canvases[key], png_dir)


def _save_with_pngs(pdf, fig: Figure, charts: list, canvas: Canvas, out: Path) -> None:
    """Save `fig` to `pdf`, its `charts` drawn on `canvas` meanwhile; cut them out as PNGs."""
    canvas.clear()
    axes_of = {i: axes for i, (_, _, axes) in enumerate(charts)}
    groups = {"page": [fig.patch], **axes_of}
    boxes: list[Bbox] = []

    def cover(tee: Tee) -> None:  # each chart's axes and what it inked [canvas pixels]
        if not tee.unsupported:
            k = tee._k()
            boxes[:] = [inked.union([*tee.inked.get(i, []),
                                     *(Bbox(a.bbox.get_points() * k) for a in axes
                                       if a.get_visible())]) or _extent(axes, tee, k)
                        for i, axes in axes_of.items()]

    if TEED:
        with tapped(fig, groups, lambda renderer: Tee(renderer, canvas, fig, axes_of), cover):
            pdf.savefig(fig)
    else:
        pdf.savefig(fig)
    if not boxes:  # the tee could not draw them: by matplotlib on Agg, as they are
        canvas = RendererAgg(canvas.width, canvas.height, PNG_DPI)
        boxes = _draw_directly(fig, charts, [a for group in groups.values() for a in group],
                               canvas)
    page = np.asarray(canvas.buffer_rgba())
    for (name, _, _), box in zip(charts, boxes):
        rows, cols = _crop(box, *page.shape[:2])
        pngfile.write(out / f"{name}.png", page[rows, cols], PNG_DPI)


def _crop(box: Bbox, height: int, width: int) -> tuple[slice, slice]:
    """The rows and columns of a `height` x `width` raster (rows from the top) that hold
    `box` (pixels from the bottom left) and `PAD_IN` around it; at least one pixel."""
    pad = PNG_DPI * PAD_IN
    x0 = min(max(int(box.x0 - pad), 0), width - 1)
    x1 = max(min(int(np.ceil(box.x1 + pad)), width), x0 + 1)
    y0 = min(max(int(height - box.y1 - pad), 0), height - 1)
    y1 = max(min(int(np.ceil(height - box.y0 + pad)), height), y0 + 1)
    return slice(y0, y1), slice(x0, x1)


def _extent(axes: list, renderer, scale: float = 1.0) -> Bbox:
    """What `axes` cover with their labels, titles and legends (matplotlib's tight boxes),
    times `scale`; the whole page if they cover nothing."""
    box = inked.union(a.get_tightbbox(renderer) for a in axes)
    box = box if box is not None else axes[0].get_figure(root=True).bbox
    return Bbox(box.get_points() * scale)


def _draw_directly(fig: Figure, charts: list, drawn: list, canvas: RendererAgg) -> list:
    """Draw the page's background and charts on `canvas` (in the page's drawing order);
    return the charts' extents in its pixels."""
    own = {id(a) for a in drawn}
    dpi = fig.dpi
    fig.set_dpi(PNG_DPI)
    try:
        fig.patch.draw(canvas)
        for artist in sorted(fig.get_children()[1:], key=lambda a: a.get_zorder()):
            if id(artist) in own:
                artist.draw(canvas)
        return [_extent(axes, canvas) for _, _, axes in charts]
    finally:
        fig.set_dpi(dpi)
