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


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="Scenario files."),
             set_: Optional[list[str]] = typer.Option(None, "--set", help=SET_HELP)) -> None:
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
    from .loading import load_scenario

    warnings: list[Problem] = []
    scenario = load_scenario(file, _overrides(set_), warnings)
    for w in warnings:
        _err(f"{w.render()} [warning]")
    with executor_for(workers, scheduler) as (executor, count), _progress(not quiet) as bar:
        return run_ensemble(scenario, n, seed, executor, workers=count, progress=bar)


def _print_targets(ens) -> None:
    from rich.console import Console
    from rich.table import Table

    from .output import text_or_none

    s = ens.scenario
    table = Table(title=f"{s.name}: {ens.replications} replications, seed {ens.seed}",
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
        replications: Optional[int] = typer.Option(None, "-n", "--replications", min=1,
                                                   help="Replications (default: the scenario's, "
                                                        "else 1000)."),
        seed: Optional[int] = typer.Option(None, "--seed", min=0, help="Seed (default: the "
                                                                       "scenario's)."),
        set_: Optional[list[str]] = typer.Option(None, "--set", help=SET_HELP),
        out: Optional[Path] = typer.Option(None, "--out", help="Run directory (default "
                                                               "reports/<file stem>)."),
        workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                              help="Local worker processes."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                                help="Dask scheduler address, tcp://HOST:PORT."),
        no_report: bool = typer.Option(False, "--no-report", help="Skip report.pdf and charts."),
        lang: Optional[str] = typer.Option(None, "--lang", help="Report language: zh or en."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Run a scenario's ensemble; write the run directory and print the target table."""
    from .output import write_run

    with guarded():
        if lang not in (None, "zh", "en"):
            raise ScenarioError(Problem(f"--lang must be zh or en, got {lang!r}"))
        ens = _run_ensemble(scenario, replications, seed, set_, workers, scheduler, quiet)
        out = out or Path("reports") / scenario.stem
        extra = None if no_report else _report_writer(ens, lang)
        write_run(ens, out, scenario_file=str(scenario), extra=extra)
    _print_targets(ens)
    print(f"wrote {out}/")


def _report_writer(ens, lang):
    def write(tmp: Path) -> None:
        from .report import write_report

        write_report(tmp, lang=lang)
    return write


def _check_lang(lang: Optional[str]) -> None:
    if lang not in (None, "zh", "en"):
        raise ScenarioError(Problem(f"--lang must be zh or en, got {lang!r}"))


@app.command()
def report(run_dir: Path = typer.Argument(..., help="A run directory written by `capsim run`."),
           lang: Optional[str] = typer.Option(None, "--lang", help="Report language: zh or en "
                                                                  "(default: the scenario's).")
           ) -> None:
    """Re-draw report.pdf and charts/ of a run directory from its saved results (no simulation)."""
    with guarded():
        _check_lang(lang)
        from .report import write_report

        pdf = write_report(run_dir, lang=lang)
    print(f"wrote {pdf} and {run_dir / 'charts'}/")


@app.command()
def compare(scenarios: list[Path] = typer.Argument(..., help="Scenario files; the first is the "
                                                              "reference."),
            replications: Optional[int] = typer.Option(None, "-n", "--replications", min=1,
                                                       help="Replications of each (default: the "
                                                            "first scenario's, else 1000)."),
            seed: Optional[int] = typer.Option(None, "--seed", min=0,
                                               help="The common seed (default: the first "
                                                    "scenario's)."),
            out: Optional[Path] = typer.Option(None, "--out", help="Output directory (default "
                                                                   "reports/compare-A-vs-B...)."),
            workers: Optional[int] = typer.Option(None, "--workers", min=1,
                                                  help="Local worker processes."),
            lang: Optional[str] = typer.Option(None, "--lang", help="Report language: zh or en."),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar.")) -> None:
    """Run scenarios with common random numbers; write comparison.pdf and comparison.csv."""
    from .compare import default_out, run_comparison, write_tables
    from .executors import executor_for
    from .loading import load_scenario
    from .output import staged_directory

    with guarded():
        _check_lang(lang)
        if len(scenarios) < 2:
            raise ScenarioError(Problem("compare needs two or more scenario files",
                                        hint="capsim compare BASE.yaml WHATIF.yaml ..."))
        loaded, problems = [], []
        for file in scenarios:
            warnings: list[Problem] = []
            try:
                loaded.append(load_scenario(file, None, warnings))
            except ScenarioError as exc:  # every file's problems at once
                problems.extend(exc.problems)
            for w in warnings:
                _err(f"{w.render()} [warning]")
        if problems:
            raise ScenarioError(problems)
        with executor_for(workers, None) as (executor, count), _progress(not quiet) as bar:
            comp = run_comparison(loaded, [str(f) for f in scenarios], replications, seed,
                                  executor, workers=count, progress=bar)
        out = out or default_out(scenarios)
        with staged_directory(out) as tmp:
            write_tables(comp, tmp)
            from .report import write_comparison_pdf

            write_comparison_pdf(comp, tmp / "comparison.pdf", lang)
    _print_comparison(comp)
    print(f"wrote {out}/")


def _print_comparison(comp) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{comp.replications} replications each, common seed {comp.seed}",
                  title_justify="left")
    table.add_column("")
    table.add_column("scenario")
    keys = list(dict.fromkeys(k for m in comp.members for k in m.ensemble.targets["target"]))
    for key in keys:
        table.add_column(f"P(met) {key}", justify="right")
    for m in comp.members:
        p = m.ensemble.targets.set_index("target")["probability_met"]
        table.add_row(m.label, m.scenario.name,
                      *(f"{p[k]:.1%}" if k in p.index else "–" for k in keys))
    Console(width=max(100, Console().width)).print(table)


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


from . import cli_analysis  # noqa: E402,F401  (registers sensitivity, plan and sweep)
