"""MALLOC_TRIM_THRESHOLD_ (set by Dask's nanny, and left behind in the process that started a
LocalCluster) is undone for capsim's numpy temporaries, on a worker and in-process."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not hasattr(ctypes.CDLL(ctypes.util.find_library("c") or None),
                                           "mallinfo2"), reason="glibc's mallinfo2 only")

# A 4 MiB array is mmapped while glibc's mmap threshold is at its start (128 KiB) or pinned
# there by MALLOC_TRIM_THRESHOLD_, and comes from the heap once the threshold is raised.
SCRIPT = textwrap.dedent("""
    import ctypes, sys
    import numpy as np
    import simulator as sim
    from simulator.ensemble import executors
    from simulator.ensemble.run import run_ensemble, run_task
    from simulator.engine.arrays import compile_scenario

    class Info(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                    "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = Info
    c = compile_scenario(sim.load_scenario("scenarios/dianjun-baseline.yaml"))
    if sys.argv[1] == "process":
        run_ensemble(c, 2, seed=1)
    else:
        run_task(c, 1, [0, 1])
    before = libc.mallinfo2().hblkhd
    x = np.ones(2 ** 19)
    print(executors._TUNED, libc.mallinfo2().hblkhd - before >= 2 ** 22)
""")


def _run(where: str, trim: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    if trim:
        env["MALLOC_TRIM_THRESHOLD_"] = trim
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", SCRIPT, where], env=env, cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.parametrize("where", ["process", "worker"])
def test_the_trim_variable_is_undone_for_an_ensemble(where):
    tuned, mapped = _run(where, "65536")
    assert tuned == "True" and mapped == "False"  # the 4 MiB array came from the heap


def test_nothing_changes_without_the_variable():
    tuned, mapped = _run("process", None)
    assert tuned == "False" and mapped == "True"  # glibc's own start: mmapped
