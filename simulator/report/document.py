"""The one PDF API: a `Document` holds a PDF's metadata and its pages; `write` draws them.

Every PDF capsim makes (the run report, the comparison, sensitivity, plan, sweep) is built the
same way:

    meta = Meta(title="…", subject=t("report"), scenario_hash=h, seed=9, version=v, lang="zh")
    with Document(meta) as doc:          # the report look, the bundled font, fonts resolved once
        fig = doc.page("Capacity")       # an A4 landscape page with its title
        doc.draw(fig, ax, chart)         # a chart on it, remembered for its PNG
        doc.write(pdf_path, charts_dir)  # footers, layout once, PDF (+ PNGs), on two cores

`write` lays each page out once, numbers the pages (footer: version, title, scenario hash,
overrides), writes the PDF and, if asked, the PNGs (cut from the same draw of each page, see
`raster`), each beside its target and renamed into place only when both are whole, so a
failure leaves the previous files as they were.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from simulator.report import halves
from simulator.report.i18n.text import Text
from simulator.report.raster import save_pages
from simulator.report.style import fonts_resolved_once, register_font, report_rc


@dataclass(frozen=True)
class Meta:
    """What every PDF says about itself: on the cover, in the footer and in its PDF metadata."""

    title: str  # the scenario's (or comparison's) title, in the report's language
    subject: str  # the kind of document, e.g. "算力规划报告"
    scenario_hash: str = ""
    seed: int | None = None
    version: str = ""
    lang: str = "zh"
    replications: int | None = None
    overrides: dict[str, object] = field(default_factory=dict)  # --set path: value
    footer: str = ""  # extra text for the footer (default: none)

    @property
    def t(self) -> Text:
        return Text(self.lang)

    def footer_left(self) -> str:
        """'capsim 0.1.0 · <title> · <hash> · 2 overrides'."""
        t = self.t
        parts = [f"capsim {self.version}".strip(), self.title, self.scenario_hash[:12]]
        if self.overrides:
            parts.append(t("d_overrides_n", n=len(self.overrides)))
        if self.footer:
            parts.append(self.footer)
        return t.dot.join(p for p in parts if p)


@dataclass
class Chart:
    """One chart: its PNG name, its plot function `(ax, data, **kw) -> ax` and its data."""

    name: str
    plot: Callable
    data: object
    page_kw: dict = field(default_factory=dict)  # options on its page


class Document:
    """A PDF being built: its `meta`, its pages (`figures`) and where each chart sits on them
    (`placed`: name, page, axes) to cut out as a PNG. Use it as a context manager: figures must
    be made inside it to take the report look."""

    def __init__(self, meta: Meta):
        self.meta = meta
        self.t = meta.t
        self.figures: list[Figure] = []
        self.placed: list[tuple[str, Figure, list]] = []
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> "Document":
        register_font()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(mpl.rc_context(report_rc()))
        self._stack.enter_context(fonts_resolved_once())
        self._stack.enter_context(collector_paused())
        return self

    def __exit__(self, *exc) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    # ------------------------------------------------------------------ pages
    def page(self, title: str, *, layout: bool = True) -> Figure:
        """A new A4 landscape page with its title, added to the document."""
        from simulator.report.pages import page

        return self.add(page(title, layout=layout))

    def add(self, *figures: Figure) -> Figure | None:
        """Add finished pages (in order); returns the last."""
        self.figures.extend(figures)
        return figures[-1] if figures else None

    def draw(self, fig: Figure, ax, chart: Chart, **kw) -> None:
        """Draw a chart on `ax`; remember its axes (and any it adds, e.g. a colour bar)."""
        before = list(fig.axes)
        chart.plot(ax, chart.data, **{**chart.page_kw, **kw})
        self.place(chart.name, fig, [ax] + [a for a in fig.axes if a not in before])

    def place(self, name: str, fig: Figure, axes: list) -> None:
        """Remember that the chart `name` (its PNG) is these axes of this page."""
        self.placed.append((name, fig, list(axes)))

    def grid(self, title: str, charts: list[Chart], rows: int, cols: int) -> None:
        """Pages of `rows` x `cols` charts."""
        per = rows * cols
        for k in range(0, len(charts), per):
            fig = self.page(title)
            chunk = charts[k:k + per]
            r = min(rows, -(-len(chunk) // cols))
            axes = fig.subplots(r, cols if len(chunk) > 1 else 1, squeeze=False).ravel()
            for ax, ch in zip(axes, chunk):
                self.draw(fig, ax, ch)
            for ax in axes[len(chunk):]:
                ax.set_visible(False)

    # ------------------------------------------------------------------ writing
    def write(self, path: str | os.PathLike, charts_dir: str | os.PathLike | None = None
              ) -> Path:
        """Write the PDF to `path` and, if `charts_dir` is given, each placed chart as
        `charts_dir/<name>.png`, cut from the same draw of each page. Where forking is safe
        and a core is spare the pages are drawn in two halves on two cores (see `halves`);
        else here. Both are written beside their targets and renamed into place when both are
        whole."""
        path = Path(path)
        charts_dir = Path(charts_dir) if charts_dir is not None else None
        self._footers()
        pdf_tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        png_tmp = None
        try:
            if charts_dir is not None:
                charts_dir.parent.mkdir(parents=True, exist_ok=True)
                png_tmp = Path(tempfile.mkdtemp(prefix=f".{charts_dir.name}.tmp-",
                                                dir=charts_dir.parent))
            if halves.available(len(self.figures)):  # two cores: every other page forked
                halves.draw_in_halves(self.figures, pdf_tmp, self._metadata(), self.placed,
                                      png_tmp)
            else:
                self._pdf(pdf_tmp, png_tmp)
            if png_tmp is not None:
                _replace_dir(png_tmp, charts_dir)
            os.replace(pdf_tmp, path)
        finally:
            pdf_tmp.unlink(missing_ok=True)
            if png_tmp is not None and png_tmp.exists():
                shutil.rmtree(png_tmp, ignore_errors=True)
        return path

    def _footers(self) -> None:
        from simulator.report.pages import footer

        left, n = self.meta.footer_left(), len(self.figures)
        for i, fig in enumerate(self.figures, 1):
            footer(fig, left, self.t("page", i=i, n=n))

    def _metadata(self) -> dict:
        from simulator import __version__

        return {"Title": self.meta.title, "Author": "capsim",
                "Creator": f"capsim {__version__}", "Subject": self.meta.subject}

    def _pdf(self, path: Path, png_dir: Path | None = None) -> None:
        with PdfPages(path, metadata=self._metadata()) as pdf:
            save_pages(pdf, self.figures, self.placed, png_dir)


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection while a document is built and drawn: matplotlib makes
    some 200,000 container objects for a run report, and each full collection walks every
    object of the process (the run's results too), some 15 % of the drawing's CPU. The
    garbage is collected as usual afterwards; the collector's state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _replace_dir(new: Path, target: Path) -> None:
    """Put directory `new` at `target`, replacing what was there."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
