"""The exchange files' reader and `pcgd_standards`: every bad input is named, nothing is computed.

The bad inputs of issue 5 (and a few more) are listed once here as `BAD`; test_import.py runs
the same list through `pcgd_import`. The reader's tests need no database; `pcgd_standards`
runs under `django_assert_num_queries(0)`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from universalization import exchange
from universalization.testing import write_exchange

YEAR = 2020


def good_communes() -> list[dict]:
    return [
        {"commune_code": "C-A1", "district_code": "D-A", "disadvantaged": "no"},
        {"commune_code": "C-A2", "district_code": "D-A", "disadvantaged": "yes"},
        {"commune_code": "C-B1", "district_code": "D-B", "disadvantaged": ""},
    ]


def _person(commune: str, household: str, person: str, age: int, **fields) -> dict:
    return {"commune_code": commune, "household_id": household, "person_id": person,
            "full_name": f"Nguyễn Văn {person}", "sex": "M", "birth_year": YEAR - age,
            "residence": "permanent", "disability": "none", **fields}  # fmt: skip


def good_persons() -> list[dict]:
    """Six persons on lines 2-7; P1 and P2 exist in two communes (allowed)."""
    return [
        _person("C-A1", "H1", "P1", 5, studying="preschool", preschool_completed="yes"),
        _person("C-A1", "H1", "P2", 20, highest_grade_completed=9, primary_completed_year=2011),
        _person("C-A1", "H2", "P3", 11, studying="primary", grade1_entry_year=2015),
        _person("C-A2", "H1", "P1", 30, highest_grade_completed=12, sex="F"),
        _person("C-A2", "H1", "P2", 15, lower_secondary_diploma_year=2020),
        _person("C-B1", "H1", "P1", 40, literacy_stage_completed=2),
    ]


Change = Callable[[list[dict], list[dict]], object]
Rewrite = Callable[[Path, Path], object]


@dataclass(frozen=True)
class Bad:
    """One bad input and the error it must give: file, line, column, value (None: any)."""

    id: str
    change: Change
    file: str
    line: int | None
    column: str | None
    value: str | None
    rewrite: Rewrite | None = None
    db_only: bool = False  # needs the unit tree: `pcgd_standards` cannot see it


def person_sets(index: int, **fields) -> Change:
    return lambda communes, persons: persons[index].update(fields)


def commune_sets(index: int, **fields) -> Change:
    return lambda communes, persons: communes[index].update(fields)


def unchanged(communes: list[dict], persons: list[dict]) -> None:
    return None


def replace_line(number: int, old: str, new: str, file: int = 1) -> Rewrite:
    """Replace text on one physical line (1 = header) of the persons (1) or communes (0) file."""

    def rewrite(communes: Path, persons: Path) -> None:
        path = (communes, persons)[file]
        lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        path.write_bytes("".join(lines).encode("utf-8"))

    return rewrite


def encode_persons(encoding: str) -> Rewrite:
    """Re-encode the persons file (what the encoding lacks becomes "?")."""

    def rewrite(communes: Path, persons: Path) -> None:
        text = persons.read_bytes().decode("utf-8")
        persons.write_bytes(text.encode(encoding, errors="replace"))

    return rewrite


P, C = "persons.csv", "communes.csv"
PERSON_HEADER = ",".join(exchange.PERSON_COLUMNS)

BAD = [
    # codes
    Bad("commune not in the communes file", person_sets(2, commune_code="C-ZZ"),
        P, 4, "commune_code", "C-ZZ"),
    Bad("commune not a unit", lambda c, p: c.append(
        {"commune_code": "C-ZZ", "district_code": "D-A", "disadvantaged": "no"}),
        C, 5, "commune_code", "C-ZZ", db_only=True),
    Bad("district not above the commune", commune_sets(0, district_code="D-B"),
        C, 2, "district_code", "D-B", db_only=True),
    Bad("district is a sibling commune", commune_sets(1, district_code="C-A1"),
        C, 3, "district_code", "C-A1", db_only=True),
    Bad("district unknown", commune_sets(2, district_code="D-ZZ"),
        C, 4, "district_code", "D-ZZ", db_only=True),
    Bad("district missing", commune_sets(1, district_code=""), C, 3, "district_code", ""),
    Bad("commune code missing", commune_sets(1, commune_code=""), C, 3, "commune_code", ""),
    Bad("commune listed twice", lambda c, p: c.append(dict(c[0])),
        C, 5, "commune_code", "C-A1"),
    Bad("person id missing", person_sets(1, person_id=""), P, 3, "person_id", ""),
    Bad("duplicate person in a commune", lambda c, p: p.append(dict(p[0], full_name="Khác")),
        P, 8, "person_id", "P1"),
    # years
    Bad("birth year after the year", person_sets(1, birth_year=YEAR + 1),
        P, 3, "birth_year", str(YEAR + 1)),
    Bad("grade 1 before birth", person_sets(2, grade1_entry_year=2008),
        P, 4, "grade1_entry_year", "2008"),
    Bad("primary completed before birth", person_sets(1, primary_completed_year=1999),
        P, 3, "primary_completed_year", "1999"),
    Bad("diploma before birth", person_sets(4, lower_secondary_diploma_year=2004),
        P, 6, "lower_secondary_diploma_year", "2004"),
    # enumerations
    Bad("unknown sex", person_sets(0, sex="X"), P, 2, "sex", "X"),
    Bad("unknown residence", person_sets(0, residence="abroad"), P, 2, "residence", "abroad"),
    Bad("unknown disability", person_sets(0, disability="some"), P, 2, "disability", "some"),
    Bad("unknown studying", person_sets(0, studying="college"), P, 2, "studying", "college"),
    Bad("unknown preschool_completed", person_sets(0, preschool_completed="true"),
        P, 2, "preschool_completed", "true"),
    Bad("unknown disadvantaged", commune_sets(0, disadvantaged="có lẽ"),
        C, 2, "disadvantaged", "có lẽ"),
    Bad("enumerations are case-sensitive", person_sets(3, residence="Permanent"),
        P, 5, "residence", "Permanent"),
    # numbers
    Bad("grade 13", person_sets(3, highest_grade_completed=13),
        P, 5, "highest_grade_completed", "13"),
    Bad("grade -1", person_sets(3, highest_grade_completed=-1),
        P, 5, "highest_grade_completed", "-1"),
    Bad("grade 5.0", person_sets(3, highest_grade_completed="5.0"),
        P, 5, "highest_grade_completed", "5.0"),
    Bad("stage 3", person_sets(5, literacy_stage_completed=3),
        P, 7, "literacy_stage_completed", "3"),
    Bad("birth year abc", person_sets(1, birth_year="abc"), P, 3, "birth_year", "abc"),
    Bad("birth year 1800", person_sets(1, birth_year=1800), P, 3, "birth_year", "1800"),
    Bad("grade 1 year abc", person_sets(2, grade1_entry_year="abc"),
        P, 4, "grade1_entry_year", "abc"),
    Bad("primary year abc", person_sets(2, primary_completed_year="abc"),
        P, 4, "primary_completed_year", "abc"),
    Bad("diploma year abc", person_sets(4, lower_secondary_diploma_year="abc"),
        P, 6, "lower_secondary_diploma_year", "abc"),
    # the file's shape
    Bad("header misses a column", unchanged, P, 1, None, None,
        rewrite=replace_line(1, ",sex,", ",")),
    Bad("header has an extra column", unchanged, P, 1, None, None,
        rewrite=replace_line(1, "literacy_stage_completed", "literacy_stage_completed,notes")),
    Bad("header has a wrong name", unchanged, P, 1, None, None,
        rewrite=replace_line(1, "person_id", "person")),
    Bad("header repeats a column", unchanged, P, 1, None, None,
        rewrite=replace_line(1, "full_name", "sex")),
    Bad("communes header is wrong", unchanged, C, 1, None, None,
        rewrite=replace_line(1, "district_code", "district", file=0)),
    Bad("persons file is empty", unchanged, P, 1, None, None,
        rewrite=lambda c, p: p.write_text("", encoding="utf-8")),
    Bad("a row with too many cells", unchanged, P, 4, None, None,
        rewrite=replace_line(4, "\r\n", ",extra\r\n")),
    Bad("a row with too few cells", unchanged, P, 5, None, None,
        rewrite=replace_line(5, ",,", ",")),
    Bad("not UTF-8", person_sets(3, full_name="Lê Thị Hoà"), P, None, None, None,
        rewrite=encode_persons("cp1252")),
]  # fmt: skip


def write_case(directory: Path, case: Bad) -> tuple[Path, Path]:
    communes, persons = good_communes(), good_persons()
    case.change(communes, persons)
    paths = write_exchange(directory, communes, persons)
    if case.rewrite is not None:
        case.rewrite(*paths)
    return paths


def assert_reported(text: str, case: Bad) -> None:
    """One line of `text` names the case's file, line, column and value."""

    def names_it(line: str) -> bool:
        return (
            case.file in line
            and (case.line is None or re.search(rf"(?<![\d-]){case.line}(?!\d)", line) is not None)
            and (case.column is None or case.column in line)
            and (case.value is None or f"“{case.value}”" in line)
        )

    assert any(names_it(line) for line in text.splitlines()), text


