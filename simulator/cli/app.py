"""The `capsim` command line: parse arguments, call the library, print, map errors to exit codes."""

from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from simulator.errors import Problem, ScenarioError, SimulationError
from simulator.scenario.schema import DEFAULT_REPLICATIONS

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="capsim: compute-capacity planning simulator.")
_state = {"debug": False}

EXIT_FAILED, EXIT_INPUT = 1, 2  # 0 is success


def _err(line: str) -> None:
    print(line, file=sys.stderr)


@contextmanager
def guarded():
    """Bad input exits 2, a failed simulation 1, one line per problem; tracebacks with --debug."""
    try:
        yield
    except ScenarioError as exc:
        for problem in exc.problems:
            _err(problem.render() if problem.file else f"error: {problem.render()}")
        if _state["debug"]:
            traceback.print_exc()
        raise typer.Exit(EXIT_INPUT)
    except SimulationError as exc:
        _err(f"error: {exc}")
        if _state["debug"]:
            traceback.print_exc()
        raise typer.Exit(EXIT_FAILED)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (see `Terminated`)
        _err("interrupted; nothing was written")
        raise typer.Exit(getattr(exc, "exit_code", 130))
    except Exception:  # an interrupt that a library swallowed and then failed on (numba)
        if not (_state.get("interrupted") or _state.get("terminated")):
            raise
        _err("interrupted; nothing was written")
        raise typer.Exit(143 if _state.get("terminated") else 130)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: staged output removed, previous results kept, exit 143."""

    exit_code = 143


def _on_sigterm(signum, frame) -> None:
    _state["terminated"] = True
    raise Terminated()


def _on_sigint(signum, frame) -> None:
    _state["interrupted"] = True  # sticky: see `_check_interrupt`
    raise KeyboardInterrupt()


def _check_interrupt(done: int = 0, total: int = 0) -> None:
    """Raise the interrupt again at a batch boundary if one came and was lost (a library may
    swallow a KeyboardInterrupt raised inside its own code, e.g. while numba compiles)."""
    if _state.get("terminated"):
        raise Terminated()
    if _state.get("interrupted"):
        raise KeyboardInterrupt()


def handle_sigterm() -> None:
    """Turn SIGTERM into `Terminated` and SIGINT into KeyboardInterrupt, both remembered (in
    the main thread, where signals are delivered)."""
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
    default = sys.unraisablehook

    def quiet(unraisable) -> None:  # an interrupt inside a callback (llvmlite's): no traceback
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            default(unraisable)

    sys.unraisablehook = quiet


def command_line() -> str:
    """The command as typed, for the marker of the folder it writes."""
    import shlex

    return shlex.join(["capsim", *sys.argv[1:]]) if sys.argv else "capsim"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    _state["debug"] = debug
    _state["interrupted"] = False  # a command starts uninterrupted (in-process reuse too)


def _overrides(sets: Optional[list[str]]) -> dict[str, object]:
    """`--set` options as {path: value}; every malformed one reported at once."""
    from simulator.scenario.load import parse_set

    pairs, problems = {}, []
    for text in sets or []:
        try:
            path, value = parse_set(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        pairs[path] = value
    if problems:
        raise ScenarioError(problems)
    return pairs


SET_HELP = "Override a field: PATH=VALUE, ids as path parts (facilities.nacic.phases.p2.start=2024-09)."


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by the commands (typer only reads them, so one instance serves many).
REPLICATIONS = typer.Option(None, "-n", "--replications", min=1,
                            help=f"Replications (default: the scenario's, else "
                                 f"{DEFAULT_REPLICATIONS}).")
SEED = typer.Option(None, "--seed", min=0, help="Seed (default: the scenario's).")
SET = typer.Option(None, "--set", help=SET_HELP)
WORKERS = typer.Option(None, "--workers", min=1, help="Local worker processes.")
SCHEDULER = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT.")
LANG = typer.Option(None, "--lang", help="Report language (default: the scenario's).")
NO_REPORT = typer.Option(False, "--no-report", help="Skip the PDF and charts.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar.")


def out_option(default: str):
    return typer.Option(None, "--out", help=f"Output directory (default {default}).")


def lang_code(lang: Optional[Lang]) -> Optional[str]:
    return lang.value if lang is not None else None


def load(file: Path, sets: Optional[list[str]] = None, overrides: Optional[dict] = None):
    """A scenario from its file with `--set` (texts, or `overrides` already parsed) applied;
    warnings printed, problems raised."""
    from simulator.scenario.load import load_scenario

    warnings: list[Problem] = []
    scenario = load_scenario(file, _overrides(sets) if overrides is None else overrides,
                             warnings)
    for w in warnings:
        _err(f"{w.render()} [warning]")
    return scenario


def prepare(file: Path, sets: Optional[list[str]], replications: Optional[int],
            seed: Optional[int]):
    """(scenario, Settings): the scenario with its overrides, and the -n / --seed it runs with."""
    from simulator.output.naming import Settings

    overrides = _overrides(sets)
    scenario = load(file, overrides=overrides)
    return scenario, Settings.of(scenario, overrides, replications, seed)


def bounded(scenario, settings, workers: Optional[int], variants: int = 1) -> None:
    """Refuse, at once and with the number that fits, work beyond the limits (see bounds)."""
    from simulator.ensemble.bounds import check_work

    check_work(scenario, settings.replications, workers, variants)


def output_path(out: Optional[Path], default: Path, kind: str, inputs) -> Path:
    """`--out` or the default, checked before any work: capsim replaces only its own folders."""
    from simulator.output.guard import check_out

    out = out if out is not None else default
    check_out(out, kind, inputs)
    return out


def record(kind: str, settings) -> dict:
    """The marker of a folder this command writes: the command, overrides, -n and seed."""
    from simulator.output.guard import marker_record

    return marker_record(kind, command_line(), **settings.facts())


def _count(n: int, what: str) -> str:
    """'1 facility', '4 facilities', '13 tenant entries'."""
    if n == 1:
        return f"1 {what}"
    plural = what[:-1] + "ies" if what.endswith("y") else what + "s"
    return f"{n} {plural}"


def _progress(enabled: bool):
    """A rich progress bar on a terminal (done, rate, time left); nothing elsewhere."""
    from contextlib import nullcontext

    if not enabled or not sys.stderr.isatty():
        return nullcontext(_check_interrupt)
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                               TextColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")

    class Bar(Progress):
        def __call__(self, done: int, total: int) -> None:
            _check_interrupt()
            if not self.tasks:
                self.add_task("replications", total=total)
            self.update(self.tasks[0].id, completed=done, total=total)

    return Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
               TimeRemainingColumn(), transient=True)
