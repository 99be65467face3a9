"""`capsim hardware`: the hardware catalogue (peak per unit at each precision, power, capex) and
the source of every number; with a scenario, its own `hardware:` entries merged in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from simulator.cli.app import SET, app, guarded, load

FIELDS = ("fp64", "fp32", "fp16", "int8")


def _num(value) -> str:
    return "unknown" if value is None else f"{value:,.4g}"


@app.command()
def hardware(scenario: Optional[Path] = typer.Argument(
                 None, help="A scenario whose `hardware:` entries are merged in."),
             set_: Optional[list[str]] = SET,
             as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")
             ) -> None:
    """List the hardware catalogue: dense peak per unit at FP64/FP32/FP16/INT8, power and capex
    per unit, and the source of every number ('unknown' where a value is not public)."""
    from simulator.scenario.hardware import catalogue

    with guarded():
        s = load(scenario, set_) if scenario is not None else None
        cat = catalogue(s)
    if as_json:
        print(json.dumps({k: v.model_dump(mode="json", exclude_none=False) for k, v in cat.items()},
                         indent=2, ensure_ascii=False))
        return
    _print(cat)


def _print(cat: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(150, Console().width))
    table = Table(title="capsim hardware catalogue: dense peak per unit [TFLOPS; INT8 in TOPS] "
                        "(1 P = 1000 TFLOPS)", title_justify="left")
    for col in ("id", "name", "kind", "year", "FP64", "FP32", "FP16/BF16", "INT8",
                "kW/unit (server share)", "CNY/unit"):
        table.add_column(col, justify="left" if col in ("id", "name", "kind") else "right",
                         no_wrap=col == "id")
    for key, e in cat.items():
        peak = e.tflops
        table.add_row(key, e.name or "", e.kind or "", str(e.year or ""),
                      *[_num(getattr(peak, f, None) if peak else None) for f in FIELDS],
                      _num(e.power_kw), _num(e.capex_cny))
    console.print(table)
    console.print("Sources (a value without one is 'unknown'):")
    for key, e in cat.items():
        console.print(f"  {key}:", style="bold")
        for field, text in e.sources.items():
            console.print(f"    {field}: {text}", highlight=False)
        if not e.sources:
            console.print("    (no public figures found)", highlight=False)
        if e.note:
            console.print(f"    note: {e.note}", highlight=False)
