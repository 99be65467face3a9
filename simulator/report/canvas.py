"""The Agg canvas the charts' PNGs are cut from: matplotlib's RendererAgg, plain text drawn whole.

matplotlib 3.11 draws text on Agg one glyph at a time from Python (each glyph sized, placed,
rendered and composited by its own calls), about half of a report's PNG drawing. Level text
without mathtext is drawn here as matplotlib up to 3.10 drew it: FreeType lays the whole string
out and renders it into one bitmap (`set_text`, `draw_glyphs_to_bitmap`), and Agg composites
that once. The glyphs are the same; the string is placed to the whole pixel (the per-glyph path
places each glyph to 1/64 px), which moves a text by at most a pixel. Turned text, mathtext and
text with font features or a language keep matplotlib's own path, as does every text where
matplotlib has no per-glyph path (before 3.11: there it already draws strings whole).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag

_PER_GLYPH = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")  # matplotlib >= 3.11


class Canvas(RendererAgg):
    """RendererAgg whose level plain text is laid out and rendered a string at a time."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if (ismath or angle or not _PER_GLYPH or mtext is not None
                and (mtext.get_fontfeatures() or mtext.get_language())):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)
        font.set_text(s, 0, flags=get_hinting_flag())
        font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
        descent = font.get_descent() / 64.0  # [pixels]; y runs down the canvas here
        x_off, y_off = font.get_bitmap_offset()
        left = round(x + x_off / 64.0)
        top = round(y + y_off / 64.0 + descent)
        self._renderer.draw_text_image(font.get_image(), left, top + 1, 0, gc)
