"""Frozen pydantic models of a scenario: compute types, targets, facilities, phases, tenants,
events, and the whole `Scenario`. Unit types and the base model are in `schema_base`; the
pipeline, money and scope sections in modules of their own, re-exported here."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.scenario.limits import MAX_GROWTH
from simulator.scenario.schema_base import (  # noqa: F401  (re-exported)
    Capacity, Duration, EventWindow, Id, Month, Months, NonNegative, OmitsNewDefaults, Positive,
    Probability, Rate, StartWhen, Strict, Triangular)
from simulator.scenario.schema_counting import CountRule, HardwareEntry
from simulator.scenario.schema_money import MarketOffer, Money, Subsidy  # noqa: F401
from simulator.scenario.schema_pipeline import ApproveWhen, Delay, Size, Stream, Switch  # noqa: F401
from simulator.scenario.schema_scope import SCOPE_LEVELS, Scope  # noqa: F401
from simulator.units import format_month


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


class Event(OmitsNewDefaults, Strict):
    """A shock (e.g. chip export controls) that happens once with a probability."""

    _new_fields = ("types", "capacity_factor", "switch")
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
    switch: Switch | None = None
    """hardware the phases not yet online get instead of what they hold (applied before
    capacity_factor, which then scales the new hardware's capacity)"""

    @property
    def factor_types(self) -> list[str]:
        """The types capacity_factor applies to: `types`, else the delay's."""
        return self.types if self.types is not None else (self.delay.types if self.delay else [])


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
