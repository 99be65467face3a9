"""Write and read run directories: CSV, JSON, the resolved scenario; written whole or not at all."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from simulator.errors import ScenarioError, Problem
from simulator.scenario.hardware import dump
from simulator.ensemble import pipeline_tables
from simulator.output import forked
from simulator.output.settlement import write_settlement
from simulator.output.guard import (check_out, clean_leftovers, current_umask, marker_record,
                                    write_marker)
from simulator.scenario.schema import Scenario
from simulator.units import format_month

FLOAT_FORMAT = "%.9g"  # 9 significant digits: conservation checks hold on the written numbers
TABLES = ("monthly", "kpis", "targets", "phases", "tenants", "tenant_monthly")


def dump_yaml(data: object) -> str:
    """Plain data as block-style YAML, keys in their order, Chinese kept as it is."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def scenario_yaml(s: Scenario) -> str:
    """The resolved scenario as YAML (units written out: "50P", "2024-03")."""
    return ("# the scenario exactly as it was run (extends and --set applied)\n"
            + dump_yaml(dump(s, exclude_none=True)))


def summary(ens, scenario_file: str | None = None, overrides: dict | None = None) -> dict:
    """summary.json: what was run (name, hash, seed, replications, the --set overrides as
    {path: value}, version) and the answers."""
    from simulator import __version__

    from simulator.ensemble.counting import counting_summary

    s = ens.scenario
    targets = ens.targets
    counted = counting_summary(ens)
    return {
        "scenario": s.name, "scenario_file": scenario_file, "scenario_hash": ens.hash,
        "seed": ens.seed, "replications": ens.replications, "overrides": dict(overrides or {}),
        "version": __version__,
        "language": s.language, "start": format_month(s.start), "end": format_month(s.end),
        "targets": [{
            "id": row["target"], "type": row["type"], "label": row["label"],
            "target_p": row["target_p"], "by": row["by"],
            **{k: _num(row[k]) for k in ("capacity_p10", "capacity_p50", "capacity_p90",
                                         "gap_p10", "gap_p50", "gap_p90", "probability_met",
                                         "probability_met_se")},
            **{k: text_or_none(row[k]) for k in ("month_met_p10", "month_met_p50",
                                                 "month_met_p90")},
            **counted.get(row["target"], {}),
        } for row in targets.to_dict("records")],
        "kpis": [{k: _num(v) for k, v in row.items()} for row in ens.kpis.to_dict("records")],
        **({"pipeline": pipeline_tables.counts_summary(ens.pipeline)} if s.pipeline else {}),
        **({"shocks": ens.shocks} if ens.has_shocks else {}),
        **({"money": ens.money} if ens.has_money else {}),
    }


def text_or_none(value) -> str | None:
    """A text cell of a table, or None where it is empty (pandas gives NaN)."""
    return value if isinstance(value, str) and value else None


def _num(value):
    if isinstance(value, str) or value is None:
        return value
    value = float(value)
    return float(f"{value:.10g}") if math.isfinite(value) else None  # strict JSON, always


