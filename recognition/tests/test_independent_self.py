"""The independent evaluator checked by hand arithmetic, so that agreeing with it is worth it."""

from __future__ import annotations

import copy

import pytest

from recognition.tests import generators
from recognition.tests.independent import (
    CDHT,
    DVHT,
    MET,
    NO_DATA,
    NOT_APPLICABLE,
    NOT_MET,
    combine,
    evaluate,
)


def cdht(**indicators) -> dict:
    unit = generators.cdht_base("C1", difficult_area=indicators.pop("difficult_area", False))
    unit["indicators"].update(indicators)
    return evaluate(CDHT, [unit])["units"]["C1"]


def dvht(kind: str, public: bool = True, **indicators) -> dict:
    unit = generators.dvht_base("U1", kind, public)
    unit["indicators"].update(indicators)
    return evaluate(DVHT, [unit])["units"]["U1"]


def status_of(result: dict, indicator: str, level: str) -> str:
    criterion = indicator.split(".")[0]
    return result["levels"][level]["criteria"][criterion]["indicators"][indicator]


def test_the_bases_meet_level_2_everywhere():
    assert cdht()["level"] == 2
    for kind in ("organisation", "economic", "preschool", "school", "vocational"):
        for public in (True, False):
            assert dvht(kind, public)["level"] == 2, (kind, public)


@pytest.mark.parametrize(
    ("num", "den", "level"),
    [
        # 59*100 = 5900 < 60*100 = 6000: not level 1
        (59, 100, 0),
        # 60*100 = 6000 >= 6000: level 1; 6000 < 80*100: not level 2
        (60, 100, 1),
        # 79/100 still level 1; 80*100 = 8000 >= 8000: level 2
        (79, 100, 1),
        (80, 100, 2),
        # 3/5 = 60% exactly; 2/3 = 66.7%; 4/5 = 80% exactly; 1/1 = 100%
        (3, 5, 1),
        (2, 3, 1),
        (4, 5, 2),
        (1, 1, 2),
        # 0/0: no data at both levels, so no level at all
        (0, 0, None),
    ],
)
def test_x5_1_learning_citizens_60_and_80_percent(num, den, level):
    result = cdht(**{"X5.1": {"num": num, "den": den}})
    assert result["level"] == level


def test_x5_1_at_59_and_60_of_100_indicator_by_indicator():
    short = cdht(**{"X5.1": {"num": 59, "den": 100}})
    assert status_of(short, "X5.1", "1") == NOT_MET
    assert short["levels"]["1"]["criteria"]["X5"]["status"] == NOT_MET
    assert short["levels"]["1"]["status"] == NOT_MET
    assert short["levels"]["1"]["criteria"]["X4"]["status"] == MET
    exact = cdht(**{"X5.1": {"num": 60, "den": 100}})
    assert status_of(exact, "X5.1", "1") == MET
    assert status_of(exact, "X5.1", "2") == NOT_MET
    assert exact["levels"]["1"]["status"] == MET
    assert exact["levels"]["2"]["status"] == NOT_MET


@pytest.mark.parametrize(
    ("trained", "university", "difficult_area", "level"),
    [
        # ordinary commune, 200 people: level 1 needs 100 (50%) and 24 (12%)
        (100, 24, False, 1),
        (99, 24, False, 0),
        (100, 23, False, 0),
        # level 2 needs 120 (60%) and 30 (15%); both, not one of them
        (120, 30, False, 2),
        (120, 29, False, 1),
        (119, 30, False, 1),
        # difficult area: level 1 needs 80 (40%) and 20 (10%), level 2 100 (50%) and 24 (12%)
        (80, 20, True, 1),
        (79, 20, True, 0),
        (80, 19, True, 0),
        (100, 24, True, 2),
        (100, 23, True, 1),
        (99, 24, True, 1),
    ],
)
def test_x5_2_both_shares_of_the_same_population(trained, university, difficult_area, level):
    value = {"trained": trained, "university": university, "den": 200}
    result = cdht(difficult_area=difficult_area, **{"X5.2": value})
    assert result["level"] == level


def test_x5_2_with_no_population_is_no_data():
    result = cdht(**{"X5.2": {"trained": 0, "university": 0, "den": 0}})
    assert status_of(result, "X5.2", "1") == NO_DATA
    assert result["level"] is None


@pytest.mark.parametrize(
    ("indicator", "value", "level_1", "level_2"),
    [
        ("X4.1", 0, NOT_MET, NOT_MET),
        ("X4.1", 1, MET, MET),
        ("X4.2", 1, NOT_MET, NOT_MET),
        ("X4.2", 2, MET, NOT_MET),
        ("X4.2", 3, MET, MET),
        ("X4.3", 2, MET, NOT_MET),
        ("X4.4", 0, NOT_MET, NOT_MET),
        ("X4.4", 1, MET, NOT_MET),
        ("X4.4", 2, MET, MET),
        ("X4.4", None, NO_DATA, NO_DATA),
    ],
)
def test_x4_universalization_levels(indicator, value, level_1, level_2):
    result = cdht(**{indicator: value})
    assert (status_of(result, indicator, "1"), status_of(result, indicator, "2")) == (
        level_1,
        level_2,
    )


def test_level_is_null_when_level_1_has_no_data_and_0_when_not_met_beats_no_data():
    unknown = cdht(**{"X1.1": None})
    assert unknown["levels"]["1"]["status"] == NO_DATA
    assert unknown["level"] is None
    unit = generators.cdht_base("C1")
    del unit["indicators"]["X2.3"]
    assert evaluate(CDHT, [unit])["units"]["C1"]["level"] is None
    failed = cdht(**{"X1.1": None, "X3.2": False})
    assert failed["levels"]["1"]["criteria"]["X1"]["status"] == NO_DATA
    assert failed["levels"]["1"]["criteria"]["X3"]["status"] == NOT_MET
    assert failed["levels"]["1"]["status"] == NOT_MET
    assert failed["level"] == 0


