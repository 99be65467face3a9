"""Performance figures of capsim: `make bench` prints each figure and ratio (nothing asserted).

Measures, on this machine: one baseline replication; 10,000 baseline replications in-process
and on 2 worker processes; bare SimPy's cost per event and the ratio of a replication's cost to
the bare cost of its own events; a large synthetic scenario (time and peak memory); and the
slope of cost against replications, facilities, tenants and months (1.0 = linear).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import simpy

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import synthetic_scenario  # noqa: E402

import simulator as sim  # noqa: E402
from simulator.engine.arrays import compile_scenario  # noqa: E402
from simulator.ensemble.run import run_ensemble  # noqa: E402
from simulator.engine.processes import simulate_batch  # noqa: E402

BASELINE = HERE.parent / "scenarios" / "dianjun-baseline.yaml"


def best_of(fn, repeat: int = 3) -> float:
    """Fastest wall time of `repeat` calls [s] (the least disturbed by the machine)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bare_simpy_event_cost(n: int = 500_000) -> float:
    """Seconds per `env.timeout` event of one bare SimPy process."""
    def proc(env):
        for _ in range(n):
            yield env.timeout(1)
    def go():
        env = simpy.Environment()
        env.process(proc(env))
        env.run()
    return best_of(go) / n


def baseline(args) -> dict:
    c = compile_scenario(sim.load_scenario(BASELINE))
    one = best_of(lambda: simulate_batch(c, 1, [0]), repeat=7)
    events_one = simulate_batch(c, 1, [0]).events
    n = args.replications
    batch = simulate_batch(c, 1, list(range(1000)))
    t_serial = best_of(lambda: run_ensemble(c, n, seed=1), repeat=2)
    ens = run_ensemble(c, n, seed=1)
    t_tables = best_of(lambda: (ens.monthly, ens.targets, ens.kpis), repeat=2)
    with cf.ProcessPoolExecutor(2) as ex:
        run_ensemble(c, 200, seed=1, executor=ex, workers=2)  # warm the workers
        t_two = best_of(lambda: run_ensemble(c, n, seed=1, executor=ex, workers=2), repeat=2)
    per_event = bare_simpy_event_cost()
    per_rep = t_serial / n
    return {
        "one replication [ms]": one * 1e3,
        "events of one replication run alone": events_one,
        "events per replication in a batch of 1000": batch.events / 1000,
        f"{n} replications in-process [s]": t_serial,
        "replications per second, in-process": n / t_serial,
        f"{n} replications on 2 workers [s]": t_two,
        "replications per second, 2 workers": n / t_two,
        "speed-up with 2 workers": t_serial / t_two,
        "tables (monthly, targets, KPIs) [s]": t_tables,
        "bare SimPy cost per event [us]": per_event * 1e6,
        "bare SimPy cost of one replication's events [ms]": events_one * per_event * 1e3,
        "ratio: replication in an ensemble / bare cost of its events":
            per_rep / (events_one * per_event),
        "ratio: replication run alone / bare cost of its events": one / (events_one * per_event),
    }


LARGE = (1000, 10_000, 240)


def large_child(F: int, N: int, H: int) -> None:
    """Runs in a subprocess: one replication of a large scenario; prints JSON."""
    t = time.perf_counter()
    s = sim.scenario_from_dict(synthetic_scenario(F, N, H))
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    r = simulate_batch(compile_scenario(s), 1, [0])
    t_run = time.perf_counter() - t
    peak = peak_rss_mib()
    print(json.dumps({"validate [s]": t_load, "one replication [s]": t_run,
                      "peak memory [MiB]": peak, "events": r.events}))


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def large() -> dict:
    F, N, H = LARGE
    out = subprocess.run([sys.executable, __file__, "--large-child", str(F), str(N), str(H)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def slope(xs, ts) -> float:
    """Exponent b of t ~ x^b, least squares in log-log."""
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def scaling() -> dict:
    out = {}
    c = compile_scenario(sim.scenario_from_dict(synthetic_scenario(20, 200, 60)))
    reps = [250, 500, 1000, 2000]
    out["replications"] = (reps, [best_of(lambda n=n: run_ensemble(c, n, seed=1), 2) for n in reps])
    grids = {
        "facilities": ([100, 200, 400, 800], lambda x: (x, 1000, 120)),
        "tenants": ([1000, 2000, 4000, 8000], lambda x: (100, x, 120)),
        "months": ([60, 120, 240, 480], lambda x: (100, 1000, x)),
    }
    for name, (xs, shape) in grids.items():
        ts = []
        for x in xs:
            cc = compile_scenario(sim.scenario_from_dict(synthetic_scenario(*shape(x))))
            ts.append(best_of(lambda cc=cc: simulate_batch(cc, 1, [0]), 2))
        out[name] = (xs, ts)
    return {name: {"sizes": xs, "seconds": [round(t, 4) for t in ts], "slope": slope(xs, ts)}
            for name, (xs, ts) in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replications", type=int, default=10_000)
    ap.add_argument("--large-child", nargs=3, type=int, help=argparse.SUPPRESS)
    ap.add_argument("--skip-scaling", action="store_true")
    args = ap.parse_args()
    if args.large_child:
        large_child(*args.large_child)
        return
    print(f"capsim {sim.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"simpy {simpy.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print("\n== baseline scenario (scenarios/dianjun-baseline.yaml)")
    for k, v in baseline(args).items():
        print(f"  {k:<62} {v:,.3f}" if isinstance(v, float) else f"  {k:<62} {v}")
    print(f"\n== large scenario: {LARGE[0]} facilities x {LARGE[1]} tenants x {LARGE[2]} months")
    for k, v in large().items():
        print(f"  {k:<62} {v:,.2f}")
    if not args.skip_scaling:
        print("\n== scaling: cost against size (slope of log time on log size; 1 = linear)")
        for name, row in scaling().items():
            print(f"  {name:<14} sizes {row['sizes']}  seconds {row['seconds']}  "
                  f"slope {row['slope']:.2f}")


if __name__ == "__main__":
    main()
