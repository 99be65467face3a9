"""`capsim hindcast`: the scores printed and written, and a bad observations file refused whole."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
OBSERVATIONS = ROOT / "observations" / "yichang-2023-2025.yaml"


def capsim(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "simulator", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_hindcast_prints_coverage_and_crps_and_writes_its_files(tmp_path):
    out = tmp_path / "hc"
    res = capsim("hindcast", BASELINE, OBSERVATIONS, "-n", 40, "--out", out, "--no-report", "-q")
    assert res.returncode == 0, res.stderr
    assert "coverage of the 80 % band: 3 of 4 (75 %)" in res.stdout
    assert "mean CRPS:" in res.stdout
    assert "skipped hubei-ai-2024-12 (2024-12): counts province hubei" in res.stdout
    for name in ("hindcast.csv", "hindcast.pdf", "summary.json", "monthly.csv"):
        assert (out / name).is_file(), name
    rows = list(csv.DictReader((out / "hindcast.csv").open(encoding="utf-8")))
    assert len(rows) == 12
    assert {r["status"] for r in rows} == {"scored", "skipped"}
    far = next(r for r in rows if r["observation"] == "dianjun-ai-under-construction-2024-10")
    assert (far["pit"], far["inside_80"]) == ("1", "False")
    assert all(r["source"] for r in rows)


def test_a_bad_observations_file_is_refused_before_any_run(tmp_path):
    bad = tmp_path / "obs.yaml"
    bad.write_text("name: x\nobservations:\n  - id: a\n    month: 2024-13\n", encoding="utf-8")
    out = tmp_path / "hc"
    res = capsim("hindcast", BASELINE, bad, "-n", 5, "--out", out, "--no-report", "-q")
    assert res.returncode == 2
    assert f"{bad}:4:12: observations.a.month: '2024-13': month 13 is not 1-12" in res.stderr
    assert "Traceback" not in res.stderr and not out.exists()


def test_problems_in_both_files_come_back_at_once(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("extends: " + str(BASELINE) + "\nend: 2027-13\n", encoding="utf-8")
    bad = tmp_path / "obs.yaml"
    bad.write_text("name: x\nobservations: []\n", encoding="utf-8")
    res = capsim("hindcast", scenario, bad, "-n", 5, "--out", tmp_path / "hc", "-q")
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert any(line.startswith(f"{scenario}:2:6: end: ") for line in lines), lines
    assert f"{bad}:2:15: observations: must not be empty" in lines, lines


def test_run_with_observations_puts_the_hindcast_in_the_report(tmp_path):
    """`capsim run --observations` adds the hindcast's pages to report.pdf (issue 16 item 4).

    The fast loop's one real `capsim run` that writes its report (a plain one: test_report.py,
    slow)."""
    import subprocess
    import sys

    from pypdf import PdfReader

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "simulator", "run",
                          str(root / "scenarios" / "dianjun-baseline.yaml"), "-n", "20",
                          "--observations", str(root / "observations" / "yichang-2023-2025.yaml"),
                          "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    pages = [p.extract_text() for p in PdfReader(out / "report.pdf").pages]
    assert any(p.startswith("Hindcast:") or "\nHindcast:" in p for p in pages)
    assert any("The forecast against the reports" in p for p in pages)
    assert (out / "hindcast.pdf").is_file() and (out / "hindcast.csv").is_file()
    assert not (out / "charts").exists()  # PNGs only with --png
