"""Sweeps: one ensemble per point of a grid of field values, on common random numbers."""

from __future__ import annotations

import itertools

from simulator.ensemble.run import Ensemble

SWEEP_COLUMNS = ["target", "probability_met", "probability_met_se", "capacity_p50", "gap_p50",
                 "gap_mean", "month_met_p50"]


def split_values(text: str) -> list[str]:
    """`V1,V2,V3` split at the commas that are not inside {...} or [...]."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return [v for v in out if v != ""]


def grid(axes: dict[str, list[object]]) -> list[dict[str, object]]:
    """Every combination of the swept values, the first path varying slowest."""
    paths = list(axes)
    return [dict(zip(paths, combo)) for combo in itertools.product(*axes.values())]


def sweep_table(points: list[dict[str, object]], ensembles: list[Ensemble]):
    """A row per grid point and target: the swept values, then P(met), capacity and gap."""
    import pandas as pd

    rows = []
    for point, ens in zip(points, ensembles):
        for row in ens.targets[SWEEP_COLUMNS].to_dict("records"):
            rows.append({**{path: _show(v) for path, v in point.items()}, **row})
    return pd.DataFrame(rows)


def _show(value: object) -> object:
    """A swept value as a table cell: numbers stay numbers, anything else becomes text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def run_sweep(scenario, axes: dict[str, list[object]], replications: int,
              seed: int | None = None, executor=None, workers: int = 1, progress=None):
    """Ensembles over the grid of `axes` ({path: [values]}); returns (points, ensembles, table)."""
    from simulator.analysis.variants import run_variants, with_changes

    points = grid(axes)
    seed = scenario.seed if seed is None else seed
    ensembles = run_variants([with_changes(scenario, p) for p in points], replications, seed,
                             executor, workers, progress)
    return points, ensembles, sweep_table(points, ensembles)
