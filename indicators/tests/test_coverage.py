"""The coverage rule (indicators.coverage) at its edges, and the status it qualifies."""

from __future__ import annotations

from indicators.coverage import Coverage, count, of_communes

COMMUNES = list(range(1, 13))
PERSONS, LITERATE = 101, 102


def held_by(units, elements=(PERSONS, LITERATE)) -> set[tuple[int, int]]:
    return {(u, e) for u in units for e in elements}


def test_none_of_twelve_communes_reported():
    coverage = count({PERSONS: COMMUNES, LITERATE: COMMUNES}, set())
    assert coverage == Coverage(reported=0, expected=12)
    assert coverage.partial


def test_eleven_of_twelve_is_still_partial():
    coverage = count({PERSONS: COMMUNES, LITERATE: COMMUNES}, held_by(COMMUNES[:11]))
    assert coverage == Coverage(reported=11, expected=12)
    assert coverage.partial and not coverage.complete


def test_twelve_of_twelve_is_complete():
    coverage = count({PERSONS: COMMUNES, LITERATE: COMMUNES}, held_by(COMMUNES))
    assert coverage == Coverage(reported=12, expected=12)
    assert coverage.complete


def test_no_unit_expected_is_complete_nothing_is_missing():
    coverage = count({}, held_by(COMMUNES))
    assert coverage == Coverage(reported=0, expected=0)
    assert coverage.complete
    assert count({PERSONS: []}, set()) == Coverage(0, 0)


def test_a_numerator_without_its_denominator_is_not_a_report():
    held = held_by(COMMUNES[:2]) | held_by([3], [LITERATE])
    assert count({PERSONS: COMMUNES, LITERATE: COMMUNES}, held) == Coverage(2, 12)


def test_a_unit_counts_once_whatever_the_number_of_elements_it_owes():
    # Bodies owe only the officials; communes owe the literacy counts as well.
    expected = {PERSONS: [1, 2], LITERATE: [1, 2], 103: [1, 2, 50]}
    held = held_by([1, 2], [PERSONS, LITERATE, 103]) | {(50, 103)}
    assert count(expected, held) == Coverage(3, 3)


def test_values_of_units_nobody_expected_do_not_count():
    assert count({PERSONS: [1, 2]}, held_by([1, 7, 8], [PERSONS])) == Coverage(1, 2)


def test_an_every_commune_figure_is_covered_by_its_communes_with_a_figure():
    assert of_communes(with_data=2, counted=12) == Coverage(2, 12)
