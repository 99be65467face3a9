"""Reading a run directory back, defensively: each file decoded, parsed and range-checked, so a
damaged folder is a one-line error naming the file and what is wrong, never a crash mid-report."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

from simulator.errors import Problem, ScenarioError

MAX_FILE_BYTES = 500_000_000  # a run directory's largest table is tens of MB
MAX_ABS_VALUE = 1e15  # no quantity capsim writes comes near; 1e308 is damage
SUMMARY_KEYS = {"scenario": str, "scenario_hash": str, "seed": int, "replications": int,
                "targets": list}
# Columns each table must have (more are fine) and which of them hold months.
COLUMNS = {
    "monthly": ("month", "type", "facility", "metric", "mean", "p10", "p50", "p90"),
    "kpis": ("kpi", "type", "unit", "mean", "p10", "p50", "p90"),
    "targets": ("target", "type", "target_p", "by", "probability_met", "capacity_p10",
                "capacity_p50", "capacity_p90", "gap_p50"),
    "phases": ("facility", "phase", "capacity_p", "online_p10", "online_p50", "online_p90"),
    "tenants": ("tenant", "status", "count"),
    "tenant_monthly": ("month", "tenant", "type", "demand_p", "served_p"),
}
NUMERIC = {
    "monthly": ("mean", "p10", "p50", "p90"), "kpis": ("mean", "p10", "p50", "p90"),
    "targets": ("target_p", "probability_met", "capacity_p10", "capacity_p50", "capacity_p90",
                "gap_p50"),
    "phases": ("capacity_p",), "tenants": ("count",), "tenant_monthly": ("demand_p", "served_p"),
}
MONTH_COLUMNS = ("month", "by", "start_p10", "start_p50", "start_p90", "online_p10",
                 "online_p50", "online_p90", "month_met_p10", "month_met_p50", "month_met_p90")


def damaged(path: Path, what: str) -> ScenarioError:
    return ScenarioError(Problem(f"damaged run directory: {what}", file=str(path),
                                 hint="run the scenario again to write it afresh"))


def read_text(path: Path) -> str:
    """A file of the run directory as UTF-8 text, or a ScenarioError saying what is wrong."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise damaged(path, f"{path.stat().st_size / 1e6:,.0f} MB, too large")
        raw = path.read_bytes()
    except OSError as exc:
        raise damaged(path, f"cannot read it ({exc.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise damaged(path, f"not UTF-8 text (byte {exc.start:,})") from None


def read_summary(path: Path) -> dict:
    """summary.json: strict JSON (no NaN or Infinity), a mapping with the keys a report needs."""
    def no_constant(name: str):
        raise ValueError(f"{name} is not a JSON number")

    text = read_text(path)
    try:
        data = json.loads(text, parse_constant=no_constant)
    except ValueError as exc:
        raise damaged(path, f"not valid JSON ({str(exc).splitlines()[0][:80]})") from None
    if not isinstance(data, dict):
        raise damaged(path, "not a JSON object")
    for key, kind in SUMMARY_KEYS.items():
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise damaged(path, f"'{key}' is missing or not a {kind.__name__}")
    if data["replications"] < 1:
        raise damaged(path, f"'replications' is {data['replications']}")
    _finite(path, data)
    return data


def _finite(path: Path, value, where: str = "") -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _finite(path, v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _finite(path, v, f"{where}[{i}]")
    elif isinstance(value, float) and not abs(value) <= MAX_ABS_VALUE:
        raise damaged(path, f"{where} is {value:g}, out of range")


MONTHLY_PER_TYPE = ("capacity_p", "demand_p", "served_p", "unmet_p", "utilization", "power_mw")


def read_table(path: Path, name: str, first_month: int, last_month: int,
               types: tuple[str, ...] = ()):
    """A table of the run directory as a DataFrame, its columns and values checked (`types`:
    the scenario's compute types, each of which monthly.csv must cover month by month)."""
    import pandas as pd

    text = read_text(path)
    try:
        df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise damaged(path, f"not a CSV table ({str(exc).splitlines()[0][:80]})") from None
    missing = [c for c in COLUMNS.get(name, ()) if c not in df.columns]
    if missing:
        raise damaged(path, f"no column {', '.join(missing)}")
    for col in df.columns:
        _check_column(path, df, col, name, first_month, last_month)
    if name == "monthly":
        _check_complete(path, df, last_month - first_month + 1, types)
    return df


def _check_complete(path: Path, df, months: int, types: tuple[str, ...]) -> None:
    """Every series has one row per month, and each type its totals (a truncated file not)."""
    sizes = df.groupby(["metric", "type", "facility"]).size()
    short = sizes[sizes != months]
    if len(short):
        (metric, typ, facility), n = short.index[0], int(short.iloc[0])
        raise damaged(path, f"{metric} of {typ} at {facility} has {n} rows for {months} months")
    for typ in types:
        for metric in MONTHLY_PER_TYPE:
            if (metric, typ, "all") not in sizes.index:
                raise damaged(path, f"no {metric} rows for type {typ}")


def _check_column(path: Path, df, col: str, name: str, first: int, last: int) -> None:
    import numpy as np
    import pandas as pd

    from simulator.units import parse_month

    values = df[col]
    if col in MONTH_COLUMNS:
        for row, value in values.items():
            if isinstance(value, float) and math.isnan(value):
                continue
            try:
                month = parse_month(str(value))
            except ValueError:
                raise damaged(path, f"row {row + 2}, {col}: {str(value)[:20]!r} is not a "
                                    f"month") from None
            if name in ("monthly", "tenant_monthly") and not first <= month <= last:
                raise damaged(path, f"row {row + 2}, {col}: {value} is outside the "
                                    f"scenario's months") from None
        return
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float)
        bad = ~np.isnan(numbers) & ~(np.abs(numbers) <= MAX_ABS_VALUE)
        if bad.any():
            row = int(np.argmax(bad))
            raise damaged(path, f"row {row + 2}, {col}: {numbers[row]:g} is out of range")
    elif col in NUMERIC.get(name, ()):
        numeric = pd.to_numeric(values, errors="coerce")
        odd = (numeric.isna() & values.notna()).to_numpy()
        row = int(np.argmax(odd)) if odd.any() else 0
        raise damaged(path, f"row {row + 2}, {col}: {str(values.iloc[row])[:20]!r} is not a "
                            f"number")


def check_path(run_dir: Path) -> None:
    """The run directory exists and is a folder."""
    if not run_dir.exists():
        raise ScenarioError(Problem("no such run directory", file=str(run_dir),
                                    hint="run `capsim run SCENARIO` first"))
    if not run_dir.is_dir():
        raise ScenarioError(Problem("is a file, not a run directory", file=str(run_dir),
                                    hint="give the folder `capsim run` wrote"))
