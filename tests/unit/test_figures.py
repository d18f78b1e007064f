"""The figures the rules quote: percentages to the cent, their shortest record, months."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rules.figures import months_record, percent_of, percent_text


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
        ("-40", "100", "-40.00"),
        ("0", "0", "0"),
        ("1", "0", "Infinity"),
        ("123456789012", "1", "12345678901200.00"),
    ],
)
def test_a_percentage_to_the_cent(part, whole, percent):
    assert percent_of(Decimal(part), Decimal(whole)) == Decimal(percent)


@pytest.mark.parametrize(
    ("value", "record"),
    [("40.00", "40"), ("9.90", "9.9"), ("0.05", "0.05"), ("1E+3", "1000"), ("100", "100")],
)
def test_a_percentage_s_shortest_record(value, record):
    assert percent_text(Decimal(value)) == record


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9))
def test_the_record_reads_back_as_the_same_number(value):
    assert Decimal(percent_text(value)) == value


def test_months():
    assert (months_record(1), months_record(0), months_record(18)) == (
        "1 month",
        "0 months",
        "18 months",
    )
