"""Tests of indicators.demo.generate: pure, seeded, and strict about what it must cover."""

from __future__ import annotations

import pytest

from indicators.demo import DemoSpecError, IndicatorTerms, Term, generate

INDICATORS = {
    "lit": IndicatorTerms(Term("literate", age_band="15-60"), Term("persons", age_band="15-60")),
    "level": IndicatorTerms(Term("lit_level")),
    "it": IndicatorTerms(Term("officials_it"), Term("officials")),
}
SELECTED = {"communes": ["C1", "C2"], "bodies": ["B1"]}


def spec(**changes) -> dict:
    base = {
        "seed": "t",
        "years": [2019, 2020],
        "sizes": {"C2": 3},
        "counts": [
            {
                "element": "persons",
                "units": ["communes"],
                "sized": True,
                "growth": [0.0, 0.02],
                "cells": [
                    {"sex": "F", "age_band": "15-60", "base": [900, 1000]},
                    {"sex": "F", "age_band": "15-35", "range": [0.4, 0.5],
                     "fraction_of": {"sex": "F", "age_band": "15-60"}},
                ],
            },  # fmt: skip
            {"element": "officials", "units": ["bodies"], "base": [10, 20], "growth": [0, 0]},
        ],
        "rates": {
            "lit": {"years": {"2019": [98, 99], "2020": [99, 100]}},
            "it": {"years": {"2019": [50, 60], "2020": [100, 100]}},
        },
        "levels": {"level": {"units": ["communes"], "years": {"2019": 1, "2020": 2},
                             "overrides": {"C1": {"2020": 1}}}},
    }  # fmt: skip
    base.update(changes)
    return base


def test_it_is_reproducible():
    assert generate(spec(), SELECTED, INDICATORS, ["lit"]) == generate(
        spec(), SELECTED, INDICATORS, ["lit"]
    )


def test_another_seed_gives_other_figures():
    assert generate(spec(), SELECTED, INDICATORS, []) != generate(
        spec(seed="u"), SELECTED, INDICATORS, []
    )


def test_numerators_never_exceed_denominators_and_follow_the_ranges():
    figures = generate(spec(), SELECTED, INDICATORS, ["lit", "it", "level"])
    for unit in ("C1", "C2"):
        for year in (2019, 2020):
            persons = figures[(unit, "persons", "F", "15-60")][year]
            literate = figures[(unit, "literate", "F", "15-60")][year]
            assert 0.979 * persons <= literate <= persons
            assert figures[(unit, "persons", "F", "15-35")][year] < persons
    assert (
        figures[("B1", "officials_it", "", "")][2020] == figures[("B1", "officials", "", "")][2020]
    )


def test_sizes_scale_the_counts():
    figures = generate(spec(), SELECTED, INDICATORS, [])
    assert figures[("C2", "persons", "F", "15-60")][2019] >= 2700
    assert figures[("C1", "persons", "F", "15-60")][2019] <= 1000


def test_overrides_change_one_unit_only():
    figures = generate(spec(), SELECTED, INDICATORS, [])
    assert figures[("C1", "lit_level", "", "")] == {2019: 1, 2020: 1}
    assert figures[("C2", "lit_level", "", "")] == {2019: 1, 2020: 2}


def test_an_indicator_in_use_without_figures_is_an_error():
    with pytest.raises(DemoSpecError, match="it"):
        generate(spec(rates={}), SELECTED, INDICATORS, ["it"])


def test_a_year_without_a_range_is_an_error():
    rates = {"it": {"years": {"2019": [50, 60]}}}
    with pytest.raises(DemoSpecError, match="2020"):
        generate(spec(rates=rates), SELECTED, INDICATORS, [])


def test_an_unknown_selector_is_an_error():
    counts = [{"element": "officials", "units": ["schools"], "base": [1, 2], "growth": [0, 0]}]
    with pytest.raises(DemoSpecError, match="schools"):
        generate(spec(counts=counts, rates={}), SELECTED, INDICATORS, [])


def test_later_years_leave_the_earlier_figures_as_they_were():
    earlier = generate(spec(), SELECTED, INDICATORS, [])
    rates = {
        code: {"years": {**row["years"], "2021": [99, 100]}}
        for code, row in spec()["rates"].items()
    }
    levels = {"level": {**spec()["levels"]["level"], "years": {"2019": 1, "2020": 2, "2021": 2}}}
    later_spec = spec(years=[2019, 2020, 2021], rates=rates, levels=levels)
    later = generate(later_spec, SELECTED, INDICATORS, [])
    assert {k: {y: v for y, v in s.items() if y < 2021} for k, s in later.items()} == earlier


PROVINCES = {"provinces": [f"P{i:02}" for i in range(34)]}


def test_shares_of_levels_deal_each_level_to_its_share_of_the_units():
    shares = {"2019": {"2": 50, "1": 50}, "2020": {"2": 76, "1": 24}}
    levels = {"level": {"units": ["provinces"], "years": shares}}
    figures = generate(spec(counts=[], rates={}, levels=levels), PROVINCES, INDICATORS, [])
    in_2020 = [series[2020] for series in figures.values()]
    assert (in_2020.count(2), in_2020.count(1)) == (26, 8)  # 76% of 34, rounded
    # The same order every year: no unit falls from level 2 while the share rises.
    assert all(series[2019] <= series[2020] for series in figures.values())
    assert figures == generate(spec(counts=[], rates={}, levels=levels), PROVINCES, INDICATORS, [])


def test_shares_of_levels_that_do_not_add_up_to_100_are_an_error():
    levels = {"level": {"units": ["provinces"], "years": {"2019": {"2": 50}, "2020": 1}}}
    with pytest.raises(DemoSpecError, match="100"):
        generate(spec(counts=[], rates={}, levels=levels), PROVINCES, INDICATORS, [])
