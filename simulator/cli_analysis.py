"""The planner's next questions on the command line: `sensitivity`, `plan` and `sweep`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from .cli import SET_HELP, _err, _overrides, _progress, app, guarded
from .errors import Problem, ScenarioError

N_HELP = "Replications per ensemble (default: the scenario's, else 1000)."


def _load(file: Path, set_):
    from .loading import load_scenario

    warnings: list[Problem] = []
    scenario = load_scenario(file, _overrides(set_), warnings)
    for w in warnings:
        _err(f"{w.render()} [warning]")
    return scenario


def _table(title: str, df, columns: dict[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col, head in columns.items():
        table.add_column(head, overflow="fold", min_width=12 if col == "input" else None)
    for row in df.to_dict("records"):
        table.add_row(*(_cell(row.get(col)) for col in columns))
    Console(width=max(110, Console().width)).print(table)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return str(value)


def _pdf(tmp: Path, kind: str, payload: dict, lang: Optional[str]) -> None:
    from .report import write_analysis_report

    write_analysis_report(tmp, kind, payload, lang=lang)


@app.command()
def sensitivity(scenario: Path = typer.Argument(..., help="Scenario file."),
                replications: Optional[int] = typer.Option(None, "-n", "--replications", min=1,
                                                           help=N_HELP),
                seed: Optional[int] = typer.Option(None, "--seed", min=0),
                set_: Optional[list[str]] = typer.Option(None, "--set", help=SET_HELP),
                out: Optional[Path] = typer.Option(None, "--out", help="Output directory "
                                                   "(default reports/<stem>-sensitivity)."),
                workers: Optional[int] = typer.Option(None, "--workers", min=1),
                scheduler: Optional[str] = typer.Option(None, "--scheduler"),
                lang: Optional[str] = typer.Option(None, "--lang", help="zh or en."),
                no_report: bool = typer.Option(False, "--no-report"),
                quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Tornado: swing each uncertain input low and high; effect on every target, largest first."""
    from .executors import executor_for
    from .output import staged_directory, write_csv
    from .sensitivity import sensitivity as run

    with guarded():
        _check_lang(lang)
        s = _load(scenario, set_)
        n = replications or s.replications or 1000
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            df = run(s, n, seed, ex, count, bar)
        out = out or Path("reports") / f"{scenario.stem}-sensitivity"
        with staged_directory(out) as tmp:
            write_csv(df, tmp / "sensitivity.csv")
            if not no_report:
                _pdf(tmp, "sensitivity", {"scenario": s, "table": df, "replications": n,
                                          "seed": s.seed if seed is None else seed}, lang)
    _table(f"{s.name}: what moves each target (largest swing first)", df[df["rank"] <= 5],
           {"target": "target", "rank": "#", "input": "input", "low": "low", "high": "high",
            "p_met_low": "P(met) low", "p_met_high": "P(met) high", "gap_p50_low": "gap P50 low",
            "gap_p50_high": "gap P50 high"})
    print(f"wrote {out}/")


@app.command()
def plan(scenario: Path = typer.Argument(..., help="Scenario file."),
         confidence: float = typer.Option(0.8, "--confidence", min=0.01, max=0.99,
                                          help="Wanted probability of meeting each target."),
         build_class: Optional[list[str]] = typer.Option(
             None, "--class", help="A build class NAME=MIN,MODE,MAX months (replaces the "
                                   "defaults fit-out=4,5,6 new-building=9,12,15 campus=18,24,36)."),
         replications: Optional[int] = typer.Option(None, "-n", "--replications", min=1,
                                                    help=N_HELP),
         seed: Optional[int] = typer.Option(None, "--seed", min=0),
         set_: Optional[list[str]] = typer.Option(None, "--set", help=SET_HELP),
         out: Optional[Path] = typer.Option(None, "--out", help="Output directory "
                                            "(default reports/<stem>-plan)."),
         workers: Optional[int] = typer.Option(None, "--workers", min=1),
         scheduler: Optional[str] = typer.Option(None, "--scheduler"),
         lang: Optional[str] = typer.Option(None, "--lang", help="zh or en."),
         no_report: bool = typer.Option(False, "--no-report")) -> None:
    """Backcast: capacity and latest construction start per build class to meet each target."""
    from .backcast import plan as run
    from .executors import executor_for
    from .output import staged_directory, write_csv

    with guarded():
        _check_lang(lang)
        classes = _classes(build_class)
        s = _load(scenario, set_)
        with executor_for(workers, scheduler) as (ex, count):
            result = run(s, confidence, replications, seed, ex, count, classes)
        out = out or Path("reports") / f"{scenario.stem}-plan"
        with staged_directory(out) as tmp:
            write_csv(result.table, tmp / "plan.csv")
            for name, whatif in result.whatifs.items():
                (tmp / f"plan-{name}.yaml").write_text(
                    _whatif_yaml(scenario, out, name, whatif, confidence, set_), encoding="utf-8")
            if not no_report:
                _pdf(tmp, "plan", {"scenario": s, "plan": result}, lang)
    _table(f"{s.name}: what must start building by when ({confidence:.0%} confidence)",
           result.table, {"target": "target", "build_class": "build class", "status": "status",
                          "capacity_p": "add [P]", "latest_start": "latest start",
                          "p_met_now": "P(met) now", "p_met_checked": "P(met) with it"})
    print(f"wrote {out}/")


