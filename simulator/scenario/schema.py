"""Frozen pydantic models of a scenario: compute types, targets, facilities, phases, tenants, events."""

from __future__ import annotations

from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
                      PlainSerializer, Tag, WithJsonSchema, field_validator, model_serializer,
                      model_validator)
from pydantic_core import PydanticCustomError

from simulator.scenario.limits import (MAX_AMOUNT, MAX_CAPACITY_P, MAX_DESCRIPTION, MAX_GROWTH,
                                       MAX_MONTHS, MAX_TEXT, check_text, is_text)
from simulator.scenario.schema_counting import CountRule, HardwareEntry
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
        if is_text(annotation) or _takes_bool(annotation):
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


def _takes_bool(annotation) -> bool:
    """Whether a field's type is a yes/no (`bool`, or a union or list holding one)."""
    return annotation is bool or any(_takes_bool(a) for a in get_args(annotation))


class OmitsNewDefaults(BaseModel):
    """A model whose fields in `_new_fields` are left out of its dump while at their default:
    scenarios that do not use a newer feature keep the resolved YAML and hash they had."""

    _new_fields: tuple[str, ...] = ()

    @model_serializer(mode="wrap")
    def _omit_new_defaults(self, handler):
        data = handler(self)
        for name in self._new_fields:
            field = type(self).model_fields[name]
            if getattr(self, name) == field.default:
                data.pop(field.alias or name, None)
        return data


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
    equivalents: dict[str, NonNegative] = {}
    """P at each other precision per P of its own, e.g. {fp64: 0.5, fp16: 2}; missing counts 0"""
    serves: dict[str, Positive] = {}
    """types whose unmet demand its leftover capacity serves, P of theirs per P of its own"""


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
    count: CountRule = "pool"
    """how capacity counts: pool (its own type), {precision: fp64} or {types: [hpc, general]}"""
    also_count: list[CountRule] = []
    """further counting rules reported beside `count`"""

    @property
    def key(self) -> str:
        """The target's id, or '<type>-<YYYY-MM>'."""
        return self.id or f"{self.type}-{format_month(self.by)}"


class Discount(Strict):
    """Rent discount while a facility's utilisation of a type is below a level."""

    utilization: Annotated[Rate, Field(gt=0.0, le=1.0)]
    """utilisation (busy / installed) below which the discount applies [fraction]"""
    share: Annotated[Rate, Field(ge=0.0, le=1.0)]
    """share taken off the rent [fraction]"""


class Economics(OmitsNewDefaults, Strict):
    """Power and money; the scenario's `defaults`, each overridable per facility."""

    _new_fields = ("price_decline", "discount_below", "lifetime_months")

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
    price_decline: Annotated[Rate, Field(ge=0.0, lt=1.0)] = 0.0
    """fall of every rent (local, market, outside) per year, compounded monthly [fraction/year]"""
    discount_below: Discount | None = None
    """a rent discount a facility gives while its utilisation of a type is low"""
    lifetime_months: Annotated[int, Field(ge=1)] | None = None
    """months a phase runs before it retires, where the phase gives none; default never"""


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
    capacity: dict[str, Annotated[Capacity, Field(gt=0)]] = Field({}, min_length=1)
    """capacity per compute type [P]; with `hardware` derived from the units (if given too, it
    overrides them, e.g. a derating)"""
    hardware: dict[str, Annotated[int, Field(gt=0)]] = {}
    """units of catalogue hardware, e.g. {h20: 2000}; needs `type`"""
    type: str | None = None
    """the compute type the hardware serves"""
    power_kw: NonNegative | None = None
    """IT power of the phase [kW]; default from the hardware, else capacity x power_kw_per_p"""
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

    @property
    def sign_probability(self) -> float:
        """The chance the tenant signs: 1 for a signed one, else its `probability`."""
        return 1.0 if self.status == "signed" else (self.probability or 0.0)


class Scheduling(OmitsNewDefaults, Strict):
    """The platform that allocates capacity to demand every month."""

    _new_fields = ("leave_threshold",)

    policy: Literal["priority", "proportional"] = "priority"
    max_utilization: Annotated[Rate, Field(gt=0.0, le=1.0)] = 1.0
    """share of installed capacity the operator lets tenants use"""
    leave_after_unserved_months: Annotated[int, Field(ge=1)] | None = None
    """a tenant short for this many consecutive months leaves; default never"""
    leave_threshold: Annotated[Rate, Field(ge=0.0, lt=1.0)] = 0.0
    """a month counts as short only when the unmet share of the tenant's demand is above this"""


class EventWindow(Strict):
    from_: Month = Field(alias="from")
    to: Month


class Delay(Strict):
    types: list[str] = Field(min_length=1)
    """compute types whose phases are delayed"""
    months: Duration
    """delay [months]"""


class Event(OmitsNewDefaults, Strict):
    """A shock (e.g. chip export controls) that happens once with a probability."""

    _new_fields = ("types", "capacity_factor")
    id: Id
    name: str | None = None
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    probability: Probability = 1.0
    window: EventWindow
    delay: Delay | None = None
    """delay of the phases of its types not yet online; give this and/or capacity_factor"""
    types: list[str] | None = None
    """compute types capacity_factor applies to; default: the delay's types"""
    capacity_factor: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] | None = None
    """share of their capacity that phases of its types not yet online deliver (e.g. 0.6 when
    the chips that can still be bought give 60 % of the P per unit) [fraction]"""

    @property
    def factor_types(self) -> list[str]:
        """The types capacity_factor applies to: `types`, else the delay's."""
        return self.types if self.types is not None else (self.delay.types if self.delay else [])


