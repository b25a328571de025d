"""Indicator arithmetic over summed parts: sums first, never an average of percentages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from indicators.aggregate import IndicatorSpec, Part, Totals, figure

D = Decimal
LITERATE, PERSONS = 1, 2
RATE = IndicatorSpec("ratio", Part(LITERATE, age_band="15-60"), Part(PERSONS, age_band="15-60"))


def rows(*values):
    """(element, sex, age band, value) for 2020."""
    return Totals((e, s, a, 2020, D(v)) for e, s, a, v in values)


def test_a_rate_is_the_sum_of_numerators_over_the_sum_of_denominators():
    # Commune A: 0 of 1 (0 %); commune B: 999 of 1,000 (99.9 %). Averaging the two rates
    # gives 49.95 % and "not met"; summing gives 999 / 1,001 = 99.8 % and "met".
    totals = rows(
        (LITERATE, "F", "15-60", 0),
        (PERSONS, "F", "15-60", 1),
        (LITERATE, "F", "15-60", 999),
        (PERSONS, "F", "15-60", 1000),
    )
    result = figure(RATE, totals, 2020)
    assert result.value == Fraction(999 * 100, 1001)
    average = (Fraction(0) + Fraction(999 * 100, 1000)) / 2
    # Against "above 99 %": the sum meets it, the average of rates would not.
    assert result.value > 99 > average


def test_a_part_without_sex_sums_both_sexes_and_keeps_to_its_age_band():
    totals = rows(
        (LITERATE, "F", "15-60", 90),
        (LITERATE, "M", "15-60", 95),
        (LITERATE, "F", "15-35", 50),
        (PERSONS, "F", "15-60", 100),
        (PERSONS, "M", "15-60", 100),
    )
    result = figure(RATE, totals, 2020)
    assert (result.num, result.den) == (D(185), D(200))


def test_a_part_with_no_value_is_missing_not_zero():
    assert figure(RATE, rows((LITERATE, "F", "15-60", 5)), 2020).value is None
    assert Totals().part(Part(LITERATE), 2020) is None


def test_a_parity_figure_carries_the_female_and_male_rates():
    spec = IndicatorSpec("parity", Part(LITERATE), Part(PERSONS), factor=D(1))
    totals = rows(
        (LITERATE, "F", "", 97),
        (PERSONS, "F", "", 100),
        (LITERATE, "M", "", 100),
        (PERSONS, "M", "", 100),
    )
    result = figure(spec, totals, 2020)
    assert result.value == Fraction(97, 100)
    assert (result.num, result.den) == (D("0.970000"), D("1.000000"))


def test_a_level_is_the_value_itself():
    spec = IndicatorSpec("level", Part(7), None, factor=D(1))
    assert figure(spec, rows((7, "", "", 3)), 2020).value == 3


parts = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6)),
    min_size=1,
    max_size=30,
)


@given(parts=parts)
def test_the_figure_of_many_units_is_the_ratio_of_their_summed_parts(parts):
    totals = Totals(
        row
        for num, den in parts
        for row in ((LITERATE, "", "15-60", 2020, D(num)), (PERSONS, "", "15-60", 2020, D(den)))
    )
    total_num, total_den = sum(p[0] for p in parts), sum(p[1] for p in parts)
    expected = None if total_den == 0 else Fraction(total_num * 100, total_den)
    assert figure(RATE, totals, 2020).value == expected
