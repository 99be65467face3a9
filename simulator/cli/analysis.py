"""The planner's next questions on the command line: `compare`, `sensitivity`, `plan`, `sweep`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from simulator.cli.app import (LANG, NO_REPORT, QUIET, REPLICATIONS, SCHEDULER, SEED, SET, WORKERS,
                               Lang, _progress, app, bounded, guarded, lang_code, load, out_option,
                               output_path, prepare, record)
from simulator.errors import Problem, ScenarioError


def _table(title: str, df, columns: dict[str, str], percent: tuple[str, ...] = (),
           scenario=None) -> None:
    """A table of 80 columns; the `percent` columns (probabilities) as percentages; targets
    by their names in the `scenario`'s language."""
    if scenario is not None and "target" in df:
        names = _target_names(scenario)
        df = df.assign(target=df["target"].map(lambda k: names.get(k, k)))
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col, head in columns.items():
        table.add_column(head, overflow="fold", min_width=12 if col == "input" else None)
    for row in df.to_dict("records"):
        table.add_row(*(_cell(row.get(col), col in percent) for col in columns))
    Console(width=80).print(table)


def _cell(value, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if percent:
        return f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return str(value)


def _pdf(tmp: Path, data, lang: Optional[Lang]) -> None:
    from simulator.report import write_analysis_report

    write_analysis_report(tmp, data, lang=lang_code(lang))


@app.command()
def compare(scenarios: list[Path] = typer.Argument(..., help="Scenario files; the first is the "
                                                              "reference."),
            replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
            out: Optional[Path] = out_option("reports/compare-A-vs-B...[--<hash>]"),
            workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
            lang: Optional[Lang] = LANG, quiet: bool = QUIET) -> None:
    """Run scenarios with common random numbers; write comparison.pdf and comparison.csv."""
    from simulator.analysis.compare import run_comparison
    from simulator.ensemble.executors import executor_for
    from simulator.output.analysis_dirs import write_comparison_tables
    from simulator.output.naming import Settings, default_compare_out
    from simulator.output.run_dir import staged_directory

    with guarded():
        if len(scenarios) < 2:
            raise ScenarioError(Problem("compare needs two or more scenario files",
                                        hint="capsim compare BASE.yaml WHATIF.yaml ..."))
        loaded, problems = [], []
        for file in scenarios:
            try:
                loaded.append(load(file))
            except ScenarioError as exc:  # every file's problems at once
                problems.extend(exc.problems)
        if problems:
            raise ScenarioError(problems)
        settings = Settings.of(loaded[0], None, replications, seed)
        for s in loaded:
            bounded(s, settings, workers, len(loaded))
        out = output_path(out, default_compare_out(scenarios, settings), "compare", scenarios)
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            comp = run_comparison(loaded, [str(f) for f in scenarios], settings.replications,
                                  settings.seed, ex, workers=count, progress=bar)
        with staged_directory(out, "compare", scenarios, record("compare", settings)) as tmp:
            write_comparison_tables(comp, tmp)
            from simulator.report import write_comparison_pdf

            write_comparison_pdf(comp, tmp / "comparison.pdf", lang_code(lang))
    keys = list(dict.fromkeys(k for m in comp.members for k in m.ensemble.targets["target"]))
    rows = [{"label": m.label, "scenario": m.scenario.name,
             **m.ensemble.targets.set_index("target")["probability_met"].to_dict()}
            for m in comp.members]
    import pandas as pd

    names = _target_names(comp.base.scenario)
    _table(f"{comp.replications} replications each, common seed {comp.seed}", pd.DataFrame(rows),
           {"label": "", "scenario": "scenario", **{k: f"P(met) {names.get(k, k)}" for k in keys}},
           percent=tuple(keys))
    print(settings.describe())
    print(f"wrote {out}/")


@app.command()
def sensitivity(scenario: Path = typer.Argument(..., help="Scenario file."),
                replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
                set_: Optional[list[str]] = SET,
                out: Optional[Path] = out_option("reports/<stem>-sensitivity[--<hash>]"),
                workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
                lang: Optional[Lang] = LANG, no_report: bool = NO_REPORT,
                quiet: bool = QUIET) -> None:
    """Tornado: swing each uncertain input low and high; effect on every target, largest first."""
    from simulator.analysis.sensitivity import sensitivity as run
    from simulator.ensemble.executors import executor_for
    from simulator.output.naming import default_out
    from simulator.output.run_dir import staged_directory, write_csv

    with guarded():
        s, settings = prepare(scenario, set_, replications, seed)
        bounded(s, settings, workers)
        out = output_path(out, default_out(scenario.stem, settings, "-sensitivity"),
                          "sensitivity", [scenario])
        n = settings.replications
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            df = run(s, n, settings.seed, ex, count, bar)
        with staged_directory(out, "sensitivity", [scenario],
                              record("sensitivity", settings)) as tmp:
            write_csv(df, tmp / "sensitivity.csv")
            if not no_report:
                from simulator.report import SensitivityInput

                _pdf(tmp, SensitivityInput(s, df, n, settings.seed, settings.overrides), lang)
    _table(f"{s.name}: what moves each target (largest swing first)", df[df["rank"] <= 5],
           {"target": "target", "rank": "#", "input": "input", "low": "low", "high": "high",
            "p_met_low": "P(met) low", "p_met_high": "P(met) high", "gap_p50_low": "gap P50 low",
            "gap_p50_high": "gap P50 high"}, percent=("p_met_low", "p_met_high"), scenario=s)
    print(settings.describe())
    print(f"wrote {out}/")


@app.command()
def plan(scenario: Path = typer.Argument(..., help="Scenario file."),
         confidence: float = typer.Option(0.8, "--confidence", min=0.01, max=0.99,
                                          help="Wanted probability of meeting each target."),
         build_class: Optional[list[str]] = typer.Option(
             None, "--class", help="A build class NAME=MIN,MODE,MAX months (replaces the "
                                   "defaults fit-out=4,5,6 new-building=9,12,15 campus=18,24,36)."),
         replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
         set_: Optional[list[str]] = SET,
         out: Optional[Path] = out_option("reports/<stem>-plan[--<hash>]"),
         workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
         lang: Optional[Lang] = LANG, no_report: bool = NO_REPORT) -> None:
    """Backcast: capacity and latest construction start per build class to meet each target."""
    from simulator.analysis.plan import plan as run
    from simulator.ensemble.executors import executor_for
    from simulator.output.naming import default_out
    from simulator.output.run_dir import staged_directory, write_csv

    with guarded():
        classes = _classes(build_class)
        s, settings = prepare(scenario, set_, replications, seed)
        bounded(s, settings, workers)
        out = output_path(out, default_out(scenario.stem, settings, "-plan"), "plan", [scenario])
        with executor_for(workers, scheduler) as (ex, count):
            result = run(s, confidence, settings.replications, settings.seed, ex, count, classes)
        with staged_directory(out, "plan", [scenario], record("plan", settings)) as tmp:
            write_csv(result.table, tmp / "plan.csv")
            for name, whatif in result.whatifs.items():
                (tmp / f"plan-{name}.yaml").write_text(
                    _whatif_yaml(scenario, out, name, whatif, confidence, set_), encoding="utf-8")
            if not no_report:
                from simulator.report import PlanInput

                _pdf(tmp, PlanInput(s, result, settings.overrides), lang)
    from simulator.units import format_month, parse_month

    late = result.table["latest_start"].map(  # before the scenario's as_of: too late
        lambda m: isinstance(m, str) and parse_month(m) < s.knowledge_month)
    shown = result.table.assign(status=result.table["status"].where(
        ~late, f"too late (< {format_month(s.knowledge_month)})"))
    _table(f"{s.name}: what must start building by when ({confidence:.0%} confidence)",
           shown, {"target": "target", "build_class": "build class", "status": "status",
                          "capacity_p": "add [P]", "latest_start": "latest start",
                          "p_met_now": "P(met) now", "p_met_checked": "P(met) with it"},
           percent=("p_met_now", "p_met_checked"), scenario=s)
    print(settings.describe())
    print(f"wrote {out}/")


@app.command()
def sweep(scenario: Path = typer.Argument(..., help="Scenario file."),
          set_: list[str] = typer.Option(..., "--set", help="PATH=V1,V2,V3 (a swept field) or "
                                         "PATH=V (fixed); values are YAML."),
          replications: Optional[int] = REPLICATIONS, seed: Optional[int] = SEED,
          out: Optional[Path] = out_option("reports/<stem>-sweep[--<hash>]"),
          workers: Optional[int] = WORKERS, scheduler: Optional[str] = SCHEDULER,
          lang: Optional[Lang] = LANG, no_report: bool = NO_REPORT, quiet: bool = QUIET) -> None:
    """P(met) and the median gap over a grid of field values, one ensemble per point."""
    from simulator.analysis.sweep import grid, run_sweep, split_values
    from simulator.ensemble.executors import executor_for
    from simulator.output.naming import Settings, default_out
    from simulator.output.run_dir import staged_directory, write_csv
    from simulator.scenario.load import parse_set

    with guarded():
        axes = {}
        for text in set_:
            path, _ = parse_set(text)
            raw = text.partition("=")[2]
            axes[path] = [parse_set(f"{path}={v}")[1] for v in split_values(raw)] or [""]
        first = {path: values[0] for path, values in axes.items()}
        s = load(scenario, overrides=first)  # the first point, checked against the file
        fixed = {path: values[0] for path, values in axes.items() if len(values) == 1}
        settings = Settings.of(s, fixed, replications, seed)
        bounded(s, settings, workers, len(grid(axes)))
        out = output_path(out, default_out(scenario.stem, settings, "-sweep"), "sweep",
                          [scenario])
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            points, ensembles, table = run_sweep(s, axes, settings.replications, settings.seed,
                                                 ex, count, bar)
        sweep_record = record("sweep", settings)
        sweep_record["axes"] = {path: len(values) for path, values in axes.items()}
        with staged_directory(out, "sweep", [scenario], sweep_record) as tmp:
            write_csv(table, tmp / "sweep.csv")
            if not no_report:
                from simulator.report import SweepInput

                _pdf(tmp, SweepInput(s, table, list(axes), ensembles), lang)
    swept = {p: p.split(".")[-1] for p, values in axes.items() if len(values) > 1}
    _table(f"{s.name}: sweep", table, {**swept, "target": "target",
                                       "probability_met": "P(met)", "gap_p50": "gap P50",
                                       "month_met_p50": "month met P50"},
           percent=("probability_met",), scenario=s)
    print(settings.describe())
    print(f"wrote {out}/")


def _target_names(s) -> dict[str, str]:
    """Target keys as '1,000P 超算 2025-12' (types by their labels in the scenario's language)."""
    from simulator.cli.run import type_label
    from simulator.units import format_month

    return {tg.key: f"{tg.capacity:,.0f}P {type_label(s, tg.type)} {format_month(tg.by)}"
            for tg in s.targets}


def _classes(specs) -> dict | None:
    if not specs:
        return None
    out = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        try:
            lo, mode, hi = (float(v) for v in values.split(","))
            if not 0 <= lo <= mode <= hi:
                raise ValueError
        except ValueError:
            raise ScenarioError(Problem(f"--class {spec!r}: expected NAME=MIN,MODE,MAX months "
                                        f"with 0 <= MIN <= MODE <= MAX, e.g. fit-out=4,5,6"))
        out[name.strip()] = (lo, mode, hi)
    return out


def _whatif_yaml(scenario: Path, out: Path, name: str, whatif: dict, confidence: float,
                 sets) -> str:
    """The plan as a what-if file: `extends` the scenario (relative to where it is written)."""
    from simulator.output.run_dir import dump_yaml

    base = os.path.relpath(scenario.resolve(), out.resolve())
    text = dump_yaml({"extends": base, "name": f"Plan ({name}): meet the targets with "
                                              f"{confidence:.0%} confidence", **whatif})
    note = (f"# computed with --set {' --set '.join(sets)}; add those values here to keep them\n"
            if sets else "")
    return (f"# capsim plan: the phases to add so that every target is met with {confidence:.0%}"
            f" confidence,\n# for the build class {name!r}. Edit and run it like any what-if:\n"
            f"#   capsim run {out / f'plan-{name}.yaml'}\n{note}" + text)
