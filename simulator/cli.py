"""The `capsim` command line: parse arguments, call the library, print, map errors to exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from .errors import Problem, ScenarioError, SimulationError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="capsim: compute-capacity planning simulator.")
_state = {"debug": False}

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


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
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        raise typer.Exit(130)


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    _state["debug"] = debug


def _overrides(sets: Optional[list[str]]) -> dict[str, object]:
    from .loading import parse_set

    pairs = dict(parse_set(s) for s in sets or [])
    return pairs


SET_HELP = "Override a field: PATH=VALUE, ids as path parts (facilities.nacic.phases.p2.start=2024-09)."


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="Scenario files."),
             set_: Optional[list[str]] = typer.Option(None, "--set", help=SET_HELP)) -> None:
    """Check scenario files: a summary line for each valid one, every problem of the others."""
    from .loading import load_scenario
    from .units import format_month

    failed = False
    for file in files:
        warnings: list[Problem] = []
        try:
            with guarded():
                s = load_scenario(file, _overrides(set_), warnings)
        except typer.Exit as exc:
            if exc.exit_code != EXIT_INPUT:
                raise
            failed = True
            continue
        for w in warnings:
            _err(f"{w.render()} [warning]")
        phases = sum(len(f.phases) for f in s.facilities)
        tenants = sum(t.count for t in s.tenants)
        print(f"{file}: ok: {s.name}: {len(s.facilities)} facilities, {phases} phases, "
              f"{len(s.tenants)} tenant entries ({tenants} tenants), {len(s.targets)} targets, "
              f"{len(s.events)} events, {format_month(s.start)}..{format_month(s.end)} "
              f"({s.months} months)")
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from .schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
