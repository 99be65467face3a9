"""Limits on what a scenario may hold: number ranges that keep every sum finite, text lengths,
and the characters a name may not contain (controls, escapes, text-direction overrides)."""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic_core import PydanticCustomError

MAX_CAPACITY_P = 1e7  # 10,000 E: far above any site; keeps sums and costs finite
MAX_MONTHS = 1200.0  # a build time or ramp of 100 years
MAX_GROWTH = 1000.0  # +100,000 % a year; validate also bounds it by the horizon
MAX_AMOUNT = 1e12  # prices, power per P, capex: finite sums whatever the horizon
MAX_TEXT = 200  # characters of a name or label
MAX_DESCRIPTION = 4000  # characters of a description


def is_text(annotation) -> bool:
    """str, an Annotated str (Id), a choice of words (Literal) or an optional one."""
    if annotation is str or get_origin(annotation) is Literal:
        return True
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return is_text(args[0])
    return get_origin(annotation) in (Union, UnionType) and any(is_text(a) for a in args)


# C0/C1 controls (tab and newline allowed in a description only via check_text's caller) and
# the bidirectional embeddings, overrides and isolates.
_BAD_CHARS = {*range(0x00, 0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F),
              *range(0x2066, 0x206A)}


def check_text(value: str, limit: int) -> str:
    """`value`, or a PydanticCustomError naming the first forbidden character or the length."""
    if len(value) > limit:
        raise PydanticCustomError("text_length", "text of {n} characters; at most {limit}",
                                  {"n": f"{len(value):,}", "limit": f"{limit:,}"})
    for i, ch in enumerate(value):
        if ord(ch) in _BAD_CHARS and not (limit == MAX_DESCRIPTION and ch in "\t\n"):
            kind = "a control character" if ord(ch) < 0x200E else "a text-direction character"
            raise PydanticCustomError(
                "text_char", "holds U+{code}, {kind}, at position {at}; text here may not hold "
                "control, escape or text-direction characters",
                {"code": f"{ord(ch):04X}", "kind": kind, "at": str(i + 1)})
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise PydanticCustomError("text_char", "holds U+{code} at position {at}, which is "
                                      "not a character (a lone surrogate)",
                                      {"code": f"{ord(ch):04X}", "at": str(i + 1)})
    return value
