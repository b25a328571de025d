"""pcgd_standards against an independent oracle: random registers and hand-checked threshold edges.

Every edge test runs twice: on the oracle (so the hand arithmetic checks the oracle) and on the
command (so the command is checked against the same hand arithmetic). The command must not touch
the database: these tests have no `db` fixture, and pytest-django refuses any query.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from universalization.tests.oracle import oracle
from universalization.tests.registers import (
    cohort,
    commune,
    ideal,
    ideals,
    person,
    registers,
    write_csvs,
)

Y = 2024
C = "00001"
COMMAND_FILE = Path(__file__).resolve().parents[1] / "management" / "commands" / "pcgd_standards.py"

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ALL_MET = {"1": "met", "2": "met", "3": "met"}
NONE_MET = {"1": "not_met", "2": "not_met", "3": "not_met"}
ONLY_1 = {"1": "met", "2": "not_met", "3": "not_met"}
UP_TO_2 = {"1": "met", "2": "met", "3": "not_met"}


def run_command(directory: Path, communes: list[dict], persons: list[dict], year: int) -> dict:
    communes_csv, persons_csv = write_csvs(directory / uuid.uuid4().hex, communes, persons)
    out = io.StringIO()
    call_command(
        "pcgd_standards", communes=communes_csv, persons=persons_csv, year=year, stdout=out
    )
    return json.loads(out.getvalue())


def require_command() -> None:
    if not COMMAND_FILE.exists():
        pytest.skip("pcgd_standards is not written yet")


@pytest.fixture(params=["oracle", "command"])
def evaluate(request, tmp_path):
    """evaluate(communes, persons, year) -> the JSON of pcgd_standards, by oracle or command."""
    if request.param == "oracle":
        return oracle
    require_command()
    return lambda communes, persons, year: run_command(tmp_path, communes, persons, year)


def one(evaluate, persons: list[dict], disadvantaged: bool = False, year: int = Y) -> dict:
    """The result of the single commune C (district 001)."""
    return evaluate([commune(C, "001", disadvantaged)], persons, year)["communes"][C]


def at(ages: list[int], i: int) -> int:
    return ages[i % len(ages)]


# =============================================================================================
# (a) Random registers: the command prints exactly what the oracle computes.
# =============================================================================================


@HYPOTHESIS
@given(drawn=registers())
def test_command_agrees_with_the_oracle_on_random_registers(tmp_path, drawn):
    require_command()
    communes, persons, year = drawn
    assert run_command(tmp_path, communes, persons, year) == oracle(communes, persons, year)


# =============================================================================================
# (b) Hand-checked edges. Y = 2024, one commune C; "k/d = p%" is the rate, T the threshold.
# =============================================================================================

# --- preschool5 -------------------------------------------------------------------------------


def five_year_olds(attending: int, total: int = 20) -> list[dict]:
    """`attending` 5-year-olds who attend and completed preschool (in three ways), the rest not."""
    ways = [
        {"studying": "preschool", "preschool_completed": "yes"},
        {"studying": "none", "preschool_completed": "yes"},  # completed counts as attending
        {"studying": "", "preschool_completed": "yes"},
    ]
    not_attending = [
        {"studying": "none", "preschool_completed": "no"},
        {"studying": "", "preschool_completed": ""},
    ]
    return [person(C, 5, Y, **at(ways, i)) for i in range(attending)] + [
        person(C, 5, Y, **at(not_attending, i)) for i in range(total - attending)
    ]


@pytest.mark.parametrize(
    ("attending", "status", "level"),
    [
        # 19/20: 19*100 = 1900 >= 95*20 = 1900 -> met (completed_5 19/20 = 95% >= 85)
        pytest.param(19, "met", 1, id="19_of_20_is_95pct"),
        # 18/20: 1800 < 1900 -> not_met (completed_5 18/20 = 90% >= 85 still holds)
        pytest.param(18, "not_met", 0, id="18_of_20_is_90pct"),
    ],
)
def test_attending_5_meets_exactly_at_95_percent_and_not_one_child_short(
    evaluate, attending, status, level
):
    got = one(evaluate, five_year_olds(attending))["preschool5"]
    assert got["rates"]["attending_5"] == {"num": attending, "den": 20}
    assert got["rates"]["completed_5"] == {"num": attending, "den": 20}
    assert got["rates"]["disability_access"] == {"num": 0, "den": 0}
    assert got["levels"] == {"1": status}
    assert got["level"] == level


@pytest.mark.parametrize(
    ("attending", "status", "level"),
    [
        # ĐBKK T = 90: 18/20: 1800 >= 90*20 = 1800 -> met (completed_5 18/20 = 90% >= 80)
        pytest.param(18, "met", 1, id="18_of_20_is_90pct"),
        # 17/20 = 85%: 1700 < 1800 -> not_met (completed_5 17/20 = 85% >= 80 still holds)
        pytest.param(17, "not_met", 0, id="17_of_20_is_85pct"),
    ],
)
def test_attending_5_meets_exactly_at_90_percent_in_a_disadvantaged_commune(
    evaluate, attending, status, level
):
    got = one(evaluate, five_year_olds(attending), disadvantaged=True)["preschool5"]
    assert got["rates"]["attending_5"] == {"num": attending, "den": 20}
    assert got["levels"] == {"1": status}
    assert got["level"] == level


def five_year_olds_all_attending(completed: int, total: int = 20) -> list[dict]:
    return cohort(C, 5, completed, Y, studying="preschool", preschool_completed="yes") + cohort(
        C, 5, total - completed, Y, studying="preschool", preschool_completed="no"
    )


@pytest.mark.parametrize(
    ("disadvantaged", "completed", "status", "level"),
    [
        # normal T = 85: 17/20: 1700 >= 85*20 = 1700 -> met; attending 20/20
        pytest.param(False, 17, "met", 1, id="normal_17_of_20_is_85pct"),
        # 16/20 = 80%: 1600 < 1700 -> not_met
        pytest.param(False, 16, "not_met", 0, id="normal_16_of_20_is_80pct"),
        # ĐBKK T = 80: 16/20: 1600 >= 80*20 = 1600 -> met
        pytest.param(True, 16, "met", 1, id="disadvantaged_16_of_20_is_80pct"),
        # 15/20 = 75%: 1500 < 1600 -> not_met
        pytest.param(True, 15, "not_met", 0, id="disadvantaged_15_of_20_is_75pct"),
    ],
)
def test_completed_5_meets_exactly_at_85_or_80_percent_and_not_one_child_short(
    evaluate, disadvantaged, completed, status, level
):
    got = one(evaluate, five_year_olds_all_attending(completed), disadvantaged)["preschool5"]
    assert got["rates"]["attending_5"] == {"num": 20, "den": 20}
    assert got["rates"]["completed_5"] == {"num": completed, "den": 20}
    assert got["levels"] == {"1": status}
    assert got["level"] == level


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("studying", "status", "level"),
    [
        # 90 ideal 5-year-olds + 10 who can learn, `studying` of them in preschool (not completed).
        # 6/10: 600 >= 60*10 -> met; attending (90+6)/100 = 96% >= 95; completed 90/100 >= 85
        pytest.param(6, "met", 1, id="6_of_10_is_60pct"),
        # 5/10: 500 < 600 -> not_met; attending 95/100 = 95% still met, completed 90% met
        pytest.param(5, "not_met", 0, id="5_of_10_is_50pct"),
    ],
)
def test_preschool_disability_access_meets_exactly_at_60_percent(
    evaluate, disadvantaged, studying, status, level
):
    persons = [ideal(C, 5, Y) for _ in range(90)]
    persons += cohort(C, 5, studying, Y, disability="can_learn", studying="preschool")
    persons += cohort(C, 5, 10 - studying, Y, disability="can_learn", studying="none")
    got = one(evaluate, persons, disadvantaged)["preschool5"]
    assert got["rates"] == {
        "attending_5": {"num": 90 + studying, "den": 100},
        "completed_5": {"num": 90, "den": 100},
        "disability_access": {"num": studying, "den": 10},
    }
    assert got["levels"] == {"1": status}
    assert got["level"] == level


# --- primary ----------------------------------------------------------------------------------


def six_year_olds(entered: int, total: int = 20) -> list[dict]:
    """`entered` 6-year-olds who entered grade 1 this year, the rest not (or only next year)."""
    not_entered = [
        {"studying": "preschool"},
        {"studying": "none", "grade1_entry_year": Y + 1},  # not done by Y
    ]
    return cohort(C, 6, entered, Y, studying="primary", grade1_entry_year=Y) + [
        person(C, 6, Y, **at(not_entered, i)) for i in range(total - entered)
    ]


GRADE1_EDGES = [
    # Level 1, T = 90 (also when disadvantaged): 18/20: 1800 >= 90*20 = 1800 -> L1 met;
    # L2 needs 95: 1800 < 1900 -> not_met.
    pytest.param(18, 20, ONLY_1, 1, id="L1_18_of_20_is_90pct"),
    # 17/20 = 85%: 1700 < 1800 -> L1 not_met, so L2 and L3 too.
    pytest.param(17, 20, NONE_MET, 0, id="L1_17_of_20_is_85pct"),
    # Level 2, T = 95: 19/20: 1900 >= 1900 -> met; L3 needs 98: 1900 < 98*20 = 1960.
    pytest.param(19, 20, UP_TO_2, 2, id="L2_19_of_20_is_95pct"),
    # 18/20 = 90%: 1800 < 1900 -> L2 not_met (L1 at 90 still met).
    pytest.param(18, 20, ONLY_1, 1, id="L2_18_of_20_is_90pct"),
    # Level 3, T = 98: 49/50: 4900 >= 98*50 = 4900 -> met.
    pytest.param(49, 50, ALL_MET, 3, id="L3_49_of_50_is_98pct"),
    # 48/50 = 96%: 4800 < 4900 -> L3 not_met (L2 at 95: 4800 >= 4750 met).
    pytest.param(48, 50, UP_TO_2, 2, id="L3_48_of_50_is_96pct"),
]


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(("entered", "total", "levels", "level"), GRADE1_EDGES)
def test_grade1_entry_6_meets_exactly_at_90_95_98_percent_even_when_disadvantaged(
    evaluate, disadvantaged, entered, total, levels, level
):
    # One ideal 11- and 14-year-old: completed_11 1/1, completed_14 1/1, in_primary_11_rest 0/0.
    persons = six_year_olds(entered, total) + ideals(C, [11, 14], Y)
    got = one(evaluate, persons, disadvantaged)["primary"]
    assert got["rates"] == {
        "grade1_entry_6": {"num": entered, "den": total},
        "completed_14": {"num": 1, "den": 1},
        "completed_11": {"num": 1, "den": 1},
        "in_primary_11_rest": {"num": 0, "den": 0},
        "disability_access": {"num": 0, "den": 0},
    }
    assert got["levels"] == levels
    assert got["level"] == level


def fourteen_year_olds(completed: int, total: int = 20) -> list[dict]:
    done = {"studying": "lower_secondary", "primary_completed_year": Y - 3}  # born Y-14, +11
    return cohort(C, 14, completed, Y, **done) + cohort(
        C, 14, total - completed, Y, studying="primary", highest_grade_completed=4
    )


@pytest.mark.parametrize(
    ("disadvantaged", "completed", "levels", "level"),
    [
        # normal T = 80: 16/20: 1600 >= 80*20 = 1600 -> L1 met, and L2, L3 (ideal 6, 11) met.
        pytest.param(False, 16, ALL_MET, 3, id="normal_16_of_20_is_80pct"),
        # 15/20 = 75%: 1500 < 1600 -> L1 not_met; L2 and L3 fail with it (prerequisite).
        pytest.param(False, 15, NONE_MET, 0, id="normal_15_of_20_is_75pct"),
        # ĐBKK T = 70: 14/20: 1400 >= 70*20 = 1400 -> met.
        pytest.param(True, 14, ALL_MET, 3, id="disadvantaged_14_of_20_is_70pct"),
        # 13/20 = 65%: 1300 < 1400 -> not_met.
        pytest.param(True, 13, NONE_MET, 0, id="disadvantaged_13_of_20_is_65pct"),
    ],
)
def test_completed_14_meets_exactly_at_80_or_70_percent_and_not_one_child_short(
    evaluate, disadvantaged, completed, levels, level
):
    persons = fourteen_year_olds(completed) + ideals(C, [6, 11], Y)
    got = one(evaluate, persons, disadvantaged)["primary"]
    assert got["rates"]["completed_14"] == {"num": completed, "den": 20}
    assert got["rates"]["grade1_entry_6"] == {"num": 1, "den": 1}
    assert got["levels"] == levels
    assert got["level"] == level


def eleven_year_olds(completed: int, total: int = 20, rest: tuple[str, ...] = ()) -> list[dict]:
    """`completed` 11-year-olds with primary done this year; the rest study in primary, except
    that the first ones of the rest study what `rest` says."""
    persons = cohort(C, 11, completed, Y, studying="lower_secondary", primary_completed_year=Y)
    for i in range(total - completed):
        persons.append(person(C, 11, Y, studying=rest[i] if i < len(rest) else "primary"))
    return persons


COMPLETED_11_EDGES = [
    # normal, level 2, T = 80: 16/20: 1600 >= 1600 -> L2 met; L3 needs 90: 1600 < 1800.
    pytest.param(False, 16, UP_TO_2, 2, id="normal_L2_16_of_20_is_80pct"),
    # 15/20 = 75%: 1500 < 1600 -> L2 not_met (L1 does not use completed_11: met).
    pytest.param(False, 15, ONLY_1, 1, id="normal_L2_15_of_20_is_75pct"),
    # normal, level 3, T = 90: 18/20: 1800 >= 1800 -> met.
    pytest.param(False, 18, ALL_MET, 3, id="normal_L3_18_of_20_is_90pct"),
    # 17/20 = 85%: 1700 < 1800 -> L3 not_met (L2: 1700 >= 1600 met).
    pytest.param(False, 17, UP_TO_2, 2, id="normal_L3_17_of_20_is_85pct"),
    # ĐBKK, level 2, T = 70: 14/20: 1400 >= 1400 -> met; L3 needs 80: 1400 < 1600.
    pytest.param(True, 14, UP_TO_2, 2, id="disadvantaged_L2_14_of_20_is_70pct"),
    # 13/20 = 65%: 1300 < 1400 -> L2 not_met.
    pytest.param(True, 13, ONLY_1, 1, id="disadvantaged_L2_13_of_20_is_65pct"),
    # ĐBKK, level 3, T = 80: 16/20: 1600 >= 1600 -> met.
    pytest.param(True, 16, ALL_MET, 3, id="disadvantaged_L3_16_of_20_is_80pct"),
    # 15/20 = 75%: 1500 < 1600 -> L3 not_met (L2: 1500 >= 1400 met).
    pytest.param(True, 15, UP_TO_2, 2, id="disadvantaged_L3_15_of_20_is_75pct"),
]


@pytest.mark.parametrize(("disadvantaged", "completed", "levels", "level"), COMPLETED_11_EDGES)
def test_completed_11_meets_exactly_at_80_90_or_70_80_percent_and_not_one_child_short(
    evaluate, disadvantaged, completed, levels, level
):
    persons = eleven_year_olds(completed) + ideals(C, [6, 14], Y)
    got = one(evaluate, persons, disadvantaged)["primary"]
    assert got["rates"]["completed_11"] == {"num": completed, "den": 20}
    # Everyone without primary studies in primary: (20-k)/(20-k) = 100%.
    assert got["rates"]["in_primary_11_rest"] == {"num": 20 - completed, "den": 20 - completed}
    assert got["levels"] == levels
    assert got["level"] == level


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("rest", "num", "levels", "level"),
    [
        # 18 of 20 completed (90%, enough for L3); the other 2 both in primary: 2/2 = 100%.
        pytest.param((), 2, ALL_MET, 3, id="2_of_2_is_100pct"),
        # One of the 2 studies nothing: 1/2: 100 < 100*2 -> L2 and L3 not_met (L1 met).
        pytest.param(("none",), 1, ONLY_1, 1, id="1_of_2_studies_nothing"),
        # One of the 2 is in lower secondary, not in primary: 1/2 -> not_met.
        pytest.param(("lower_secondary",), 1, ONLY_1, 1, id="1_of_2_is_not_in_primary"),
    ],
)
def test_in_primary_11_rest_needs_every_remaining_11_year_old_in_primary(
    evaluate, disadvantaged, rest, num, levels, level
):
    persons = eleven_year_olds(18, rest=rest) + ideals(C, [6, 14], Y)
    got = one(evaluate, persons, disadvantaged)["primary"]
    assert got["rates"]["completed_11"] == {"num": 18, "den": 20}
    assert got["rates"]["in_primary_11_rest"] == {"num": num, "den": 2}
    assert got["levels"] == levels
    assert got["level"] == level


def test_an_11_year_old_completing_primary_after_the_year_is_in_the_rest(evaluate):
    # 9 completed in Y; 1 completes in Y+1 (not done by Y) and studies in primary.
    persons = eleven_year_olds(9, total=9) + ideals(C, [6, 14], Y)
    persons.append(person(C, 11, Y, studying="primary", primary_completed_year=Y + 1))
    got = one(evaluate, persons)["primary"]
    # completed_11 9/10 = 90% -> L3 met; in_primary_11_rest 1/1.
    assert got["rates"]["completed_11"] == {"num": 9, "den": 10}
    assert got["rates"]["in_primary_11_rest"] == {"num": 1, "den": 1}
    assert got["level"] == 3


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("studying", "levels", "level"),
    [
        # 100 eight-year-olds who can learn (8 is in the group 6-14 but in no primary rate):
        # 60/100: 6000 >= 60*100 -> met at every level.
        pytest.param(60, ALL_MET, 3, id="60_of_100"),
        # 59/100: 5900 < 6000 -> not_met at every level.
        pytest.param(59, NONE_MET, 0, id="59_of_100"),
    ],
)
def test_primary_disability_access_meets_at_60_of_100_and_not_at_59(
    evaluate, disadvantaged, studying, levels, level
):
    persons = ideals(C, [6, 11, 14], Y)
    persons += cohort(C, 8, studying, Y, disability="can_learn", studying="primary")
    persons += cohort(C, 8, 100 - studying, Y, disability="can_learn", studying="none")
    got = one(evaluate, persons, disadvantaged)["primary"]
    assert got["rates"]["disability_access"] == {"num": studying, "den": 100}
    assert got["levels"] == levels
    assert got["level"] == level


def test_primary_levels_2_and_3_are_not_met_when_level_1_is_not_met(evaluate):
    # grade1 1/1, completed_11 1/1, rest 0/0: L2 and L3 conditions hold; completed_14 0/1 fails L1.
    persons = ideals(C, [6, 11], Y) + [person(C, 14, Y, studying="primary")]
    got = one(evaluate, persons)["primary"]
    assert got["rates"]["completed_14"] == {"num": 0, "den": 1}
    assert got["levels"] == NONE_MET
    assert got["level"] == 0


def test_primary_levels_2_and_3_are_undetermined_when_level_1_is(evaluate):
    # No 14-year-old: completed_14 0/0 -> L1 undetermined; L2, L3 conditions all met.
    got = one(evaluate, ideals(C, [6, 11], Y))["primary"]
    assert got["rates"]["completed_14"] == {"num": 0, "den": 0}
    assert got["levels"] == {"1": "undetermined", "2": "undetermined", "3": "undetermined"}
    assert got["level"] == 0


def test_not_met_outweighs_undetermined_in_a_level(evaluate):
    # No 6-year-old (grade1 0/0, undetermined) and completed_14 0/1 (not_met): L1 not_met.
    persons = [ideal(C, 11, Y), person(C, 14, Y, studying="primary")]
    got = one(evaluate, persons)["primary"]
    assert got["rates"]["grade1_entry_6"] == {"num": 0, "den": 0}
    assert got["levels"] == NONE_MET


# --- lower_secondary --------------------------------------------------------------------------

AGES_15_18 = [15, 16, 17, 18]


def youths(diploma: int, total: int = 20, studying: int | None = None) -> list[dict]:
    """Persons aged 15-18 (in turn), all with primary done (so literate): `diploma` of them with
    the diploma; `studying` of them (default: all) studying, in turn, in each accepted way."""
    studying = total if studying is None else studying
    ways = ["upper_secondary", "continuing", "vocational", "lower_secondary"]
    persons = []
    for i in range(total):
        age = at(AGES_15_18, i)
        fields: dict[str, object] = {"primary_completed_year": Y - age + 11}
        if i < diploma:
            fields.update(lower_secondary_diploma_year=Y - age + 15, highest_grade_completed=9)
        else:
            fields.update(highest_grade_completed=8)
        if i < studying:
            fields["studying"] = at(ways, i) if i < diploma else "lower_secondary"
        else:
            fields["studying"] = at(["none", ""], i)
        persons.append(person(C, age, Y, **fields))
    return persons


DIPLOMA_EDGES = [
    # normal L1, T = 80: 16/20: 1600 >= 1600 met; L2 (90): 1600 < 1800 not_met.
    pytest.param(False, 16, ONLY_1, 1, id="normal_L1_16_of_20_is_80pct"),
    # 15/20 = 75%: 1500 < 1600 -> L1 not_met, so L2 and L3.
    pytest.param(False, 15, NONE_MET, 0, id="normal_L1_15_of_20_is_75pct"),
    # normal L2, T = 90: 18/20: 1800 >= 1800 met; L3 (95): 1800 < 1900 not_met.
    pytest.param(False, 18, UP_TO_2, 2, id="normal_L2_18_of_20_is_90pct"),
    # 17/20 = 85%: 1700 < 1800 -> L2 not_met; L1: 1700 >= 1600 met.
    pytest.param(False, 17, ONLY_1, 1, id="normal_L2_17_of_20_is_85pct"),
    # normal L3, T = 95: 19/20: 1900 >= 1900 met (studying 20/20).
    pytest.param(False, 19, ALL_MET, 3, id="normal_L3_19_of_20_is_95pct"),
    # 18/20 = 90%: 1800 < 1900 -> L3 not_met; L2 met.
    pytest.param(False, 18, UP_TO_2, 2, id="normal_L3_18_of_20_is_90pct"),
    # ĐBKK L1, T = 70: 14/20: 1400 >= 1400 met; L2 (80): 1400 < 1600 not_met.
    pytest.param(True, 14, ONLY_1, 1, id="disadvantaged_L1_14_of_20_is_70pct"),
    # 13/20 = 65%: 1300 < 1400 -> not_met.
    pytest.param(True, 13, NONE_MET, 0, id="disadvantaged_L1_13_of_20_is_65pct"),
    # ĐBKK L2, T = 80: 16/20: 1600 >= 1600 met; L3 (90): 1600 < 1800 not_met.
    pytest.param(True, 16, UP_TO_2, 2, id="disadvantaged_L2_16_of_20_is_80pct"),
    # 15/20 = 75%: 1500 < 1600 -> L2 not_met; L1: 1500 >= 1400 met.
    pytest.param(True, 15, ONLY_1, 1, id="disadvantaged_L2_15_of_20_is_75pct"),
    # ĐBKK L3, T = 90: 18/20: 1800 >= 1800 met.
    pytest.param(True, 18, ALL_MET, 3, id="disadvantaged_L3_18_of_20_is_90pct"),
    # 17/20 = 85%: 1700 < 1800 -> L3 not_met; L2: 1700 >= 1600 met.
    pytest.param(True, 17, UP_TO_2, 2, id="disadvantaged_L3_17_of_20_is_85pct"),
]


@pytest.mark.parametrize(("disadvantaged", "diploma", "levels", "level"), DIPLOMA_EDGES)
def test_diploma_15_18_meets_exactly_at_each_level_threshold_and_not_one_youth_short(
    evaluate, disadvantaged, diploma, levels, level
):
    # Ideal 6-, 11-, 14-year-olds: primary L1 met; the youths are literate: literacy L1 met.
    persons = youths(diploma) + ideals(C, [6, 11, 14], Y)
    result = one(evaluate, persons, disadvantaged)
    assert result["primary"]["levels"]["1"] == "met"
    assert result["literacy"]["levels"]["1"] == "met"
    got = result["lower_secondary"]
    assert got["rates"] == {
        "diploma_15_18": {"num": diploma, "den": 20},
        "studying_15_18": {"num": 20, "den": 20},
        "disability_access": {"num": 0, "den": 0},
    }
    assert got["levels"] == levels
    assert got["level"] == level


@pytest.mark.parametrize(
    ("disadvantaged", "studying", "levels", "level"),
    [
        # normal T = 80: 16/20: 1600 >= 1600 -> L3 met (diploma 20/20).
        pytest.param(False, 16, ALL_MET, 3, id="normal_16_of_20_is_80pct"),
        # 15/20 = 75%: 1500 < 1600 -> L3 not_met; L2 met.
        pytest.param(False, 15, UP_TO_2, 2, id="normal_15_of_20_is_75pct"),
        # ĐBKK T = 70: 14/20: 1400 >= 1400 -> met.
        pytest.param(True, 14, ALL_MET, 3, id="disadvantaged_14_of_20_is_70pct"),
        # 13/20 = 65%: 1300 < 1400 -> L3 not_met.
        pytest.param(True, 13, UP_TO_2, 2, id="disadvantaged_13_of_20_is_65pct"),
    ],
)
def test_studying_15_18_meets_exactly_at_80_or_70_percent_for_level_3(
    evaluate, disadvantaged, studying, levels, level
):
    persons = youths(20, studying=studying) + ideals(C, [6, 11, 14], Y)
    got = one(evaluate, persons, disadvantaged)["lower_secondary"]
    assert got["rates"]["diploma_15_18"] == {"num": 20, "den": 20}
    assert got["rates"]["studying_15_18"] == {"num": studying, "den": 20}
    assert got["levels"] == levels
    assert got["level"] == level


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("studying", "levels", "level"),
    [
        # 100 twelve-year-olds who can learn, primary done (so primary's access is 100/100):
        # 60 study in lower secondary: 60/100 -> 6000 >= 6000 met.
        pytest.param(60, ALL_MET, 3, id="60_of_100"),
        # 59/100: 5900 < 6000 -> not_met at every level.
        pytest.param(59, NONE_MET, 0, id="59_of_100"),
    ],
)
def test_lower_secondary_disability_access_meets_at_60_of_100_and_not_at_59(
    evaluate, disadvantaged, studying, levels, level
):
    persons = youths(20) + ideals(C, [6, 11, 14], Y)
    done = {"disability": "can_learn", "primary_completed_year": Y - 1}
    persons += cohort(C, 12, studying, Y, studying="lower_secondary", **done)
    persons += cohort(C, 12, 100 - studying, Y, studying="none", **done)
    result = one(evaluate, persons, disadvantaged)
    assert result["primary"]["rates"]["disability_access"] == {"num": 100, "den": 100}
    assert result["primary"]["level"] == 3
    got = result["lower_secondary"]
    assert got["rates"]["disability_access"] == {"num": studying, "den": 100}
    assert got["levels"] == levels
    assert got["level"] == level


def test_lower_secondary_level_1_needs_primary_level_1(evaluate):
    # Perfect youths, but 0 of 5 fourteen-year-olds completed primary: primary L1 not_met.
    persons = youths(20) + ideals(C, [6, 11], Y) + fourteen_year_olds(0, total=5)
    result = one(evaluate, persons)
    assert result["primary"]["levels"]["1"] == "not_met"
    assert result["literacy"]["levels"]["1"] == "met"
    assert result["lower_secondary"]["rates"]["diploma_15_18"] == {"num": 20, "den": 20}
    assert result["lower_secondary"]["levels"] == NONE_MET
    assert result["lower_secondary"]["level"] == 0


def test_lower_secondary_level_1_needs_literacy_level_1(evaluate):
    # Perfect youths and primary; 20 illiterate 25-year-olds: literate1 20/40 = 50% < 90.
    persons = youths(20) + ideals(C, [6, 11, 14], Y)
    persons += cohort(C, 25, 20, Y, highest_grade_completed=2)
    result = one(evaluate, persons)
    assert result["primary"]["levels"]["1"] == "met"
    assert result["literacy"]["rates"]["literate1"] == {"num": 20, "den": 40}
    assert result["literacy"]["levels"]["1"] == "not_met"
    assert result["lower_secondary"]["levels"] == NONE_MET
    assert result["lower_secondary"]["level"] == 0


def test_lower_secondary_is_undetermined_when_primary_level_1_is(evaluate):
    # No 6-year-old: primary L1 undetermined, so every lower-secondary level (own rates met).
    persons = youths(20) + ideals(C, [11, 14], Y)
    result = one(evaluate, persons)
    assert result["primary"]["levels"]["1"] == "undetermined"
    assert result["lower_secondary"]["levels"] == {
        "1": "undetermined",
        "2": "undetermined",
        "3": "undetermined",
    }
    assert result["lower_secondary"]["level"] == 0


# --- literacy ---------------------------------------------------------------------------------

LEVEL_1_ONLY = [
    {"highest_grade_completed": 3},
    {"highest_grade_completed": 4},
    {"literacy_stage_completed": 1},
    {"highest_grade_completed": 2, "literacy_stage_completed": 1},
]
LEVEL_2 = [
    {"primary_completed_year": "PRIMARY"},  # replaced by birth + 11
    {"highest_grade_completed": 5},
    {"highest_grade_completed": 12},
    {"literacy_stage_completed": 2},
]
ILLITERATE = [
    {},
    {"highest_grade_completed": 2},
    {"literacy_stage_completed": 0},
    {"highest_grade_completed": 0, "literacy_stage_completed": 0},
    {"primary_completed_year": Y + 1},  # not done by Y
]


def adults(age: int, n: int, kinds: list[dict]) -> list[dict]:
    persons = []
    for i in range(n):
        fields = dict(at(kinds, i))
        if fields.get("primary_completed_year") == "PRIMARY":
            fields["primary_completed_year"] = Y - age + 11
        persons.append(person(C, age, Y, **fields))
    return persons


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("literate", "levels", "level"),
    [
        # 20 persons aged 20 (in 15-35 and in 15-25), `literate` of them at level 1 only.
        # 18/20: 1800 >= 90*20 = 1800 -> L1 met; literate2 0/20 -> L2 not_met.
        pytest.param(18, {"1": "met", "2": "not_met"}, 1, id="18_of_20_is_90pct"),
        # 17/20 = 85%: 1700 < 1800 -> L1 not_met.
        pytest.param(17, {"1": "not_met", "2": "not_met"}, 0, id="17_of_20_is_85pct"),
    ],
)
def test_literate1_meets_exactly_at_90_percent_and_not_one_person_short(
    evaluate, disadvantaged, literate, levels, level
):
    persons = adults(20, literate, LEVEL_1_ONLY) + adults(20, 20 - literate, ILLITERATE)
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"] == {
        "literate1": {"num": literate, "den": 20},
        "literate2": {"num": 0, "den": 20},
        "disability_access": {"num": 0, "den": 0},
    }
    assert got["levels"] == levels
    assert got["level"] == level


@pytest.mark.parametrize(
    ("disadvantaged", "age"),
    [
        # normal: 45 is in 15-60 (literate2) but not in 15-35 (literate1).
        pytest.param(False, 45, id="normal_aged_45"),
        # ĐBKK: 30 is in 15-35 (literate2) but not in 15-25 (literate1).
        pytest.param(True, 30, id="disadvantaged_aged_30"),
    ],
)
@pytest.mark.parametrize(
    ("literate", "levels", "level"),
    [
        # 18/20 at level 2: 1800 >= 1800 -> L2 met; literate1 0/0 -> L1 undetermined; level 2.
        pytest.param(18, {"1": "undetermined", "2": "met"}, 2, id="18_of_20_is_90pct"),
        # 17/20 = 85%: 1700 < 1800 -> L2 not_met (the other 3 are at level 1 only).
        pytest.param(17, {"1": "undetermined", "2": "not_met"}, 0, id="17_of_20_is_85pct"),
    ],
)
def test_literate2_meets_exactly_at_90_percent_and_not_one_person_short(
    evaluate, disadvantaged, age, literate, levels, level
):
    persons = adults(age, literate, LEVEL_2) + adults(age, 20 - literate, LEVEL_1_ONLY)
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"] == {
        "literate1": {"num": 0, "den": 0},
        "literate2": {"num": literate, "den": 20},
        "disability_access": {"num": 0, "den": 0},
    }
    assert got["levels"] == levels
    assert got["level"] == level


def test_literacy_level_2_without_level_1_reaches_level_2(evaluate):
    # 10 aged 20: 8 at level 2, 2 illiterate: literate1 8/10 = 80% < 90 -> L1 not_met.
    # 90 aged 40 at level 2: literate2 (8+90)/(10+90) = 98/100 >= 90 -> L2 met.
    persons = adults(20, 8, LEVEL_2) + adults(20, 2, ILLITERATE) + adults(40, 90, LEVEL_2)
    got = one(evaluate, persons)["literacy"]
    assert got["rates"]["literate1"] == {"num": 8, "den": 10}
    assert got["rates"]["literate2"] == {"num": 98, "den": 100}
    assert got["levels"] == {"1": "not_met", "2": "met"}
    assert got["level"] == 2


@pytest.mark.parametrize(
    ("disadvantaged", "levels", "literate1", "literate2"),
    [
        # 10 literate aged 20 + 5 illiterate aged 30.
        # normal: 15-35 holds all 15: literate1 10/15, literate2 10/15 (both < 90).
        pytest.param(False, {"1": "not_met", "2": "not_met"}, (10, 15), (10, 15), id="normal"),
        # ĐBKK: literate1 over 15-25: 10/10; literate2 over 15-35: 10/15.
        pytest.param(True, {"1": "met", "2": "not_met"}, (10, 10), (10, 15), id="disadvantaged"),
    ],
)
def test_literate1_counts_ages_15_25_in_a_disadvantaged_commune(
    evaluate, disadvantaged, levels, literate1, literate2
):
    persons = adults(20, 10, LEVEL_2) + adults(30, 5, ILLITERATE)
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"]["literate1"] == {"num": literate1[0], "den": literate1[1]}
    assert got["rates"]["literate2"] == {"num": literate2[0], "den": literate2[1]}
    assert got["levels"] == levels


@pytest.mark.parametrize(
    ("disadvantaged", "levels", "literate1", "literate2"),
    [
        # 10 at level 2 aged 30 + 5 illiterate aged 50.
        # normal: literate1 (15-35) 10/10 met; literate2 (15-60) 10/15 not_met.
        pytest.param(False, {"1": "met", "2": "not_met"}, (10, 10), (10, 15), id="normal"),
        # ĐBKK: literate1 (15-25) 0/0 undetermined; literate2 (15-35) 10/10 met.
        pytest.param(True, {"1": "undetermined", "2": "met"}, (0, 0), (10, 10), id="disadvantaged"),
    ],
)
def test_literate2_counts_ages_15_35_in_a_disadvantaged_commune(
    evaluate, disadvantaged, levels, literate1, literate2
):
    persons = adults(30, 10, LEVEL_2) + adults(50, 5, ILLITERATE)
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"]["literate1"] == {"num": literate1[0], "den": literate1[1]}
    assert got["rates"]["literate2"] == {"num": literate2[0], "den": literate2[1]}
    assert got["levels"] == levels
    assert got["level"] == (2 if disadvantaged else 1)


@pytest.mark.parametrize(
    ("disadvantaged", "ages", "dens"),
    [
        # normal: 15-35 holds 15, 35; 15-60 holds 15, 35, 36, 60.
        pytest.param(False, [14, 15, 35, 36, 60, 61], (2, 4), id="normal"),
        # ĐBKK: 15-25 holds 15, 25; 15-35 holds 15, 25, 26, 35.
        pytest.param(True, [14, 15, 25, 26, 35, 36], (2, 4), id="disadvantaged"),
    ],
)
def test_literacy_age_bands_include_both_ends(evaluate, disadvantaged, ages, dens):
    persons = [person(C, age, Y) for age in ages]
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"]["literate1"] == {"num": 0, "den": dens[0]}
    assert got["rates"]["literate2"] == {"num": 0, "den": dens[1]}


def test_age_cohorts_are_evaluation_year_minus_birth_year(evaluate):
    # Ages 4..19, one ideal person each: every single-age cohort holds exactly one person,
    # 15-18 holds four; a person without birth year is in none.
    persons = ideals(C, range(4, 20), Y) + [person(C, None, Y)]
    got = one(evaluate, persons)
    assert got["preschool5"]["rates"]["attending_5"] == {"num": 1, "den": 1}
    assert got["primary"]["rates"]["grade1_entry_6"] == {"num": 1, "den": 1}
    assert got["primary"]["rates"]["completed_11"] == {"num": 1, "den": 1}
    assert got["primary"]["rates"]["completed_14"] == {"num": 1, "den": 1}
    assert got["lower_secondary"]["rates"]["diploma_15_18"] == {"num": 4, "den": 4}
    assert got["literacy"]["rates"]["literate2"] == {"num": 5, "den": 5}


@pytest.mark.parametrize(
    ("fields", "literate1", "literate2"),
    [
        pytest.param({}, 0, 0, id="nothing_known"),
        pytest.param({"highest_grade_completed": 2}, 0, 0, id="grade_2"),
        pytest.param({"highest_grade_completed": 3}, 1, 0, id="grade_3"),
        pytest.param({"highest_grade_completed": 4}, 1, 0, id="grade_4"),
        pytest.param({"highest_grade_completed": 5}, 1, 1, id="grade_5"),
        pytest.param({"highest_grade_completed": 12}, 1, 1, id="grade_12"),
        pytest.param({"literacy_stage_completed": 0}, 0, 0, id="stage_0"),
        pytest.param({"literacy_stage_completed": 1}, 1, 0, id="stage_1"),
        pytest.param({"literacy_stage_completed": 2}, 1, 1, id="stage_2"),
        pytest.param({"primary_completed_year": Y - 9}, 1, 1, id="primary_done"),
        pytest.param({"primary_completed_year": Y}, 1, 1, id="primary_done_in_Y"),
        pytest.param({"primary_completed_year": Y + 1}, 0, 0, id="primary_after_Y"),
        pytest.param(
            {"highest_grade_completed": 0, "literacy_stage_completed": 2}, 1, 1, id="g0_stage2"
        ),
        pytest.param(
            {"highest_grade_completed": 2, "literacy_stage_completed": 1}, 1, 0, id="g2_stage1"
        ),
    ],
)
def test_a_persons_literacy_level_follows_grade_stage_and_primary(
    evaluate, fields, literate1, literate2
):
    got = one(evaluate, [person(C, 20, Y, **fields)])["literacy"]
    assert got["rates"]["literate1"] == {"num": literate1, "den": 1}
    assert got["rates"]["literate2"] == {"num": literate2, "den": 1}


@pytest.mark.parametrize("disadvantaged", [False, True], ids=["normal", "disadvantaged"])
@pytest.mark.parametrize(
    ("literate", "levels", "level"),
    [
        # 60 of 100 who can learn are at level 1 or more: 6000 >= 6000 -> met.
        pytest.param(60, {"1": "met", "2": "met"}, 2, id="60_of_100"),
        # 59/100: 5900 < 6000 -> both levels not_met.
        pytest.param(59, {"1": "not_met", "2": "not_met"}, 0, id="59_of_100"),
    ],
)
def test_literacy_disability_access_meets_at_60_of_100_and_not_at_59(
    evaluate, disadvantaged, literate, levels, level
):
    can_learn = {"disability": "can_learn", "studying": "none"}
    # 400 literate persons aged 20-35: literate1 400/400 (both bands hold 20-25; normal 20-35).
    persons = [ideal(C, 20 + i % 16, Y) for i in range(400)]
    # 100 who can learn aged 40 (15-60 is the group whatever the flag), `literate` at level 2:
    persons += [
        person(C, 40, Y, primary_completed_year=Y - 29, **can_learn) for _ in range(literate)
    ]
    persons += [
        person(C, 40, Y, highest_grade_completed=1, **can_learn) for _ in range(100 - literate)
    ]
    got = one(evaluate, persons, disadvantaged)["literacy"]
    assert got["rates"]["disability_access"] == {"num": literate, "den": 100}
    if disadvantaged:
        # ĐBKK: 40 is outside 15-25 and 15-35; literate1 = literate2 = those aged 20-25/35.
        assert got["rates"]["literate1"] == {"num": 150, "den": 150}  # ages 20-25: 6 of 16
        assert got["rates"]["literate2"] == {"num": 400, "den": 400}
    else:
        # normal: literate2 (400 + k)/500: 460/500 = 92% or 459/500 = 91.8% -> met either way.
        assert got["rates"]["literate1"] == {"num": 400, "den": 400}
        assert got["rates"]["literate2"] == {"num": 400 + literate, "den": 500}
    assert got["levels"] == levels
    assert got["level"] == level


def test_literate1_at_89_95_percent_is_not_met_although_it_rounds_to_90(evaluate):
    # 179/199 = 89.95%: 17900 < 90*199 = 17910 -> not_met (rounded to 0 decimals: 90%).
    persons = adults(20, 179, LEVEL_1_ONLY) + adults(20, 20, ILLITERATE)
    got = one(evaluate, persons)["literacy"]
    assert got["rates"]["literate1"] == {"num": 179, "den": 199}
    assert got["levels"]["1"] == "not_met"


# --- persons who count ------------------------------------------------------------------------


def test_a_commune_without_persons_is_undetermined_everywhere(evaluate):
    got = one(evaluate, [])
    empty = {"num": 0, "den": 0}
    undetermined = "undetermined"
    assert got == {
        "preschool5": {
            "levels": {"1": undetermined},
            "level": 0,
            "rates": {"attending_5": empty, "completed_5": empty, "disability_access": empty},
        },
        "primary": {
            "levels": {"1": undetermined, "2": undetermined, "3": undetermined},
            "level": 0,
            "rates": {
                "grade1_entry_6": empty,
                "completed_14": empty,
                "completed_11": empty,
                "in_primary_11_rest": empty,
                "disability_access": empty,
            },
        },
        "lower_secondary": {
            "levels": {"1": undetermined, "2": undetermined, "3": undetermined},
            "level": 0,
            "rates": {"diploma_15_18": empty, "studying_15_18": empty, "disability_access": empty},
        },
        "literacy": {
            "levels": {"1": undetermined, "2": undetermined},
            "level": 0,
            "rates": {"literate1": empty, "literate2": empty, "disability_access": empty},
        },
    }


def test_in_primary_11_rest_and_disability_access_hold_when_nobody_is_in_them(evaluate):
    # Every 11-year-old completed primary; nobody has a disability: both rates 0/0, held.
    got = one(evaluate, ideals(C, [6, 11, 14], Y))["primary"]
    assert got["rates"]["in_primary_11_rest"] == {"num": 0, "den": 0}
    assert got["rates"]["disability_access"] == {"num": 0, "den": 0}
    assert got["levels"] == ALL_MET
    assert got["level"] == 3


def test_an_empty_cohort_leaves_its_levels_undetermined(evaluate):
    # No 6-year-old: grade1_entry_6 0/0 -> every primary level undetermined; level 0.
    got = one(evaluate, ideals(C, [11, 14], Y))["primary"]
    assert got["rates"]["grade1_entry_6"] == {"num": 0, "den": 0}
    assert got["levels"] == {"1": "undetermined", "2": "undetermined", "3": "undetermined"}
    assert got["level"] == 0


def test_persons_who_moved_away_or_died_count_nowhere(evaluate):
    # 19 of 20 attend: 95% met. 10 non-attending who left or died, and one who can learn and
    # moved away, would make it 19/30 and access 0/1 if they counted.
    persons = five_year_olds(19)
    persons += cohort(C, 5, 5, Y, residence="moved_away", studying="none")
    persons += cohort(C, 5, 5, Y, residence="deceased", studying="none")
    persons.append(person(C, 5, Y, residence="moved_away", disability="can_learn"))
    persons.append(person(C, 40, Y, residence="deceased", highest_grade_completed=0))
    result = one(evaluate, persons)
    got = result["preschool5"]
    assert got["rates"]["attending_5"] == {"num": 19, "den": 20}
    assert got["rates"]["disability_access"] == {"num": 0, "den": 0}
    assert got["levels"] == {"1": "met"}
    assert result["literacy"]["rates"]["literate2"] == {"num": 0, "den": 0}


def test_temporary_residents_and_unknown_residence_count(evaluate):
    # 19 of 20 attend (95%); a temporary resident and one of unknown residence who do not
    # attend make it 19/22 = 86.4%: 1900 < 95*22 = 2090 -> not_met.
    persons = five_year_olds(19)
    persons.append(person(C, 5, Y, residence="temporary", studying="none"))
    persons.append(person(C, 5, Y, residence="", studying="none"))
    got = one(evaluate, persons)["preschool5"]
    assert got["rates"]["attending_5"] == {"num": 19, "den": 22}
    assert got["levels"] == {"1": "not_met"}


def test_persons_who_cannot_learn_are_left_out_of_every_rate(evaluate):
    # A perfect commune, then at every cohort age a person who cannot learn and has done
    # nothing: all rates, levels and the (empty) disability access stay as they were.
    ages = [5, 6, 11, 14, 15, 16, 17, 18, 20, 40]
    perfect = ideals(C, ages, Y)
    cannot = [person(C, age, Y, disability="cannot_learn", studying="none") for age in ages]
    before = one(evaluate, perfect)
    after = one(evaluate, perfect + cannot)
    assert after == before
    assert after["primary"]["rates"]["disability_access"] == {"num": 0, "den": 0}
    levels = {standard: after[standard]["level"] for standard in after}
    assert levels == {"preschool5": 1, "primary": 3, "lower_secondary": 3, "literacy": 2}


def test_persons_who_can_learn_count_in_the_rates_and_form_disability_access(evaluate):
    # 20 five-year-olds, 19 attend; the one who does not can learn:
    # attending 19/20 = 95% met, but access 0/1: 0 < 60 -> not_met.
    persons = five_year_olds(19, total=19)
    persons.append(person(C, 5, Y, disability="can_learn", studying="none"))
    got = one(evaluate, persons)["preschool5"]
    assert got["rates"]["attending_5"] == {"num": 19, "den": 20}
    assert got["rates"]["disability_access"] == {"num": 0, "den": 1}
    assert got["levels"] == {"1": "not_met"}


def test_empty_disability_means_none(evaluate):
    # A non-attending 5-year-old of unknown disability counts in attending_5, not in access.
    persons = five_year_olds(19, total=19) + [person(C, 5, Y, disability="", studying="none")]
    got = one(evaluate, persons)["preschool5"]
    assert got["rates"]["attending_5"] == {"num": 19, "den": 20}
    assert got["rates"]["disability_access"] == {"num": 0, "den": 0}
    assert got["levels"] == {"1": "met"}


def test_a_grade1_entry_after_the_year_is_not_done(evaluate):
    # six_year_olds(18): 18 entered in Y; of the 2 others one enters in Y+1 -> 18/20 = 90%.
    got = one(evaluate, six_year_olds(18) + ideals(C, [11, 14], Y))["primary"]
    assert got["rates"]["grade1_entry_6"] == {"num": 18, "den": 20}
    assert got["level"] == 1


# --- districts --------------------------------------------------------------------------------

PERFECT_AGES = [5, 6, 11, 14, 15, 16, 17, 18, 20, 40]


def district_of(n_communes: int, n_perfect: int, district: str = "001") -> tuple[list, list]:
    """n communes of one district; the first n_perfect meet every level, the others are empty."""
    communes, persons = [], []
    for i in range(n_communes):
        code = f"{district}{i:02d}"
        communes.append(commune(code, district))
        if i < n_perfect:
            persons += ideals(code, PERFECT_AGES, Y)
    return communes, persons


def test_a_district_with_8_of_9_communes_met_is_not_met(evaluate):
    # 8/9 = 88.9%: 800 < 90*9 = 810 -> not_met, for every standard and level.
    communes, persons = district_of(9, 8)
    got = evaluate(communes, persons, Y)["districts"]["001"]
    for standard, levels in got.items():
        for level, entry in levels.items():
            assert entry == {"met": 8, "of": 9, "status": "not_met"}, (standard, level)


def test_a_district_with_9_of_10_communes_met_meets_all_but_lower_secondary_2_and_3(evaluate):
    # 9/10 = 90%: 900 >= 900 -> met; lower_secondary L2 needs 95 (900 < 950), L3 100.
    communes, persons = district_of(10, 9)
    got = evaluate(communes, persons, Y)["districts"]["001"]
    met, not_met = {"met": 9, "of": 10, "status": "met"}, {"met": 9, "of": 10, "status": "not_met"}
    assert got == {
        "preschool5": {"1": met},
        "primary": {"1": met, "2": met, "3": met},
        "lower_secondary": {"1": met, "2": not_met, "3": not_met},
        "literacy": {"1": met, "2": met},
    }


@pytest.mark.parametrize(
    ("n_communes", "n_perfect", "status"),
    [
        # 19/20 = 95%: 1900 >= 95*20 = 1900 -> met.
        pytest.param(20, 19, "met", id="19_of_20"),
        # 18/19 = 94.7%: 1800 < 95*19 = 1805 -> not_met.
        pytest.param(19, 18, "not_met", id="18_of_19"),
    ],
)
def test_lower_secondary_level_2_in_a_district_needs_95_percent(
    evaluate, n_communes, n_perfect, status
):
    communes, persons = district_of(n_communes, n_perfect)
    got = evaluate(communes, persons, Y)["districts"]["001"]["lower_secondary"]["2"]
    assert got == {"met": n_perfect, "of": n_communes, "status": status}


@pytest.mark.parametrize(
    ("n_perfect", "status"),
    [
        # 10/10 = 100% -> met.
        pytest.param(10, "met", id="10_of_10"),
        # 9/10: 900 < 100*10 -> not_met.
        pytest.param(9, "not_met", id="9_of_10"),
    ],
)
def test_lower_secondary_level_3_in_a_district_needs_every_commune(evaluate, n_perfect, status):
    communes, persons = district_of(10, n_perfect)
    got = evaluate(communes, persons, Y)["districts"]["001"]["lower_secondary"]["3"]
    assert got == {"met": n_perfect, "of": 10, "status": status}


def test_districts_count_their_own_communes_with_or_without_persons(evaluate):
    # District 001: 2 perfect communes. District 002: 1 perfect, 1 without persons (counted).
    communes_a, persons_a = district_of(2, 2, "001")
    communes_b, persons_b = district_of(2, 1, "002")
    result = evaluate(communes_a + communes_b, persons_a + persons_b, Y)
    assert set(result["communes"]) == {"00100", "00101", "00200", "00201"}
    assert result["year"] == Y
    assert result["districts"]["001"]["primary"]["3"] == {"met": 2, "of": 2, "status": "met"}
    # 1/2 = 50% < 90.
    assert result["districts"]["002"]["primary"]["3"] == {"met": 1, "of": 2, "status": "not_met"}


# =============================================================================================
# (c) Adding a person who meets every condition never lowers a level.
# =============================================================================================

RANK = {"not_met": 0, "undetermined": 1, "met": 2}
NEWCOMER_AGES = [2, 5, 6, 8, 11, 12, 14, 15, 16, 17, 18, 22, 30, 40, 60, 70]


def assert_nothing_lowered(before: dict, after: dict) -> None:
    for code, standards in before["communes"].items():
        for standard, got in standards.items():
            now = after["communes"][code][standard]
            assert now["level"] >= got["level"], (code, standard)
            for level, status in got["levels"].items():
                assert RANK[now["levels"][level]] >= RANK[status], (code, standard, level)
    for district, standards in before["districts"].items():
        for standard, levels in standards.items():
            for level, entry in levels.items():
                now = after["districts"][district][standard][level]
                assert now["met"] >= entry["met"], (district, standard, level)
                assert RANK[now["status"]] >= RANK[entry["status"]], (district, standard, level)


@HYPOTHESIS
@given(
    drawn=registers(),
    pick=st.integers(0, 5),
    age=st.sampled_from(NEWCOMER_AGES),
    disability=st.sampled_from(["none", "", "can_learn", "cannot_learn"]),
    residence=st.sampled_from(["permanent", "temporary", ""]),
)
def test_adding_a_person_who_meets_every_condition_never_lowers_a_level(
    evaluate, drawn, pick, age, disability, residence
):
    communes, persons, year = drawn
    code = communes[pick % len(communes)]["commune_code"]
    newcomer = ideal(code, age, year, disability=disability, residence=residence)
    newcomer["person_id"] = "NEWCOMER"
    before = evaluate(communes, persons, year)
    after = evaluate(communes, [*persons, newcomer], year)
    assert_nothing_lowered(before, after)
