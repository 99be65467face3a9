"""The scenario's project pipeline: streams of projects not yet announced, and their gates;
and the hardware switch a supply shock may bring."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from simulator.scenario.schema_base import (Capacity, Duration, EventWindow, Id, OmitsNewDefaults,
                                           Probability, Rate, StartWhen, Strict)


class Size(OmitsNewDefaults, Strict):
    """A triangular distribution of a project's capacity [P], or of its number of hardware
    units (`unit: units`, for a stream with `hardware`)."""

    _new_fields = ("unit",)

    min: Annotated[Capacity, Field(gt=0)]
    """smallest project [P, or units]"""
    mode: Annotated[Capacity, Field(gt=0)]
    """most likely size [P, or units]"""
    max: Annotated[Capacity, Field(gt=0)]
    """largest project [P, or units]"""
    unit: Literal["P", "units"] = "P"
    """what min, mode and max count: P (default) or units of the stream's hardware"""

    @model_validator(mode="after")
    def _ordered(self) -> "Size":
        if not self.min <= self.mode <= self.max:
            raise PydanticCustomError(
                "order", "needs min <= mode <= max, got min {a}, mode {b}, max {c}",
                {"a": f"{self.min:g}", "b": f"{self.mode:g}", "c": f"{self.max:g}"})
        return self


class ApproveWhen(Strict):
    """An approval gate: projects announced while the region is under-used wait, then lapse."""

    utilization_below: Annotated[Rate, Field(gt=0.0, le=1.0)]
    """a project waits while the utilisation of `types` (all facilities, served / installed)
    is below this level [fraction]"""
    types: list[str] = Field(min_length=1)
    """compute types whose utilisation is looked at"""
    hold_months: Annotated[int, Field(ge=0, le=600)] = 6
    """months a project waits before it is abandoned [months]"""


class Stream(OmitsNewDefaults, Strict):
    """A stream of projects not yet announced: a Poisson number of them in a window, each a
    phase of drawn size and build time that may be abandoned before it comes online."""

    _new_fields = ("hardware",)

    id: Id
    name: str | None = None
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    type: str
    """compute type of its projects"""
    hardware: Id | None = None
    """catalogue id of the hardware its projects hold, e.g. h800-sxm: capacity, power and capex
    then follow from the units (as for a phase with `hardware`), and switches apply"""
    window: EventWindow
    """months in which projects are announced"""
    rate_per_year: Annotated[float, Field(ge=0.0, le=1000.0, allow_inf_nan=False)]
    """announcements per year [1/year]"""
    size: Size
    """capacity of one project [P]"""
    build_months: Duration
    """construction time from approval to online [months]"""
    probability_built: Probability = 1.0
    """chance a project is finished; otherwise it is abandoned during construction"""
    facility: str | None = None
    """a declared facility the projects become phases of; default a new facility `<id>`"""
    approve_when: ApproveWhen | None = None
    """approval gate on the region's utilisation"""
    start_when: StartWhen | None = None
    """start construction (after approval) on the facility's utilisation, as for a phase"""


class Switch(Strict):
    """A change of the hardware that can be bought: phases not yet online that hold `from` get
    `to` (units x units_factor); their capacity, power and capex follow from the catalogue."""

    from_: Id = Field(alias="from")
    """catalogue id of the hardware no longer bought, e.g. h800-sxm"""
    to: Id
    """catalogue id of the hardware bought instead, e.g. h20"""
    units_factor: Annotated[float, Field(gt=0.0, le=1000.0, allow_inf_nan=False)] = 1.0
    """units of `to` per unit of `from` (1: the same number of units)"""


class Delay(Strict):
    types: list[str] = Field(min_length=1)
    """compute types whose phases are delayed"""
    months: Duration
    """delay [months]"""
