"""The engine against the two exchange sets: every threshold one count either side, at both
levels and in a difficult area; TT 24's applicability; statuses and levels as the issue says."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognition import criteria
from recognition.engine import MET, NO_DATA, NOT_APPLICABLE, NOT_MET, combine, evaluate

XA = criteria.read_file(criteria.RULES_DIR / "cdht-xa-tt25-2023.yaml")[1]
DV = criteria.read_file(criteria.RULES_DIR / "dvht-huyen-tt24-2023.yaml")[1]


def at_least(threshold: Fraction | int, den: int) -> int:
    """The smallest count meeting `threshold` percent of `den`."""
    return math.ceil(Fraction(threshold) * den / 100)


def xa_unit(level: int = 2, difficult: bool = False, **overrides) -> dict:
    """A commune meeting `level` exactly at its thresholds (den 1000)."""
    trained, university = {
        (1, False): (500, 120),
        (2, False): (600, 150),
        (1, True): (400, 100),
        (2, True): (500, 120),
    }[(level, difficult)]
    values = {f"X{c}.{i}": True for c in (1, 2, 3) for i in (1, 2, 3)}
    values |= {"X4.1": 1, "X4.2": level + 1, "X4.3": level + 1, "X4.4": level}
    values |= {
        "X5.1": {"num": 600 if level == 1 else 800, "den": 1000},
        "X5.2": {"trained": trained, "university": university, "den": 1000},
    }
    values |= overrides
    return {"code": "C", "year": 2024, "difficult_area": difficult, "indicators": values}


def dv_unit(level: int = 2, kind: str = "organisation", public: bool = True, **overrides):
    high = level == 2
    values = {f"U1.{i}": True for i in range(1, 6)} | {"U3.2": True, "U3.3": True, "U3.5": True}
    for code in ("U2.1", "U2.2", "U2.3", "U2.5", "U3.1"):
        values[code] = {"num": 95 if high else 90, "den": 100}
    values["U2.4"] = {"num": 70 if high else 50, "den": 100}
    values["U3.1_learners"] = {"num": 97 if high else 95, "den": 100}
    values["U3.4"] = "good" if high else "basic"
    values |= overrides
    return {"code": "U", "year": 2024, "kind": kind, "public": public, "indicators": values}


def status(result: dict, level: int, code: str) -> str:
    criterion = code.split(".")[0]
    return result["levels"][str(level)]["criteria"][criterion]["indicators"][code]


def test_a_commune_at_its_thresholds_reaches_the_level() -> None:
    for difficult in (False, True):
        assert evaluate(XA, xa_unit(2, difficult))["level"] == 2
        result = evaluate(XA, xa_unit(1, difficult))
        assert result["level"] == 1
        assert result["levels"]["2"]["status"] == NOT_MET


# (indicator, level, difficult, threshold percent) for every rate of the commune set.
XA_RATES = [("X5.1", 1, False, 60), ("X5.1", 2, False, 80)] + [
    ("X5.1", level, True, t) for level, t in ((1, 60), (2, 80))
]
XA_PARTS = [
    ("trained", 1, False, 50),
    ("trained", 2, False, 60),
    ("university", 1, False, 12),
    ("university", 2, False, 15),
    ("trained", 1, True, 40),
    ("trained", 2, True, 50),
    ("university", 1, True, 10),
    ("university", 2, True, 12),
]


@pytest.mark.parametrize("den", [1000, 7, 333])
@pytest.mark.parametrize(("code", "level", "difficult", "threshold"), XA_RATES)
def test_x5_1_meets_its_threshold_at_one_count_and_not_below(
    code, level, difficult, threshold, den
) -> None:
    need = at_least(threshold, den)
    met = evaluate(XA, xa_unit(level, difficult, **{code: {"num": need, "den": den}}))
    below = evaluate(XA, xa_unit(level, difficult, **{code: {"num": need - 1, "den": den}}))
    assert status(met, level, code) == MET
    assert status(below, level, code) == NOT_MET
    assert met["level"] == level
    if den == 1000:
        assert below["level"] == level - 1


@pytest.mark.parametrize("den", [1000, 7, 333])
@pytest.mark.parametrize(("part", "level", "difficult", "threshold"), XA_PARTS)
def test_each_share_of_x5_2_meets_at_one_count_and_not_below(
    part, level, difficult, threshold, den
) -> None:
    value = {"trained": den, "university": den, "den": den}
    need = at_least(threshold, den)
    met = evaluate(XA, xa_unit(level, difficult, **{"X5.2": value | {part: need}}))
    below = evaluate(XA, xa_unit(level, difficult, **{"X5.2": value | {part: need - 1}}))
    assert status(met, level, "X5.2") == MET
    assert status(below, level, "X5.2") == NOT_MET


def test_the_difficult_area_thresholds_apply_only_to_a_difficult_commune() -> None:
    value = {"trained": 40, "university": 10, "den": 100}
    assert status(evaluate(XA, xa_unit(1, True, **{"X5.2": value})), 1, "X5.2") == MET
    assert status(evaluate(XA, xa_unit(1, False, **{"X5.2": value})), 1, "X5.2") == NOT_MET


def test_the_university_share_is_of_the_whole_population_not_of_the_trained() -> None:
    # 12 of 100 people hold a degree: 12% of the population, 24% of the 50 trained.
    value = {"trained": 50, "university": 11, "den": 100}
    assert status(evaluate(XA, xa_unit(1, **{"X5.2": value})), 1, "X5.2") == NOT_MET
    assert "đại học" in XA.indicator("X5.2").reading


@pytest.mark.parametrize(
    ("code", "level", "minimum"),
    [
        ("X4.1", 1, 1),
        ("X4.1", 2, 1),
        ("X4.2", 1, 2),
        ("X4.2", 2, 3),
        ("X4.3", 1, 2),
        ("X4.3", 2, 3),
        ("X4.4", 1, 1),
        ("X4.4", 2, 2),
    ],
)
def test_a_pcgd_level_meets_at_its_minimum_and_not_one_below(code, level, minimum) -> None:
    assert status(evaluate(XA, xa_unit(level, **{code: minimum})), level, code) == MET
    assert status(evaluate(XA, xa_unit(level, **{code: minimum - 1})), level, code) == NOT_MET
    assert status(evaluate(XA, xa_unit(level, **{code: None})), level, code) == NO_DATA


@pytest.mark.parametrize("value", [None, "yes", 1, 0, {"value": True}, [True]])
def test_a_boolean_is_true_or_false_anything_else_is_no_data(value) -> None:
    assert status(evaluate(XA, xa_unit(1, **{"X2.2": value})), 1, "X2.2") == NO_DATA


@pytest.mark.parametrize(
    "value",
    [
        None,
        {"num": 5, "den": 0},
        {"num": 5},
        {"num": -1, "den": 10},
        {"num": 1.5, "den": 10},
        {"num": True, "den": 10},
        {"num": "5", "den": 10},
        60,
        "60%",
        [6, 10],
    ],
)
def test_a_rate_without_a_denominator_or_of_the_wrong_shape_is_no_data(value) -> None:
    assert status(evaluate(XA, xa_unit(1, **{"X5.1": value})), 1, "X5.1") == NO_DATA


def test_a_missing_indicator_is_no_data_and_an_unknown_one_is_ignored() -> None:
    unit = xa_unit(2, **{"X9.9": False, "X5.1_extra": {"num": 0, "den": 1}})
    del unit["indicators"]["X3.2"]
    result = evaluate(XA, unit)
    assert status(result, 1, "X3.2") == NO_DATA
    assert result["level"] is None
    assert "X9.9" not in str(result)


def test_statuses_combine_not_met_first_then_no_data() -> None:
    assert combine([MET, NO_DATA, NOT_MET]) == NOT_MET
    assert combine([MET, NO_DATA, NOT_APPLICABLE]) == NO_DATA
    assert combine([MET, NOT_APPLICABLE]) == MET
    assert combine([NOT_APPLICABLE]) == MET
    assert combine([]) == MET


def test_level_is_zero_only_when_level_1_is_not_met() -> None:
    assert evaluate(XA, xa_unit(1, **{"X1.1": False}))["level"] == 0
    assert evaluate(XA, xa_unit(1, **{"X1.1": None}))["level"] is None
    # level 2 undecidable but level 1 met: level 1
    assert evaluate(XA, xa_unit(2, **{"X5.1": None, "X5.2": None}))["level"] is None
    both = xa_unit(2, **{"X5.1": {"num": 700, "den": 1000}, "X5.2": None})
    assert evaluate(XA, both)["level"] is None
    one = xa_unit(2, **{"X4.2": 2})
    assert evaluate(XA, one)["level"] == 1


def test_the_result_has_the_exchange_format_keys() -> None:
    result = evaluate(XA, xa_unit(1))
    assert set(result) == {"level", "levels"}
    assert set(result["levels"]) == {"1", "2"}
    level = result["levels"]["1"]
    assert set(level) == {"status", "criteria"}
    assert list(level["criteria"]) == ["X1", "X2", "X3", "X4", "X5"]
    assert set(level["criteria"]["X5"]) == {"status", "indicators"}


# --- TT 24: units -------------------------------------------------------------------------

DV_RATES = (
    [(c, 1, 90) for c in ("U2.1", "U2.2", "U2.3", "U2.5", "U3.1")]
    + [(c, 2, 95) for c in ("U2.1", "U2.2", "U2.3", "U2.5", "U3.1")]
    + [("U2.4", 1, 50), ("U2.4", 2, 70), ("U3.1_learners", 1, 95), ("U3.1_learners", 2, 97)]
)


@pytest.mark.parametrize("den", [100, 7, 41])
@pytest.mark.parametrize(("code", "level", "threshold"), DV_RATES)
def test_each_unit_rate_meets_at_one_count_and_not_below(code, level, threshold, den) -> None:
    need = at_least(threshold, den)
    shown = code.removesuffix("_learners")
    unit = dv_unit(level, kind="vocational", **{code: {"num": need, "den": den}})
    below = dv_unit(level, kind="vocational", **{code: {"num": need - 1, "den": den}})
    assert status(evaluate(DV, unit), level, shown) == MET
    assert status(evaluate(DV, below), level, shown) == NOT_MET
    assert evaluate(DV, unit)["level"] == level
    if den == 100:  # one below a level-2 threshold still meets level 1
        assert evaluate(DV, below)["level"] == level - 1


@pytest.mark.parametrize("kind", ["organisation", "economic", "preschool", "school"])
def test_learners_count_only_in_vocational_institutions(kind) -> None:
    unit = dv_unit(2, kind=kind, **{"U3.1_learners": {"num": 0, "den": 100}})
    assert status(evaluate(DV, unit), 2, "U3.1") == MET
    missing = dv_unit(2, kind="vocational", **{"U3.1_learners": None})
    assert status(evaluate(DV, missing), 2, "U3.1") == NO_DATA
    failing = dv_unit(2, kind="vocational", **{"U3.1": {"num": 0, "den": 9}, "U3.1_learners": None})
    assert status(evaluate(DV, failing), 2, "U3.1") == NOT_MET


@pytest.mark.parametrize("level", [1, 2])
def test_u1_3_budget_applies_to_public_units_only(level) -> None:
    assert status(evaluate(DV, dv_unit(level, public=False)), level, "U1.3") == NOT_APPLICABLE
    private = dv_unit(level, public=False, **{"U1.3": False})
    assert evaluate(DV, private)["level"] == level
    public = dv_unit(level, public=True, **{"U1.3": False})
    assert status(evaluate(DV, public), level, "U1.3") == NOT_MET


@pytest.mark.parametrize("level", [1, 2])
def test_u2_4_languages_do_not_apply_to_economic_organisations(level) -> None:
    unit = dv_unit(level, kind="economic", **{"U2.4": {"num": 0, "den": 10}})
    assert status(evaluate(DV, unit), level, "U2.4") == NOT_APPLICABLE
    assert evaluate(DV, unit)["level"] == level
    other = dv_unit(level, kind="organisation", **{"U2.4": {"num": 0, "den": 10}})
    assert status(evaluate(DV, other), level, "U2.4") == NOT_MET


def test_u3_3_applies_at_level_1_always_and_at_level_2_to_public_units_only() -> None:
    private = evaluate(DV, dv_unit(2, public=False, **{"U3.3": False}))
    assert status(private, 1, "U3.3") == NOT_MET
    assert status(private, 2, "U3.3") == NOT_APPLICABLE
    # The rule: level 2 met gives 2, even though level 1 is not (TT 24 Điều 6, 7 as read).
    assert private["levels"]["1"]["status"] == NOT_MET
    assert private["level"] == 2
    public = evaluate(DV, dv_unit(2, public=True, **{"U3.3": False}))
    assert status(public, 2, "U3.3") == NOT_MET
    assert public["level"] == 0


@pytest.mark.parametrize(
    ("kind", "value", "level", "expected"),
    [
        ("school", "basic", 1, MET),
        ("school", "none", 1, NOT_MET),
        ("school", "good", 2, MET),
        ("school", "basic", 2, NOT_MET),
        ("school", "excellent", 1, NO_DATA),
        ("school", None, 1, NO_DATA),
        ("school", 1, 1, NO_DATA),
        ("organisation", "none", 1, NOT_APPLICABLE),
        ("vocational", None, 2, NOT_APPLICABLE),
    ],
)
def test_u3_4_digital_level_applies_to_schools_only(kind, value, level, expected) -> None:
    unit = dv_unit(level, kind=kind, **{"U3.4": value})
    assert status(evaluate(DV, unit), level, "U3.4") == expected


@pytest.mark.parametrize("kind", ["organisation", "economic", "preschool", "school"])
def test_u3_5_accreditation_applies_to_vocational_institutions_only(kind) -> None:
    unit = dv_unit(1, kind=kind, **{"U3.5": False})
    assert status(evaluate(DV, unit), 1, "U3.5") == NOT_APPLICABLE
    vocational = dv_unit(1, kind="vocational", **{"U3.5": False})
    assert status(evaluate(DV, vocational), 1, "U3.5") == NOT_MET


def test_a_unit_without_kind_gets_no_kind_scoped_indicator() -> None:
    unit = dv_unit(1)
    del unit["kind"], unit["public"]
    result = evaluate(DV, unit)
    assert [status(result, 1, c) for c in ("U1.3", "U2.4", "U3.4", "U3.5")] == [
        NOT_APPLICABLE,
        MET,
        NOT_APPLICABLE,
        NOT_APPLICABLE,
    ]


# --- properties ---------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=60)
booleans = st.one_of(st.none(), st.booleans())


@st.composite
def rates(draw):
    den = draw(st.integers(min_value=0, max_value=60))
    return draw(st.one_of(st.none(), st.builds(lambda n: {"num": n, "den": den}, counts)))


@st.composite
def xa_units(draw):
    values = {f"X{c}.{i}": draw(booleans) for c in (1, 2, 3) for i in (1, 2, 3)}
    for code, top in (("X4.1", 1), ("X4.2", 3), ("X4.3", 3), ("X4.4", 2)):
        values[code] = draw(st.one_of(st.none(), st.integers(0, top)))
    values["X5.1"] = draw(rates())
    den = draw(st.integers(0, 40))
    values["X5.2"] = {
        "trained": draw(st.integers(0, 40)),
        "university": draw(st.integers(0, 40)),
        "den": den,
    }
    return {"code": "P", "year": 2024, "difficult_area": draw(st.booleans()), "indicators": values}


@st.composite
def dv_units(draw):
    values = {f"U1.{i}": draw(booleans) for i in range(1, 6)}
    values |= {c: draw(booleans) for c in ("U3.2", "U3.3", "U3.5")}
    for code in ("U2.1", "U2.2", "U2.3", "U2.4", "U2.5", "U3.1", "U3.1_learners"):
        values[code] = draw(rates())
    values["U3.4"] = draw(st.sampled_from([None, "none", "basic", "good"]))
    kind = draw(st.sampled_from(["organisation", "economic", "preschool", "school", "vocational"]))
    return {"code": "P", "kind": kind, "public": draw(st.booleans()), "indicators": values}


@settings(max_examples=60, deadline=None)
@given(xa_units())
def test_a_commune_meeting_level_2_meets_level_1(unit) -> None:
    result = evaluate(XA, unit)
    if result["levels"]["2"]["status"] == MET:
        assert result["levels"]["1"]["status"] == MET
    if result["levels"]["1"]["status"] == NOT_MET:
        assert result["levels"]["2"]["status"] == NOT_MET


@settings(max_examples=60, deadline=None)
@given(dv_units())
def test_a_unit_meeting_level_2_meets_level_1_unless_only_u3_3_fails(unit) -> None:
    result = evaluate(DV, unit)
    u3_3_only_at_1 = not unit["public"] and unit["indicators"]["U3.3"] is not True
    if result["levels"]["2"]["status"] == MET and not u3_3_only_at_1:
        assert result["levels"]["1"]["status"] == MET


RATE_KEYS = {
    "X5.1": "num",
    "X5.2": "trained",
    "U2.1": "num",
    "U2.4": "num",
    "U3.1": "num",
    "U3.1_learners": "num",
}


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(xa_units().map(lambda u: (XA, u)), dv_units().map(lambda u: (DV, u))),
    st.sampled_from(sorted(RATE_KEYS)),
    st.integers(1, 30),
)
def test_raising_a_count_never_lowers_the_level(pair, code, more) -> None:
    definition, unit = pair
    value = unit["indicators"].get(code)
    if value is None:
        return
    before = evaluate(definition, unit)
    unit["indicators"][code] = value | {RATE_KEYS[code]: value[RATE_KEYS[code]] + more}
    after = evaluate(definition, unit)
    rank = {NOT_MET: 0, NO_DATA: 1, MET: 2}
    for level in ("1", "2"):
        old, new = before["levels"][level]["status"], after["levels"][level]["status"]
        assert old == new or rank[new] > rank[old]
    order = {None: -1, 0: 0, 1: 1, 2: 2}
    assert before["level"] is None or order[after["level"]] >= order[before["level"]]


@settings(max_examples=60, deadline=None)
@given(st.one_of(xa_units().map(lambda u: (XA, u)), dv_units().map(lambda u: (DV, u))))
def test_criteria_and_levels_combine_their_parts_by_the_rule(pair) -> None:
    definition, unit = pair
    result = evaluate(definition, unit)
    for level in result["levels"].values():
        for criterion in level["criteria"].values():
            assert criterion["status"] == combine(criterion["indicators"].values())
            assert set(criterion["indicators"].values()) <= {MET, NOT_MET, NO_DATA, NOT_APPLICABLE}
        assert level["status"] == combine(c["status"] for c in level["criteria"].values())
    statuses = {k: v["status"] for k, v in result["levels"].items()}
    expected = (
        2
        if statuses["2"] == MET
        else 1
        if statuses["1"] == MET
        else (0 if statuses["1"] == NOT_MET else None)
    )
    assert result["level"] == expected


def test_a_share_of_x5_2_known_to_fall_short_is_not_met_whatever_the_other_part() -> None:
    short = xa_unit(1, **{"X5.2": {"trained": 499, "university": None, "den": 1000}})
    assert status(evaluate(XA, short), 1, "X5.2") == NOT_MET
    unknown = xa_unit(1, **{"X5.2": {"trained": 500, "den": 1000}})
    assert status(evaluate(XA, unknown), 1, "X5.2") == NO_DATA
    no_den = xa_unit(1, **{"X5.2": {"trained": 0, "university": 0}})
    assert status(evaluate(XA, no_den), 1, "X5.2") == NO_DATA
