"""Each page is drawn once per file it goes into: after `freeze_layout` a page has no layout
engine left (not even matplotlib's "none" placeholder, with which `savefig` draws the page a
second time with drawing disabled), keeps the positions the constrained layout gave it, and
saves to the same PDF text and the same raster as a page laid out by matplotlib itself."""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from simulator.report.document import Document, Meta
from simulator.report.raster import freeze_layout, frozen


def make_pages(doc: Document) -> list[Figure]:
    """A laid-out page with two charts and a page made with layout=False."""
    fig = doc.page("两张图 two charts")
    for k, ax in enumerate(fig.subplots(1, 2)):
        ax.plot(np.arange(12), np.arange(12) * (k + 1), label=f"系列 {k}")
        ax.set_title(f"第 {k} 张图")
        ax.legend()
    plain = doc.page("没有布局 no layout", layout=False)
    plain.text(0.1, 0.5, "正文 body text")
    return [fig, plain]


def count_draws(monkeypatch) -> list[Figure]:
    """Every Figure.draw from now on, by figure."""
    drawn: list[Figure] = []
    original = Figure.draw

    def draw(self, renderer):
        drawn.append(self)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    return drawn


def test_frozen_pages_have_no_layout_engine_and_keep_their_layout():
    with Document(Meta(title="t", subject="s")) as doc:
        fig, plain = make_pages(doc)
        assert fig.get_layout_engine() is not None
        assert plain.get_layout_engine() is not None  # the "none" placeholder
        freeze_layout([fig, plain])
        assert fig.get_layout_engine() is None
        assert plain.get_layout_engine() is None
        positions = [ax.get_position().bounds for ax in fig.axes]
        assert all(0.0 < b[2] < 0.5 and b[3] > 0.3 for b in positions)  # laid out side by side
        assert positions[0][0] < positions[1][0]


def test_savefig_draws_each_frozen_page_once(monkeypatch):
    with Document(Meta(title="t", subject="s")) as doc:
        pages = make_pages(doc)
        freeze_layout(pages)
        drawn = count_draws(monkeypatch)
        with frozen(), PdfPages(io.BytesIO()) as pdf:
            for fig in pages:
                pdf.savefig(fig)
        # savefig puts back "no engine" (under the report's rc that would be a new
        # constrained engine, and the PNGs drawn after the PDF would be laid out again)
        assert [f.get_layout_engine() for f in pages] == [None, None]
    assert [id(f) for f in drawn] == [id(f) for f in pages]  # once each, in order


def test_frozen_page_rasters_like_a_page_matplotlib_lays_out():
    """The frozen page's pixels equal those of the same page drawn the usual way (layout
    during the draw)."""
    with Document(Meta(title="t", subject="s")) as doc:
        usual, _ = make_pages(doc)
        frozen, _ = make_pages(doc)
        for fig in (usual, frozen):
            fig.set_dpi(40)
        freeze_layout([frozen])
        rasters = []
        for fig in (usual, frozen):
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            rasters.append(np.asarray(canvas.buffer_rgba()).copy())
    assert rasters[0].shape == rasters[1].shape
    assert (rasters[0] == rasters[1]).all()


@pytest.mark.parametrize("use", [True, False])
def test_freeze_leaves_rc_as_it_was(use):
    with mpl.rc_context({"figure.constrained_layout.use": use}):
        with Document(Meta(title="t", subject="s")) as doc:
            freeze_layout(make_pages(doc))
        assert mpl.rcParams["figure.constrained_layout.use"] is use