def read(communes: Path, persons: Path) -> list[exchange.RowError]:
    try:
        exchange.read_register(communes, persons, YEAR)
    except exchange.ExchangeError as error:
        return error.errors
    return []


# --- the reader (no database) -------------------------------------------------------------


def test_the_good_files_are_read_whole(tmp_path):
    communes, persons = exchange.read_register(
        *write_exchange(tmp_path, good_communes(), good_persons()), YEAR
    )
    assert set(communes) == {"C-A1", "C-A2", "C-B1"}
    assert [communes[c].disadvantaged for c in ("C-A1", "C-A2", "C-B1")] == [False, True, False]
    assert [(p.commune_code, p.person_id) for p in persons][:4] == [
        ("C-A1", "P1"), ("C-A1", "P2"), ("C-A1", "P3"), ("C-A2", "P1"),
    ]  # fmt: skip
    first = persons[0].facts
    assert (first.birth_year, first.studying, first.preschool_completed) == (
        2015,
        "preschool",
        True,
    )
    assert (first.grade1_entry_year, first.highest_grade_completed) == (None, None)


@pytest.mark.parametrize("case", [c for c in BAD if not c.db_only], ids=lambda c: c.id)
def test_the_reader_names_the_file_line_column_and_value_of_a_bad_input(tmp_path, case):
    errors = read(*write_case(tmp_path, case))
    assert errors, "accepted"
    found = [
        e
        for e in errors
        if e.file == case.file
        and (case.line is None or e.line == case.line)
        and (case.column is None or e.column == case.column)
        and (case.value is None or e.value == case.value)
    ]
    assert found, errors


