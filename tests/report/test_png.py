"""The charts' PNGs come from the PDF's own draw of each page (`raster`, `tee`): the PDF is the
same bytes with or without them (and without the PDF layout shortcut), each page is drawn once, every PNG holds its chart whole (a
white margin all round, nothing cut off) and shows what Agg draws for that chart directly;
a page with an image in a chart falls back to drawing it directly. The PNG writer round-trips
any raster and records its resolution."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from simulator.output import forked
from simulator.report import fork, pngfile, raster, style
from simulator.report.document import Chart, Document, Meta

NAMES = ["lines", "bars", "mesh", "words", "shapes", "picture"]


def lines(ax, _, **__):
    x = np.arange(24)
    ax.plot(x, np.sin(x / 3) * 40 + 50, marker="o", label="算力 compute")
    ax.plot(x, x * 3.0, ls="--", label="需求 demand")
    ax.fill_between(x, x * 2.0, x * 4.0, alpha=0.3)
    ax.set_ylabel("算力（P）rotated label", rotation=90)
    ax.text(1.02, 0.5, "a long note outside the axes 轴外的注释", transform=ax.transAxes,
            clip_on=False)
    ax.legend(loc="upper left")


def bars(ax, _, **__):
    ax.bar(np.arange(6), [3, 5, 2, 6, 4, 1], hatch="//", edgecolor="#333333")
    ax.scatter(np.arange(6), [2, 4, 1, 5, 3, 0.5], s=np.arange(6) * 20 + 10, c=np.arange(6))
    ax.set_title("柱与散点 bars and points\nsecond line")
    ax.set_xticks(np.arange(6), [f"第{k}类" for k in range(6)], rotation=30)


def mesh(ax, _, **__):
    grid = np.add.outer(np.arange(12), np.arange(16)).astype(float)
    quad = ax.pcolormesh(grid, rasterized=True)  # rasterised in the PDF, vector on the canvas
    ax.get_figure().colorbar(quad, ax=ax, label="色标 colour bar")


def words(ax, _, **__):
    ax.set_axis_off()
    ax.text(0.0, 0.5, "只有文字的图\nwords only, two lines", fontsize=14)


def shapes(ax, _, **__):
    """No text at all: the teed and the direct canvas agree to the pixel."""
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), lw=2)
    ax.plot(x[::20], np.cos(x[::20]), "s", ms=8)
    ax.bar([2, 5, 8], [0.5, -0.5, 0.8], width=1.2, hatch="xx", alpha=0.5)
    ax.set_xticks([]), ax.set_yticks([])


def picture(ax, _, **__):
    ax.imshow(np.tile(np.array([[[0, 120, 200]]], np.uint8), (30, 40, 1)))


def document() -> Document:
    doc = Document(Meta(title="图片测试 PNG test", subject="测试", scenario_hash="abc123"))
    with doc:
        doc.grid("四张图 four charts", [Chart(n, globals()[n], None) for n in NAMES[:4]], 2, 2)
        plain = doc.page("没有图 no chart", layout=False)
        plain.text(0.1, 0.5, "正文 body text")
        fig = doc.page("形状 shapes")
        doc.draw(fig, fig.add_subplot(), Chart("shapes", shapes, None))
        fig = doc.page("图像 picture")
        doc.draw(fig, fig.add_subplot(), Chart("picture", picture, None))
    return doc


@pytest.fixture(autouse=True)
def one_process(monkeypatch):
    """Everything drawn here, in this process (the halves are compared in test_report_speed)."""
    monkeypatch.setattr(forked, "SPLIT", "never")
    monkeypatch.setattr(fork, "ENABLED", False)


def write(out: Path, png: bool = True) -> Path:
    doc = document()
    with doc:
        doc.write(out / "report.pdf", out / "charts" if png else None)
    return out


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB")).astype(np.int16)


def pdf_bytes(path: Path) -> bytes:
    return re.sub(rb"/CreationDate \([^)]*\)", b"", path.read_bytes())


@pytest.fixture(scope="module")
def teed(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(forked, "SPLIT", "never")
        mp.setattr(fork, "ENABLED", False)
        return write(tmp_path_factory.mktemp("teed"))


@pytest.fixture(scope="module")
def direct(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(forked, "SPLIT", "never")
        mp.setattr(fork, "ENABLED", False)
        mp.setattr(raster, "TEED", False)
        return write(tmp_path_factory.mktemp("direct"))


def test_the_pdf_is_the_same_bytes_with_or_without_pngs(teed, tmp_path):
    without = write(tmp_path, png=False)
    assert not (without / "charts").exists()
    assert pdf_bytes(without / "report.pdf") == pdf_bytes(teed / "report.pdf")


def test_the_pdf_layout_without_glyph_loading_changes_no_byte(teed, tmp_path, monkeypatch):
    """`style._pdf_glyphs_unloaded` (the PDF backend's layout, glyph outlines not loaded)."""
    monkeypatch.setattr(style, "_pdf_glyphs_unloaded", contextlib.nullcontext)
    plain = write(tmp_path, png=False)
    assert pdf_bytes(plain / "report.pdf") == pdf_bytes(teed / "report.pdf")


def test_each_page_is_drawn_once_for_pdf_and_pngs(tmp_path, monkeypatch):
    drawn: list[int] = []
    original = Figure.draw

    def draw(self, renderer):
        drawn.append(id(self))
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", draw)
    doc = document()
    with doc:
        doc.write(tmp_path / "report.pdf", tmp_path / "charts")
        assert drawn == [id(f) for f in doc.figures]  # once each, in page order
    assert sorted(p.stem for p in (tmp_path / "charts").iterdir()) == sorted(NAMES)


def test_every_png_holds_its_chart_whole(teed):
    for name in NAMES:
        img = pixels(teed / "charts" / f"{name}.png")
        assert img.shape[0] > 60 and img.shape[1] > 200, name
        edge = np.concatenate([img[:3].reshape(-1, 3), img[-3:].reshape(-1, 3),
                               img[:, :3].reshape(-1, 3), img[:, -3:].reshape(-1, 3)])
        assert (edge == 255).all(), f"{name}: ink at the edge, the chart is cut"
        assert (img < 128).any(), f"{name}: nothing drawn"
    with Image.open(teed / "charts" / "lines.png") as img:  # slides place it at its size
        assert img.format == "PNG" and img.mode == "RGB"
        assert img.info["dpi"] == pytest.approx((raster.PNG_DPI, raster.PNG_DPI), abs=0.02)


def aligned(a: np.ndarray, b: np.ndarray, reach: int = 12) -> np.ndarray:
    """|a - b| (grey levels, max over RGB) where `b`, shifted by at most `reach` px, fits `a`
    best (the two crops' boxes differ by a few pixels). The shift is sought within 2 px of the
    one that lines up the two images' ink (the first dark row and column of each)."""
    def ink(x):
        dark = x.min(axis=2) < 128
        return int(np.argmax(dark.any(axis=1))), int(np.argmax(dark.any(axis=0)))

    (ta, la), (tb, lb) = ink(a), ink(b)
    y0, x0 = np.clip(ta - tb, -reach, reach), np.clip(la - lb, -reach, reach)
    best = None
    for dy in range(max(-reach, y0 - 2), min(reach, y0 + 2) + 1):
        for dx in range(max(-reach, x0 - 2), min(reach, x0 + 2) + 1):
            ya, yb, xa, xb = max(dy, 0), max(-dy, 0), max(dx, 0), max(-dx, 0)
            h = min(a.shape[0] - ya, b.shape[0] - yb)
            w = min(a.shape[1] - xa, b.shape[1] - xb)
            d = np.abs(a[ya:ya + h, xa:xa + w] - b[yb:yb + h, xb:xb + w]).max(axis=2)
            if best is None or d.mean() < best.mean():
                best = d
    return best


def test_teed_pngs_show_what_agg_draws_directly(teed, direct):
    """The same charts drawn on Agg by matplotlib itself: the boxes agree within 2 % (text
    measured for the PDF, not the raster), and after aligning them the pixels agree but for
    glyph edges (the teed text is unhinted, placed where the PDF puts it)."""
    for name in NAMES:
        a, b = pixels(direct / "charts" / f"{name}.png"), pixels(teed / "charts" / f"{name}.png")
        assert abs(a.shape[0] - b.shape[0]) <= max(8, 0.02 * a.shape[0]), (name, a.shape, b.shape)
        assert abs(a.shape[1] - b.shape[1]) <= max(8, 0.02 * a.shape[1]), (name, a.shape, b.shape)
        d = aligned(a, b)
        assert d.mean() < 6 and (d > 64).mean() < 0.05, (name, d.mean(), (d > 64).mean())
    d = aligned(pixels(direct / "charts" / "shapes.png"), pixels(teed / "charts" / "shapes.png"))
    assert (d > 8).mean() < 0.001  # no text: the same geometry, the same pixels


def test_a_chart_with_an_image_is_drawn_directly(teed, direct):
    img = pixels(teed / "charts" / "picture.png")
    colours, counts = np.unique(img.reshape(-1, 3), axis=0, return_counts=True)
    assert tuple(colours[counts.argmax()]) == (0, 120, 200)  # the picture fills the chart
    assert np.array_equal(img, pixels(direct / "charts" / "picture.png"))


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (37, 56), (120, 7)])
def test_png_writer_round_trips(shape):
    rng = np.random.default_rng(sum(shape))
    page = rng.integers(0, 256, (shape[0] + 9, shape[1] + 11, 4), dtype=np.uint8)
    crop = page[4:4 + shape[0], 5:5 + shape[1]]  # a view into a larger raster, as cut
    with Image.open(io.BytesIO(pngfile.encode(crop, 150))) as img:
        assert img.mode == "RGB" and img.size == (shape[1], shape[0])
        assert np.array_equal(np.asarray(img), crop[..., :3])
        assert img.info["dpi"] == pytest.approx((150, 150), abs=0.02)


def test_png_writer_refuses_what_is_not_an_rgba_raster():
    with pytest.raises(ValueError, match="RGBA uint8"):
        pngfile.encode(np.zeros((4, 4, 3), np.uint8), 150)
    with pytest.raises(ValueError, match="RGBA uint8"):
        pngfile.encode(np.zeros((4, 4, 4), np.float32), 150)
    with pytest.raises(ValueError, match="empty"):
        pngfile.encode(np.zeros((0, 4, 4), np.uint8), 150)