def write_run(ens, out_dir: str | os.PathLike, *, scenario_file: str | None = None,
              extra: Callable[[Path], None] | None = None, overrides: dict | None = None,
              command: str | None = None, kind: str = "run") -> Path:
    """Write the run directory of an Ensemble; `extra(tmp_dir)` adds files (the report);
    `kind` names the command that writes it in the folder's marker (run, hindcast).

    Everything is written to a temporary directory beside the target and renamed into place
    when complete, so an interrupted or failed run leaves the previous results intact. The
    target must be free or a run directory capsim wrote (see `guard`); `overrides` are the
    `--set` values ({path: value}) recorded in summary.json and the folder's marker.
    """
    out = Path(out_dir)
    info = summary(ens, scenario_file, overrides)
    record = marker_record(kind, command, overrides=info["overrides"],
                           replications=info["replications"], seed=info["seed"])
    inputs = [scenario_file] if scenario_file else []
    with staged_directory(out, kind, inputs, record) as tmp:
        tables = {name: getattr(ens, name) for name in TABLES}
        for name, df in tables.items():
            write_csv(df, tmp / f"{name}.csv")
        (tmp / "summary.json").write_text(
            json.dumps(info, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8")
        (tmp / "scenario.resolved.yaml").write_text(scenario_yaml(ens.scenario), encoding="utf-8")
        write_settlement(ens, tmp)
        with_extra(lambda: write_xlsx(tables, tmp / "results.xlsx"),
                   (lambda: extra(tmp)) if extra is not None else None)
    return out


def with_extra(xlsx: Callable[[], None], extra: Callable[[], None] | None) -> None:
    """Write the workbook and run `extra` (the report, which reads the CSVs written before):
    at the same time, the workbook in a forked child, where there is an `extra` and a core to
    spare (see `forked.worth_splitting`); else one after the other. Both finish before this
    returns; the first error is raised."""
    if extra is None or not forked.worth_splitting():
        xlsx()
        if extra is not None:
            extra()
        return
    job = forked.start(xlsx, "writing results.xlsx")
    try:
        extra()
    except BaseException:
        with contextlib.suppress(Exception):  # the first error is the one to report
            job.join()
        raise
    job.join()


XLSX_MAX_ROWS = 200_000  # larger tables stay in their CSV only (Excel holds 1,048,576 rows)


def write_csv(df, path: Path) -> None:
    """A table as CSV: the same bytes for the same numbers (fixed float format, \\n endings)."""
    df.to_csv(path, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def write_xlsx(tables: dict, path: Path) -> None:
    """results.xlsx: one sheet per table, for planners who work in Excel. A table too large for
    a workbook is named on a `notes` sheet instead, pointing at its CSV."""
    import math

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    notes = []
    for name, df in tables.items():
        if len(df) > XLSX_MAX_ROWS:
            notes.append([name, f"{len(df):,} rows: too many for this workbook; see {name}.csv"])
            continue
        ws = wb.create_sheet(name)
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False, name=None):
            ws.append([None if isinstance(v, float) and math.isnan(v) else
                       (v.item() if hasattr(v, "item") else v) for v in row])
    if notes:
        ws = wb.create_sheet("notes")
        ws.append(["table", "note"])
        for row in notes:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_times(buffer.getvalue()))


def _fixed_times(xlsx: bytes) -> bytes:
    """The workbook with every time in it fixed (SOURCE_DATE_EPOCH, else 2000-01-01), so the
    same numbers give the same bytes, as the CSVs do: the zip entries' dates and the created
    and modified dates openpyxl writes into docProps/core.xml."""
    import datetime as dt
    import re
    import zipfile

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else
            dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    when = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))  # zip's earliest date
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                              data)
            info = zipfile.ZipInfo(item.filename, when.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            dst.writestr(info, data)
    return out.getvalue()


@contextmanager
def staged_directory(target: Path, kind: str = "run", inputs: Iterable[str | os.PathLike] = (),
                     record: dict | None = None):
    """Yield a fresh staging folder; on success it replaces `target` in one rename.

    `target` must be free or a `kind` folder capsim wrote (see `guard`); `inputs` are the files
    the command reads, never replaced. The staging folder carries the marker from the start,
    and leftovers of an interrupted run beside `target` are removed first.
    """
    target = Path(target)
    inputs = list(inputs)
    check_out(target, kind, inputs)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=parent))
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; the user's umask decides
        write_marker(tmp, record or marker_record(kind))
    except OSError as exc:
        raise ScenarioError(Problem(f"cannot write the output here: {exc.strerror or exc}",
                                    file=str(target), hint="choose another --out")) from None
    try:
        yield tmp
        check_out(target, kind, inputs)  # again: something may have appeared meanwhile
        _swap_in(tmp, target, parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ScenarioError(Problem(f"cannot write the output: {exc.strerror or exc}",
                                    file=str(target), hint="check free space and permissions")
                            ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp: Path, target: Path, parent: Path) -> None:
    """Rename `tmp` to `target`; a previous `target` is moved aside first and removed after.
    Interrupted between the two renames, the previous folder is put back."""
    old = None
    if os.path.lexists(target):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=parent))
        os.replace(target, old / "previous")
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None and not os.path.lexists(target):
            os.replace(old / "previous", target)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class RunData:
    """A run directory read back: the scenario, the summary and the tables (DataFrames)."""

    path: Path
    scenario: Scenario
    summary: dict
    monthly: object
    kpis: object
    targets: object
    phases: object
    tenants: object
    tenant_monthly: object


def read_run(path: str | os.PathLike) -> RunData:
    """Read what `write_run` wrote, to redraw a report without simulating again.

    Every file is checked on the way in (see `read_checks`): a damaged one is a ScenarioError
    naming it and what is wrong."""
    from simulator.output import read_checks as rc
    from simulator.scenario.load import load_scenario

    path = Path(path)
    rc.check_path(path)
    missing = [f for f in ("summary.json", "scenario.resolved.yaml", *(f"{t}.csv" for t in TABLES))
               if not (path / f).is_file()]
    if missing:
        raise ScenarioError(Problem(f"not a complete run directory: missing {', '.join(missing)}",
                                    file=str(path), hint="run `capsim run SCENARIO` first"))
    summary_ = rc.read_summary(path / "summary.json")
    scenario = load_scenario(path / "scenario.resolved.yaml")
    types = tuple(scenario.compute_types)
    frames = {t: rc.read_table(path / f"{t}.csv", t, scenario.start, scenario.end, types)
              for t in TABLES}
    return RunData(path, scenario, summary_, **frames)