def test_the_reader_lists_every_error_of_the_files_in_one_pass(tmp_path):
    persons = good_persons()
    persons[0]["sex"] = "X"
    persons[3]["highest_grade_completed"] = 13
    persons[5]["commune_code"] = "C-ZZ"
    communes = good_communes()
    communes[0]["disadvantaged"] = "maybe"
    errors = read(*write_exchange(tmp_path, communes, persons))
    assert [(e.file, e.line, e.column) for e in errors] == [
        (C, 2, "disadvantaged"), (P, 2, "sex"), (P, 5, "highest_grade_completed"),
        (P, 7, "commune_code"),
    ]  # fmt: skip


def test_the_same_person_id_in_two_communes_is_not_a_duplicate(tmp_path):
    _communes, persons = exchange.read_register(
        *write_exchange(tmp_path, good_communes(), good_persons()), YEAR
    )
    assert [p.commune_code for p in persons if p.person_id == "P1"] == ["C-A1", "C-A2", "C-B1"]


def test_blank_lines_are_not_rows_and_do_not_shift_line_numbers(tmp_path):
    communes_path, persons_path = write_exchange(tmp_path, good_communes(), good_persons())
    lines = persons_path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3:3] = ["\r\n", " , ,\r\n", "\r\n"]  # three blank lines before the person of line 4
    persons_path.write_text("".join(lines) + "\r\n\r\n", encoding="utf-8")
    _communes, persons = exchange.read_register(communes_path, persons_path, YEAR)
    assert len(persons) == 6
    lines[7] = lines[7].replace(",F,", ",X,")  # the C-A2 person, now on line 8
    persons_path.write_text("".join(lines), encoding="utf-8")
    assert [(e.line, e.column, e.value) for e in read(communes_path, persons_path)] == [
        (8, "sex", "X")
    ]


