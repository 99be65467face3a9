"""The `capsim` command line: parse arguments, call the library, print, map errors to exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import Problem, ScenarioError, SimulationError

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
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        raise typer.Exit(130)


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    _state["debug"] = debug


def _overrides(sets: Optional[list[str]]) -> dict[str, object]:
    """`--set` options as {path: value}; every malformed one reported at once."""
    from .loading import parse_set

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
                            help="Replications (default: the scenario's, else 1000).")
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


def load(file: Path, sets: Optional[list[str]] = None):
    """A scenario from its file with `--set` applied; warnings printed, problems raised."""
    from .loading import load_scenario

    warnings: list[Problem] = []
    scenario = load_scenario(file, _overrides(sets), warnings)
    for w in warnings:
        _err(f"{w.render()} [warning]")
    return scenario


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="Scenario files."),
             set_: Optional[list[str]] = SET) -> None:
    """Check scenario files: a summary line for each valid one, every problem of the others."""
    from .loading import load_scenario
    from .units import format_month

    with guarded():
        overrides = _overrides(set_)  # once: a bad --set is reported once, not per file
    failed = False
    for file in files:
        warnings: list[Problem] = []
        try:
            with guarded():
                s = load_scenario(file, overrides, warnings)
        except typer.Exit as exc:
            if exc.exit_code != EXIT_INPUT:
                raise
            failed = True
            continue
        for w in warnings:
            _err(f"{w.render()} [warning]")
        phases = sum(len(f.phases) for f in s.facilities)
        tenants = sum(t.count for t in s.tenants)
        counts = [_count(len(s.facilities), "facility"), _count(phases, "phase"),
                  f"{_count(len(s.tenants), 'tenant entry')} ({_count(tenants, 'tenant')})",
                  _count(len(s.targets), "target"), _count(len(s.events), "event")]
        print(f"{file}: ok: {s.name}: {', '.join(counts)}, "
              f"{format_month(s.start)}..{format_month(s.end)} ({_count(s.months, 'month')})")
    if failed:
        raise typer.Exit(EXIT_INPUT)


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
        return nullcontext(None)
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                               TextColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")

    class Bar(Progress):
        def __call__(self, done: int, total: int) -> None:
            if not self.tasks:
                self.add_task("replications", total=total)
            self.update(self.tasks[0].id, completed=done, total=total)

    return Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
               TimeRemainingColumn(), transient=True)


def _run_ensemble(file: Path, n, seed, set_, workers, scheduler, quiet=False):
    from .ensemble import run_ensemble
    from .executors import executor_for

    scenario = load(file, set_)
    with executor_for(workers, scheduler) as (executor, count), _progress(not quiet) as bar:
        return run_ensemble(scenario, n, seed, executor, workers=count, progress=bar)


def _print_targets(ens) -> None:
    from rich.console import Console
    from rich.table import Table

    from .output import text_or_none

    s = ens.scenario
    table = Table(title=f"{s.name}: {_count(ens.replications, 'replication')}, seed {ens.seed}",
                  title_justify="left")
    for col in ("target", "by", "P(met)", "capacity at deadline P50 [P10-P90]", "gap P50",
                "month met P50"):
        table.add_column(col, justify="left" if col in ("target", "by") else "right")
    for row in ens.targets.to_dict("records"):
        p = row["probability_met"]
        se = row["probability_met_se"]
        table.add_row(f"{row['target_p']:,.0f}P {row['type']}", row["by"],
                      f"{p:.1%}" + (f" ±{se:.1%}" if ens.replications > 1 else ""),
                      f"{row['capacity_p50']:,.0f}P [{row['capacity_p10']:,.0f}-"
                      f"{row['capacity_p90']:,.0f}]",
                      f"{row['gap_p50']:,.0f}P", text_or_none(row["month_met_p50"]) or "not by end")
    Console(width=max(100, Console().width)).print(table)


@app.command()
def run(scenario: Path = typer.Argument(..., help="Scenario file."),
        replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
        set_: Optional[list[str]] = SET, out: Optional[Path] = out_option("reports/<file stem>"),
        workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
        no_report: bool = NO_REPORT, lang: Optional[Lang] = LANG, quiet: bool = QUIET) -> None:
    """Run a scenario's ensemble; write the run directory and print the target table."""
    from .output import write_run

    with guarded():
        ens = _run_ensemble(scenario, replications, seed, set_, workers, scheduler, quiet)
        out = out or Path("reports") / scenario.stem
        extra = None if no_report else _report_writer(lang_code(lang))
        write_run(ens, out, scenario_file=str(scenario), extra=extra)
    _print_targets(ens)
    print(f"wrote {out}/")


def _report_writer(lang: Optional[str]):
    def write(tmp: Path) -> None:
        from .report import write_report

        write_report(tmp, lang=lang)
    return write


@app.command()
def report(run_dir: Path = typer.Argument(..., help="A run directory written by `capsim run`."),
           lang: Optional[Lang] = LANG) -> None:
    """Re-draw report.pdf and charts/ of a run directory from its saved results (no simulation)."""
    with guarded():
        from .report import write_report

        pdf = write_report(run_dir, lang=lang_code(lang))
    print(f"wrote {pdf} and {run_dir / 'charts'}/")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from .schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point of the console script: no traceback reaches a user without --debug."""
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug in capsim, not in the input
        if _state["debug"]:
            raise
        _err(f"error: internal error ({type(exc).__name__}: {exc}); this is a bug in capsim, "
             f"please report it with the scenario (--debug shows the traceback)")
        sys.exit(EXIT_FAILED)


from . import cli_analysis  # noqa: E402,F401  (registers compare, sensitivity, plan and sweep)
