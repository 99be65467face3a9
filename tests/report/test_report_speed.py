"""The report on two cores: pages drawn in two forked halves and joined equal the pages drawn
in one process (count, text, metadata, PNGs); failures on either side are reported and leave
nothing behind; results.xlsx written beside the report in a forked child; no child outlives
its call."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from matplotlib.artist import Artist

import simulator as sim
from simulator.ensemble.run import run_ensemble
from simulator.output import forked
from simulator.output.run_dir import with_extra, write_run
from simulator.report import fork, halves, write_report
from simulator.report.document import Chart, Document, Meta

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
PAGES = 5


def children() -> set[int]:
    """This process's child processes (Linux: /proc), running or not yet waited for."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        with contextlib.suppress(OSError):
            out |= {int(pid) for pid in (task / "children").read_text().split()}
    return out


@pytest.fixture
def no_children_left():
    """A check that no child started since the test began is left (other tests' are
    ignored)."""
    before = children()
    return lambda: children() <= before


def plot(ax, k, **_):
    ax.plot(np.arange(12), np.arange(12) * (k + 1), label=f"系列 {k}")
    ax.set_title(f"第 {k} 张图 chart {k}")
    ax.legend()
    return ax


class Boom(Artist):
    """An artist that cannot be drawn."""

    def draw(self, renderer):
        raise ValueError("boom while drawing")


def document(broken_page: int | None = None) -> Document:
    doc = Document(Meta(title="两核测试 two cores", subject="测试", scenario_hash="abc123"))
    with doc:
        for k in range(PAGES):
            fig = doc.page(f"第 {k + 1} 页 page {k + 1}")
            doc.draw(fig, fig.add_subplot(), Chart(f"chart-{k}", plot, k))
            if k == broken_page:
                fig.add_artist(Boom())
    return doc


def write(doc: Document, out: Path, png: bool = True) -> Path:
    with doc:
        return doc.write(out / "report.pdf", out / "charts" if png else None)


def pages_text(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


@pytest.fixture(autouse=True)
def split_always(monkeypatch):
    """Split whatever the machine's load (by default only with a core to spare)."""
    monkeypatch.setattr(forked, "SPLIT", "always")


@pytest.fixture
def forking():
    """Tests of the forked paths need a process that may fork: none where an earlier test
    left threads running (capsim then draws in one process, which other tests cover)."""
    if not forked.can_fork():
        names = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
        pytest.skip(f"forking is off in this process: other threads are running ({names})")


@pytest.fixture
def both(tmp_path, monkeypatch, forking):
    """The same document written in two halves (forked) and in this process."""
    halved, single = tmp_path / "halves", tmp_path / "single"
    halved.mkdir(), single.mkdir()
    assert halves.available(PAGES), "forking and pypdf are available on the test machine"
    write(document(), halved)
    monkeypatch.setattr(fork, "ENABLED", False)
    assert not halves.available(PAGES)
    write(document(), single)
    return halved, single


def test_halves_give_the_pages_text_and_metadata_of_one_process(no_children_left, both):
    halved, single = both
    text = pages_text(halved / "report.pdf")
    assert len(text) == PAGES
    assert text == pages_text(single / "report.pdf")
    for k, page in enumerate(text):  # in order: odd pages drawn here, even pages forked
        assert f"第 {k + 1} 页 page {k + 1}" in page and f"{k + 1} / {PAGES}" in page
    meta = pypdf.PdfReader(str(halved / "report.pdf")).metadata
    assert meta.title == "两核测试 two cores" and meta.subject == "测试"
    assert meta.author == "capsim" and meta.producer.startswith("Matplotlib")
    assert no_children_left() and gc.get_freeze_count() == 0


def test_halves_draw_the_same_pngs(both):
    halved, single = both
    names = sorted(p.name for p in (halved / "charts").iterdir())
    assert names == sorted(p.name for p in (single / "charts").iterdir())
    assert names == [f"chart-{k}.png" for k in range(PAGES)]
    for name in names:  # the same layout and raster on either side: the same pixels
        a, b = pixels(halved / "charts" / name), pixels(single / "charts" / name)
        assert a.shape == b.shape and a.shape[0] > 300 and a.shape[1] > 600
        assert np.array_equal(a, b), name


@pytest.mark.parametrize("broken_page", [0, 1])  # 0: drawn here; 1: in the forked child
def test_a_failing_half_is_reported_and_leaves_the_old_files(tmp_path, broken_page, forking,
                                                           no_children_left):
    write(document(), tmp_path)
    before = (tmp_path / "report.pdf").read_bytes()
    charts = sorted(p.name for p in (tmp_path / "charts").iterdir())
    with pytest.raises((ValueError, RuntimeError), match="boom while drawing"):
        write(document(broken_page), tmp_path)
    assert (tmp_path / "report.pdf").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == charts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charts", "report.pdf"]
    assert no_children_left() and gc.get_freeze_count() == 0


def test_the_workbook_is_written_beside_the_report(tmp_path, forking, no_children_left):
    order = []
    with_extra(lambda: (tmp_path / "book").write_text("xlsx"), lambda: order.append("extra"))
    assert (tmp_path / "book").read_text() == "xlsx" and order == ["extra"]
    assert no_children_left() and gc.get_freeze_count() == 0


def test_a_failing_workbook_or_report_is_reported(tmp_path, forking, no_children_left):
    def bad_book():
        raise OSError("disk full")

    def bad_report():
        raise KeyError("page")

    with pytest.raises(RuntimeError, match="writing results.xlsx failed: disk full"):
        with_extra(bad_book, lambda: None)
    with pytest.raises(KeyError):  # the report's error, not the workbook's
        with_extra(bad_book, bad_report)
    assert no_children_left() and gc.get_freeze_count() == 0


def test_splitting_waits_for_a_spare_core(monkeypatch):
    monkeypatch.setattr(forked, "SPLIT", "auto")
    monkeypatch.setattr(forked, "can_fork", lambda: True)  # whatever other tests left running
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.2, 1.0, 1.0))
    assert forked.worth_splitting() and halves.available(PAGES)
    monkeypatch.setattr(os, "getloadavg", lambda: (3.7, 3.0, 2.0))  # others use both cores
    assert not forked.worth_splitting() and not halves.available(PAGES)
    order = []  # then the workbook and the report are written one after the other
    with_extra(lambda: order.append("xlsx"), lambda: order.append("extra"))
    assert order == ["xlsx", "extra"]
    monkeypatch.setattr(forked, "SPLIT", "never")
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not forked.worth_splitting()