class Scope(Strict):
    """The area a scenario (or an observation) counts: its finest level given is its scope.

    `{district: dianjun, city: yichang}` counts Dianjun district, which lies in Yichang city.
    Names are ids (`yichang`, not 宜昌市) so that files can be matched.
    """

    district: Id | None = None
    """district (区/县) the figures count, e.g. dianjun"""
    city: Id | None = None
    """city (市) the figures count, or the city the district lies in, e.g. yichang"""
    province: Id | None = None
    """province (省), e.g. hubei"""
    country: Id | None = None
    """country, e.g. china"""

    @property
    def level(self) -> tuple[str, str] | None:
        """(level, name) of the finest level given, e.g. ('district', 'dianjun'); None if empty."""
        for key in SCOPE_LEVELS:
            if getattr(self, key) is not None:
                return key, getattr(self, key)
        return None


SCOPE_LEVELS = ("district", "city", "province", "country")  # finest first


# ---------------------------------------------------------------- the project pipeline
class Size(Strict):
    """A triangular distribution of a project's capacity."""

    min: Annotated[Capacity, Field(gt=0)]
    """smallest project [P]"""
    mode: Annotated[Capacity, Field(gt=0)]
    """most likely size [P]"""
    max: Annotated[Capacity, Field(gt=0)]
    """largest project [P]"""

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


class Stream(Strict):
    """A stream of projects not yet announced: a Poisson number of them in a window, each a
    phase of drawn size and build time that may be abandoned before it comes online."""

    id: Id
    name: str | None = None
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    type: str
    """compute type of its projects"""
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


class MarketOffer(Strict):
    """The outside market of one compute type: buyers of idle capacity, sellers for spillover."""

    share_of_idle: Probability = 0.0
    """most of each facility's idle usable capacity the platform sells outside [fraction]"""
    price_per_p_month: NonNegative = 0.0
    """what outside buyers pay [CNY/(P*month)]"""
    from_: Month | None = Field(None, alias="from")
    """first month of sales; default `start`"""
    until: Month | None = None
    """last month of sales, inclusive"""
    ramp_months: NonNegative = 0.0
    """months of linear ramp of sales from `from`"""
    demand: Annotated[Capacity, Field(ge=0)] | None = None
    """outside demand [P], growing by `growth`; default: no limit but share_of_idle"""
    growth: Annotated[Rate, Field(gt=-1.0)] = 0.0
    """growth of the outside demand per year, compounded monthly"""
    spillover: bool = False
    """local demand the district cannot serve is bought outside (served outside, not unmet)"""
    outside_price: NonNegative | None = None
    """what the platform pays outside for spillover [CNY/(P*month)]"""


class Subsidy(Strict):
    """Public money: construction grants and compute vouchers (算力券)."""

    capex_share: Probability = 0.0
    """share of capex paid by a grant, when the capex is spent [fraction]"""
    per_p_month: NonNegative | dict[str, NonNegative] = 0.0
    """voucher paid per P-month served to local tenants, one number or per type [CNY/(P*month)]"""


class Money(Strict):
    """Cash flow, NPV and payback per facility and operator."""

    discount_rate: Annotated[Rate, Field(ge=0.0, lt=1.0)] = 0.08
    """discount rate of the NPV [fraction/year]"""
    opex_share: Annotated[Rate, Field(ge=0.0, le=1.0)] = 0.0
    """operating cost besides electricity per year, as a share of the capex of what is online"""
    subsidy: Subsidy = Subsidy()
    platform_operator: str = "platform"
    """operator of the scheduling and settlement platform (buys and resells spillover)"""


DEFAULT_REPLICATIONS = 1000  # replications when neither -n nor the scenario gives a number


class Scenario(OmitsNewDefaults, Strict):
    """A whole scenario: horizon, compute types, targets, facilities, tenants, platform, events."""

    _new_fields = ("scope", "as_of", "pipeline", "market", "money")

    name: str
    """name shown in reports"""
    name_en: str | None = None
    """English name for reports in English"""
    description: str | None = None
    scope: Scope | None = None
    """the area the scenario counts (its facilities are all of it), e.g. {district: dianjun}"""
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
    as_of: Month | None = None
    """when the scenario's knowledge was frozen (default: start): earlier starts are too late"""
    compute_types: dict[Id, ComputeType] = Field(min_length=1)
    targets: list[Target] = []
    defaults: Economics = Economics()
    facilities: list[Facility] = Field(min_length=1)
    tenants: list[Tenant] = []
    scheduling: Scheduling = Scheduling()
    events: list[Event] = []
    hardware: dict[Id, HardwareEntry] = {}
    """hardware entries added to the shipped catalogue, or overriding its fields"""
    pipeline: list[Stream] = []
    """streams of projects not yet announced (see Stream)"""
    market: dict[str, MarketOffer] | None = None
    """the outside market per compute type (sales of idle capacity, spillover)"""
    money: Money | None = None
    """cash flow, NPV and payback; on by default when `market` is given"""

    @property
    def uses_money(self) -> bool:
        """Whether the money outputs (settlement, NPV, market rows) are written."""
        return self.market is not None or self.money is not None

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return self.end - self.start + 1

    @property
    def knowledge_month(self) -> int:
        """`as_of`, else `start` (a month index)."""
        return self.start if self.as_of is None else self.as_of
