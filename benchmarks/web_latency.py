"""Slider release to updated P(met) and charts, measured in headless Chromium (issue 18).

Starts `capsim serve` on a copy of scenarios/, opens the baseline at 1,000 replications, and moves
phase 2's start slider back and forth with the mouse. The page times each change itself: from the
slider's `change` event (the release) to the end of the last Plotly redraw after the new answer
(P(met) cards, fan, Gantt, demand, money). Prints n, min and median, and the machine's load.

    .venv/bin/python benchmarks/web_latency.py [--n 9] [--server-cpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.browser import (browser_missing, chromium, copy_scenarios, click_slider,  # noqa: E402
                               served, wait_updated)

P2 = "facilities.nacic.phases.p2.start"

def months(n: int) -> list[int]:
    """n+1 distinct months (indices), alternately early (from 2023-06 on) and late (from 2025-06
    back): every click lands far from the thumb, and no run is answered from the server's cache."""
    early, late = 2023 * 12 + 5, 2025 * 12 + 5
    return [early + k // 2 if k % 2 == 0 else late - k // 2 for k in range(n + 1)]


def measure(n: int, workers: int | None = None) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="capsim-bench-") as tmp:
        ws = copy_scenarios(ROOT, Path(tmp) / "ws")
        with served(ws, workers=workers) as url, chromium() as d:
            d.get(url)
            seq = wait_updated(d, 0)
            d.execute_script("arguments[0].scrollIntoView()", d.find_element(
                "css selector", f'input[data-path="{P2}"]'))
            for month in months(n):  # the first is a warm-up (JIT, caches)
                got = click_slider(d, P2, month)
                print(f"{month // 12}-{month % 12 + 1:02d} -> {got // 12}-{got % 12 + 1:02d}",
                      file=sys.stderr)
                seq = wait_updated(d, seq)
            return (d.execute_script("return window.capsim.latencies")[1:],
                    d.execute_script("return window.capsim.serverTimes")[1:])


def server_cpu(n: int) -> list[float]:
    """CPU seconds of the `/api/run` handler in this process (no workers), per update: the
    load-independent cost of validating, simulating 1,000 replications and building the tables."""
    import time
    import warnings

    from simulator.web.app import Draft, _run
    from simulator.web.live import Runner
    from simulator.web.workspace import Workspace

    warnings.simplefilter("ignore")
    ws, runner = Workspace(ROOT / "scenarios"), Runner()
    text = ws.read("dianjun-baseline.yaml")
    out = []
    for month in months(n):
        edited = text.replace("start: 2024-03", f"start: {month // 12}-{month % 12 + 1:02d}")
        began = time.process_time()
        _run(ws, runner, Draft(path="dianjun-baseline.yaml", text=edited))
        out.append(time.process_time() - began)
    return out[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=9)
    parser.add_argument("--workers", type=int, default=None,
                        help="the server's worker processes (default: capsim serve's, 2 here)")
    parser.add_argument("--server-cpu", action="store_true",
                        help="measure the server's CPU seconds per update instead (no browser)")
    args = parser.parse_args()
    if args.server_cpu:
        cpu = server_cpu(args.n)
        print(f"server CPU per update (validate, simulate 1,000, tables), one process: "
              f"n={len(cpu)}, min={min(cpu):.2f} s, median={statistics.median(cpu):.2f} s")
        return
    if browser_missing():
        sys.exit(f"cannot measure: {browser_missing()}")
    ms, server = measure(args.n, args.workers)
    print(f"slider release -> updated P(met) and charts, baseline, 1,000 replications, "
          f"workers {args.workers or 'default'}, headless Chromium: n={len(ms)}, min={min(ms) / 1000:.2f} s, "
          f"median={statistics.median(ms) / 1000:.2f} s, max={max(ms) / 1000:.2f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("all [ms]:", ", ".join(f"{x:.0f}" for x in ms))
    print("of which on the server (edit, validate, simulate, tables) [ms]:",
          ", ".join(f"{x:.0f}" for x in server))


if __name__ == "__main__":
    main()
