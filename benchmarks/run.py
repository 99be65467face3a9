"""Performance figures of capsim: `make bench` prints, for every figure, what was timed, the count
it is about, min and median wall time of several runs and peak memory, then each aim beside the
measured ratio. `--write benchmarks/RESULTS.md` keeps the table with the date and machine.

Every figure runs in a fresh process (peak memory is its own). Timings depend on the machine
and on what else runs on it: the load average is printed before and after. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Figure, emit, in_child, load, machine  # noqa: E402

ORDER = ["simpy_events", "baseline", "baseline_numpy", "tables", "processes", "dask", "million", "large",
         "scaling"]


def options(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="runs per timed figure (min, median)")
    ap.add_argument("--events", type=int, default=1_000_000, help="bare SimPy events")
    ap.add_argument("--replications", type=int, default=10_000, help="baseline replications")
    ap.add_argument("--million", type=int, default=1_000_000,
                    help="replications of the memory figure")
    ap.add_argument("--large-replications", type=int, default=1000,
                    help="replications of the large synthetic scenario")
    ap.add_argument("--quick", action="store_true",
                    help="smaller counts (2,000 / 100,000 / 20 replications), no scaling")
    ap.add_argument("--only", nargs="*", choices=ORDER, help="these figures only")
    ap.add_argument("--write", type=Path, help="also write the table here (RESULTS.md)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    o = ap.parse_args(argv)
    if o.quick:
        o.replications, o.million, o.large_replications = 2000, 100_000, 20
    return o


def child_args(o) -> list[str]:
    return ["--runs", str(o.runs), "--events", str(o.events), "--replications",
            str(o.replications), "--million", str(o.million), "--large-replications",
            str(o.large_replications)]


def fmt(x: float, digits: int = 3) -> str:
    return "" if x != x else f"{x:,.{digits}f}"


def rows(figs: dict[str, Figure]) -> list[list[str]]:
    """The table: one row per figure, then the aims."""
    out = []
    for name in ORDER:
        f = figs.get(name)
        if f is None or name == "scaling":
            continue
        if f.error:
            out.append([name, "", "", "", "0", "", f"not measured: {f.error}"])
            continue
        derived = [f"{k} {fmt(v, 0) if isinstance(v, int) else fmt(v, 2)}"
                   for k, v in f.extra.items()]
        if f.cpu:
            derived.append(f"CPU time of this process: min {min(f.cpu):,.3f} s")
        out.append([f.what, f.n, fmt(f.min), fmt(f.median), str(len(f.seconds)),
                    fmt(f.peak_mib, 0), "; ".join(derived)])
    return out


def aims(figs: dict[str, Figure]) -> list[list[str]]:
    """Each aim of issue 12 against its measured number (min over min, median over median)."""
    out = []
    s, b = figs.get("simpy_events"), figs.get("baseline")
    for name, paths in (("baseline", ""), ("baseline_numpy", ", numpy paths (CAPSIM_NUMBA=0)")):
        f = figs.get(name)
        if not (s and f and s.seconds and f.seconds):
            continue
        # per 10,000 replications over per 1,000,000 events (the counts)
        scale = (1e4 / f.count) / (1e6 / s.count)
        cpu = (f"; CPU time {min(f.cpu) / min(s.cpu) * scale:.2f}" if f.cpu and s.cpu else "")
        out.append([f"10,000 baseline replications / 1,000,000 bare SimPy events, time ratio"
                    f"{paths} (measured with {f.n} and {s.n})", f"{f.min / s.min * scale:.2f} "
                    f"(median {f.median / s.median * scale:.2f}{cpu})", "at most 3"])
    for name, label in (("processes", "2 local processes"), ("dask", "Dask LocalCluster, 2 "
                                                                     "workers")):
        f = figs.get(name)
        if f and b and f.seconds and b.seconds:
            out.append([f"speed-up of {label} over one process ({f.n})",
                        f"{b.min / f.min:.2f} (median {b.median / f.median:.2f})",
                        "at least 1.6 on an idle 2-core machine"])
    if "million" in figs and figs["million"].seconds:
        f = figs["million"]
        out.append([f"peak memory, baseline ensemble of {f.n}", f"{f.peak_mib:,.0f} MiB",
                    "under 2,048 MiB"])
    if "large" in figs and figs["large"].seconds:
        f = figs["large"]
        out.append([f"peak memory, large synthetic ensemble ({f.n})", f"{f.peak_mib:,.0f} MiB",
                    "within 4,096 MiB (with 1,000 replications)"])
    if "scaling" in figs and figs["scaling"].seconds:
        for name, row in figs["scaling"].extra.items():
            out.append([f"slope of cost in {name} {row['sizes']}", f"{row['slope']:.2f} "
                        f"({', '.join(f'{t:g}' for t in row['seconds'])} s)", "1 = linear"])
    return out


def markdown(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in r) + " |" for r in body]
    return "\n".join(lines)


def report(figs: dict[str, Figure], before: str, after: str, started: str) -> str:
    m = machine()
    return "\n\n".join([
        f"Measured {started} on {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, "
        f"Python {m['python']}; load average before {before}, after {after} "
        "(a busy machine makes every time longer and the speed-ups smaller).",
        markdown(["what was timed", "n", "min [s]", "median [s]", "runs", "peak memory [MiB]",
                  "derived"], rows(figs)),
        markdown(["aim", "measured", "target"], aims(figs))])


def main() -> None:
    o = options()
    if o.child:
        from figures import FIGURES

        emit(FIGURES[o.child](o))
        return
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    before = load()
    figs = {}
    for name in o.only or [n for n in ORDER if not (o.quick and n == "scaling")]:
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            # the numpy paths; the slopes on one path (the kernels) at every size
            env = {"baseline_numpy": {"CAPSIM_NUMBA": "0"},
                   "scaling": {"CAPSIM_NUMBA": "always"}}.get(name)
            figs[name] = in_child(__file__, name, child_args(o), env=env)
        except subprocess.CalledProcessError as exc:  # e.g. the Dask extra is not installed
            last = (exc.stderr or "").strip().splitlines()[-1:] or ["failed"]
            figs[name] = Figure(name, name, "", error=last[0][:200])
            print(f"    {name} failed: {last[0]}", file=sys.stderr)
    text = report(figs, before, load(), started)
    print(text)
    if o.write:
        o.write.write_text("# Benchmark results (`make bench`)\n\n" + text + "\n",
                           encoding="utf-8")


if __name__ == "__main__":
    main()
