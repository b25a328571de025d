"""The PCGD-XMC workbooks: statistical tables by birth year and the standards tables."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import xlsx
from universalization import tables
from universalization.models import Household, Person, PersonAccess
from universalization.queries import current_rules, population_q

COLUMNS = ["no", "birth_year", "age"] + [key for key, _label in tables.BIRTH_YEAR_COLUMNS]


def workbook(client, user, name: str, code: str, year: int = 2020):
    client.force_login(user)
    response = client.get(reverse(f"universalization:{name}", args=[code]) + f"?year={year}")
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    return response, load_workbook(io.BytesIO(response.content))


def header_row(sheet) -> int:
    """The table's header: the row repeated on every printed page."""
    first, last = (int(part.strip("$")) for part in sheet.print_title_rows.split(":"))
    assert first == last
    return first


def table(sheet) -> list[tuple]:
    """The rows below the header down to the signature block (a row without column B)."""
    rows = []
    for row in sheet.iter_rows(min_row=header_row(sheet) + 1, values_only=True):
        if row[1] is None:
            break
        rows.append(row)
    return rows


def by_birth_year(sheet) -> dict:
    """{birth year, or "total" for the last row: {column: value}} below the header."""
    rows = table(sheet)
    found = {row[1]: dict(zip(COLUMNS, row, strict=True)) for row in rows[:-1]}
    return found | {"total": dict(zip(COLUMNS, rows[-1], strict=True))}


def test_a_communes_statistical_table_counts_its_persons_by_birth_year(client, register, world):
    response, book = workbook(client, world.users.commune_reporter, "tables_xlsx", "C-A1")
    assert 'filename="pcgd-C-A1-2020-tables.xlsx"' in response["Content-Disposition"]
    assert book.sheetnames == ["C-A1"]
    sheet = book["C-A1"]
    texts = [row[0] for row in sheet.iter_rows(max_row=header_row(sheet), values_only=True)]
    assert "Xã A1" in texts and "Năm 2020" in texts
    assert sheet.freeze_panes == f"A{header_row(sheet) + 1}"
    assert sheet.cell(header_row(sheet), 1).font.bold
    assert sheet.cell(header_row(sheet), 1).value == "STT"
    rows = by_birth_year(sheet)
    assert sorted(k for k in rows if k != "total") == list(range(1960, 2021))
    five = rows[2015]  # 20 five-year-olds: 19 attend preschool and completed it; 10 girls
    assert (five["age"], five["total"], five["female"]) == (5, 20, 10)
    assert (five["studying_preschool"], five["preschool_completed"]) == (19, 19)
    assert five["literate1"] == five["primary_completed"] == 0
    twenty = rows[2000]  # 20 persons aged 20, grade 9, primary completed in 2011
    assert (twenty["total"], twenty["female"], twenty["primary_completed"]) == (20, 10, 20)
    assert (twenty["literate1"], twenty["literate2"], twenty["diploma"]) == (20, 20, 0)
    assert twenty["studying_preschool"] == twenty["studying_upper"] == 0
    assert rows[1990]["total"] == 0
    assert rows["total"]["total"] == 40 and rows["total"]["female"] == 20


def test_the_statistical_tables_are_recorded_as_an_export(client, register, world):
    workbook(client, world.users.viewer, "tables_xlsx", "C-A1")
    access = PersonAccess.objects.get()
    assert (access.action, access.unit, access.user) == (
        "export",
        world.tree.commune_a1,
        world.users.viewer,
    )
    assert "statistical tables" in access.what
    assert access.rows == 62  # 61 birth years and the total row


def test_a_districts_tables_have_a_total_sheet_and_one_per_commune(client, register, world):
    _response, book = workbook(client, world.users.district_admin, "tables_xlsx", "D-A")
    assert book.sheetnames[1:] == ["C-A1", "C-A2"]
    total = by_birth_year(book.worksheets[0])
    assert total[1990]["total"] == 2 and total[1990]["female"] == 1  # C-A2's two 30-year-olds
    assert total[1990]["literate1"] == 0  # grade 2 reads as not literate
    assert total[2015]["total"] == 20
    assert total["total"]["total"] == 42
    assert by_birth_year(book["C-A2"])["total"]["total"] == 2


