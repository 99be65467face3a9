"""Frozen pydantic models of a scenario: compute types, targets, facilities, phases, tenants, events."""

from __future__ import annotations

from typing import Annotated, Literal, Union, get_origin

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
                      PlainSerializer, Tag, WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from simulator.scenario.limits import (MAX_AMOUNT, MAX_CAPACITY_P, MAX_DESCRIPTION, MAX_GROWTH,
                                       MAX_MONTHS, MAX_TEXT, check_text, is_text)
from simulator.units import format_capacity, format_month, parse_capacity, parse_month, parse_rate

# ---------------------------------------------------------------- unit types
Capacity = Annotated[
    float, BeforeValidator(parse_capacity), Field(le=MAX_CAPACITY_P), PlainSerializer(format_capacity, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern":
                    r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*([PpEeTt]([Ff]([Ll][Oo][Pp][Ss])?)?)?\s*$"}],
                    "description": "capacity: 50P, 50 PF, 50 PFLOPS, 1.2E (=1200P), 800T (=0.8P); a bare number is P"}),
]
Month = Annotated[
    int, BeforeValidator(parse_month), PlainSerializer(format_month, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{1,2}(-\d{1,2})?$",
                    "description": "a month, YYYY-MM"}),
]
Rate = Annotated[
    float, BeforeValidator(parse_rate),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*[0-9.eE+-]+\s*%?"}],
                    "description": "a fraction (0.15) or a percentage (15%)"}),
]
Probability = Annotated[Rate, Field(ge=0.0, le=1.0)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$", max_length=64)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_AMOUNT, allow_inf_nan=False)]
Months = Annotated[float, Field(ge=0.0, le=MAX_MONTHS, allow_inf_nan=False)]


class Strict(BaseModel):
    """The base of every scenario model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_values(cls, value, info):
        """No number takes true/false: YAML reads `true`, `yes`, `on` as such, which pydantic
        would quietly take as 1 or 0. (Text fields say "must be text" themselves.)"""
        annotation = cls.model_fields[info.field_name].annotation
        if is_text(annotation):
            return value
        items = value.values() if isinstance(value, dict) and get_origin(annotation) is dict \
            else (value,)  # a mapping of numbers (capacity: {ai: true}), or one value
        for item in items:
            if isinstance(item, bool):
                raise PydanticCustomError("truth_value", "got {v}, a yes/no value; write a "
                                          "number, or quote it if it is text",
                                          {"v": str(item).lower()})
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value, info):
        """Text fields: bounded length, and no control or bidi-override characters (they would
        rewrite a terminal line or reorder a name in the report)."""
        if isinstance(value, str):
            check_text(value, MAX_DESCRIPTION if info.field_name == "description" else MAX_TEXT)
        return value


class Triangular(Strict):
    """A triangular distribution of a number of months."""

    min: Months
    """lowest value [months]"""
    mode: Months
    """most likely value [months]"""
    max: Months
    """highest value [months]"""

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not self.min <= self.mode <= self.max:
            # pydantic fills {name} with str(value) and knows no format specs: format here.
            raise PydanticCustomError(
                "order", "needs min <= mode <= max, got min {a}, mode {b}, max {c}",
                {"a": f"{self.min:g}", "b": f"{self.mode:g}", "c": f"{self.max:g}"})
        return self


def _duration_kind(value: object) -> str:
    return "distribution" if isinstance(value, (dict, Triangular)) else "months"


Duration = Annotated[
    Union[Annotated[Months, Tag("months")], Annotated[Triangular, Tag("distribution")]],
    Discriminator(_duration_kind),
]
"""A number of months, or a triangular {min, mode, max}."""


# ---------------------------------------------------------------- the sections
class ComputeType(Strict):
    """A pool of compute: capacity of one type never serves demand of another."""

    label: str
    """name shown in reports, e.g. 智算"""
    label_en: str | None = None
    """English name for reports in English, e.g. AI"""
    precision: str | None = None
    """the precision its P are counted in, e.g. FP16"""


class Target(Strict):
    """Installed capacity of one type that must stand by a month."""

    id: Id | None = None
    """name of the target; default '<type>-<by>'"""
    type: str
    """compute type"""
    capacity: Annotated[Capacity, Field(gt=0)]
    """capacity to reach [P]"""
    by: Month
    """deadline, inclusive"""

    @property
    def key(self) -> str:
        """The target's id, or '<type>-<YYYY-MM>'."""
        return self.id or f"{self.type}-{format_month(self.by)}"


class Economics(Strict):
    """Power and money; the scenario's `defaults`, each overridable per facility."""

    pue: Annotated[float, Field(ge=1.0, le=5.0)] = 1.3
    """power usage effectiveness: site power / IT power"""
    power_kw_per_p: dict[str, NonNegative] = {}
    """IT power per P of each type [kW/P]"""
    capex_per_p: dict[str, NonNegative] = {}
    """construction cost per P of each type [million CNY/P]"""
    price_per_p_month: dict[str, NonNegative] = {}
    """rent paid for one P for one month, per type [CNY/(P*month)]"""
    electricity_price: NonNegative = 0.5
    """[CNY/kWh]"""
    idle_share: Annotated[Rate, Field(ge=0.0, le=1.0)] = 0.3
    """share of IT power drawn by idle capacity"""


class StartWhen(Strict):
    """Start construction once the facility is busy enough for long enough."""

    utilization_above: Annotated[Rate, Field(gt=0.0, le=1.0)]
    """utilisation level of the facility (served / installed)"""
    for_months: Annotated[int, Field(ge=1)] = 1
    """consecutive months above the level"""


class Phase(Strict):
    """A block of capacity that is built, comes online and may retire."""

    id: Id | None = None
    """name within the facility; default p1, p2, ... by position"""
    name: str | None = None
    """name shown in reports, e.g. 二期"""
    name_en: str | None = None
    """English name for reports in English, e.g. Phase 2"""
    capacity: dict[str, Annotated[Capacity, Field(gt=0)]] = Field(min_length=1)
    """capacity per compute type [P]"""
    online: Month | None = None
    """month the capacity counts from (for what is built or has a fixed date)"""
    start: Month | None = None
    """month construction begins"""
    build_months: Duration | None = None
    """construction time [months]; online = start + ceil(build_months)"""
    after: str | None = None
    """construction starts no earlier than this phase is online: 'p1' or 'facility.p1'"""
    start_when: StartWhen | None = None
    """start construction on a utilisation trigger"""
    retire: Month | None = None
    """month the capacity stops counting"""
    lifetime_months: Annotated[int, Field(ge=1)] | None = None
    """months from online to retirement"""
    capex: NonNegative | None = None
    """construction cost [million CNY]; default capacity x capex_per_p"""


class Facility(Strict):
    """A compute center with its build phases and, optionally, its own economics."""

    id: Id
    name: str
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    operator: str | None = None
    pue: Annotated[float, Field(ge=1.0, le=5.0)] | None = None
    power_kw_per_p: dict[str, NonNegative] = {}
    capex_per_p: dict[str, NonNegative] = {}
    price_per_p_month: dict[str, NonNegative] = {}
    electricity_price: NonNegative | None = None
    idle_share: Annotated[Rate, Field(ge=0.0, le=1.0)] | None = None
    phases: list[Phase] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _number_phases(cls, data: object) -> object:
        """Phases without an id are named p1, p2, ... by their position."""
        if isinstance(data, dict) and isinstance(data.get("phases"), list):
            phases = [{**ph, "id": f"p{i + 1}"} if isinstance(ph, dict) and ph.get("id") is None
                      else ph for i, ph in enumerate(data["phases"])]
            data = {**data, "phases": phases}
        return data


class SignWindow(Strict):
    """Months between which a negotiation may close."""

    earliest: Month
    latest: Month


class Tenant(Strict):
    """A company (or a group of alike companies) that demands compute."""

    id: Id
    name: str
    name_en: str | None = None
    status: Literal["signed", "negotiating"] = "signed"
    probability: Probability | None = None
    """chance a negotiation is signed"""
    sign: SignWindow | None = None
    """window of the signing month, drawn uniformly"""
    from_: Month | None = Field(None, alias="from")
    """first month of demand of a signed tenant"""
    until: Month | None = None
    """last month of demand, inclusive"""
    demand: dict[str, Annotated[Capacity, Field(ge=0)]]
    """full demand per compute type [P]"""
    ramp_months: Months = 0.0
    """months of linear ramp to the full demand"""
    growth: Annotated[Rate, Field(gt=-1.0, le=MAX_GROWTH)] = 0.0
    """growth of demand per year, compounded monthly"""
    count: Annotated[int, Field(ge=1, le=100_000)] = 1
    """number of alike tenants, each drawn on its own"""
    facility: str | None = None
    """pin to one facility id"""


class Scheduling(Strict):
    """The platform that allocates capacity to demand every month."""

    policy: Literal["priority", "proportional"] = "priority"
    max_utilization: Annotated[Rate, Field(gt=0.0, le=1.0)] = 1.0
    """share of installed capacity the operator lets tenants use"""
    leave_after_unserved_months: Annotated[int, Field(ge=1)] | None = None
    """a tenant short for this many consecutive months leaves; default never"""


class EventWindow(Strict):
    from_: Month = Field(alias="from")
    to: Month


class Delay(Strict):
    types: list[str] = Field(min_length=1)
    """compute types whose phases are delayed"""
    months: Duration
    """delay [months]"""


class Event(Strict):
    """A shock (e.g. chip export controls) that happens once with a probability."""

    id: Id
    name: str | None = None
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    probability: Probability = 1.0
    window: EventWindow
    delay: Delay


DEFAULT_REPLICATIONS = 1000  # replications when neither -n nor the scenario gives a number


class Scenario(Strict):
    """A whole scenario: horizon, compute types, targets, facilities, tenants, platform, events."""

    name: str
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    description: str | None = None
    start: Month
    """first simulated month"""
    end: Month
    """last simulated month, inclusive"""
    seed: Annotated[int, Field(ge=0)] = 0
    """default seed; --seed overrides"""
    replications: Annotated[int, Field(ge=1)] | None = None
    """default number of replications; default 1000"""
    language: Literal["zh", "en"] = "zh"
    """language of reports"""
    compute_types: dict[Id, ComputeType] = Field(min_length=1)
    targets: list[Target] = []
    defaults: Economics = Economics()
    facilities: list[Facility] = Field(min_length=1)
    tenants: list[Tenant] = []
    scheduling: Scheduling = Scheduling()
    events: list[Event] = []

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return self.end - self.start + 1
