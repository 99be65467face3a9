"""`capsim hindcast SCENARIO OBSERVATIONS`: a scenario's forecast scored against the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from simulator.cli.app import (NO_REPORT, QUIET, REPLICATIONS, SCHEDULER, SEED, SET, WORKERS,
                               _overrides, _progress, app, bounded, command_line, guarded, load,
                               out_option, output_path)


@app.command()
def hindcast(scenario: Path = typer.Argument(..., help="Scenario file."),
             observations: Path = typer.Argument(..., help="Observations file (YAML)."),
             replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
             set_: Optional[list[str]] = SET,
             out: Optional[Path] = out_option("reports/hindcast-<scenario stem>[--<hash>]"),
             workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
             no_report: bool = NO_REPORT, quiet: bool = QUIET) -> None:
    """Run the ensemble and score it against reported figures: P10/P50/P90, PIT and the 80 %
    band per observation, coverage and mean CRPS overall; writes hindcast.csv, hindcast.pdf and
    the usual run outputs (report.pdf unless --no-report)."""
    from simulator.ensemble.executors import executor_for
    from simulator.ensemble.run import run_ensemble
    from simulator.output.naming import Settings, default_out
    from simulator.output.run_dir import write_run

    with guarded():
        s, obs, overrides = _inputs(scenario, set_, observations)
        settings = Settings.of(s, overrides, replications, seed)
        bounded(s, settings, workers)
        out = output_path(out, default_out(f"hindcast-{scenario.stem}", settings), "hindcast",
                          [scenario, observations])
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            ens = run_ensemble(s, settings.replications, settings.seed, ex, workers=count,
                               progress=bar, keep_rows=hindcast_rows(obs))
        report = None if no_report else report_writer()
        extra, result = with_hindcast(report, ens, obs)
        write_run(ens, out, scenario_file=str(scenario), extra=extra,
                  overrides=settings.overrides, command=command_line(), kind="hindcast")
    print_hindcast(result, scenario)
    print(settings.describe())
    print(f"wrote {out}/")


def _inputs(scenario: Path, set_, observations: Path):
    """The scenario and the observations, both checked before any simulation: the problems of
    both files at once."""
    from simulator.errors import ScenarioError

    problems, s, obs, overrides = [], None, None, {}
    try:
        overrides = _overrides(set_)
        s = load(scenario, overrides=overrides)
    except ScenarioError as exc:
        problems += exc.problems
    try:
        obs = read_observations(observations)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return s, obs, overrides


OBSERVATIONS = typer.Option(None, "--observations", help="Observations file: also write "
                            "hindcast.csv and hindcast.pdf (see `capsim hindcast`).")


def read_observations(file: Optional[Path]):
    """The observations of `--observations`, or None; bad files raise (exit 2) before a run."""
    if file is None:
        return None
    from simulator.scenario.observations import load_observations

    return load_observations(file)


def hindcast_rows(obs):
    """What run_ensemble keeps per replication for the hindcast of `obs` (the monthly rows of
    the observed series), or nothing without observations."""
    if obs is None:
        return ()
    from simulator.analysis.hindcast import needed_rows

    return lambda c: needed_rows(c, obs)


def with_hindcast(report, ens, obs):
    """The run directory's extra writer: the report (`report(pages)` makes it, or None for no
    report), with the hindcast's pages in it, then hindcast.csv and hindcast.pdf; and the
    Hindcast (None when there are no observations)."""
    if obs is None:
        return (report(()) if report is not None else None), None
    from simulator.analysis.hindcast import hindcast as score
    from simulator.output.hindcast_table import write_hindcast_csv

    result = score(ens, obs)

    def write(tmp: Path) -> None:
        from simulator.report.hindcast import hindcast_pages, write_hindcast_pdf

        if report is not None:
            report((hindcast_pages(result, obs.name),))(tmp)
        write_hindcast_csv(result, tmp)
        write_hindcast_pdf(result, obs.name, tmp / "hindcast.pdf")

    return write, result


def report_writer(lang=None, png: bool = False):
    """`make(pages)`: a writer of report.pdf (with `pages` added) into a run directory."""
    def make(pages):
        def write(tmp: Path) -> None:
            from simulator.report import write_report

            write_report(tmp, lang=lang, png=png, extra_pages=tuple(pages))
        return write
    return make


def print_hindcast(h, scenario: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from simulator.units import format_month

    console = Console(width=max(150, Console().width))
    table = Table(title=f"{scenario}: {h.scenario.name}, {h.replications:,} replications",
                  title_justify="left")
    for col in ("observation", "month", "series", "reported", "P10 / P50 / P90", "PIT",
                "in 80 %", "CRPS"):
        table.add_column(col, justify="left" if col in ("observation", "series") else "right",
                         overflow="fold")
    for sc in h.scored:
        table.add_row(sc.obs.id + (" *" if sc.obs.in_sample else ""), format_month(sc.obs.month),
                      sc.series, f"{sc.obs.value:,.0f}P",
                      f"{sc.p10:,.0f} / {sc.p50:,.0f} / {sc.p90:,.0f}", f"{sc.pit:.2f}",
                      "yes" if sc.inside else "no", f"{sc.crps:,.1f}")
    console.print(table)
    if any(sc.obs.in_sample for sc in h.scored):
        print("* in-sample: the scenario was built from this figure")
    for o, reason in h.skipped:
        print(f"skipped {o.id} ({format_month(o.month)}): {reason}")
    n = len(h.scored)
    if n:
        inside = sum(sc.inside for sc in h.scored)
        print(f"coverage of the 80 % band: {inside} of {n} ({h.coverage * 100:.0f} %); "
              f"mean CRPS: {h.mean_crps:,.1f} P")
    print(h.verdict)
