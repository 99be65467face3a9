"""Optional compiled loops: numba when it is installed (`pip install capsim[fast]`) and not turned
off, else the pure-numpy paths, which are always kept and give the same bits.

A hot loop is written once as a plain Python function over arrays and compiled with `kernel`;
its caller asks `enabled()` and otherwise takes its numpy path. Kernels are compiled without
fast-math (IEEE order of every addition, no fused multiply-add), cached on disk, and never call
transcendental functions (numpy's exp/log may differ in the last bit from LLVM's), so the two
paths agree exactly; the tests run both.

`CAPSIM_NUMBA=0` in the environment turns the kernels off for a process, `CAPSIM_NUMBA=always`
uses them even for ensembles too small to repay loading them (`for_size`); `disabled()` turns
them off for a block of code (the tests compare the two paths in one process).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from contextlib import contextmanager
from pathlib import Path


def _found() -> bool:
    """numba is installed and not turned off by CAPSIM_NUMBA (found without importing it:
    importing numba takes about 0.25 s, paid only when a kernel first runs)."""
    if os.environ.get("CAPSIM_NUMBA", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    try:
        return importlib.util.find_spec("numba") is not None
    except (ImportError, ValueError):
        return False


_FOUND = _found()
_ALWAYS = os.environ.get("CAPSIM_NUMBA", "").strip().lower() == "always"  # whatever the size
_on = [_FOUND]  # in use, unless this thread says otherwise (`disabled`)
_thread = threading.local()  # .on: this thread's choice (the workbench runs in threads)
_warm = [False]  # the kernels have run in this process


def available() -> bool:
    """numba is installed (and not turned off by CAPSIM_NUMBA)."""
    return _FOUND


def enabled() -> bool:
    """The kernels are in use now, in this thread."""
    return _on[0] and getattr(_thread, "on", True)


@contextmanager
def disabled():
    """Run the block on the numpy paths, in this thread (other threads keep their choice)."""
    before = getattr(_thread, "on", True)
    _thread.on = False
    try:
        yield
    finally:
        _thread.on = before


@contextmanager
def for_size(work: float, least: float):
    """The kernels for a block of `work` (e.g. bytes its replications write), if that is worth
    loading them: at least `least`, or they already ran in this process (loading them from
    numba's cache costs about half a second once per process); else the numpy paths (the same
    bits)."""
    if not enabled() or _warm[0] or _ALWAYS or work >= least:
        _warm[0] = _warm[0] or enabled()
        yield
    else:
        with disabled():
            yield


def _set_cache_dir() -> None:
    """Before numba is imported: its disk cache in a directory of its own for this version of
    the kernel modules (`*kernels.py` of the package and this file), unless NUMBA_CACHE_DIR
    says where. numba keys a cached kernel on its own file only, so a kernel whose callee in
    another module changed would otherwise be loaded stale."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*kernels.py")) + [Path(__file__).resolve()]:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "capsim"
    where = base / f"numba-{digest.hexdigest()[:16]}"
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError:  # not writable: numba's own choice (beside the sources)
        return
    os.environ["NUMBA_CACHE_DIR"] = str(where)


class _Kernel:
    """A function compiled by numba when it first runs (nopython, no fast-math, cached on
    disk). Compiling it first puts the compiled form of the kernels it calls in its module's
    namespace, so numba sees compiled callees, and its own in their place too."""

    def __init__(self, fn):
        self.py_func = fn
        self._compiled = None
        self.__name__, self.__doc__ = fn.__name__, fn.__doc__

    def compiled(self):
        if self._compiled is None:
            _set_cache_dir()
            import numba

            # a dispatcher compiles when first called, so it exists before its callees do
            self._compiled = numba.njit(cache=True, nogil=True, fastmath=False,
                                        error_model="numpy")(self.py_func)
            names = self.py_func.__globals__
            for name, value in list(names.items()):
                if isinstance(value, _Kernel):
                    names[name] = value.compiled()
        return self._compiled

    def __call__(self, *args):
        return self.compiled()(*args)


def kernel(fn):
    """fn as a numba kernel (`_Kernel`) when numba is available; else fn itself, which callers
    only use through `enabled()` (never when it is False)."""
    return _Kernel(fn) if _FOUND else fn


def describe() -> str:
    """One line for benchmarks: which paths run."""
    if not _FOUND:
        return "numpy paths (numba not installed or CAPSIM_NUMBA=0)"
    from importlib.metadata import version

    return f"numba {version('numba')} kernels" + ("" if enabled() else " (turned off)")
