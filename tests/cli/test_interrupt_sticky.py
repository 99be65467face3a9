"""An interrupt is remembered: if a library swallows the KeyboardInterrupt that Ctrl-C raised
inside its own code (numba compiling, say), the run stops at the next batch anyway."""

from __future__ import annotations

import importlib
import signal

import pytest

cli_app = importlib.import_module("simulator.cli.app")  # the module, not the Typer app


@pytest.fixture
def state(monkeypatch):
    monkeypatch.setattr(cli_app, "_state", {"debug": False})
    return cli_app._state


def test_ctrl_c_raises_and_is_remembered(state):
    with pytest.raises(KeyboardInterrupt):
        cli_app._on_sigint(signal.SIGINT, None)
    assert state["interrupted"]


def test_a_swallowed_interrupt_is_raised_again_at_the_next_batch(state):
    check = cli_app._progress(False).__enter__()  # what a run gets without a progress bar
    check(500, 1000)  # nothing happened: the run goes on
    try:
        cli_app._on_sigint(signal.SIGINT, None)
    except KeyboardInterrupt:
        pass  # swallowed, as inside a library
    with pytest.raises(KeyboardInterrupt):
        check(1000, 2000)


def test_a_swallowed_sigterm_is_raised_again_as_terminated(state):
    try:
        cli_app._on_sigterm(signal.SIGTERM, None)
    except KeyboardInterrupt:
        pass
    with pytest.raises(cli_app.Terminated):
        cli_app._check_interrupt()


def test_run_ensemble_stops_at_a_batch_when_progress_raises():
    """The run's side of it: progress is called after every batch and its exception ends the
    run (nothing is returned)."""
    import simulator as sim
    from pathlib import Path

    from simulator.ensemble.run import run_ensemble

    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt()

    path = Path(__file__).resolve().parents[2] / "scenarios" / "dianjun-baseline.yaml"
    with pytest.raises(KeyboardInterrupt):
        run_ensemble(sim.load_scenario(path), 40, seed=1, batch_size=10, progress=progress)
    assert calls == [10, 20]


def test_a_library_failing_after_a_swallowed_interrupt_is_an_interrupt(state, capsys):
    """numba, interrupted while compiling, swallows the KeyboardInterrupt in a callback and
    then fails with its own RuntimeError: the user pressed Ctrl-C, so exit 130, no bug report."""
    import typer

    state["interrupted"] = True
    with pytest.raises(typer.Exit) as exc:
        with cli_app.guarded():
            raise RuntimeError("no compiled object yet")
    assert exc.value.exit_code == 130
    assert capsys.readouterr().err.strip() == "interrupted; nothing was written"


def test_without_an_interrupt_a_library_failure_stays_a_failure(state):
    with pytest.raises(RuntimeError):
        with cli_app.guarded():
            raise RuntimeError("a bug")
