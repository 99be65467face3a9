"""Units of the scenario format: capacities ("50P", "1.2E"), rates ("15%"), months ("2024-03")."""

from __future__ import annotations

import datetime as _dt
import math
import re

from pydantic_core import PydanticCustomError

# Capacity units, case-insensitive, in PFLOPS per unit.
_CAPACITY_UNITS = {
    "": 1.0,
    "p": 1.0, "pf": 1.0, "pflops": 1.0,
    "e": 1000.0, "ef": 1000.0, "eflops": 1000.0,
    "t": 0.001, "tf": 0.001, "tflops": 0.001,
}
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_CAPACITY_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]*)\s*$")
_RATE_RE = re.compile(rf"^\s*({_NUMBER})\s*(%?)\s*(?:/\s*(?:year|yr|a))?\s*$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")

MIN_YEAR, MAX_YEAR = 1900, 2200


def _error(kind: str, message: str) -> PydanticCustomError:
    # Formatted here, without a context: pydantic's own templating knows no format specs.
    return PydanticCustomError(kind, message)


def _shown(value: object) -> str:
    """The input as quoted in a message: '50X', 12, a list."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _finite(value: float, text: object, what: str) -> float:
    if not math.isfinite(value):
        raise _error("not_finite", f"{what} must be a finite number, got {_shown(text)}")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_capacity(value: object) -> float:
    """A capacity in P (PFLOPS): 50, "50P", "50 PF", "50 PFLOPS", "1.2E" (1200), "800T" (0.8)."""
    if _is_number(value):
        return _finite(float(value), value, "a capacity")
    if isinstance(value, str):
        match = _CAPACITY_RE.match(value)
        if match and match.group(2).lower() in _CAPACITY_UNITS:
            number = float(match.group(1))
            return _finite(number * _CAPACITY_UNITS[match.group(2).lower()], value, "a capacity")
    raise _error("capacity",
                 f"{_shown(value)} is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T")


def format_capacity(value: float) -> str:
    """The canonical text of a capacity: "50P", "0.8P"."""
    return f"{value:.12g}P"


def parse_rate(value: object) -> float:
    """A rate as a fraction: 0.15, "15%", "15%/year"."""
    if _is_number(value):
        return _finite(float(value), value, "a rate")
    if isinstance(value, str):
        match = _RATE_RE.match(value)
        if match:
            number = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
            return _finite(number, value, "a rate")
    raise _error("rate", f"{_shown(value)} is not a rate; write e.g. 15% or 0.15")


def month_index(year: int, month: int) -> int:
    """The absolute month number used internally: year * 12 + (month - 1)."""
    return year * 12 + (month - 1)


def parse_month(value: object) -> int:
    """A month "YYYY-MM" (or a YAML date, whose day is ignored) as an absolute month number."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        year, month = value.year, value.month
    elif isinstance(value, str) and (match := _MONTH_RE.match(value)):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise _error("month", f"{_shown(value)}: month {month} is not 1-12")
    else:
        raise _error("month", f"{_shown(value)} is not a month; write YYYY-MM, e.g. 2024-03")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error("month", f"{_shown(str(value))}: year {year} is outside "
                              f"{MIN_YEAR}-{MAX_YEAR}")
    return month_index(year, month)


def format_month(index: int) -> str:
    """An absolute month number as "YYYY-MM"."""
    year, month0 = divmod(int(index), 12)
    return f"{year:04d}-{month0 + 1:02d}"


def whole_months(months):
    """A build time or delay as the whole months it takes: a phase started in month S with a
    build of 9.2 months is online in month S + 10, a fixed 4 months from 2024-03 in 2024-07.
    The one place of the rule "online = start + ceil(build_months)" [months]; works on floats
    and numpy arrays alike."""
    return -(-months // 1)
