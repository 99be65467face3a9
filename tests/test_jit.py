"""simulator.jit: the switch between the numba kernels and the numpy paths."""

from __future__ import annotations

import pytest

from simulator import jit

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba is not installed "
                                 "(pip install capsim[fast]) or CAPSIM_NUMBA=0")


def test_disabled_turns_the_kernels_off_for_the_block_only(monkeypatch):
    monkeypatch.setattr(jit, "_on", [True])
    with jit.disabled():
        assert not jit.enabled()
    assert jit.enabled()


def test_for_size_loads_the_kernels_only_for_a_large_run_then_keeps_them(monkeypatch):
    monkeypatch.setattr(jit, "_on", [True])
    monkeypatch.setattr(jit, "_warm", [False])
    with jit.for_size(999, 1000):  # small, nothing loaded yet: the numpy paths
        assert not jit.enabled()
    assert jit.enabled() and not jit._warm[0]
    with jit.for_size(1000, 1000):
        assert jit.enabled()
    with jit.for_size(10, 1000):  # already loaded in this process: worth using
        assert jit.enabled()


def test_for_size_never_turns_the_kernels_on(monkeypatch):
    monkeypatch.setattr(jit, "_on", [False])
    monkeypatch.setattr(jit, "_warm", [False])
    with jit.for_size(10 ** 6, 1000):
        assert not jit.enabled()
    assert not jit._warm[0]


@needs_numba
def test_a_kernel_gives_the_bits_of_its_python_loop():
    import numpy as np

    def total(a):
        s = 0.0
        for x in a:
            s += x
        return s

    a = np.random.default_rng(0).standard_normal(1000) * 1e10
    assert jit.kernel(total)(a) == total(a)
    assert "numba" in jit.describe()


def test_always_uses_the_kernels_for_small_runs_too(monkeypatch):
    monkeypatch.setattr(jit, "_on", [True])
    monkeypatch.setattr(jit, "_warm", [False])
    monkeypatch.setattr(jit, "_ALWAYS", True)
    with jit.for_size(1, 1000):
        assert jit.enabled()


def test_disabled_is_this_threads_choice_only(monkeypatch):
    """The workbench runs ensembles in threads: one run's choice never flips another's."""
    import threading

    monkeypatch.setattr(jit, "_on", [True])
    seen = []
    inside, leave = threading.Event(), threading.Event()

    def other():
        with jit.disabled():
            inside.set()
            leave.wait(10)
            seen.append(jit.enabled())

    t = threading.Thread(target=other)
    t.start()
    try:
        inside.wait(10)
        assert jit.enabled()  # this thread still uses the kernels
    finally:
        leave.set()
        t.join(10)
    assert seen == [False]
