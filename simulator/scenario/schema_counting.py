"""Scenario models of what a "P" is: hardware entries, precisions and the counting rule of a target.

Kept apart from `schema` so that the main models only gain a few fields. A value written
`unknown` in a hardware entry is not public; it counts as nothing and is never guessed.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

PRECISIONS = ("fp64", "fp32", "fp16", "int8")
"""The precisions capsim counts in; BF16 counts as FP16 (the same dense peak on the cards listed)."""
ALIASES = {"bf16": "fp16", "fp16/bf16": "fp16", "double": "fp64", "single": "fp32", "half": "fp16"}


def precision_key(label: str | None) -> str | None:
    """'FP64' -> 'fp64', 'BF16' -> 'fp16'; None for a label capsim does not count in."""
    if label is None:
        return None
    key = str(label).strip().lower().replace("-", "").replace(" ", "")
    key = ALIASES.get(key, key)
    return key if key in PRECISIONS else None


def _unknown(value: object) -> object:
    return None if isinstance(value, str) and value.strip().lower() == "unknown" else value


MaybeNumber = Annotated[Union[Annotated[float, Field(ge=0.0, allow_inf_nan=False)], None],
                        BeforeValidator(_unknown)]
"""A non-negative number, or `unknown` (None)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              populate_by_name=True)


class Peak(_Strict):
    """Dense peak of one unit at each precision [TFLOPS; INT8 in TOPS]; `unknown` counts 0."""

    fp64: MaybeNumber = None
    fp32: MaybeNumber = None
    fp16: MaybeNumber = None
    """FP16/BF16 (matrix units where the chip has them)"""
    int8: MaybeNumber = None


class HardwareEntry(_Strict):
    """An accelerator or CPU node: peak per unit, power and cost per unit, and their sources."""

    name: str | None = None
    vendor: str | None = None
    kind: Literal["accelerator", "cpu-node"] | None = None
    year: int | None = None
    """year it came to market"""
    tflops: Peak | None = None
    """dense peak per unit [TFLOPS]"""
    tdp_kw: MaybeNumber = None
    """the chip's rated power [kW]"""
    power_kw: MaybeNumber = None
    """IT power per unit with its share of the server [kW]"""
    capex_cny: MaybeNumber = None
    """purchase cost per unit with its server share [CNY]"""
    lifetime_months: MaybeNumber = None
    """service life of a unit before it is retired [months]; unknown: the phase's own
    `lifetime_months`, else `defaults.lifetime_months`, else it never retires"""
    sources: dict[str, str] = {}
    """where each number comes from, by field name"""
    note: str | None = None


class CountPrecision(_Strict):
    """Count the sum over all pools at one precision."""

    precision: str
    """fp64, fp32, fp16 (bf16) or int8"""


class CountTypes(_Strict):
    """Count the nominal sum of the listed pools, each in its own precision (the loose way)."""

    types: list[str] = Field(min_length=1)


CountRule = Union[Literal["pool"], CountPrecision, CountTypes]
"""How a target counts: 'pool' (its own type), {precision: fp64} or {types: [hpc, general]}."""


def rule_name(rule: CountRule) -> str:
    """A short name of a rule: 'pool', 'fp64', 'hpc+general'."""
    if isinstance(rule, CountPrecision):
        return precision_key(rule.precision) or rule.precision
    if isinstance(rule, CountTypes):
        return "+".join(rule.types)
    return "pool"
