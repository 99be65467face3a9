"""The bundled CJK font: present, small, covers GB2312, embeds as extractable PDF text."""

from __future__ import annotations

import io
import re
import warnings

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure

from simulator.report.style import (
    CJK_FAMILY,
    FONT_PATH,
    MissingGlyphError,
    register_font,
    report_rc,
    strict_glyphs,
    use_report_style,
)

TITLE = "宜昌点军区算力规划 超算 智算 通算 高通量"
MIXED = "3000P 智算 by 2025-12: 4 % likely"
NOT_IN_FONT = "\U00020000"  # 𠀀, CJK Extension B: outside GB2312, not in the subset


@pytest.fixture
def report_style():
    """The report rcParams for one test, without leaking into other tests."""
    register_font()
    with mpl.rc_context(report_rc()):
        yield


def chart(*texts: str) -> Figure:
    fig = Figure()
    FigureCanvasPdf(fig)
    ax = fig.add_subplot()
    ax.plot([2024, 2025, 2026], [1000, 2200, 3000], label="智算 (P)")
    ax.set_title(texts[0])
    ax.set_xlabel("年份")
    ax.set_ylabel("算力 P")
    ax.legend()
    for i, text in enumerate(texts[1:]):
        fig.text(0.05, 0.02 + 0.04 * i, text)
    return fig


def pdf_bytes(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="pdf")
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_font_file_is_bundled_small_and_covers_gb2312():
    from fontTools.ttLib import TTFont

    assert FONT_PATH.is_file()
    assert FONT_PATH.stat().st_size <= 8 * 1024 * 1024
    font = TTFont(FONT_PATH, lazy=True)
    assert "glyf" in font and "CFF " not in font  # TrueType outlines, embeddable as type 42
    assert font["name"].getDebugName(1) == CJK_FAMILY
    cmap = font.getBestCmap()
    for char in "点军宜昌算力" + TITLE.replace(" ", "") + "，。：（）％":
        assert ord(char) in cmap, char
    assert ord(NOT_IN_FONT) not in cmap


def test_use_report_style_sets_font_and_embedding():
    with mpl.rc_context():
        use_report_style()
        assert mpl.rcParams["font.family"][:2] == [CJK_FAMILY, "DejaVu Sans"]
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["ps.fonttype"] == 42
        assert mpl.rcParams["axes.unicode_minus"] is False
        assert tuple(mpl.rcParams["figure.figsize"]) == (11.69, 8.27)
        assert mpl.font_manager.findfont(CJK_FAMILY, fallback_to_default=False) == str(FONT_PATH)


def test_chinese_title_is_extractable_from_pdf(report_style):
    with strict_glyphs():
        data = pdf_bytes(chart(TITLE, MIXED))
    assert b"/FontFile2" in data  # TrueType embedded (type 42), not type 3 outlines
    assert b"CapsimCJKSC-Regular" in data
    text = pdf_text(data)
    assert TITLE in text
    for word in ("3000P", "智算", "2025-12", "likely"):
        assert word in text


def test_missing_glyph_raises_under_strict_glyphs(report_style):
    fig = chart(TITLE, f"罕见字 {NOT_IN_FONT}")
    with pytest.raises(MissingGlyphError, match="missing from font"):
        with strict_glyphs():
            pdf_bytes(fig)


def test_strict_glyphs_lets_other_warnings_and_errors_through(report_style):
    with strict_glyphs():
        with pytest.warns(UserWarning, match="unrelated"):
            warnings.warn("unrelated", UserWarning, stacklevel=1)
        with pytest.raises(ValueError):
            raise ValueError("not a glyph problem")


def test_postscript_type42_draws_the_glyphs_it_embeds(report_style):
    # PostScript draws glyphs by name: the names in the text must be defined in the font.
    out = io.BytesIO()
    with strict_glyphs():
        chart(TITLE, MIXED).savefig(out, format="ps")
    ps = out.getvalue().decode("latin-1")
    shown = set(re.findall(r"/(\S+) glyphshow", ps))
    defined = set(re.findall(r"^/(\S+) \d+ def$", ps, re.MULTILINE))
    assert shown and shown <= defined
