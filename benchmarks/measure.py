"""How a figure is measured: wall time of several runs (min and median) and peak memory.

Every figure runs in its own Python process (`run.py --child NAME`), so that its peak resident
memory (VmHWM) is its own and not what an earlier figure left behind; the child prints one JSON
line that the parent collects into the table.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured figure: what was timed, for how many replications (or events), times."""

    name: str
    what: str
    n: str  # the count the figure is about, printed beside it ("10,000 replications")
    seconds: list[float] = field(default_factory=list)  # wall time of each run
    cpu: list[float] = field(default_factory=list)  # CPU time of this process in each run
    peak_mib: float = float("nan")  # peak resident memory of the measuring process
    extra: dict = field(default_factory=dict)  # derived numbers (ratios, bytes, slopes)
    count: int = 0  # the count as a number
    error: str = ""  # why the figure could not be measured

    @property
    def min(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def timed(fn, runs: int, cpu: list | None = None) -> list[float]:
    """Wall times [s] of `runs` calls of fn (and this process's CPU times appended to `cpu`:
    on a busy machine they say more than wall times; worker processes are not counted)."""
    out = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
    return out


def peak_rss_mib() -> float:
    """This process's peak resident memory [MiB] (VmHWM; ru_maxrss would include children)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(script: str, name: str, args: list[str], timeout: float | None = None,
             env: dict | None = None) -> Figure:
    """Run figure `name` in a fresh process (with `env` added to its environment) and read
    back its Figure."""
    out = subprocess.run([sys.executable, script, "--child", name, *args], check=True,
                         capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, **(env or {})})
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Figure(**data)


def emit(fig: Figure) -> None:
    """What a child prints: its Figure as one JSON line, with its peak memory."""
    fig.peak_mib = peak_rss_mib()
    print(json.dumps(asdict(fig)))


def machine() -> dict:
    """Where the figures were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2 ** 20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version()}


def load() -> str:
    """The 1, 5 and 15 minute load averages (how busy the machine was)."""
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