def test_empty_cells_are_unknown_and_a_byte_order_mark_is_allowed(tmp_path):
    row = {"commune_code": "C-A1", "household_id": "H1", "person_id": "P9"}
    communes_path, persons_path = write_exchange(tmp_path, good_communes(), [row])
    persons_path.write_bytes(b"\xef\xbb\xbf" + persons_path.read_bytes())
    _communes, (person,) = exchange.read_register(communes_path, persons_path, YEAR)
    assert person.facts.birth_year is None
    assert (person.facts.residence, person.facts.disability, person.sex) == ("", "none", "")
    assert person.facts.preschool_completed is None


def test_a_non_utf8_byte_is_reported_on_its_own_line(tmp_path):
    persons = [_person("C-A1", "H1", f"P{n}", 30) for n in range(400)]
    persons[300]["full_name"] = "Lê Thị Hoà"
    communes_path, persons_path = write_exchange(tmp_path, good_communes(), persons)
    encode_persons("cp1252")(communes_path, persons_path)
    assert [(e.file, e.line) for e in read(communes_path, persons_path)] == [(P, 302)]


# --- pcgd_standards (no database) ---------------------------------------------------------


def run_standards(communes: Path, persons: Path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "pcgd_standards", communes=str(communes), persons=str(persons), year=YEAR,
        stdout=out, stderr=err, **options,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", [c for c in BAD if not c.db_only], ids=lambda c: c.id)
def test_pcgd_standards_refuses_a_bad_input_without_touching_the_database(
    db, tmp_path, case, django_assert_num_queries
):
    paths = write_case(tmp_path, case)
    err = io.StringIO()
    with django_assert_num_queries(0), pytest.raises(CommandError):
        call_command(
            "pcgd_standards", communes=str(paths[0]), persons=str(paths[1]), year=YEAR,
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert_reported(err.getvalue(), case)


@pytest.mark.parametrize("case", [c for c in BAD if c.db_only], ids=lambda c: c.id)
def test_pcgd_standards_does_not_know_the_unit_tree(db, tmp_path, case, django_assert_num_queries):
    with django_assert_num_queries(0):
        out, _err = run_standards(*write_case(tmp_path, case))
    assert set(json.loads(out)["communes"]) >= {"C-A1", "C-A2", "C-B1"}


def test_pcgd_standards_prints_the_standards_without_a_query(
    db, tmp_path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        out, err = run_standards(*write_exchange(tmp_path, good_communes(), good_persons()))
    result = json.loads(out)
    assert (result["year"], err) == (YEAR, "")
    assert set(result["communes"]) == {"C-A1", "C-A2", "C-B1"}
    assert set(result["districts"]) == {"D-A", "D-B"}
    assert result["communes"]["C-A1"]["preschool5"]["rates"]["attending_5"] == {
        "num": 1, "den": 1
    }  # fmt: skip
    assert result["districts"]["D-A"]["preschool5"]["1"]["of"] == 2


def test_pcgd_standards_refuses_a_malformed_rule_set(db, tmp_path, django_assert_num_queries):
    rules = tmp_path / "rules.yaml"
    rules.write_text("code: x\nversion: '1'\nrates: {}\nstandards: {s: {rates: {}}}\n")
    with django_assert_num_queries(0), pytest.raises(CommandError, match="levels"):
        run_standards(*write_exchange(tmp_path, good_communes(), good_persons()), rules=rules)