@app.command()
def sweep(scenario: Path = typer.Argument(..., help="Scenario file."),
          set_: list[str] = typer.Option(..., "--set", help="PATH=V1,V2,V3 (a swept field) or "
                                         "PATH=V (fixed); values are YAML."),
          replications: Optional[int] = typer.Option(None, "-n", "--replications", min=1,
                                                     help=N_HELP),
          seed: Optional[int] = typer.Option(None, "--seed", min=0),
          out: Optional[Path] = typer.Option(None, "--out", help="Output directory "
                                             "(default reports/<stem>-sweep)."),
          workers: Optional[int] = typer.Option(None, "--workers", min=1),
          scheduler: Optional[str] = typer.Option(None, "--scheduler"),
          lang: Optional[str] = typer.Option(None, "--lang", help="zh or en."),
          no_report: bool = typer.Option(False, "--no-report"),
          quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """P(met) and the median gap over a grid of field values, one ensemble per point."""
    from .executors import executor_for
    from .loading import load_scenario, parse_set
    from .output import staged_directory, write_csv
    from .sweep import grid, split_values, sweep_table
    from .variants import run_variants

    with guarded():
        _check_lang(lang)
        axes = {}
        for text in set_:
            path, _ = parse_set(text)
            raw = text.partition("=")[2]
            axes[path] = [parse_set(f"{path}={v}")[1] for v in split_values(raw)] or [""]
        points = grid(axes)
        scenarios = [load_scenario(scenario, point) for point in points]
        s = scenarios[0]
        with executor_for(workers, scheduler) as (ex, count), _progress(not quiet) as bar:
            ensembles = run_variants(scenarios, replications or s.replications or 1000,
                                     s.seed if seed is None else seed, ex, count, bar)
        table = sweep_table(points, ensembles)
        out = out or Path("reports") / f"{scenario.stem}-sweep"
        with staged_directory(out) as tmp:
            write_csv(table, tmp / "sweep.csv")
            if not no_report:
                _pdf(tmp, "sweep", {"scenario": s, "table": table, "axes": list(axes),
                                    "ensembles": ensembles}, lang)
    swept = {p: p.split(".")[-1] for p, values in axes.items() if len(values) > 1}
    _table(f"{s.name}: sweep", table, {**swept, "target": "target",
                                       "probability_met": "P(met)", "gap_p50": "gap P50",
                                       "month_met_p50": "month met P50"})
    print(f"wrote {out}/")


def _check_lang(lang) -> None:
    if lang not in (None, "zh", "en"):
        raise ScenarioError(Problem(f"--lang must be zh or en, got {lang!r}"))


def _classes(specs) -> dict | None:
    if not specs:
        return None
    out = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        try:
            lo, mode, hi = (float(v) for v in values.split(","))
            assert 0 <= lo <= mode <= hi
        except (ValueError, AssertionError):
            raise ScenarioError(Problem(f"--class {spec!r}: expected NAME=MIN,MODE,MAX months "
                                        f"with 0 <= MIN <= MODE <= MAX, e.g. fit-out=4,5,6"))
        out[name.strip()] = (lo, mode, hi)
    return out


def _whatif_yaml(scenario: Path, out: Path, name: str, whatif: dict, confidence: float,
                 sets) -> str:
    """The plan as a what-if file: `extends` the scenario (relative to where it is written)."""
    import io

    from ruamel.yaml import YAML

    base = os.path.relpath(scenario.resolve(), out.resolve())
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump({"extends": base, "name": f"Plan ({name}): meet the targets with "
                                        f"{confidence:.0%} confidence", **whatif}, buf)
    note = (f"# computed with --set {' --set '.join(sets)}; add those values here to keep them\n"
            if sets else "")
    return (f"# capsim plan: the phases to add so that every target is met with {confidence:.0%}"
            f" confidence,\n# for the build class {name!r}. Edit and run it like any what-if:\n"
            f"#   capsim run {out / f'plan-{name}.yaml'}\n{note}" + buf.getvalue())
