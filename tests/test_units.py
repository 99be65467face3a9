"""Units of the scenario format: capacities, rates, months and durations, valid and invalid."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from simulator.scenario.messages import from_pydantic
from simulator.scenario.schema import Phase, Triangular
from simulator.units import (format_capacity, format_month, month_index, parse_capacity,
                             parse_month, parse_rate)


def message(parse, value) -> str:
    with pytest.raises(PydanticCustomError) as info:
        parse(value)
    return info.value.message()


# ---------------------------------------------------------------- capacity [P]
@pytest.mark.parametrize("text, expected_p", [
    pytest.param(50, 50.0, id="bare-int-is-P"),
    pytest.param(2.5, 2.5, id="bare-float-is-P"),
    pytest.param("50", 50.0, id="bare-text-is-P"),
    pytest.param("50P", 50.0, id="P"),
    pytest.param("50 PF", 50.0, id="PF-with-space"),
    pytest.param("50 PFLOPS", 50.0, id="PFLOPS"),
    pytest.param("50pflops", 50.0, id="lower-case"),
    pytest.param("  50P ", 50.0, id="surrounding-space"),
    pytest.param("1.2E", 1200.0, id="E-is-1000P"),
    pytest.param("1.2 EFLOPS", 1200.0, id="EFLOPS"),
    pytest.param("800T", 0.8, id="T-is-a-thousandth"),
    pytest.param("800 TFLOPS", 0.8, id="TFLOPS"),
    pytest.param(".5P", 0.5, id="leading-point"),
    pytest.param("5e-1P", 0.5, id="exponent"),
    pytest.param("-5P", -5.0, id="negative-parses-the-model-rejects-it"),
])
def test_capacity_parses_to_P(text, expected_p):
    assert parse_capacity(text) == pytest.approx(expected_p)


@pytest.mark.parametrize("value, expected", [
    pytest.param("50X", "'50X' is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="unknown-unit"),
    pytest.param("P", "'P' is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="no-number"),
    pytest.param("50 P F", "'50 P F' is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="split-unit"),
    pytest.param(True, "True is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="boolean"),
    pytest.param([50], "a list is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="list"),
    pytest.param(None, "nothing (null) is not a capacity; write e.g. 50P, 50 PFLOPS, 1.2E or 800T",
                 id="null"),
    pytest.param(float("inf"), "a capacity must be a finite number, got inf", id="infinite"),
    pytest.param("1e999P", "a capacity must be a finite number, got '1e999P'", id="overflow"),
])
def test_capacity_rejects(value, expected):
    assert message(parse_capacity, value) == expected


@pytest.mark.parametrize("value, text", [(50.0, "50P"), (0.8, "0.8P"), (1200.0, "1200P")])
def test_capacity_formats_as_P(value, text):
    assert format_capacity(value) == text
    assert parse_capacity(text) == value


# ---------------------------------------------------------------- rates
@pytest.mark.parametrize("text, expected", [
    pytest.param(0.15, 0.15, id="fraction"),
    pytest.param("0.15", 0.15, id="fraction-text"),
    pytest.param("15%", 0.15, id="percent"),
    pytest.param("15 %", 0.15, id="percent-space"),
    pytest.param("15%/year", 0.15, id="per-year"),
    pytest.param("-5%", -0.05, id="shrinking"),
    pytest.param(0, 0.0, id="zero"),
])
def test_rate_parses_to_fraction(text, expected):
    assert parse_rate(text) == pytest.approx(expected)


@pytest.mark.parametrize("value, expected", [
    pytest.param("fifteen", "'fifteen' is not a rate; write e.g. 15% or 0.15", id="word"),
    pytest.param("15%%", "'15%%' is not a rate; write e.g. 15% or 0.15", id="double-percent"),
    pytest.param("15%/month", "'15%/month' is not a rate; write e.g. 15% or 0.15",
                 id="per-month"),
    pytest.param(False, "False is not a rate; write e.g. 15% or 0.15", id="boolean"),
    pytest.param(float("nan"), "a rate must be a finite number, got nan", id="nan"),
])
def test_rate_rejects(value, expected):
    assert message(parse_rate, value) == expected


# ---------------------------------------------------------------- months
@pytest.mark.parametrize("value, year, month", [
    pytest.param("2024-03", 2024, 3, id="YYYY-MM"),
    pytest.param("2024-3", 2024, 3, id="one-digit-month"),
    pytest.param(" 2024-12 ", 2024, 12, id="spaces"),
    pytest.param(dt.date(2024, 3, 14), 2024, 3, id="yaml-date-day-ignored"),
    pytest.param(dt.datetime(2024, 3, 14, 8, 0), 2024, 3, id="yaml-datetime"),
    pytest.param("1900-01", 1900, 1, id="earliest-year"),
    pytest.param("2200-12", 2200, 12, id="latest-year"),
])
def test_month_parses_to_index(value, year, month):
    assert parse_month(value) == month_index(year, month)


@pytest.mark.parametrize("value, expected", [
    pytest.param("2024-13", "'2024-13': month 13 is not 1-12", id="month-13"),
    pytest.param("2024-00", "'2024-00': month 0 is not 1-12", id="month-0"),
    pytest.param("2024/03", "'2024/03' is not a month; write YYYY-MM, e.g. 2024-03", id="slash"),
    pytest.param("March 2024", "'March 2024' is not a month; write YYYY-MM, e.g. 2024-03",
                 id="words"),
    pytest.param(202403, "202403 is not a month; write YYYY-MM, e.g. 2024-03", id="number"),
    pytest.param("1899-12", "'1899-12': year 1899 is outside 1900-2200", id="too-early"),
    pytest.param(dt.date(2300, 1, 1), "'2300-01-01': year 2300 is outside 1900-2200",
                 id="date-too-late"),
])
def test_month_rejects(value, expected):
    assert message(parse_month, value) == expected


def test_month_index_counts_months():
    assert parse_month("2024-01") - parse_month("2023-12") == 1
    assert parse_month("2025-03") - parse_month("2024-03") == 12


@given(st.integers(month_index(1900, 1), month_index(2200, 12)))
def test_month_round_trips(index):
    assert parse_month(format_month(index)) == index


# ---------------------------------------------------------------- durations [months]
def duration_problems(value) -> list[str]:
    """The rendered problems of a phase whose build_months is `value`."""
    data = {"capacity": {"ai": 1}, "start": "2024-01", "build_months": value}
    with pytest.raises(ValidationError) as info:
        Phase.model_validate(data)
    return [from_pydantic(err, data).render() for err in info.value.errors()]


@pytest.mark.parametrize("value, expected", [
    pytest.param(12, 12.0, id="months"),
    pytest.param(9.5, 9.5, id="fractional-months"),
    pytest.param({"min": 10, "mode": 14, "max": 24}, Triangular(min=10, mode=14, max=24),
                 id="triangular"),
    pytest.param({"min": 6, "mode": 6, "max": 6}, Triangular(min=6, mode=6, max=6),
                 id="degenerate-triangular"),
])
def test_duration_is_months_or_triangular(value, expected):
    phase = Phase.model_validate({"capacity": {"ai": 1}, "start": "2024-01",
                                  "build_months": value})
    assert phase.build_months == expected


@pytest.mark.parametrize("value, expected", [
    pytest.param({"min": 14, "mode": 10, "max": 24},
                 ["build_months: needs min <= mode <= max, got min 14, mode 10, max 24"],
                 id="mode-below-min"),
    pytest.param({"min": 10, "mode": 14, "max": 12},
                 ["build_months: needs min <= mode <= max, got min 10, mode 14, max 12"],
                 id="max-below-mode"),
    pytest.param({"min": 10, "mode": 14}, ["build_months.max: required key 'max' is missing"],
                 id="no-max"),
    pytest.param(-1, ["build_months: must be >= 0, got -1"], id="negative"),
    pytest.param("ten", ["build_months: must be a number of months or {min, mode, max}, "
                         "got 'ten'"], id="text"),
])
def test_duration_rejects(value, expected):
    assert duration_problems(value) == expected
