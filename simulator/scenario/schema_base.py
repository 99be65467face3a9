"""The building blocks of the scenario schema: unit types (capacity, month, rate), the strict
base model, and what keeps fields added later out of old scenarios' dumps and hashes."""

from __future__ import annotations

from typing import Annotated, Union, get_args, get_origin

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field,
                      PlainSerializer, Tag, WithJsonSchema, field_validator, model_serializer,
                      model_validator)
from pydantic_core import PydanticCustomError

from simulator.scenario.limits import (MAX_AMOUNT, MAX_CAPACITY_P, MAX_DESCRIPTION, MAX_MONTHS,
                                       MAX_TEXT, check_text, is_text)
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


class StartWhen(Strict):
    """Start construction once the facility is busy enough for long enough."""

    utilization_above: Annotated[Rate, Field(gt=0.0, le=1.0)]
    """utilisation level of the facility (served / installed)"""
    for_months: Annotated[int, Field(ge=1)] = 1
    """consecutive months above the level"""


class EventWindow(Strict):
    from_: Month = Field(alias="from")
    to: Month
