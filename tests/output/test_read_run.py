"""A damaged run directory is a one-line error naming the file and what is wrong; `capsim report`
on it exits 2 and leaves report.pdf and charts/ as they were."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_YAML, tree_state

HINT = "(run the scenario again to write it afresh)"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    import simulator as sim

    root = tmp_path_factory.mktemp("run")
    (root / "s.yaml").write_text(EXAMPLE_YAML, encoding="utf-8")
    ens = sim.run_ensemble(sim.load_scenario(root / "s.yaml"), 3, seed=1)
    return sim.write_run(ens, root / "run")


def _sub(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _row2(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = edit(lines[1])
    path.write_text("\n".join(lines), encoding="utf-8")


def _last(value: str):
    return lambda row: row.rsplit(",", 1)[0] + "," + value


DAMAGE = {
    "summary-missing": (lambda d: (d / "summary.json").unlink(),
                        "{d}: not a complete run directory: missing summary.json (run `capsim run "
                        "SCENARIO` first)"),
    "summary-truncated": (lambda d: (d / "summary.json").write_bytes(
        (d / "summary.json").read_bytes()[:12]), "{d}/summary.json: damaged run directory: not "
        "valid JSON (Unterminated string starting at: line 2 column 3 (char 4)) " + HINT),
    "summary-not-utf8": (lambda d: (d / "summary.json").write_bytes(b"\xff\xfe{}"),
                         "{d}/summary.json: damaged run directory: not UTF-8 text (byte 0) " + HINT),
    "summary-garbage": (lambda d: (d / "summary.json").write_text("[1, 2]"),
                        "{d}/summary.json: damaged run directory: not a JSON object " + HINT),
    "summary-nan": (lambda d: _sub(d / "summary.json", '"seed": 1,', '"seed": NaN,'),
                    "{d}/summary.json: damaged run directory: not valid JSON (NaN is not a JSON "
                    "number) " + HINT),
    "summary-1e308": (lambda d: _sub(d / "summary.json", '"target_p": 1000.0', '"target_p": 1e308'),
                      "{d}/summary.json: damaged run directory: targets[0].target_p is 1e+308, "
                      "out of range " + HINT),
    "monthly-truncated": (lambda d: (d / "monthly.csv").write_text("".join(
        (d / "monthly.csv").read_text().splitlines(True)[:26])), "{d}/monthly.csv: damaged run directory: "
        "capacity_p of hpc at all has 25 rows for 60 months " + HINT),
    "monthly-garbage": (lambda d: (d / "monthly.csv").write_bytes(b"\x00\x01,\x02\n\x03"),
                        "{d}/monthly.csv: damaged run directory: no column month, type, "
                        "facility, metric, mean, p10, p50, p90 " + HINT),
    "monthly-inf": (lambda d: _row2(d / "monthly.csv", _last("inf")),
                    "{d}/monthly.csv: damaged run directory: row 2, p90: inf is out of range "
                    + HINT),
    "monthly-nan-text": (lambda d: _row2(d / "monthly.csv", _last("nan")),
                         "{d}/monthly.csv: damaged run directory: row 2, p90: 'nan' is not a "
                         "number " + HINT),
    "monthly-month-out-of-range": (
        lambda d: _row2(d / "monthly.csv", lambda r: "2099-01" + r[7:]),
        "{d}/monthly.csv: damaged run directory: row 2, month: 2099-01 is outside the "
        "scenario's months " + HINT),
    "phases-garbage": (lambda d: (d / "phases.csv").write_text("x,y\n1,2\n"),
                       "{d}/phases.csv: damaged run directory: no column facility, phase, "
                       "capacity_p, online_p10, online_p50, online_p90 " + HINT),
    "phases-empty": (lambda d: (d / "phases.csv").write_text(""),
                     "{d}/phases.csv: damaged run directory: not a CSV table (No columns to "
                     "parse from file) " + HINT),
    "phases-bad-month": (lambda d: _sub(d / "phases.csv", "2023-06", "2023-13"),
                         "{d}/phases.csv: damaged run directory: row 2, start_p10: '2023-13' is "
                         "not a month " + HINT),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_run_directory_says_which_file_and_what(run_dir, tmp_path, case):
    from simulator.errors import ScenarioError
    from simulator.output.run_dir import read_run

    damage, expected = DAMAGE[case]
    d = tmp_path / "run"
    shutil.copytree(run_dir, d)
    damage(d)
    with pytest.raises(ScenarioError) as err:
        read_run(d)
    assert err.value.lines() == [expected.format(d=d)]


def test_an_undamaged_run_directory_reads_back(run_dir):
    from simulator.output.run_dir import read_run

    run = read_run(run_dir)
    assert run.summary["replications"] == 3 and len(run.monthly) > 0


@pytest.mark.slow
@pytest.mark.parametrize("case", ["summary-truncated", "monthly-truncated", "phases-bad-month"])
def test_report_on_a_damaged_folder_exits_2_and_keeps_the_old_report(run_dir, tmp_path, case):
    d = tmp_path / "run"
    shutil.copytree(run_dir, d)
    first = subprocess.run([sys.executable, "-m", "simulator", "report", str(d)],
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    damage, expected = DAMAGE[case]
    damage(d)
    before = tree_state(tmp_path)
    res = subprocess.run([sys.executable, "-m", "simulator", "report", str(d)],
                         capture_output=True, text=True, timeout=300)
    assert (res.returncode, res.stdout, res.stderr.splitlines()) == (
        2, "", [expected.format(d=d)])
    assert tree_state(tmp_path) == before
