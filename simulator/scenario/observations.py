"""Observations: what was reported (month, metric, scope, value, source), read from YAML.

An observations file holds public figures to score a scenario's forecast against
(`capsim hindcast`). It is read like a scenario: YAML with positions, pydantic validation, then
cross-checks, and every problem comes back at once as `file:line:col: field.path: message`.

    name: Yichang compute as reported, 2023-2025
    observations:
      - id: yichang-built-2024-08
        month: 2024-08
        metric: capacity_p            # see METRICS
        total: true                   # or type: ai, or precision: FP16
        scope: {city: yichang}        # or {district: ...}, {province: ...}, {facilities: [ids]}
        value: 1050P
        counting: nominal P, all kinds added   # how the source counts
        source: People's Daily Online, 2024-08-22, http://...
        note: ...
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from simulator.errors import Problem, ScenarioError
from simulator.scenario.load import locate
from simulator.scenario.messages import combine_typos, from_pydantic
from simulator.scenario.schema import SCOPE_LEVELS, Capacity, Id, Month, Strict
from simulator.scenario.yaml_read import read_document
from simulator.units import format_month

__all__ = ["METRICS", "Observation", "ObservationScope", "Observations", "load_observations",
           "observations_from_dict"]

# Metrics an observation may hold, all in P: the monthly metrics of a run that have a unit of P.
METRICS = ("capacity_p", "under_construction_p", "planned_p", "served_p", "demand_p", "unmet_p")
Metric = Literal["capacity_p", "under_construction_p", "planned_p", "served_p", "demand_p",
                 "unmet_p"]


class ObservationScope(Strict):
    """What a figure counts: named facilities, or one area (district, city, province, country)."""

    facilities: list[Id] | None = Field(None, min_length=1)
    """facility ids of the scenario; the figure is their sum"""
    district: Id | None = None
    city: Id | None = None
    province: Id | None = None
    country: Id | None = None

    @model_validator(mode="after")
    def _one(self) -> "ObservationScope":
        given = [k for k in ("facilities",) + SCOPE_LEVELS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "scope", "needs exactly one of facilities, district, city, province, country; "
                         "got {got}", {"got": ", ".join(given) or "none"})
        return self

    @property
    def key(self) -> tuple[str, object]:
        """('facilities', (ids...)) or (level, name)."""
        if self.facilities is not None:
            return "facilities", tuple(self.facilities)
        level = next(k for k in SCOPE_LEVELS if getattr(self, k) is not None)
        return level, getattr(self, level)

    def label(self) -> str:
        """'city yichang', 'facilities baidu-ai+zhongke-shengzhe'."""
        kind, name = self.key
        return f"{kind} {'+'.join(name) if kind == 'facilities' else name}"


class Observation(Strict):
    """One reported figure, with how it was counted and where it was published."""

    id: Id
    month: Month
    """month the figure describes (for 'end of 2024', 2024-12)"""
    metric: Metric
    """what is counted, as in monthly.csv: capacity_p (built, online), under_construction_p, ..."""
    type: str | None = None
    """one compute type of the scenario, e.g. ai"""
    precision: str | None = None
    """every compute type counted at this precision, e.g. FP16"""
    total: bool = False
    """all compute types added up (a nominal P, the way local totals count)"""
    scope: ObservationScope
    value: Annotated[Capacity, Field(ge=0)]
    """the reported figure [P]"""
    counting: str
    """how the source counts, in words (precision, what it adds up)"""
    source: str = Field(min_length=1)
    """publication and date, or a URL"""
    note: str | None = None
    in_sample: bool = False
    """the scenario was built from this figure: scoring it checks the scenario, not a forecast"""

    @model_validator(mode="after")
    def _one_selection(self) -> "Observation":
        given = [k for k in ("type", "precision") if getattr(self, k) is not None]
        given += ["total"] if self.total else []
        if len(given) != 1:
            raise PydanticCustomError(
                "selection", "needs exactly one of type, precision or total: true; got {got}",
                {"got": ", ".join(given) or "none"})
        return self

    @property
    def selection(self) -> str:
        """'ai', 'FP16 (precision)' or 'total'."""
        if self.total:
            return "total"
        return self.type if self.type is not None else f"{self.precision} (precision)"


class Observations(Strict):
    """An observations file: a name and the figures."""

    name: str
    description: str | None = None
    observations: list[Observation] = Field(min_length=1)


def observations_from_dict(data: object, file: str | None = None) -> Observations:
    """Validate a mapping (as read from YAML) into Observations, or raise ScenarioError with
    every problem, each located in `file` when the data carries positions."""
    name = file or "<observations>"
    if not isinstance(data, dict):
        raise ScenarioError(Problem("an observations file must be a mapping with 'name' and "
                                    "'observations'", file=name, line=1, column=1))
    try:
        obs = Observations.model_validate(dict(data))
    except ValidationError as exc:
        found = combine_typos([from_pydantic(err, data, Observations) for err in exc.errors()])
        raise ScenarioError([locate(p, data, name) for p in found]) from None
    problems = _duplicates(obs)
    if problems:
        raise ScenarioError([locate(p, data, name) for p in problems])
    return obs


def _duplicates(obs: Observations) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, o in enumerate(obs.observations):
        if o.id in seen:
            first = obs.observations[seen[o.id]]
            problems.append(Problem(f"duplicate observation id {o.id!r} (also item "
                                    f"{seen[o.id] + 1}, {format_month(first.month)})",
                                    loc=("observations", i, "id")))
        seen.setdefault(o.id, i)
    return problems


def load_observations(path: str | os.PathLike) -> Observations:
    """Read and validate an observations file; every problem located as `file:line:col`."""
    name = str(path)
    data, comments_only = read_document(path)
    if not isinstance(data, dict):
        kind = ("empty (it holds only comments)" if data is None and comments_only else
                "empty" if data is None else "a list" if isinstance(data, list) else
                "a single value")
        raise ScenarioError(Problem(f"an observations file must be a mapping with 'name' and "
                                    f"'observations'; this file is {kind}", file=name, line=1,
                                    column=1))
    return observations_from_dict(data, name)
