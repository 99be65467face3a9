"""What a report draws from: the tables of a run (saved or in memory), indexed for quick lookup."""

from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from simulator.scenario.schema import Scenario
from simulator.units import format_month
from simulator.report.colors import entity_colors, type_colors
from simulator.report.i18n.text import Text, has_cjk

QUANTILE_COLUMNS = ("mean", "p10", "p50", "p90")



@dataclass
class Results:
    """A run's scenario, facts (hash, seed, ...) and tables, with the report's language."""

    scenario: Scenario
    facts: dict  # scenario, scenario_hash, seed, replications, version
    monthly: pd.DataFrame
    targets: pd.DataFrame
    kpis: pd.DataFrame
    phases: pd.DataFrame
    tenants: pd.DataFrame
    tenant_monthly: pd.DataFrame
    t: Text = field(default_factory=lambda: Text("zh"))

    def __post_init__(self):
        s = self.scenario
        self.month_labels = [format_month(s.start + m) for m in range(s.months)]
        self.months = np.array([to_x(m) for m in self.month_labels])  # [decimal years]
        self._pos = {m: i for i, m in enumerate(self.month_labels)}
        self._groups = {key: g for key, g in
                        self.monthly.groupby(["metric", "type", "facility"], sort=False)}

    @classmethod
    def from_run(cls, run, lang: str | None = None) -> "Results":
        """From `output.read_run(...)`."""
        s = run.scenario
        return cls(s, dict(run.summary), run.monthly, run.targets, run.kpis, run.phases,
                   run.tenants, run.tenant_monthly, Text(lang or s.language))

    @classmethod
    def from_ensemble(cls, ens, lang: str | None = None) -> "Results":
        """From an `ensemble.Ensemble` (no files)."""
        from simulator import __version__

        s = ens.scenario
        facts = {"scenario": s.name, "scenario_hash": ens.hash, "seed": ens.seed,
                 "replications": ens.replications, "version": __version__}
        return cls(s, facts, ens.monthly, ens.targets, ens.kpis, ens.phases, ens.tenants,
                   ens.tenant_monthly, Text(lang or s.language))

    # ------------------------------------------------------------------ lookups
    def band(self, metric: str, typ: str = "all", facility: str = "all") -> pd.DataFrame:
        """mean, p10, p50, p90 of a monthly metric, one row per month (zeros where absent)."""
        g = self._groups.get((metric, typ, facility))
        out = np.zeros((len(self.month_labels), 4))
        if g is not None:
            idx = [self._pos[m] for m in g["month"]]
            out[idx] = g[list(QUANTILE_COLUMNS)].to_numpy(dtype=float)
        return pd.DataFrame(out, columns=QUANTILE_COLUMNS, index=self.months)

    def has(self, metric: str, typ: str = "all", facility: str = "all") -> bool:
        return (metric, typ, facility) in self._groups

    def facilities_of(self, typ: str) -> list[str]:
        """Facility ids that have (or plan) capacity of a type, in scenario order."""
        ids = self.facility_ids
        return [f for f in ids if self.has("capacity_p", typ, f)]

    def month_pos(self, month: str | None) -> int | None:
        """Index of a 'YYYY-MM' within the horizon, or None."""
        return self._pos.get(month) if isinstance(month, str) else None

    def kpi(self, name: str, typ: str = "all") -> dict:
        rows = self.kpis[(self.kpis["kpi"] == name) & (self.kpis["type"] == typ)]
        if rows.empty:
            return {q: float("nan") for q in QUANTILE_COLUMNS}
        return {q: float(rows.iloc[0][q]) for q in QUANTILE_COLUMNS}

    # ------------------------------------------------------------------ names
    def type_label(self, typ: str) -> str:
        ct = self.scenario.compute_types.get(typ)
        return self.t.pick(ct.label, ct.label_en, typ) if ct else typ

    def facility_name(self, fid: str) -> str:
        f = next((f for f in self.scenario.facilities if f.id == fid), None) or next(
            (st for st in self.scenario.pipeline if st.id == fid and st.name), None)
        return self.t.pick(f.name, f.name_en, fid) if f else fid

    def phase_name(self, fid: str, pid: str) -> str:
        f = next((f for f in self.scenario.facilities if f.id == fid), None)
        ph = next((p for p in f.phases if p.id == pid), None) if f else None
        name = getattr(ph, "name", None) if ph else None
        name_en = getattr(ph, "name_en", None) if ph else None
        return self.t.pick(name, name_en, pid)

    def tenant_name(self, tid: str) -> str:
        tn = next((x for x in self.scenario.tenants if x.id == tid), None)
        return self.t.pick(tn.name, tn.name_en, tid) if tn else tid

    def event_name(self, event) -> str:
        return self.t.pick(event.name, getattr(event, "name_en", None), event.id)

    @property
    def title(self) -> str:
        """The scenario's name in the report's language (see `scenario_title`)."""
        file = self.facts.get("scenario_file")
        return scenario_title(self.scenario, self.t, Path(file).stem if file else None)

    @cached_property
    def types(self) -> list[str]:
        """Compute types with capacity, pipeline, demand or a target."""
        targeted = set(self.targets["type"]) if len(self.targets) else set()
        out = []
        for typ in self.scenario.compute_types:
            busy = any(self.band(m, typ)["p90"].max() > 0 or self.band(m, typ)["mean"].max() > 0
                       for m in ("capacity_p", "under_construction_p", "planned_p", "demand_p"))
            if busy or typ in targeted:
                out.append(typ)
        return out

    @property
    def facility_ids(self) -> list[str]:
        """Declared facilities, then the new facilities of pipeline streams."""
        return [f.id for f in self.scenario.facilities] + [
            st.id for st in self.scenario.pipeline if st.facility is None]

    def facility_colors(self) -> dict[str, str]:
        """Stable colours keyed by facility id (see `colors`), pipeline facilities included."""
        return entity_colors(self.facility_ids)

    def tenant_colors(self) -> dict[str, str]:
        """Stable colours keyed by tenant id (see `colors`)."""
        return entity_colors([x.id for x in self.scenario.tenants])

    def type_colors(self) -> dict[str, str]:
        """The fixed colours of the compute types (see `colors`)."""
        return type_colors(self.scenario.compute_types)


