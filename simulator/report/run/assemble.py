"""Put a run's report together: pages of charts into report.pdf, each chart also a PNG."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import Bbox
from PIL import Image

from simulator.report.run import build as cb
from simulator.report.run import capacity as cc
from simulator.report.run import demand as cd
from simulator.report.run import tenants as ct
from simulator.report import fork
from simulator.report.run.assumptions import assumption_pages
from simulator.report.run.money import money_pages
from simulator.report.data import Results
from simulator.report.pages import cover, draw_table, footer, page, phase_rows, table_height
from simulator.report.style import register_font, report_rc

PNG_DPI = 150  # the charts/ PNGs [dots per inch]


@dataclass
class Chart:
    """One chart: its PNG name, its plot function `(ax, data, **kw) -> ax` and its data."""

    name: str
    plot: Callable
    data: object
    page_kw: dict = field(default_factory=dict)  # options on its page


@dataclass
class Report:
    """The pages, and where on them each chart is: (name, page, axes) to cut out as a PNG."""

    figures: list[Figure] = field(default_factory=list)
    placed: list[tuple[str, Figure, list]] = field(default_factory=list)

    def draw(self, fig: Figure, ax, chart: Chart, **kw) -> None:
        """Draw a chart on `ax`; remember its axes (and any it adds, e.g. a colour bar)."""
        before = list(fig.axes)
        chart.plot(ax, chart.data, **{**chart.page_kw, **kw})
        self.placed.append((chart.name, fig, [ax] + [a for a in fig.axes if a not in before]))


def charts(res: Results) -> dict[str, list[Chart]]:
    """The charts of the report, grouped by the page kind they go on."""
    types = res.types
    targets = res.targets.to_dict("records")
    tcolors = ct.tenant_colors(res)
    tm = res.tenant_monthly
    tenant_types = [x for x in types if tm.loc[tm["type"] == x, "demand_p"].sum() > 0]
    return {
        "capacity": [Chart(f"capacity-{x}", cc.plot_capacity, cc.capacity_data(res, x))
                     for x in types],
        "gap": [Chart(f"gap-{r['target']}", cc.plot_gap, cc.gap_data(res, r)) for r in targets],
        "demand": [Chart(f"demand-{x}", cd.plot_demand, cd.demand_data(res, x)) for x in types],
        "util": [Chart("utilization", cd.plot_utilization, cd.utilization_data(res)),
                 Chart("idle", cd.plot_idle, cd.idle_data(res))],
        "tenants": [Chart("tenant-pipeline", ct.plot_pipeline, ct.pipeline_data(res))],
        "tenant_demand": [Chart(f"tenant-demand-{x}", ct.plot_tenant_demand,
                                ct.tenant_demand_data(res, x, tcolors)) for x in tenant_types],
        "build": [Chart("buildout", cb.plot_gantt, cb.gantt_data(res))],
        "money": [Chart("power", cb.plot_series, cb.power_data(res), {"legend_at": "right"}),
                  Chart("energy-cost", cb.plot_series, cb.energy_cost_data(res)),
                  Chart("capex", cb.plot_capex, cb.capex_data(res))],
    }


def _grid(rep: Report, title: str, items: list[Chart], rows: int, cols: int) -> None:
    """Pages of `rows` x `cols` charts."""
    per = rows * cols
    for k in range(0, len(items), per):
        fig = page(title)
        chunk = items[k:k + per]
        r = min(rows, -(-len(chunk) // cols))
        axes = fig.subplots(r, cols if len(chunk) > 1 else 1, squeeze=False).ravel()
        for ax, ch in zip(axes, chunk):
            rep.draw(fig, ax, ch)
        for ax in axes[len(chunk):]:
            ax.set_visible(False)
        rep.figures.append(fig)


def pages(res: Results, c: dict[str, list[Chart]] | None = None) -> Report:
    """Every page of the report, in order (`c`: the charts, if already built)."""
    t = res.t
    c = c or charts(res)
    rep = Report([cover(res)])
    targeted = set(res.targets["type"]) if len(res.targets) else set()
    for ch in c["capacity"]:  # a page for each type with a target, the others two a page
        if ch.name.removeprefix("capacity-") in targeted:
            _grid(rep, t("p_capacity"), [ch], 1, 1)
    _grid(rep, t("p_capacity"), [ch for ch in c["capacity"]
                                 if ch.name.removeprefix("capacity-") not in targeted], 2, 1)
    _grid(rep, t("p_gap"), c["gap"], 2, 1)
    _grid(rep, t("p_demand"), c["demand"], 2, 2)
    heat, idle = c["util"]
    fig = page(t("p_util"))
    gs = fig.add_gridspec(2, 1, height_ratios=[max(len(heat.data.rows), 2) * 0.45 + 0.8, 3.2])
    rep.draw(fig, fig.add_subplot(gs[0]), heat)
    rep.draw(fig, fig.add_subplot(gs[1]), idle)
    rep.figures.append(fig)
    if len(res.tenants):
        _grid(rep, t("p_tenants"), c["tenants"], 1, 1)
    _grid(rep, t("p_tenant_demand"), c["tenant_demand"], 2, 1)
    (gantt,) = c["build"]
    header, rows = phase_rows(res)
    fig = page(t("p_build"))
    gs = fig.add_gridspec(2, 1, height_ratios=[0.6 * len(rows) + 1.0, table_height(len(rows))])
    rep.draw(fig, fig.add_subplot(gs[0]), gantt)
    ax = fig.add_subplot(gs[1])
    ax.set_axis_off()
    fig.get_layout_engine().execute(fig)  # place the axes, so the table knows its width
    draw_table(ax, header, rows, fontsize=8.5,
               align=["left", "left", "left", "left", "left", "right", "right"])
    rep.figures.append(fig)
    power, energy, capex = c["money"]
    fig = page(t("p_money"))
    gs = fig.add_gridspec(2, 2)
    rep.draw(fig, fig.add_subplot(gs[0, :]), power)
    rep.draw(fig, fig.add_subplot(gs[1, 0]), energy)
    rep.draw(fig, fig.add_subplot(gs[1, 1]), capex)
    rep.figures.append(fig)
    money_pages(rep, res)  # NPV, payback, cash flow per operator; the platform (run/money.py)
    rep.figures += assumption_pages(res)
    return rep


def write_pdf(figures: list[Figure], path: Path, res, title: str,
              subject: str | None = None) -> None:
    """Number the pages, then write them to `path` (`subject`: the PDF's, default the report's)."""
    from simulator import __version__

    n = len(figures)
    d = res.t.dot
    left = f"capsim {res.facts.get('version', __version__)}{d}{title}{d}" \
           f"{str(res.facts.get('scenario_hash', ''))[:12]}"
    for i, fig in enumerate(figures, 1):
        footer(fig, left, res.t("page", i=i, n=n))
    with PdfPages(path, metadata={"Title": title, "Author": "capsim",
                                  "Creator": f"capsim {__version__}",
                                  "Subject": subject or res.t("report")}) as pdf:
        for fig in figures:
            pdf.savefig(fig)


def freeze_layout(figures: list[Figure]) -> None:
    """Lay each page out once and keep that layout: the PDF and the PNGs then agree exactly,
    and neither lays the page out again."""
    for fig in figures:
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.execute(fig)  # what a draw would do first, without the drawing
            fig.set_layout_engine("none")


def write_pngs(rep: Report, out: Path) -> None:
    """Each chart cut out of a raster of its (laid out) page as out/<name>.png.

    One raster of a page serves all its charts: drawing each chart again on a figure of its
    own would cost as much as the whole PDF.
    """
    by_page: dict[int, list] = {}
    for name, fig, axes in rep.placed:
        by_page.setdefault(id(fig), []).append((name, fig, axes))
    for placed in by_page.values():
        fig = placed[0][1]
        dpi = fig.dpi
        fig.set_dpi(PNG_DPI)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        pixels = np.asarray(canvas.buffer_rgba())[..., :3]
        height, width = pixels.shape[:2]
        pad = PNG_DPI * 0.08
        for name, _, axes in placed:
            box = Bbox.union([a.get_tightbbox(renderer) for a in axes])
            x0, x1 = max(int(box.x0 - pad), 0), min(int(np.ceil(box.x1 + pad)), width)
            y0, y1 = max(int(height - box.y1 - pad), 0), min(int(np.ceil(height - box.y0 + pad)),
                                                             height)
            Image.fromarray(pixels[y0:y1, x0:x1]).save(out / f"{name}.png", compress_level=1)
        fig.set_dpi(dpi)


def render(res: Results, pdf_path: Path, charts_dir: Path | None) -> Path:
    """Draw the report of `res` to `pdf_path` and its charts to `charts_dir` (if given).

    The PNGs are drawn in a forked child while this process writes the PDF (see `fork`). Both
    are written beside their targets and renamed into place when both are complete, so a
    failure leaves the previous report whole.
    """
    register_font()
    pdf_tmp = pdf_path.with_name(f".{pdf_path.name}.tmp-{os.getpid()}")
    png_tmp, job = None, None
    try:
        with mpl.rc_context(report_rc()):
            rep = pages(res)
            freeze_layout(rep.figures)
            if charts_dir is not None:
                png_tmp = Path(tempfile.mkdtemp(prefix=f".{charts_dir.name}.tmp-",
                                                dir=charts_dir.parent))
                job = fork.start(lambda: write_pngs(rep, png_tmp))
            write_pdf(rep.figures, pdf_tmp, res, res.title)
            if job is not None:
                job, running = None, job
                running.join()
        if png_tmp is not None:
            _replace_dir(png_tmp, charts_dir)
        os.replace(pdf_tmp, pdf_path)
    finally:
        if job is not None:  # the PDF failed: let the child finish before cleaning up
            try:
                job.join()
            except Exception:  # noqa: BLE001 - the PDF's error is the one to report
                pass
        pdf_tmp.unlink(missing_ok=True)
        if png_tmp is not None and png_tmp.exists():
            shutil.rmtree(png_tmp, ignore_errors=True)
    return pdf_path


def _replace_dir(new: Path, target: Path) -> None:
    """Put directory `new` at `target`, replacing what was there."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_report(run_dir: str | os.PathLike, lang: str | None = None) -> Path:
    """Draw `report.pdf` and `charts/*.png` in a run directory from its saved results.

    `lang` ('zh' or 'en') overrides the scenario's `language`. The PDF and the charts folder
    are replaced whole, so a failure leaves the previous ones in place. Returns the PDF path.
    """
    from simulator.output.run_dir import read_run

    run_dir = Path(run_dir)
    res = Results.from_run(read_run(run_dir), lang)
    return render(res, run_dir / "report.pdf", run_dir / "charts")
