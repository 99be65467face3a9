"""Draw a document's pages on two cores: every other page in a forked child, then one PDF.

Laying a page out and drawing it (PDF, and the PNGs of its charts with `--png`) costs about the
same for every page, so the pages are dealt out alternately: this process draws pages 1, 3,
5, ... and a forked child pages 2, 4, 6, ..., each into a PDF of its own (and each writing its
charts' PNGs). The two PDFs are then joined page by page, in the original order, with pypdf
(pure Python, fast: the page contents are copied, not redrawn). The text, the pages and the
metadata are those of drawing in one process; each half embeds its own font subset, so the
file is somewhat larger.

Used only where forking is safe (see `fork.can_fork`), a core is spare (on a busy machine the
forked half's extra CPU would buy no time); otherwise `Document.write`
draws all the pages (and their PNGs, from the same draw) in this process.
"""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from simulator.output import forked
from simulator.report import fork
from simulator.report.raster import save_pages


def available(pages: int) -> bool:
    """True if `pages` pages are to be drawn in two halves here: forking is safe and worth it
    (a core to spare, see `simulator.output.forked.worth_splitting`)."""
    return pages >= 2 and fork.can_fork() and forked.worth_splitting()


def draw_pages(figures: list[Figure], pdf_path: Path, metadata: dict,
               placed: list | None = None, png_dir: Path | None = None) -> None:
    """Lay `figures` out once, write them to `pdf_path` and, with `png_dir`, the charts of
    `placed` that sit on them as PNGs (from the same draw, see `raster.save_pages`)."""
    with PdfPages(pdf_path, metadata=metadata) as pdf:
        save_pages(pdf, figures, placed, png_dir)


def draw_in_halves(figures: list[Figure], pdf_path: Path, metadata: dict,
                   placed: list | None = None, png_dir: Path | None = None) -> None:
    """Draw the odd pages here and the even pages in a forked child, then join the two PDFs
    into `pdf_path` in page order. The child's PDF is removed whatever happens."""
    ours, theirs = figures[0::2], figures[1::2]
    part = pdf_path.with_name(f"{pdf_path.name}.even-{os.getpid()}")
    own = pdf_path.with_name(f"{pdf_path.name}.odd-{os.getpid()}")
    job = None
    try:
        job = fork.start(lambda: draw_pages(theirs, part, metadata, placed, png_dir))
        draw_pages(ours, own, metadata, placed, png_dir)
        job, running = None, job
        running.join()
        join_pdfs(own, part, pdf_path)
    finally:
        if job is not None:  # this half failed: let the child finish, report this error
            try:
                job.join()
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
        part.unlink(missing_ok=True)
        own.unlink(missing_ok=True)


def join_pdfs(odd: Path, even: Path, out: Path) -> None:
    """Pages 1, 3, 5, ... from `odd` and 2, 4, 6, ... from `even`, interleaved, into `out`,
    with the metadata of `odd` (title, subject, creator, dates: both halves have the same)."""
    from pypdf import PdfReader, PdfWriter

    a, b = PdfReader(odd), PdfReader(even)
    writer = PdfWriter()
    for i in range(len(a.pages) + len(b.pages)):
        writer.add_page((a if i % 2 == 0 else b).pages[i // 2])
    if a.metadata:
        writer.add_metadata(dict(a.metadata))
    with open(out, "wb") as fh:
        writer.write(fh)
