"""Put a run's report together: the registered pages (see `registry`) into one `Document`,
written as report.pdf and, if asked, each chart as charts/<name>.png."""

from __future__ import annotations

import os
from pathlib import Path

from simulator.report.data import Results
from simulator.report.document import Document, Meta, collector_paused
from simulator.report.run.registry import RUN_PAGES, page_functions


def meta_of(res: Results) -> Meta:
    """The report's metadata from the run's facts (summary.json or the ensemble)."""
    from simulator import __version__

    f = res.facts
    reps = f.get("replications")
    return Meta(title=res.title, subject=res.t("report"),
                scenario_hash=str(f.get("scenario_hash", "")), seed=f.get("seed"),
                version=str(f.get("version") or __version__), lang=res.t.lang,
                replications=int(reps) if reps is not None else None,
                overrides=dict(f.get("overrides") or {}))


def render(res: Results, pdf_path: Path, charts_dir: Path | None = None,
           entries: tuple[str, ...] = RUN_PAGES, extra_pages: tuple = ()) -> Path:
    """Draw the report of `res` to `pdf_path` and its charts to `charts_dir` (if given);
    `extra_pages`: more page functions `(doc, res) -> None` after the registered ones (e.g. the
    hindcast's, when the run was scored against observations).

    A failure leaves the previous PDF and charts folder whole (see `Document.write`).
    """
    with Document(meta_of(res)) as doc:
        for pages in [*page_functions(entries), *extra_pages]:
            pages(doc, res)
        doc.write(pdf_path, charts_dir)
    return Path(pdf_path)


def write_report(run_dir: str | os.PathLike, lang: str | None = None, png: bool = False,
                 extra_pages: tuple = ()) -> Path:
    """Draw `report.pdf` (and with `png`, `charts/*.png`) in a run directory from its saved
    results.

    `lang` ('zh' or 'en') overrides the scenario's `language`. The PDF and the charts folder
    are replaced whole, so a failure leaves the previous ones in place. Returns the PDF path.
    """
    from simulator.output.run_dir import read_run

    run_dir = Path(run_dir)
    with collector_paused():  # reading the scenario's YAML makes many small objects: no
        res = Results.from_run(read_run(run_dir), lang)  # full collections meanwhile
    return render(res, run_dir / "report.pdf", run_dir / "charts" if png else None,
                  extra_pages=extra_pages)
