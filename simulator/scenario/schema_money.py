"""The scenario's market and money: outside buyers and sellers, subsidies, cash flow and NPV."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from simulator.scenario.schema_base import Capacity, Month, NonNegative, Probability, Rate, Strict


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