def scenario_title(s: Scenario, t: Text, fallback: str | None = None) -> str:
    """The scenario's name; in English without Chinese: `name_en`, else the name if it has no
    Chinese, else the first clause of an English description, else `fallback` (the file's
    name), else a generic title."""
    if t.lang == "zh":
        return s.name
    name_en = getattr(s, "name_en", None)
    if name_en:
        return name_en
    if not has_cjk(s.name):
        return s.name
    desc = (s.description or "").strip()
    if desc and not has_cjk(desc):
        clause = re.split(r"[:;(]|\.\s", desc, maxsplit=1)[0].strip().rstrip(",")
        if len(clause) > 90:
            clause = clause[:88].rsplit(" ", 1)[0] + "…"
        return clause
    return fallback or "Scenario"


MONTH = 1.0 / 12.0  # one month on the time axis [years]


def month_edges(months: np.ndarray) -> np.ndarray:
    """Month starts plus the start of the month after the last: x for step plots."""
    months = np.asarray(months, dtype=float)
    return np.append(months, months[-1] + MONTH)


def to_x(month: str | None) -> float | None:
    """'YYYY-MM' as a position on the time axis (decimal years: 2024-07 is 2024.5), or None.

    Time axes use plain numbers, not dates: matplotlib's date locators cost seconds per report.
    """
    if not (isinstance(month, str) and month):
        return None
    year, mon = month.split("-")[:2]
    return int(year) + (int(mon) - 1) * MONTH


def x_label(x: float) -> str:
    """A time-axis position back as 'YYYY-MM'."""
    i = int(round(x * 12))
    return f"{i // 12:04d}-{i % 12 + 1:02d}"
