"""The commands on one scenario: `validate`, `run`, `report` and `schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from simulator.cli.app import (EXIT_INPUT, LANG, NO_REPORT, QUIET, REPLICATIONS, SCHEDULER, SEED,
                               SET, WORKERS, Lang, _count, _err, _overrides, _progress, _state,
                               app, bounded, command_line, guarded, lang_code, out_option,
                               output_path, prepare)
from simulator.cli.hindcast import (OBSERVATIONS, hindcast_rows, print_hindcast, read_observations,
                                   report_writer, with_hindcast)
from simulator.errors import Problem, ScenarioError

PNG = typer.Option(False, "--png", help="Also write each chart as charts/<name>.png.")


@app.command()
def validate(files: list[Path] = typer.Argument(..., help="Scenario files."),
             set_: Optional[list[str]] = SET) -> None:
    """Check scenario files: a summary line for each valid one, every problem of the others."""
    from simulator.scenario.load import load_scenario
    from simulator.units import format_month

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
        counts += [_count(len(s.pipeline), "pipeline stream")] if s.pipeline else []
        print(f"{file}: ok: {s.name}: {', '.join(counts)}, "
              f"{format_month(s.start)}..{format_month(s.end)} ({_count(s.months, 'month')})")
    if failed:
        raise typer.Exit(EXIT_INPUT)


def _run_ensemble(scenario, settings, workers, scheduler, quiet=False, keep_rows=()):
    from simulator.ensemble.executors import executor_for
    from simulator.ensemble.run import run_ensemble

    with executor_for(workers, scheduler) as (executor, count), _progress(not quiet) as bar:
        return run_ensemble(scenario, settings.replications, settings.seed, executor,
                            workers=count, progress=bar, keep_rows=keep_rows)


def _print_targets(ens) -> None:
    from rich.console import Console
    from rich.table import Table

    from simulator.output.run_dir import text_or_none

    from simulator.scenario.schema_counting import rule_name

    s = ens.scenario
    rules = {tg.key: rule_name(tg.count) for tg in s.targets}
    table = Table(title=f"{s.name}: {_count(ens.replications, 'replication')}, seed {ens.seed}",
                  title_justify="left")
    for col in ("target", "by", "P(met)", "capacity P50 [P10-P90]", "gap P50", "met P50"):
        table.add_column(col, justify="left" if col in ("target", "by") else "right",
                         overflow="fold")
    for row in ens.targets.to_dict("records"):
        p = row["probability_met"]
        se = row["probability_met_se"]
        rule = rules.get(row["target"], "pool")  # the counting rule, where not its own pool
        table.add_row(f"{row['target_p']:,.0f}P {type_label(s, row['type'])}" + (
                      f" ({rule})" if rule != "pool" else ""), row["by"],
                      f"{p:.0%}" + (f" ±{se:.0%}" if se > 0 else ""),
                      f"{row['capacity_p50']:,.0f}P [{row['capacity_p10']:,.0f}-"
                      f"{row['capacity_p90']:,.0f}]",
                      f"{row['gap_p50']:,.0f}P", text_or_none(row["month_met_p50"]) or "not by end")
    Console(width=80).print(table)


def type_label(s, typ: str) -> str:
    """A compute type by its label in the scenario's language (its id if it has none)."""
    ct = s.compute_types.get(typ)
    if ct is None:
        return typ
    return (ct.label or typ) if s.language == "zh" else (ct.label_en or typ)


@app.command()
def run(scenario: Path = typer.Argument(..., help="Scenario file."),
        replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
        set_: Optional[list[str]] = SET,
        out: Optional[Path] = out_option("reports/<file stem>[--<hash of the overrides>]"),
        workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
        no_report: bool = NO_REPORT, lang: Optional[Lang] = LANG, quiet: bool = QUIET,
        observations: Optional[Path] = OBSERVATIONS, png: bool = PNG) -> None:
    """Run a scenario's ensemble; write the run directory and print the target table."""
    from simulator.output.naming import default_out
    from simulator.output.run_dir import write_run

    with guarded():
        obs = read_observations(observations)
        s, settings = prepare(scenario, set_, replications, seed)
        bounded(s, settings, workers)
        out = output_path(out, default_out(scenario.stem, settings), "run", [scenario])
        ens = _run_ensemble(s, settings, workers, scheduler, quiet, hindcast_rows(obs))
        report = None if no_report else report_writer(lang_code(lang), png)
        extra, scored = with_hindcast(report, ens, obs)
        write_run(ens, out, scenario_file=str(scenario), extra=extra,
                  overrides=settings.overrides, command=command_line())
    _print_targets(ens)
    print(settings.describe())
    if scored is not None:
        print_hindcast(scored, scenario)
    print(f"wrote {out}/")


@app.command()
def report(run_dir: Path = typer.Argument(..., help="A run directory written by `capsim run`."),
           lang: Optional[Lang] = LANG, png: bool = PNG) -> None:
    """Re-draw report.pdf (and with --png charts/) of a run directory from its saved results."""
    with guarded():
        from simulator.output.guard import check_own
        from simulator.report import MissingGlyphError, write_report

        check_own(run_dir, "run")
        try:
            pdf = write_report(run_dir, lang=lang_code(lang), png=png)
        except (ScenarioError, MissingGlyphError):
            raise
        except Exception as exc:  # drawn from files that passed the checks, yet odd
            if _state["debug"]:
                raise
            raise ScenarioError(Problem(
                f"cannot draw the report from these files ({type(exc).__name__}: {exc}); "
                f"report.pdf and charts/ are as they were", file=str(run_dir),
                hint="run the scenario again; if the folder is undamaged, this is a bug in "
                     "capsim (--debug shows the traceback)")) from None
    print(f"wrote {pdf}" + (f" and {run_dir / 'charts'}/" if png else ""))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from simulator.scenario.json_schema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
