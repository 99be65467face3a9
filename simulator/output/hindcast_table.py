"""hindcast.csv: one row per observation, scored or skipped, with its source."""

from __future__ import annotations

from pathlib import Path

from simulator.output.run_dir import write_csv
from simulator.units import format_month

COLUMNS = ("observation", "month", "metric", "selection", "scope", "value_p", "status",
           "p10", "p50", "p90", "pit", "inside_80", "crps_p", "in_sample", "reason", "counting",
           "source")


def hindcast_table(h):
    """The rows of hindcast.csv as a DataFrame, scored observations first, then skipped ones."""
    import pandas as pd

    rows = []
    for sc in h.scored:
        rows.append(_base(sc.obs) | {"status": "scored", "p10": sc.p10, "p50": sc.p50,
                                     "p90": sc.p90, "pit": sc.pit, "inside_80": sc.inside,
                                     "crps_p": sc.crps, "reason": ""})
    for o, reason in h.skipped:
        rows.append(_base(o) | {"status": "skipped", "reason": reason})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _base(o) -> dict:
    return {"observation": o.id, "month": format_month(o.month), "metric": o.metric,
            "selection": o.selection, "scope": o.scope.label(), "value_p": o.value,
            "in_sample": o.in_sample, "counting": o.counting, "source": o.source}


def write_hindcast_csv(h, out_dir: Path) -> Path:
    """Write hindcast.csv into `out_dir` (a run directory being staged)."""
    path = Path(out_dir) / "hindcast.csv"
    write_csv(hindcast_table(h), path)
    return path
