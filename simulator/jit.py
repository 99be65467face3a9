"""Optional compiled loops: numba when it is installed (`pip install capsim[fast]`) and not turned
off, else the pure-numpy paths, which are always kept and give the same bits.

A hot loop is written once as a plain Python function over arrays and compiled with `kernel`;
its caller asks `enabled()` and otherwise takes its numpy path. Kernels are compiled without
fast-math (IEEE order of every addition, no fused multiply-add), cached on disk, and never call
transcendental functions (numpy's exp/log may differ in the last bit from LLVM's), so the two
paths agree exactly; the tests run both.

`CAPSIM_NUMBA=0` in the environment turns the kernels off for a process; `disabled()` turns
them off for a block of code (the tests compare the two paths in one process).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

try:
    if os.environ.get("CAPSIM_NUMBA", "1").strip() in ("0", "false", "no", "off"):
        raise ImportError("turned off by CAPSIM_NUMBA")
    import numba
except ImportError:  # the numpy paths
    numba = None

_on = [numba is not None]


def available() -> bool:
    """numba is importable (and not turned off by CAPSIM_NUMBA)."""
    return numba is not None


def enabled() -> bool:
    """The kernels are in use now."""
    return _on[0]


@contextmanager
def disabled():
    """Run the block on the numpy paths (for tests comparing the two)."""
    before = _on[0]
    _on[0] = False
    try:
        yield
    finally:
        _on[0] = before


def kernel(fn):
    """fn compiled by numba (nopython, no fast-math, cached on disk) when numba is available;
    else fn itself, which callers only use through `enabled()` (never when it is False)."""
    if numba is None:
        return fn
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(fn)


def describe() -> str:
    """One line for `capsim --version` style reports and benchmarks."""
    if numba is None:
        return "numpy paths (numba not installed or CAPSIM_NUMBA=0)"
    return f"numba {numba.__version__} kernels" + ("" if enabled() else " (turned off)")
