"""How long the baseline's report and `capsim run` take, against the aims of issue 12 item 1.

    .venv/bin/python benchmarks/report_speed.py [--n 3] [--run DIR] [--split auto|always|never]

Figures, each measured n times (default 3) in a fresh process of its own:

- report.pdf of a saved 1,000-replication baseline run, redrawn (`capsim report`'s work, in a
  process that has drawn it once already: imports and font loading not timed);
- the same with charts/*.png (`--png`);
- `capsim run scenarios/dianjun-baseline.yaml` with its defaults (1,000 replications, the PDF,
  the xlsx), the whole command as a user runs it (start-up and imports included).

For each: n, min and median CPU seconds (the process and every child it waited for: the
forked half of the report, the workbook's writer), min and median wall seconds, and the peak
resident memory of the largest process. `--split` says whether the report's pages and the
workbook are split between two processes: `auto` (capsim's default: only if the load average
leaves a core spare), `always` or `never` (one process). The load average is printed first: the
machine is shared (4 developers on 2 cores when this was written), and both CPU and wall grow
when others use the cores; the wall aim is for an idle machine. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

BASELINE = ROOT / "scenarios" / "dianjun-baseline.yaml"
AIMS = {"report": ("CPU", 3.0), "png": ("CPU", 3.0), "run": ("wall", 5.0)}
LABELS = {"report": "report.pdf of the baseline (1,000 reps), redrawn",
          "png": "report.pdf + charts/*.png (--png), redrawn",
          "run": "capsim run baseline, defaults (1,000 reps, PDF, xlsx)"}


def usage() -> tuple[float, int]:
    """CPU seconds (user + system) of this process and its waited-for children, and the peak
    resident memory of the largest of them [KiB]."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, max(own.ru_maxrss, kids.ru_maxrss)


def make_run(out: Path, n: int = 1000, seed: int = 9) -> Path:
    import simulator as sim
    from simulator.ensemble.run import run_ensemble
    from simulator.output.run_dir import write_run

    scenario = sim.load_scenario(BASELINE)
    return write_run(run_ensemble(scenario, n, seed), out, scenario_file=str(BASELINE))


def one_report(run: Path, png: bool, split: str) -> dict:
    """In this (fresh) process: draw once untimed, then once timed."""
    from simulator.report import write_report

    try:
        from simulator.output import forked
        forked.SPLIT = split
    except ImportError:  # a capsim from before the split: timed as it is
        pass
    write_report(run, png=png)  # loads matplotlib, the fonts, the page modules: not timed
    cpu, wall = usage()[0], time.perf_counter()
    write_report(run, png=png)
    return {"cpu": usage()[0] - cpu, "wall": time.perf_counter() - wall, "rss": usage()[1]}


def one_run(out: Path, split: str) -> dict:
    """`capsim run` of the baseline with its defaults, as a command (what the `capsim` script
    runs, with `--split` applied)."""
    code = ("import sys\ntry:\n    from simulator.output import forked\n"
            f"    forked.SPLIT = {split!r}\nexcept ImportError:\n    pass\n"
            "from simulator.cli import main\nsys.argv = ['capsim'] + sys.argv[1:]\nmain()")
    cmd = [sys.executable, "-c", code, "run", str(BASELINE), "--out", str(out), "--quiet"]
    wall = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - wall
    if proc.returncode != 0:
        raise SystemExit(f"capsim run failed ({proc.returncode})")
    return {"cpu": ru.ru_utime + ru.ru_stime, "wall": wall, "rss": ru.ru_maxrss}


def measure(what: str, n: int, run: Path, tmp: Path, split: str) -> list[dict]:
    out = []
    for i in range(n):
        if what == "run":
            out.append(one_run(tmp / f"run-{i}", split))
            continue
        cmd = [sys.executable, __file__, "--one", what, "--run", str(run), "--split", split]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


def line(what: str, runs: list[dict]) -> str:
    cpu = [r["cpu"] for r in runs]
    wall = [r["wall"] for r in runs]
    kind, aim = AIMS[what]
    got = statistics.median(cpu if kind == "CPU" else wall)
    verdict = "meets" if got < aim else "misses"
    return (f"{LABELS[what]:<55} n={len(runs)}  CPU min {min(cpu):5.2f} median "
            f"{statistics.median(cpu):5.2f} s  wall min {min(wall):5.2f} median "
            f"{statistics.median(wall):5.2f} s  peak {max(r['rss'] for r in runs) / 1024:4.0f} "
            f"MiB  aim: {kind} < {aim:.0f} s ({verdict}, median)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3, help="runs per figure (default 3, at least 3)")
    ap.add_argument("--run", type=Path, help="an existing baseline run directory to redraw")
    ap.add_argument("--split", choices=["auto", "always", "never"], default="auto",
                    help="split the report and the workbook between two processes")
    ap.add_argument("--only", choices=sorted(AIMS), action="append", help="only these figures")
    ap.add_argument("--one", choices=["report", "png"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:  # a measuring child: one timed draw, as JSON
        print(json.dumps(one_report(args.run, args.one == "png", args.split)))
        return
    n = max(args.n, 3)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores "
          f"(shared machine: CPU and wall seconds grow when others use the cores); "
          f"split: {args.split}", flush=True)
    with tempfile.TemporaryDirectory(prefix="capsim-report-speed-") as tmp:
        run = args.run or make_run(Path(tmp) / "baseline")  # made once, not timed
        for what in args.only or ["report", "png", "run"]:
            print(line(what, measure(what, n, run, Path(tmp), args.split)), flush=True)
    load = os.getloadavg()
    print(f"load average afterwards {load[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
