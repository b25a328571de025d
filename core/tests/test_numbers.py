"""core.numbers: what a decimal column holds, read from the model, and text refused before a
database would fail on it (10^14) or round it away (0,00001)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models

from core.numbers import Bounds, NotANumber, NotStorable, parse_number

STORE = Bounds.of(models.DecimalField(max_digits=18, decimal_places=4))


def test_the_bounds_are_read_from_the_decimal_fields_and_the_narrowest_wins():
    wide = models.DecimalField(max_digits=24, decimal_places=4)
    precise = models.DecimalField(max_digits=18, decimal_places=6)
    assert Bounds.of(wide, precise) == Bounds(max_digits=16, decimal_places=4)
    assert STORE.largest == Decimal("99999999999999.9999")


@pytest.mark.parametrize(
    "text, number",
    [("10000000000000", "1E13"), ("10.000.000.000.000", "1E13"), ("1.234,5", "1234.5"),
     ("0,0001", "0.0001"), ("-99.999.999.999.999,9999", "-99999999999999.9999"),
     ("99.5", "99.5"), ("1,50000", "1.5")],
)  # fmt: skip
def test_numbers_the_store_holds_are_read_exactly(text, number):
    assert parse_number(text, STORE) == Decimal(number)


@pytest.mark.parametrize(
    "text, expected",
    [("100000000000000", "at most 14 digits before the comma"),
     ("100.000.000.000.000", "at most 14 digits before the comma"),
     ("9" * 5000, "at most 14 digits before the comma"),
     ("0,00001", "at most 4 digits after the comma"),
     ("1,23456", "at most 4 digits after the comma")],
)  # fmt: skip
def test_numbers_the_store_cannot_hold_are_refused_with_a_reason(text, expected, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(NotStorable) as refused:
        parse_number(text, STORE)
    assert expected in refused.value.message


def test_a_number_too_large_is_still_refused_as_not_a_number_by_older_callers():
    with pytest.raises(NotANumber):
        parse_number("100000000000000", STORE)


def test_the_reason_is_vietnamese_by_default():
    with pytest.raises(NotStorable) as refused:
        parse_number("0,00001", STORE)
    assert "chữ số sau dấu phẩy" in refused.value.message


def test_without_bounds_a_number_is_only_read():
    assert parse_number("100000000000000") == Decimal("1E14")
