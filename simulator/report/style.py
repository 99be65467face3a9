"""Report look for capsim charts: bundled Chinese font, extractable PDF text, strict glyph checks."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib import cycler, font_manager

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "CapsimCJKSC-Regular.ttf"
CJK_FAMILY = "capsim CJK SC"
FALLBACK_FAMILY = "DejaVu Sans"

# Okabe-Ito based: colour-blind safe, distinct in colour and in greyscale print.
COLORS = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # bluish green
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#8C8C8C",  # grey
)

_MISSING_GLYPH = re.compile(r"Glyph \d+ .* missing from font\(s\)", re.DOTALL)


class MissingGlyphError(RuntimeError):
    """A character could not be drawn: no font in ``font.family`` has a glyph for it."""


def register_font() -> str:
    """Make the bundled font known to matplotlib (once) and return its family name."""
    path = str(FONT_PATH)
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        if not FONT_PATH.is_file():
            raise FileNotFoundError(f"bundled report font is missing: {FONT_PATH}")
        font_manager.fontManager.addfont(path)
    return CJK_FAMILY


def report_rc() -> dict[str, Any]:
    """The rcParams of the report look (for ``matplotlib.rc_context`` or ``rcParams.update``)."""
    text, muted, grid = "#222222", "#555555", "#DDDDDD"
    return {
        # Fonts: CJK first, DejaVu Sans for any glyph it lacks; TrueType (type 42) embedding
        # keeps the text selectable and extractable in PDF and PostScript.
        "font.family": [CJK_FAMILY, FALLBACK_FAMILY],
        "font.size": 11.0,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "ps.papersize": "figure",
        "axes.unicode_minus": False,
        # A4 landscape pages, laid out automatically.
        "figure.figsize": (11.69, 8.27),
        "figure.dpi": 100,
        "figure.constrained_layout.use": True,
        "figure.facecolor": "white",
        "figure.titlesize": 18.0,
        "figure.titleweight": "normal",  # the CJK font has one weight; no bold/regular mix
        "savefig.dpi": 200,
        "savefig.facecolor": "white",
        # Axes: light grid behind the data, no top/right frame.
        "axes.titlesize": 14.0,
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "axes.titlepad": 10.0,
        "axes.labelsize": 11.0,
        "axes.labelcolor": text,
        "axes.edgecolor": muted,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=list(COLORS)),
        "grid.color": grid,
        "grid.linewidth": 0.6,
        "grid.linestyle": "-",
        "xtick.labelsize": 10.0,
        "ytick.labelsize": 10.0,
        "xtick.color": muted,
        "ytick.color": muted,
        "xtick.labelcolor": text,
        "ytick.labelcolor": text,
        "legend.fontsize": 10.0,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
        "lines.markersize": 5.0,
        "patch.linewidth": 0.5,
        "text.color": text,
    }


def use_report_style() -> None:
    """Register the bundled font and apply the report look to the global rcParams."""
    register_font()
    mpl.rcParams.update(report_rc())


@contextlib.contextmanager
def fonts_resolved_once() -> Iterator[None]:
    """Resolve each font request, font table and text measurement once while drawing a document.

    matplotlib looks the font list up for every piece of text it measures or draws (some
    20,000 times for a run report), reads the font's tables for every text layout, and measures
    a text again for each renderer (each PDF page has its own). The answers depend only on the
    font properties, the text and the renderer's kind and resolution, so they are kept for the
    document's lifetime. Everything is restored on the way out.
    """
    import matplotlib.text as mtext

    manager = font_manager.fontManager
    find_fonts, measure, get_font = (manager._find_fonts_by_props,
                                     mtext._get_text_metrics_with_cache, mtext.get_font)
    found: dict = {}
    measured: dict = {}
    fonts: dict = {}

    def find(prop, *args, **kwargs):
        key = (prop if isinstance(prop, str) else hash(prop), args, tuple(kwargs.items()))
        if key not in found:
            found[key] = find_fonts(prop, *args, **kwargs)
        return found[key]

    def metrics(renderer, text, fontprop, ismath, dpi):
        key = (type(renderer), getattr(renderer, "dpi", None), text, hash(fontprop), ismath,
               dpi)
        if key not in measured:
            measured[key] = measure(renderer, text, fontprop, ismath, dpi)
        return measured[key]

    def font_of(paths, *args, **kwargs):
        key = (tuple(paths) if isinstance(paths, list) else paths, args,
               tuple(kwargs.items()))
        if key not in fonts:
            fonts[key] = _Tables(get_font(paths, *args, **kwargs))
        return fonts[key]

    manager._find_fonts_by_props = find
    mtext._get_text_metrics_with_cache, mtext.get_font = metrics, font_of
    try:
        with _pdf_glyphs_unloaded():
            yield
    finally:
        del manager._find_fonts_by_props  # the class's method again
        mtext._get_text_metrics_with_cache, mtext.get_font = measure, get_font


@contextlib.contextmanager
def _pdf_glyphs_unloaded() -> Iterator[None]:
    """The PDF backend's text layouts kept, their glyphs' outlines not loaded (matplotlib 3.11).

    `matplotlib._text_helpers.layout` lays a string out and then loads every glyph's outline
    into the font, for callers that go on to read it (text as paths); the PDF backend reads
    only the glyph indices and positions, so for it the loading (some 10,000 glyphs for a run
    report) is skipped, and each string's layout at a font and size is kept (a report draws the
    same tick labels on many pages): together about a fifth of the PDF's drawing. The PDF is
    the same, byte for byte. Other matplotlib versions, and every other caller, keep
    matplotlib's own layout."""
    from matplotlib.backends import backend_pdf

    helpers, renderer = backend_pdf._text_helpers, backend_pdf.RendererPdf
    if tuple(mpl.__version_info__[:2]) != (3, 11) or isinstance(helpers, _Layouts):
        yield
        return
    sizes: dict[int, float] = {}  # the size each font was last set to by the PDF [points]
    own = renderer.__dict__.get("_get_font_ttf")
    font_ttf = renderer._get_font_ttf

    def sized_font(self, prop):
        font = font_ttf(self, prop)
        sizes[id(font)] = prop.get_size_in_points()
        return font

    renderer._get_font_ttf, backend_pdf._text_helpers = sized_font, _Layouts(helpers, sizes)
    try:
        yield
    finally:
        backend_pdf._text_helpers = helpers
        if own is None:
            del renderer._get_font_ttf  # the base class's again
        else:
            renderer._get_font_ttf = own


