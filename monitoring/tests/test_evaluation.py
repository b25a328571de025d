"""Target evaluation at every comparator's edge, by hand and by property."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.aggregate import parity_index, ratio
from monitoring.evaluation import (
    Comparator,
    Rule,
    Status,
    compare,
    count_communes,
    evaluate,
    project,
    share_rule,
)

D = Decimal


def rule(comparator: str, value: str | None, due: int = 2020, value_max: str | None = None):
    return Rule(
        comparator=Comparator(comparator),
        value=None if value is None else D(value),
        due_year=due,
        value_max=None if value_max is None else D(value_max),
    )


@pytest.mark.parametrize(
    ("comparator", "threshold", "num", "den", "expected"),
    [
        ("gt", "99", 99, 100, Status.NOT_MET),  # exactly 99 % is not "trên 99 %"
        ("gt", "99", 9901, 10000, Status.MET),
        ("gt", "99.5", 995, 1000, Status.NOT_MET),
        ("gt", "99.5", 99501, 100000, Status.MET),
        ("gte", "97", 97, 100, Status.MET),
        ("gte", "97", 9699, 10000, Status.NOT_MET),
        ("eq", "100", 250, 250, Status.MET),
        ("eq", "100", 249, 250, Status.NOT_MET),
        ("lte", "5", 5, 100, Status.MET),
        ("lte", "5", 501, 10000, Status.NOT_MET),
        ("lt", "5", 5, 100, Status.NOT_MET),
        ("lt", "5", 499, 10000, Status.MET),
    ],
)
def test_a_rate_is_compared_exactly_at_the_threshold(comparator, threshold, num, den, expected):
    value = ratio(num, den, 100)
    assert evaluate(rule(comparator, threshold), {2020: value}, 2020) == expected


def test_a_rate_that_rounds_to_the_threshold_still_does_not_meet_above():
    # 98.996 % shows as "99,0 %" but is below 99 %, and 99.004 % is above it.
    assert not compare(rule("gt", "99"), ratio(98996, 100000, 100))
    assert compare(rule("gt", "99"), ratio(99004, 100000, 100))


@pytest.mark.parametrize(
    ("female", "male", "expected"),
    [
        ((97, 100), (100, 100), Status.MET),  # 0.97: the lower edge is parity
        ((103, 100), (100, 100), Status.MET),  # 1.03: the upper edge is parity
        ((9699, 10000), (1, 1), Status.NOT_MET),
        ((10301, 10000), (1, 1), Status.NOT_MET),
    ],
)
def test_the_parity_index_is_met_inside_the_closed_range(female, male, expected):
    gpi = parity_index(female[0], female[1], male[0], male[1])
    assert evaluate(rule("parity", "0.97", value_max="1.03"), {2020: gpi}, 2020) == expected


def test_the_parity_index_divides_the_female_rate_by_the_male_rate():
    assert parity_index(90, 100, 95, 100) == Fraction(90, 95)


def test_a_zero_denominator_gives_no_data():
    assert ratio(5, 0, 100) is None
    assert evaluate(rule("gt", "99"), {2020: ratio(5, 0, 100)}, 2020) == Status.NO_DATA
    assert parity_index(1, 2, 0, 0) is None
    assert parity_index(1, 2, 0, 5) is None  # a male rate of zero has no parity index


def test_a_missing_year_gives_no_data():
    assert evaluate(rule("gte", "90"), {2019: Fraction(95)}, 2020) == Status.NO_DATA


def test_rises_every_year_needs_a_strictly_higher_value_than_last_year():
    assert evaluate(rule("rises", None), {2019: Fraction(40), 2020: Fraction(41)}, 2020) == (
        Status.MET
    )
    assert evaluate(rule("rises", None), {2019: Fraction(40), 2020: Fraction(40)}, 2020) == (
        Status.NOT_MET
    )
    assert evaluate(rule("rises", None), {2020: Fraction(41)}, 2020) == Status.NO_DATA


def test_before_the_due_year_a_value_already_meeting_is_on_track():
    assert evaluate(rule("gte", "90", due=2020), {2019: Fraction(91)}, 2019) == Status.ON_TRACK


def test_before_the_due_year_a_trend_reaching_the_target_is_on_track():
    series = {2018: Fraction(80), 2019: Fraction(86)}  # +6 a year reaches 92 in 2020
    assert evaluate(rule("gte", "90", due=2020), series, 2019) == Status.ON_TRACK


def test_before_the_due_year_a_trend_falling_short_is_at_risk():
    series = {2018: Fraction(80), 2019: Fraction(82)}  # +2 a year gives 84 in 2020
    assert evaluate(rule("gte", "90", due=2020), series, 2019) == Status.AT_RISK
    assert evaluate(rule("gte", "90", due=2020), {2019: Fraction(82)}, 2019) == Status.AT_RISK


def test_the_projection_follows_the_last_yearly_change():
    assert project({2017: Fraction(70), 2018: Fraction(80)}, 2018, 2020) == Fraction(100)
    assert project({2018: Fraction(80)}, 2018, 2020) is None


def test_after_the_due_year_a_target_is_met_or_not_met():
    assert evaluate(rule("gte", "90", due=2019), {2020: Fraction(89)}, 2020) == Status.NOT_MET


def test_communes_without_a_figure_count_against_every_commune():
    counted = count_communes(rule("gte", "2"), {"a": Fraction(2), "b": Fraction(3), "c": None})
    assert (counted.met, counted.counted, counted.with_data) == (2, 3, 2)
    assert counted.share == Fraction(200, 3)


def test_no_commune_with_a_figure_gives_no_share():
    assert count_communes(rule("gte", "2"), {"a": None}).share is None
    assert count_communes(rule("gte", "2"), {}).share is None


def test_the_share_of_communes_must_reach_the_required_share():
    shares = share_rule(rule("gte", "2", due=2020), D("100"))
    assert evaluate(shares, {2020: Fraction(1100, 12)}, 2020) == Status.NOT_MET
    assert evaluate(shares, {2020: Fraction(100)}, 2020) == Status.MET


counts = st.integers(min_value=0, max_value=10**7)
thresholds = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@given(num=counts, den=counts, threshold=thresholds)
def test_above_is_met_exactly_when_num_times_100_exceeds_threshold_times_den(num, den, threshold):
    status = evaluate(rule("gt", str(threshold)), {2020: ratio(num, den, 100)}, 2020)
    if den == 0:
        assert status == Status.NO_DATA
    else:
        expected = num * 100 > Fraction(threshold) * den
        assert status == (Status.MET if expected else Status.NOT_MET)


@given(num=counts, den=counts, threshold=thresholds)
def test_at_least_and_below_are_complements(num, den, threshold):
    value = ratio(num, den, 100)
    if value is not None:
        assert compare(rule("gte", str(threshold)), value) != compare(
            rule("lt", str(threshold)), value
        )


@given(
    a=st.integers(min_value=1, max_value=10**6),
    b=st.integers(min_value=1, max_value=10**6),
    c=st.integers(min_value=1, max_value=10**6),
    d=st.integers(min_value=1, max_value=10**6),
)
def test_swapping_the_sexes_inverts_the_parity_index(a, b, c, d):
    assert parity_index(a, b, c, d) * parity_index(c, d, a, b) == 1


@given(
    series=st.dictionaries(
        st.integers(min_value=2015, max_value=2020),
        st.fractions(min_value=0, max_value=100, max_denominator=1000),
        min_size=1,
    ),
    year=st.integers(min_value=2015, max_value=2020),
)
def test_before_the_due_year_the_status_is_never_met_or_not_met(series, year):
    status = evaluate(rule("gte", "90", due=2021), series, year)
    assert status in {Status.ON_TRACK, Status.AT_RISK, Status.NO_DATA}
