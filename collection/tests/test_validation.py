"""The pure validation of a form's values, and Vietnamese number reading."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collection.validation import AT_MOST, CHANGE_WITHIN, HARD, SOFT, Field, Rule, blocking, check
from core.numbers import NotANumber, parse_number

P, L = ("persons", "", ""), ("literate", "", "")
FIELDS = [Field(P, "Số người", True, required=True), Field(L, "Số người biết chữ", True)]
PART = Rule("part", HARD, AT_MOST, "literate", "persons")
CHANGE = Rule("change", SOFT, CHANGE_WITHIN, "persons", share=Decimal("0.2"))


@pytest.mark.parametrize(
    "text, number",
    [("1.234", "1234"), ("1.234.567,5", "1234567.5"), ("99,5", "99.5"), ("99.5", "99.5"),
     ("1 234", "1234"), (" 12 ", "12"), ("0", "0")],
)  # fmt: skip
def test_vietnamese_numbers_are_read(text, number):
    assert parse_number(text) == Decimal(number)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12.3456", "1.23.4", "=A1", "1e5"])
def test_text_that_is_no_number_is_refused(text):
    with pytest.raises(NotANumber):
        parse_number(text)


def test_an_empty_cell_is_no_value():
    assert parse_number("  ") is None


@given(st.integers(min_value=0, max_value=10**12))
def test_a_whole_number_written_with_dots_reads_back(n):
    assert parse_number(f"{n:,}".replace(",", ".")) == n


def test_a_required_field_left_empty_is_a_hard_problem():
    problems = check(FIELDS, [], {P: None})
    assert [(p.key, p.severity, p.rule) for p in problems] == [(P, HARD, "required")]
    assert "Số người" in problems[0].message


def test_negative_and_fractional_counts_are_hard_problems():
    problems = check(FIELDS, [], {P: Decimal("-1"), L: Decimal("0.5")})
    assert sorted(p.rule for p in problems) == ["non_negative", "whole"]


@pytest.mark.parametrize("literate, expected", [(100, []), (101, ["part"])])
def test_a_part_may_equal_but_not_exceed_its_whole(literate, expected):
    problems = check(FIELDS, [PART], {P: Decimal(100), L: Decimal(literate)})
    assert [p.rule for p in problems] == expected


@pytest.mark.parametrize("persons, warned", [(120, False), (121, True), (80, False), (79, True)])
def test_a_change_of_more_than_the_share_is_a_warning(persons, warned):
    problems = check(FIELDS, [CHANGE], {P: Decimal(persons)}, {P: Decimal(100)})
    assert bool(problems) is warned
    assert all(p.severity == SOFT for p in problems)


def test_an_explained_warning_no_longer_blocks_but_a_hard_problem_does():
    problems = check(FIELDS, [PART, CHANGE], {P: Decimal(150), L: Decimal(151)}, {P: Decimal(100)})
    assert {p.rule for p in blocking(problems, {P: "Sáp nhập thôn"})} == {"part"}
