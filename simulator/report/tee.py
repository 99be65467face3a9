"""One draw of a page for both its PDF page and its charts' PNGs: the PDF's renderer, teed.

matplotlib draws a page by walking its artists (axes, ticks, legends, texts, ...), each of which
works out where it goes and calls its renderer's few primitives (`draw_path`, `draw_markers`,
`draw_path_collection`, `draw_text`, ...). That walk is most of the cost of a page; rastering
the primitives is a small part. `Tee` stands in for the PDF's renderer while a page is saved:
every call goes to the PDF's renderer as before (the PDF is the same, byte for byte), and while
a chart's axes are drawn (see `tapped`) the drawing calls also go to an Agg canvas of the page,
their coordinates scaled from PDF points to its pixels. The PNGs are then cut from that canvas:
one walk of the artists makes both.

What the canvas gets is what Agg would draw for the same artists: paths, markers, collections
and meshes with the same line widths, dashes, hatches and clip regions (all in points, which
Agg turns into its pixels), text laid out by Agg at the canvas's resolution, unhinted, at the
place the PDF's layout gave it. Calls the canvas cannot take this way (images, TeX) mark the
page `unsupported`; its charts are then drawn on Agg directly (see `raster`). Each chart's box
(what its calls inked outside its axes, and its axes) is noted on the way, for cutting it out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
import matplotlib.text as mtext
from matplotlib.backend_bases import GraphicsContextBase
from matplotlib.transforms import Affine2D, Bbox, TransformedPath

from simulator.report import inked

_OWN = frozenset({"_pdf", "_agg", "_fig", "_charts", "_frames", "_scales", "on",
                  "unsupported", "inked"})
_EPS = 0.5  # slack when asking whether a clip rectangle is an axes' frame [drawing units]


class Tee:
    """The renderer a page is saved with (`pdf`), its drawing calls also made on `agg` (a
    RendererAgg of the page at the PNGs' resolution) while `on` names what is being drawn;
    for the names in `charts` (name: its axes), `inked[name]`: the boxes (in `agg`'s pixels)
    those calls covered outside the chart's axes (a chart's box holds its axes anyway)."""

    def __init__(self, pdf, agg, fig, charts: dict):
        object.__setattr__(self, "_pdf", pdf)
        object.__setattr__(self, "_agg", agg)
        object.__setattr__(self, "_fig", fig)
        object.__setattr__(self, "_charts", charts)
        object.__setattr__(self, "_frames", {})
        object.__setattr__(self, "_scales", {})
        object.__setattr__(self, "on", None)
        object.__setattr__(self, "unsupported", False)
        object.__setattr__(self, "inked", {})

    # everything else is the PDF renderer's: reading and setting (the rasterising flags)
    def __getattr__(self, name):
        return getattr(self._pdf, name)

    def __setattr__(self, name, value):
        if name in _OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._pdf, name, value)

    # ------------------------------------------------------------------ geometry
    def _k(self) -> float:
        """Canvas pixels per unit of what the artists draw in now: PDF points (the figure at
        72 dpi), or the pixels of a rasterised artist (the figure at the raster's dpi)."""
        return self._agg.dpi / self._fig.dpi

    def _scale(self) -> Affine2D:
        """From drawing units to canvas pixels (see `_k`)."""
        k = self._k()
        if k not in self._scales:
            self._scales[k] = Affine2D().scale(k)
        return self._scales[k]

    def _gc(self, gc) -> GraphicsContextBase:
        """A copy of `gc` with its clip rectangle and clip path in canvas pixels."""
        out = GraphicsContextBase()
        out.copy_properties(gc)
        if gc._cliprect is not None:
            out._cliprect = Bbox(gc._cliprect.get_points() * self._k())
        if gc._clippath is not None:
            path, affine = gc._clippath.get_transformed_path_and_affine()
            out._clippath = TransformedPath(path, affine + self._scale())
        return out

    def _ink(self, gc, box_of) -> None:
        """Note the box `box_of()` gives (drawing units, clipped as `gc` clips) as inked by
        the chart `on`, unless `gc` clips it to one of the chart's axes."""
        if self.on not in self._charts:
            return
        clip = gc.get_clip_rectangle()
        if clip is not None and self._in_frame(clip):
            return
        box = inked.clipped(box_of(), clip)
        if box is not None:
            self.inked.setdefault(self.on, []).append(Bbox(box.get_points() * self._k()))

    def _in_frame(self, clip: Bbox) -> bool:
        """Whether `clip` lies within the frame of one of the axes of the chart `on`."""
        key = (self.on, self._fig.dpi)  # a rasterised artist draws at another dpi
        if key not in self._frames:
            self._frames[key] = [a.bbox.extents for a in self._charts[self.on]
                                 if a.get_visible()]
        x0, y0, x1, y1 = clip.extents
        return any(x0 >= f[0] - _EPS and y0 >= f[1] - _EPS and x1 <= f[2] + _EPS
                   and y1 <= f[3] + _EPS for f in self._frames[key])

    # ------------------------------------------------------------------ drawing
    def draw_path(self, gc, path, transform, rgbFace=None):
        self._pdf.draw_path(gc, path, transform, rgbFace)
        if self.on is not None:
            self._ink(gc, lambda: inked.path(path, transform))
            self._agg.draw_path(self._gc(gc), path, transform + self._scale(), rgbFace)

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        self._pdf.draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
        if self.on is not None:
            self._ink(gc, lambda: inked.shifted(inked.path(marker_path, marker_trans),
                                                trans.transform(path.vertices)))
            s = self._scale()
            self._agg.draw_markers(self._gc(gc), marker_path, marker_trans + s, path,
                                   trans + s, rgbFace)

    def draw_path_collection(self, gc, master_transform, paths, all_transforms, offsets,
                             offset_trans, *args, **kwargs):
        self._pdf.draw_path_collection(gc, master_transform, paths, all_transforms, offsets,
                                       offset_trans, *args, **kwargs)
        if self.on is not None:  # path i: all_transforms[i], then master; offsets: offset_trans
            self._ink(gc, lambda: inked.collection(master_transform, paths, all_transforms,
                                                   offsets, offset_trans))
            s = self._scale()
            self._agg.draw_path_collection(self._gc(gc), master_transform + s, paths,
                                           all_transforms, offsets, offset_trans + s,
                                           *args, **kwargs)

    def draw_quad_mesh(self, gc, master_transform, width, height, coordinates, offsets,
                       offset_trans, *args, **kwargs):
        self._pdf.draw_quad_mesh(gc, master_transform, width, height, coordinates, offsets,
                                 offset_trans, *args, **kwargs)
        if self.on is not None:
            self._ink(gc, lambda: inked.points(master_transform.transform(
                coordinates.reshape(-1, 2))))
            s = self._scale()
            self._agg.draw_quad_mesh(self._gc(gc), master_transform + s, width, height,
                                     coordinates, offsets, offset_trans + s, *args, **kwargs)

    def draw_gouraud_triangles(self, gc, triangles, colors, transform):
        self._pdf.draw_gouraud_triangles(gc, triangles, colors, transform)
        if self.on is not None:
            self._ink(gc, lambda: inked.points(transform.transform(triangles.reshape(-1, 2))))
            self._agg.draw_gouraud_triangles(self._gc(gc), triangles, colors,
                                             transform + self._scale())

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        self._pdf.draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        if self.on is not None:
            self._text(gc, x, y, s, prop, angle, ismath, mtext)

    def _text(self, gc, x, y, s, prop, angle, ismath, text) -> None:
        """The text on the canvas, unhinted: its glyphs where the PDF puts them (Agg's hinted
        advances at the canvas's resolution would run a long text a percent or two wider)."""
        k = self._k()
        up = self._pdf.get_canvas_width_height()[1] - y if self._pdf.flipy() else y
        # what the text's layout measured (the same call, answered from its cache)
        def box():
            w, h, d = mtext._get_text_metrics_with_cache(self, s, prop, ismath, self._fig.dpi)
            return inked.text(x, up, w, h, d, angle)

        self._ink(gc, box)
        hinting = mpl.rcParams["text.hinting"]
        mpl.rcParams["text.hinting"] = "no_hinting"
        try:
            self._agg.draw_text(self._gc(gc), x * k, self._agg.height - up * k, s, prop,
                                angle, ismath, text)
        finally:
            mpl.rcParams["text.hinting"] = hinting

    def draw_image(self, gc, x, y, im, *args, **kwargs):
        self._pdf.draw_image(gc, x, y, im, *args, **kwargs)
        if self.on is not None:  # resampled for the PDF's resolution: drawn on Agg directly
            object.__setattr__(self, "unsupported", True)

    def draw_tex(self, gc, x, y, s, prop, angle, *args, **kwargs):
        self._pdf.draw_tex(gc, x, y, s, prop, angle, *args, **kwargs)
        if self.on is not None:
            object.__setattr__(self, "unsupported", True)


@contextlib.contextmanager
def tapped(fig, groups: dict, tee_of, after) -> Iterator[None]:
    """While `fig` is saved inside this, its page is drawn with `tee_of(renderer)` (a `Tee`)
    in place of the renderer it is given, with the tee on while the artists of `groups`
    (name: artists, e.g. the page's background, each chart's axes) draw; then `after(tee)`
    is called."""
    own = {id(a): (name, a) for name, artists in groups.items() for a in artists}

    def draw_figure(renderer):
        tee = tee_of(renderer)
        type(fig).draw(fig, tee)
        after(tee)

    def on_while(name, artist):
        def draw(renderer):
            if not isinstance(renderer, Tee):  # drawn elsewhere: as it would be
                return type(artist).draw(artist, renderer)
            was, renderer.on = renderer.on, name
            try:
                return type(artist).draw(artist, renderer)
            finally:
                renderer.on = was
        return draw

    fig.draw = draw_figure
    for name, artist in own.values():
        artist.draw = on_while(name, artist)
    try:
        yield
    finally:
        del fig.draw
        for _, artist in own.values():
            del artist.draw