def test_the_tables_leave_out_movers_and_those_who_cannot_learn(client, register, world):
    commune = world.tree.commune_a1
    household = Household.objects.filter(commune=commune).first()

    def person(code: str, **fields) -> None:
        fields = {"residence": "permanent"} | fields
        Person.objects.create(commune=commune, household=household, code=code, birth_year=2010,
                              **fields)  # fmt: skip

    person("X1", residence="moved_away")
    person("X2", residence="deceased")
    person("X3", disability="cannot_learn")
    person("X4", disability="can_learn", residence="temporary", studying="primary")
    person("X5", residence="")
    _response, book = workbook(client, world.users.district_admin, "tables_xlsx", "C-A1")
    ten = by_birth_year(book["C-A1"])[2010]
    assert (ten["total"], ten["disabled"], ten["studying_primary"]) == (2, 1, 1)


def test_the_tables_agree_with_the_rule_sets_population(register, world):
    rules = current_rules()
    counts = tables.birth_year_counts([world.tree.commune_a1, world.tree.commune_a2], 2020, rules)
    low, high = 2020 - rules.oldest_age, 2020 - rules.youngest_age
    in_tables = sum(
        row["total"] for per_year in counts.values() for by, row in per_year.items()
        if low <= by <= high
    )  # fmt: skip
    assert (
        in_tables
        == Person.objects.filter(population_q(rules, 2020))
        .exclude(commune=world.tree.commune_b1)
        .count()
    )


def test_the_tables_take_one_query_for_all_communes(register, world, django_assert_num_queries):
    communes = [world.tree.commune_a1, world.tree.commune_a2, world.tree.commune_b1]
    rules = current_rules()
    with django_assert_num_queries(1):
        tables.birth_year_sheets(world.tree.province, communes, 2020, rules)


def test_a_communes_standards_workbook_gives_every_condition(client, register, world):
    response, book = workbook(client, world.users.commune_reporter, "standards_xlsx", "C-A1")
    assert 'filename="pcgd-C-A1-2020-standards.xlsx"' in response["Content-Disposition"]
    start = header_row(book.active) + 1
    rows = list(book.active.iter_rows(min_row=start, values_only=True))
    attending = next(r for r in rows if r[3] == "Trẻ 5 tuổi đến lớp")
    assert attending[1] == 1 and attending[4] == "5-5"
    assert attending[5:9] == (19, 20, pytest.approx(0.95), pytest.approx(0.95))  # numbers
    rate, threshold = (book.active.cell(rows.index(attending) + start, c) for c in (8, 9))
    assert (rate.number_format, threshold.number_format) == ("0.0%", '"≥ "0%')  # 95,0% · ≥ 95%
    assert attending[10] == "NĐ 20/2014 Đ6 k2-3; TT 07/2016 Đ2"
    grade1 = next(r for r in rows if r[3] == "Trẻ 6 tuổi vào lớp 1")
    assert grade1[5:8] == (0, 0, None)
    requires = [r for r in rows if r[0] == "Phổ cập giáo dục trung học cơ sở" and r[5] is None]
    assert len(requires) == 4  # level 1 needs two levels; levels 2 and 3 one each


def test_a_districts_standards_workbook_has_communes_and_a_summary(client, register, world):
    _response, book = workbook(client, world.users.district_admin, "standards_xlsx", "D-A")
    communes, summary = book.worksheets
    rows = list(communes.iter_rows(min_row=header_row(communes) + 1, values_only=True))
    assert [r[0] for r in rows] == ["C-A1", "C-A2"]
    assert rows[0][3] == 1  # C-A1 reaches preschool level 1
    start = header_row(summary) + 1
    summary_rows = list(summary.iter_rows(min_row=start, values_only=True))
    preschool = next(r for r in summary_rows if r[1].startswith("Phổ cập giáo dục mầm non"))
    assert preschool[0] == "Huyện A" and preschool[2:6] == (1, 1, 2, pytest.approx(0.9))
    share = summary.cell(summary_rows.index(preschool) + start, 6)
    assert share.data_type == "n" and share.number_format == '"≥ "0%'  # shown "≥ 90%"


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert xlsx.sheet_title("A/B:C", taken) == "A-B-C"
    assert xlsx.sheet_title("a/b:c", taken) == "a-b-c (2)"
    assert len(xlsx.sheet_title("x" * 40, taken)) == 31


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_the_statistical_tables(client, register, world, tmp_path):
    response, _book = workbook(client, world.users.district_admin, "tables_xlsx", "C-A1")
    source = tmp_path / "tables.xlsx"
    source.write_bytes(response.content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(source),
        ],  # fmt: skip
        check=True,
        timeout=120,
        capture_output=True,
    )
    text = (tmp_path / "tables.csv").read_text(encoding="utf-8", errors="replace")
    assert ",2015,5,20,10" in text  # STT, birth year, age, persons, of whom female
