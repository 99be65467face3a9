"""How long the baseline's report takes: CPU seconds (this process and its forked children)
of drawing report.pdf, with and without the charts' PNGs, from a saved 1,000-replication run.

    .venv/bin/python benchmarks/report_speed.py [--n 3] [--run DIR]

Prints, per figure: what was timed, n (runs), min and median CPU seconds and the median wall
time. The run directory is made once (not timed) unless --run names one. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

BASELINE = HERE.parent / "scenarios" / "dianjun-baseline.yaml"


def cpu_seconds() -> float:
    """User + system CPU of this process and its waited-for children [s]."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def make_run(out: Path, n: int = 1000, seed: int = 9) -> Path:
    import simulator as sim
    from simulator.ensemble.run import run_ensemble
    from simulator.output.run_dir import write_run

    scenario = sim.load_scenario(BASELINE)
    return write_run(run_ensemble(scenario, n, seed), out, scenario_file=str(BASELINE))


def measure(label: str, fn, n: int) -> None:
    cpu, wall = [], []
    for _ in range(n):
        c, w = cpu_seconds(), time.perf_counter()
        fn()
        cpu.append(cpu_seconds() - c)
        wall.append(time.perf_counter() - w)
    print(f"{label:<46} n={n}  CPU min {min(cpu):5.2f} s  median {statistics.median(cpu):5.2f} s"
          f"  (wall median {statistics.median(wall):5.2f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3, help="runs per figure (default 3)")
    ap.add_argument("--run", type=Path, help="an existing run directory to redraw")
    args = ap.parse_args()
    from simulator.report import write_report

    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(CPU seconds grow when other processes share the cores)", flush=True)
    with tempfile.TemporaryDirectory(prefix="capsim-report-speed-") as tmp:
        run = args.run or make_run(Path(tmp) / "baseline")
        write_report(run)  # the first draw loads matplotlib and the font: not timed
        measure("report.pdf of the baseline (1,000 reps)", lambda: write_report(run), args.n)
        measure("report.pdf + charts/*.png (--png)", lambda: write_report(run, png=True),
                args.n)


if __name__ == "__main__":
    main()