def test_u2_4_is_not_applicable_for_an_economic_unit():
    low = {"num": 1, "den": 100}
    economic = dvht("economic", **{"U2.4": low})
    assert status_of(economic, "U2.4", "1") == NOT_APPLICABLE
    assert status_of(economic, "U2.4", "2") == NOT_APPLICABLE
    assert economic["levels"]["1"]["criteria"]["U2"]["status"] == MET
    assert economic["level"] == 2
    school = dvht("school", **{"U2.4": low})
    assert status_of(school, "U2.4", "1") == NOT_MET
    assert school["level"] == 0


@pytest.mark.parametrize(
    ("num", "level_1", "level_2"),
    [(9, NOT_MET, NOT_MET), (10, MET, NOT_MET), (13, MET, NOT_MET), (14, MET, MET)],
)
def test_u2_4_50_and_70_percent_of_20(num, level_1, level_2):
    # 20 people: 50% is 10, 70% is 14
    result = dvht("organisation", **{"U2.4": {"num": num, "den": 20}})
    assert (status_of(result, "U2.4", "1"), status_of(result, "U2.4", "2")) == (level_1, level_2)


def test_u3_1_of_a_vocational_unit_also_needs_its_learners():
    # 200 members: 90% = 180, 95% = 190; 200 learners: 95% = 190, 97% = 194
    members = {"num": 190, "den": 200}
    for learners, level in ((189, 0), (190, 1), (193, 1), (194, 2)):
        result = dvht(
            "vocational", **{"U3.1": members, "U3.1_learners": {"num": learners, "den": 200}}
        )
        assert result["level"] == level, learners
    weak_members = {"num": 189, "den": 200}
    result = dvht("vocational", **{"U3.1": weak_members, "U3.1_learners": {"num": 200, "den": 200}})
    assert result["level"] == 1
    # a school's learners do not count
    result = dvht("school", **{"U3.1_learners": {"num": 0, "den": 200}})
    assert status_of(result, "U3.1", "1") == MET


def test_applicability_by_kind_and_public():
    private = dvht("economic", public=False, **{"U1.3": False, "U3.4": "none", "U3.5": False})
    assert status_of(private, "U1.3", "1") == NOT_APPLICABLE
    assert status_of(private, "U3.4", "1") == NOT_APPLICABLE
    assert status_of(private, "U3.5", "2") == NOT_APPLICABLE
    assert private["level"] == 2
    school = dvht("school", **{"U3.4": "basic"})
    assert (status_of(school, "U3.4", "1"), status_of(school, "U3.4", "2")) == (MET, NOT_MET)
    assert school["level"] == 1
    vocational = dvht("vocational", **{"U3.5": None})
    assert status_of(vocational, "U3.5", "1") == NO_DATA
    assert vocational["level"] is None


def test_u3_3_applies_at_level_2_only_to_a_public_unit():
    private = dvht("organisation", public=False, **{"U3.3": False})
    assert status_of(private, "U3.3", "1") == NOT_MET
    assert status_of(private, "U3.3", "2") == NOT_APPLICABLE
    assert private["levels"]["2"]["status"] == MET
    # the format's rule reads level 2 first: met on its own indicators, it is level 2
    assert private["level"] == 2
    public = dvht("organisation", public=True, **{"U3.3": False})
    assert status_of(public, "U3.3", "2") == NOT_MET


def test_a_criterion_of_only_not_applicable_indicators_is_met():
    assert combine([NOT_APPLICABLE, NOT_APPLICABLE]) == MET
    assert combine([]) == MET
    assert combine([NOT_APPLICABLE, NO_DATA, MET]) == NO_DATA
    assert combine([NO_DATA, NOT_MET, NOT_APPLICABLE]) == NOT_MET


def test_the_output_shape():
    unit = generators.cdht_base("C1")
    result = evaluate(CDHT, [unit])
    assert set(result) == {"criteria", "units"}
    assert result["criteria"] == CDHT
    assert set(result["units"]["C1"]) == {"level", "levels"}
    level = result["units"]["C1"]["levels"]["1"]
    assert set(level["criteria"]) == {"X1", "X2", "X3", "X4", "X5"}
    assert set(level["criteria"]["X4"]["indicators"]) == {"X4.1", "X4.2", "X4.3", "X4.4"}
    dvht_result = evaluate(DVHT, [generators.dvht_base("U1", "school", True)])
    criteria = dvht_result["units"]["U1"]["levels"]["2"]["criteria"]
    assert set(criteria["U3"]["indicators"]) == {"U3.1", "U3.2", "U3.3", "U3.4", "U3.5"}


@pytest.mark.parametrize("code", [CDHT, DVHT])
def test_every_edge_is_what_the_ceiling_says(code):
    """The edges' expectations come from ⌈T × d / 100⌉, the oracle from num × 100 ≥ T × d."""
    edges = generators.EDGES[code]()
    result = evaluate(code, [copy.deepcopy(edge["unit"]) for edge in edges])["units"]
    wrong = []
    for edge in edges:
        unit_code, indicator = edge["unit"]["code"], edge["indicator"]
        for level in ("1", "2"):
            got = status_of(result[unit_code], indicator, level)
            if got != edge["expect"][level]:
                wrong.append(f"{unit_code}: {indicator} level {level}: {got}")
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("code", [CDHT, DVHT])
def test_random_units_reach_every_level(code):
    result = evaluate(code, generators.random_units(code, 300, seed=13))["units"]
    assert {r["level"] for r in result.values()} == {0, 1, 2, None}