def test_unforked_jobs_run_at_once(monkeypatch):
    monkeypatch.setattr(forked, "ENABLED", False)
    done = []
    job = forked.start(lambda: done.append(1))
    assert done == [1] and job.pid is None
    job.join()


@pytest.mark.slow
def test_baseline_report_forked_equals_in_process(tmp_path, monkeypatch, forking,
                                                  no_children_left):
    """The whole run report of the baseline (10 replications), with its PNGs."""
    scenario = sim.load_scenario(BASELINE)
    ens = run_ensemble(scenario, 10, 9)
    runs = []
    for name in ("forked", "single"):
        if name == "single":
            monkeypatch.setattr(fork, "ENABLED", False)
        out = write_run(ens, tmp_path / name, scenario_file=str(BASELINE))
        write_report(out, png=True)
        runs.append(out)
    a, b = (pages_text(r / "report.pdf") for r in runs)
    assert len(a) == len(b) == 21 and a == b
    names = sorted(p.name for p in (runs[0] / "charts").iterdir())
    assert names == sorted(p.name for p in (runs[1] / "charts").iterdir()) and len(names) == 33
    for name in names:
        assert pixels(runs[0] / "charts" / name).shape == pixels(runs[1] / "charts" / name).shape
    assert no_children_left()


def test_forked_paths_in_a_fresh_process(tmp_path):
    """Where an earlier test left threads running (Dask's offload and IO-loop threads stay for
    the life of the process), the tests above skip; they run here in a fresh process, which
    must end with all of them passed (none skipped)."""
    if forked.can_fork():
        pytest.skip("this process may fork: the tests above ran here")
    import subprocess
    import sys

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-m", "not slow", "-p",
         "no:cacheprovider", "-k", "not fresh_process", "-rs", f"--basetemp={tmp_path}"],
        capture_output=True, text=True, timeout=600, env=env,
        cwd=Path(__file__).resolve().parents[2])
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "skipped" not in res.stdout.splitlines()[-1], res.stdout[-2000:]
