"""Lay pages out once, and cut each chart out of one raster of its page as a PNG."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox
from PIL import Image

PNG_DPI = 150  # the charts/ PNGs [dots per inch]
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


def write_pngs(placed: list[tuple[str, Figure, list]], out: Path) -> None:
    """Each chart (name, page, axes) cut out of a raster of its laid-out page as out/<name>.png.

    One raster of a page serves all its charts: drawing each chart again on a figure of its
    own would cost as much as the whole PDF.
    """
    by_page: dict[int, list] = {}
    for name, fig, axes in placed:
        by_page.setdefault(id(fig), []).append((name, fig, axes))
    with frozen():
        for charts in by_page.values():
            _cut(charts, out)


def _cut(charts: list[tuple[str, Figure, list]], out: Path) -> None:
    """The charts of one page, cut out of one raster of it."""
    fig = charts[0][1]
    dpi = fig.dpi
    fig.set_dpi(PNG_DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = canvas.get_width_height(physical=True)
    page = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA",
                            0, 1).convert("RGB")  # once per page, not per chart
    pad = PNG_DPI * 0.08
    for name, _, axes in charts:
        box = Bbox.union([a.get_tightbbox(renderer) for a in axes])
        x0, x1 = max(int(box.x0 - pad), 0), min(int(np.ceil(box.x1 + pad)), width)
        y0 = max(int(height - box.y1 - pad), 0)
        y1 = min(int(np.ceil(height - box.y0 + pad)), height)
        page.crop((x0, y0, x1, y1)).save(out / f"{name}.png", compress_level=1)
    fig.set_dpi(dpi)
