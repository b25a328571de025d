"""The register's SQL counts equal the exchange files' Python counts: one rule set, two compilers.

For a register written as exchange files, `pcgd_standards`' path (exchange_eval.evaluate_files:
counting.count_rates in Python) and the pages' path (pcgd_import, then queries.evaluate_units:
queries.rate_counts in SQL) must give the same JSON, and the persons behind each rate
(queries.persons_behind) must be exactly the rate's numerator and the rest of its denominator.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from units.models import OrgUnit, UnitLevel
from universalization.exchange_eval import evaluate_files
from universalization.queries import current_rules, evaluate_units, persons_behind
from universalization.services import import_register
from universalization.standards import as_json
from universalization.tests.registers import commune, ideal, ideals, person, registers, write_csvs

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def build_tree(communes: list[dict]) -> list[OrgUnit]:
    """A province with the files' districts and communes under them; returns the communes."""
    levels = {
        code: UnitLevel.objects.get_or_create(code=code, defaults={"name": code, "rank": rank})[0]
        for rank, code in enumerate(["province", "district", "commune"])
    }
    root = OrgUnit.objects.add_root({"code": "T", "name": "Tỉnh", "level": levels["province"]})
    districts: dict[str, OrgUnit] = {}
    units = []
    for row in communes:
        code = row["district_code"]
        if code not in districts:
            root.refresh_from_db()
            districts[code] = OrgUnit.objects.add_child(
                root, {"code": code, "name": f"Huyện {code}", "level": levels["district"]}
            )
        parent = districts[code]
        parent.refresh_from_db()
        fields = {"code": row["commune_code"], "name": f"Xã {row['commune_code']}"}
        units.append(OrgUnit.objects.add_child(parent, fields | {"level": levels["commune"]}))
    return units


def assert_sql_equals_python(
    communes: list[dict], persons: list[dict], year: int, behind: int = 99
) -> None:
    """Import the register, compare both ways (and the persons behind the rates of the first
    `behind` communes); roll back."""
    rules = current_rules()
    with tempfile.TemporaryDirectory() as directory, transaction.atomic():
        paths = write_csvs(Path(directory), communes, persons)
        units = build_tree(communes)
        import_register(*paths, year=year)
        in_python = as_json(evaluate_files(*paths, year, rules))
        evaluation, _flags = evaluate_units(units, year, rules)
        assert as_json(evaluation) == in_python
        assert_persons_behind_match(units[:behind], in_python, year, rules)
        transaction.set_rollback(True)


def assert_persons_behind_match(units: list[OrgUnit], result: dict, year: int, rules) -> None:
    for unit in units:
        for code, standard in rules.standards.items():
            for name, rate_code in standard.rates.items():
                rate = result["communes"][unit.code][code]["rates"][name]
                meeting = persons_behind(unit, year, rate_code, meeting=True, rules=rules)
                missing = persons_behind(unit, year, rate_code, meeting=False, rules=rules)
                assert (meeting.count(), missing.count()) == (
                    rate["num"], rate["den"] - rate["num"]
                ), (unit.code, code, name)  # fmt: skip


# Ages at and beside every cohort's edge, and no birth year at all.
EDGE_AGES = [None, 4, 5, 6, 7, 10, 11, 12, 14, 15, 18, 19, 25, 26, 35, 36, 60, 61]
STUDYING = ["", "none", "preschool", "primary", "lower_secondary", "upper_secondary",
            "continuing", "vocational"]  # fmt: skip


@st.composite
def dense_registers(draw) -> tuple[list[dict], list[dict], int]:
    """Registers where every field takes every value, unknown included, uniformly: persons
    at the cohorts' edges, movers, both disabilities, completions just before and after Y."""
    year = draw(st.integers(2015, 2030))
    codes = ["X1", "X2", "X3"][: draw(st.integers(1, 3))]
    communes = [commune(c, draw(st.sampled_from(["D1", "D2"])), draw(st.booleans())) for c in codes]
    persons = []
    for _ in range(draw(st.integers(0, 40))):
        age = draw(st.sampled_from(EDGE_AGES))
        birth = year - (age if age is not None else 20)
        done = st.sampled_from(["", birth + 1, year - 1, year, year + 1])
        persons.append(
            person(
                draw(st.sampled_from(codes)),
                age,
                year,
                residence=draw(
                    st.sampled_from(["", "permanent", "temporary", "moved_away", "deceased"])
                ),
                disability=draw(st.sampled_from(["", "none", "can_learn", "cannot_learn"])),
                studying=draw(st.sampled_from(STUDYING)),
                preschool_completed=draw(st.sampled_from(["", "yes", "no"])),
                grade1_entry_year=draw(done),
                primary_completed_year=draw(done),
                lower_secondary_diploma_year=draw(done),
                highest_grade_completed=draw(st.sampled_from(["", 0, 2, 3, 4, 5, 12])),
                literacy_stage_completed=draw(st.sampled_from(["", 0, 1, 2])),
            )  # fmt: skip
        )
    return communes, persons, year


@HYPOTHESIS
@given(register=st.one_of(registers(max_communes=4, max_persons=40), dense_registers()))
def test_sql_and_python_counts_agree_on_random_registers(db, register):
    assert_sql_equals_python(*register, behind=1)


def test_sql_and_python_counts_agree_on_unknowns_movers_and_disabilities(db):
    year = 2021
    communes = [commune("X1", "D1"), commune("X2", "D1", disadvantaged=True), commune("X3", "D2")]
    persons = []
    for code in ("X1", "X2"):
        persons += ideals(code, [5, 5, 6, 6, 11, 11, 14, 15, 16, 17, 18, 20, 26, 30, 40, 60], year)
        persons += [
            person(code, None, year),  # no birth year: in no cohort
            person(code, 5, year, residence=""),  # unknown residence counts
            person(code, 5, year, residence="temporary", studying="preschool"),
            ideal(code, 11, year, residence="moved_away"),
            ideal(code, 16, year, residence="deceased"),
            ideal(code, 30, year, disability=""),  # unknown disability = none
            person(code, 6, year, disability="can_learn"),
            ideal(code, 12, year, disability="can_learn"),
            person(code, 17, year, disability="can_learn", studying="vocational"),
            person(code, 40, year, disability="can_learn", literacy_stage_completed=1),
            person(code, 5, year, disability="cannot_learn"),
            ideal(code, 14, year, disability="cannot_learn"),
            person(code, 11, year, studying="primary"),  # the rest of the 11-year-olds
            person(code, 11, year, studying="none", primary_completed_year=year + 1),  # too late
            person(code, 6, year, grade1_entry_year=year + 1),
            person(code, 30, year, highest_grade_completed=4),  # level 1 only
            person(code, 28, year, literacy_stage_completed=0, highest_grade_completed=""),
            person(code, 70, year, highest_grade_completed=12),  # beyond every cohort
        ]
    assert_sql_equals_python(communes, persons, year)  # X3 has no persons at all


def test_a_commune_that_just_became_disadvantaged_counts_its_narrower_cohorts(db):
    year = 2020
    persons = ideals("X1", range(15, 61), year) + [
        person("X1", age, year, highest_grade_completed=0) for age in (24, 26, 34, 36, 59)
    ]
    for flag in (False, True):
        assert_sql_equals_python([commune("X1", "D1", disadvantaged=flag)], persons, year)