class _Layouts:
    """`matplotlib._text_helpers` whose `layout` keeps each layout (by font, size, string and
    options) and does not load the glyphs it lays out."""

    def __init__(self, module, sizes: dict):
        self._module, self._sizes, self._kept = module, sizes, {}

    def layout(self, string, font, *, features=None, language=None):
        from matplotlib.ft2font import LoadFlags

        key = (id(font), self._sizes.get(id(font)), string, features, language)
        try:
            known = key[1] is not None and key in self._kept
        except TypeError:  # unhashable options: laid out each time
            key, known = None, False
        if not known:
            items = font._layout(string, LoadFlags.NO_HINTING, features=features,
                                 language=language)
            if key is None or key[1] is None:
                return iter(items)
            self._kept[key] = items
        return iter(self._kept[key])

    def __getattr__(self, name):
        return getattr(self._module, name)


class _Tables:
    """A font whose tables (read by every text layout) are read once."""

    def __init__(self, font):
        self._font, self._tables = font, {}

    def get_sfnt_table(self, name: str):
        if name not in self._tables:
            self._tables[name] = self._font.get_sfnt_table(name)
        return self._tables[name]

    def __getattr__(self, name: str):
        return getattr(self._font, name)


@contextlib.contextmanager
def strict_glyphs() -> Iterator[None]:
    """Raise MissingGlyphError where matplotlib would warn "Glyph ... missing from font(s)".

    Wrap drawing and saving (``fig.savefig``) in it. It changes the warning filters, which
    are process-global: do not draw in other threads meanwhile.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font\(s\)",
                                category=UserWarning)
        try:
            yield
        except UserWarning as exc:
            if _MISSING_GLYPH.search(str(exc)):
                raise MissingGlyphError(str(exc)) from exc
            raise
