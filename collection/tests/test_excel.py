"""A round's Excel template: its shape, the round trip (upload, preview, confirm), and every bad
upload refused whole."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from collection import excel, excel_import, services
from collection.models import Entry
from core import spreadsheets, xlsx

P, L = ("persons", "", "15-60"), ("literate_persons", "", "15-60")
OFF, IT = ("officials", "", ""), ("officials_it_programme", "", "")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST = excel.KEY_ROW + 1  # the first unit row


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def template_url(collection) -> str:
    url = reverse("collection_excel:template", args=[collection.round.pk])
    return f"{url}?data_set={collection.data_set.code}"


def import_url(collection) -> str:
    return reverse("collection_excel:import", args=[collection.round.pk])


def download(client, collection) -> bytes:
    response = client.get(template_url(collection))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def save(wb) -> bytes:
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


def column_of(ws, key) -> int:
    keys = [c.value for c in ws[excel.KEY_ROW]]
    return keys.index(excel.key_text(key)) + 1


def fill(content: bytes, figures: dict[str, dict]) -> bytes:
    """The template with `figures` ({unit code: {key: value}}) typed into its unit rows."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    rows = {ws.cell(r, 1).value: r for r in range(FIRST, ws.max_row + 1)}
    for code, values in figures.items():
        for key, value in values.items():
            ws.cell(rows[code], column_of(ws, key), value)
    return save(wb)


def upload(client, collection, content: bytes, name: str = "bao-cao.xlsx", **data):
    """The upload: its preview, or its errors; nothing is written."""
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(import_url(collection), {"file": file, **data})


def confirm(client, collection, previewed, **data):
    """The confirmation of a previewed upload."""
    token = previewed.context["token"]
    assert token, previewed.context.get("refused")
    url = reverse("collection_excel:import_confirm", args=[collection.round.pk])
    return client.post(url, {"token": token, **data})


def import_file(client, collection, content: bytes):
    """Upload, then confirm what the preview showed."""
    return confirm(client, collection, upload(client, collection, content))


def entries() -> tuple:
    return Entry.objects.count(), Entry.history.count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads kept for a preview go under a test's own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def office(client, world):
    client.force_login(world.users.district_admin)
    return client


@pytest.fixture
def blank(office, collection) -> bytes:
    return download(office, collection)


# --- The template ---


def test_the_template_has_a_header_block_labels_hidden_keys_and_one_row_per_unit(blank, collection):
    ws = load_workbook(io.BytesIO(blank)).active
    assert ws["A1"].value == "Báo cáo năm 2020"
    assert (ws["B2"].value, ws["B3"].value) == ("bc-2020", collection.data_set.code)
    assert ws["C3"].value == collection.data_set.name
    labels = [c.value for c in ws[excel.LABEL_ROW]]
    assert labels[2] == "Số người trong độ tuổi (Từ 15 đến 60)"
    keys = [c.value for c in ws[excel.KEY_ROW]]
    assert keys == ["unit_code", "unit_name", "persons||15-60", "literate_persons||15-60",
                    "officials||", "officials_it_programme||"]  # fmt: skip
    assert ws.row_dimensions[excel.KEY_ROW].hidden
    assert [ws.cell(r, 1).value for r in (FIRST, FIRST + 1)] == ["C-A1", "C-A2"]


def test_the_template_prints_on_a4_with_its_header_and_who_exported_it(office, world, collection):
    services.save_entries(collection.submissions["C-A1"], {P: "1.200"},
                          actor=world.users.district_admin)  # fmt: skip
    book = load_workbook(io.BytesIO(download(office, collection)))
    ws = book.active
    assert str(ws.page_setup.paperSize) == "9" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    # The labels on every page (not the hidden keys), with the units' code and name.
    assert ws.print_title_rows == f"${excel.LABEL_ROW}:${excel.LABEL_ROW}"
    assert ws.print_title_cols == "$A:$B"
    assert ws.oddFooter.center.text.strip() == "Trang &P/&N"
    # The title block sits in the printed page header: the rows the import reads stay put.
    assert ws.oddHeader.left.text == "HUYỆN A"
    assert ws.oddHeader.right.text.startswith("Xuất ngày ")
    assert not ws.oddHeader.center.text  # no demo figures here
    labels = [c.value for c in ws[excel.LABEL_ROW] if c.value]
    lines = max(xlsx.wrapped_lines(label, 20) for label in labels)
    assert ws.row_dimensions[excel.LABEL_ROW].height >= xlsx.row_height(lines)
    figure = ws.cell(FIRST, column_of(ws, P))
    assert (figure.value, figure.data_type, figure.number_format) == (1200, "n", "#,##0")
    instructions = book["Hướng dẫn"]
    assert str(instructions.page_setup.paperSize) == "9"
    assert instructions.oddFooter.center.text.strip() == "Trang &P/&N"


def test_the_template_protects_its_headers_and_checks_the_cells(blank):
    ws = load_workbook(io.BytesIO(blank)).active
    assert ws.protection.sheet
    assert ws.cell(excel.LABEL_ROW, 3).protection.locked
    assert not ws.cell(FIRST, 3).protection.locked
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    persons = rules[f"C{FIRST}:C{excel.LAST_ROW}"]
    assert persons.type == "custom" and f'"{excel.CLEAR_MARKER}"' in persons.formula1
    assert f"INT(C{FIRST})" in persons.formula1  # a count: whole numbers only
    assert ws.freeze_panes == f"C{FIRST}"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["C"].width


def test_the_template_is_pre_filled_with_the_current_entries(office, world, collection):
    services.save_entries(collection.submissions["C-A1"], {P: "1.200"},
                          actor=world.users.district_admin)  # fmt: skip
    ws = load_workbook(io.BytesIO(download(office, collection))).active
    assert ws.cell(FIRST, column_of(ws, P)).value == 1200


def test_a_commune_reporter_gets_only_their_commune(client, world, collection):
    client.force_login(world.users.commune_reporter)
    ws = load_workbook(io.BytesIO(download(client, collection))).active
    assert [ws.cell(r, 1).value for r in range(FIRST, ws.max_row + 1)] == ["C-A1"]


@pytest.mark.parametrize("role", ["other_district", "viewer", "unit_reporter"])
def test_users_who_do_not_enter_data_for_an_owing_unit_get_404(client, world, collection, role):
    client.force_login(getattr(world.users, role))
    assert client.get(template_url(collection)).status_code == 404
    assert client.get(import_url(collection)).status_code == 404


def test_an_unknown_data_set_is_404(office, collection):
    url = reverse("collection_excel:template", args=[collection.round.pk])
    assert office.get(url, {"data_set": "nope"}).status_code == 404


def test_an_anonymous_user_is_sent_to_the_login_page(client, collection):
    response = client.get(template_url(collection))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Round trip ---


def test_a_filled_template_saves_every_unit_as_a_draft(office, world, blank, collection):
    content = fill(blank, {"C-A1": {P: 1100, L: "1.099", OFF: 40, IT: 12},
                           "C-A2": {P: 500, L: 450.0}})  # fmt: skip
    response = import_file(office, collection, content)
    assert response.status_code == 200
    assert response.context["result"].units == ["C-A1", "C-A2"]
    a1 = services.current_values(collection.submissions["C-A1"])
    assert a1 == {P: Decimal("1100"), L: Decimal("1099"), OFF: Decimal("40"), IT: Decimal("12")}
    a2 = collection.submissions["C-A2"]
    assert services.current_values(a2) == {P: Decimal("500"), L: Decimal("450")}
    entry = Entry.objects.get(submission=a2, element__code="persons")
    assert entry.history.latest().history_user == world.users.district_admin


def test_reordered_columns_are_read_by_their_keys(office, blank, collection):
    wb = load_workbook(io.BytesIO(blank))
    ws = wb.active
    for row in (excel.LABEL_ROW, excel.KEY_ROW, FIRST):  # swap persons and literate persons
        a, b = ws.cell(row, 3), ws.cell(row, 4)
        a.value, b.value = b.value, a.value
    ws.cell(FIRST, column_of(ws, P), 800)
    ws.cell(FIRST, column_of(ws, L), 790)
    assert import_file(office, collection, save(wb)).status_code == 200
    values = services.current_values(collection.submissions["C-A1"])
    assert (values[P], values[L]) == (Decimal("800"), Decimal("790"))


def test_empty_rows_are_skipped(office, blank, collection):
    wb = load_workbook(io.BytesIO(blank))
    ws = wb.active
    ws.insert_rows(FIRST + 1, 3)  # three empty rows between the units
    ws.cell(FIRST + 4, column_of(ws, P), 600)
    result = import_file(office, collection, save(wb)).context["result"]
    assert (result.units, result.unchanged) == (["C-A2"], 1)  # A1's row changes nothing
    assert services.current_values(collection.submissions["C-A2"]) == {P: Decimal("600")}


# --- Bad files: refused with a clear error, nothing written ---


def zip_of(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


def _edited(edit):
    """A maker of a bad file: the blank template, with C-A1 filled, then `edit(ws)`."""

    def make(blank: bytes) -> bytes:
        wb = load_workbook(io.BytesIO(fill(blank, {"C-A1": {P: 1000, L: 990}})))
        edit(wb.active)
        return save(wb)

    return make


def _set(column_key, value, row: int = FIRST):
    return lambda ws: ws.cell(row, column_of(ws, column_key), value)


def _key(column: int, value):
    return lambda ws: ws.cell(excel.KEY_ROW, column, value)


def _delete_column(ws):
    ws.delete_cols(column_of(ws, OFF))


def _duplicate(ws):
    for column in range(1, ws.max_column + 1):
        ws.cell(FIRST + 2, column, ws.cell(FIRST, column).value)


def _outside(ws):
    ws.cell(FIRST + 2, 1, "C-B1")
    ws.cell(FIRST + 2, column_of(ws, P), 5)


BAD_FILES = {
    "not a workbook": (lambda blank: b"\x00\x01 just bytes", "not an Excel workbook"),
    "a CSV renamed .xlsx": (lambda blank: b"unit_code,persons\nC-A1,1000\n", "not an Excel"),
    "a zip that is not a workbook": (
        lambda blank: zip_of({"word/document.xml": b"<w/>"}),
        "cannot be read",
    ),
    "an unknown key column": (_edited(_key(5, "ghosts||")), "a key column of this data set"),
    "a missing key column": (_edited(_delete_column), "is missing"),
    "no unit code key": (_edited(_key(1, "code")), "unit_code"),
    "text in a number cell": (_edited(_set(P, "abc")), "a number, such as"),
    "a negative count": (_edited(_set(P, -3)), "a whole number, 0 or more"),
    "a fraction in a count": (_edited(_set(P, "10,5")), "a whole number, 0 or more"),
    "a formula without a value": (_edited(_set(P, "=1+1")), "formula without a computed"),
    "merged cells": (_edited(lambda ws: ws.merge_cells(f"C{FIRST}:D{FIRST}")), "not merged"),
    "a duplicate unit row": (_edited(_duplicate), "already on row"),
    "a unit outside the round": (_edited(_outside), "owes this data set"),
    "a row without a unit code": (_edited(_set(P, 7, row=FIRST + 3)), "the code of a unit"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_place_and_nothing_is_written(
    office, blank, collection, english, case
):
    make, expected = BAD_FILES[case]
    before = entries()
    response = upload(office, collection, make(blank))
    assert response.status_code == 400
    errors = response.context["refused"].errors
    assert any(expected in e.expected for e in errors), errors
    assert entries() == before
    assert 'class="striped import-errors"' in response.content.decode()


def test_an_error_names_the_sheet_row_column_and_value(office, blank, collection, english):
    response = upload(office, collection, _edited(_set(L, "abc"))(blank))
    (error,) = response.context["refused"].errors
    assert (error.sheet, error.row, error.value) == (collection.data_set.code, FIRST, "abc")
    assert error.column == "D (Số người biết chữ (Từ 15 đến 60))"


def test_vietnamese_numbers_in_text_cells_are_read(office, blank, collection):
    import_file(office, collection, fill(blank, {"C-A1": {P: "1.234", OFF: " 40 "}}))
    values = services.current_values(collection.submissions["C-A1"])
    assert (values[P], values[OFF]) == (Decimal("1234"), Decimal("40"))


def test_a_file_over_the_size_limit_is_refused(office, blank, collection, english, monkeypatch):
    monkeypatch.setattr(excel_import, "MAX_UPLOAD_BYTES", 1000)
    response = upload(office, collection, fill(blank, {"C-A1": {P: 1}}))
    assert "larger than" in response.context["refused"].errors[0].expected
    assert entries() == (0, 0)


def test_a_sheet_with_too_many_rows_is_refused(office, blank, collection, english, monkeypatch):
    monkeypatch.setattr(excel_import, "MAX_ROWS", 7)
    response = upload(office, collection, fill(blank, {"C-A2": {P: 1}}))
    assert "more than 7 rows" in response.context["refused"].errors[0].expected
    assert entries() == (0, 0)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(office, collection, english, monkeypatch):
    monkeypatch.setattr(excel_import, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", "xl/filler.xml": b"0" * 2 * 1024 * 1024})
    assert len(bomb) < 50_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(spreadsheets, "ExcelReader", never)
    response = upload(office, collection, bomb)
    assert "unpacks to more than" in response.context["refused"].errors[0].expected
    assert entries() == (0, 0)


def test_a_commune_reporter_cannot_import_another_commune(
    client, world, blank, collection, english
):
    client.force_login(world.users.commune_reporter)
    content = fill(blank, {"C-A1": {P: 1000}, "C-A2": {P: 2000}})
    response = upload(client, collection, content)
    (error,) = response.context["refused"].errors
    assert (error.row, error.value) == (FIRST + 1, "C-A2")
    assert "within your scope" in error.expected
    assert entries() == (0, 0)


def test_a_commune_reporter_previews_and_confirms_their_own_row(client, world, collection):
    client.force_login(world.users.commune_reporter)
    content = fill(download(client, collection), {"C-A1": {P: 1000}})
    previewed = upload(client, collection, content)
    assert [u.submission.unit.code for u in previewed.context["preview"].units] == ["C-A1"]
    assert confirm(client, collection, previewed).context["result"].units == ["C-A1"]
    assert services.current_values(collection.submissions["C-A1"]) == {P: Decimal("1000")}


def test_a_submitted_form_is_not_changed_and_nothing_else_is(
    office, world, blank, collection, english
):
    a2 = collection.submissions["C-A2"]
    services.save_entries(a2, {P: "500", L: "450"}, actor=world.users.district_admin)
    services.submit(a2, actor=world.users.district_admin)
    before = entries()
    response = upload(office, collection, fill(blank, {"C-A1": {P: 1000}, "C-A2": {P: 1}}))
    (error,) = response.context["refused"].errors
    assert error.value == "C-A2" and "can still be changed" in error.expected
    assert entries() == before


def test_an_unchanged_row_of_a_submitted_form_is_left_alone(office, world, collection):
    a2 = collection.submissions["C-A2"]
    services.save_entries(a2, {P: "500", L: "450"}, actor=world.users.district_admin)
    services.submit(a2, actor=world.users.district_admin)
    content = fill(download(office, collection), {"C-A1": {P: 1000}})
    result = import_file(office, collection, content).context["result"]
    assert (result.units, result.unchanged) == (["C-A1"], 1)
    assert services.current_values(a2) == {P: Decimal("500"), L: Decimal("450")}


def test_a_refusal_of_the_service_rolls_back_every_unit(
    office, blank, collection, english, monkeypatch
):
    real = services.save_entries

    def refuse_a2(submission, *args, **kwargs):
        if submission.unit.code == "C-A2":
            raise services.SubmissionRefused("Someone else saved this form.", stale=True)
        return real(submission, *args, **kwargs)

    monkeypatch.setattr(services, "save_entries", refuse_a2)
    response = import_file(office, collection, fill(blank, {"C-A1": {P: 1000}, "C-A2": {P: 9}}))
    assert response.status_code == 409
    (error,) = response.context["refused"].errors
    assert (error.row, error.expected) == (FIRST + 1, "Someone else saved this form.")
    assert entries() == (0, 0)


def test_a_file_without_unit_rows_is_refused(office, blank, collection, english):
    response = upload(office, collection, _edited(lambda ws: ws.delete_rows(FIRST, 2))(blank))
    assert "no unit row" in response.context["refused"].errors[0].expected


# --- The page ---


def test_the_import_page_links_the_template_and_shows_a_summary(office, blank, collection):
    page = office.get(import_url(collection))
    assert page.status_code == 200
    assert template_url(collection) in page.content.decode()
    response = import_file(office, collection, fill(blank, {"C-A1": {P: 1000, L: 1001}}))
    html = response.content.decode()
    assert 'data-units="1"' in html and 'data-unchanged="1"' in html
    assert response.context["result"].with_problems == 1  # literate persons > persons
    listed = html[html.index('data-problems-unit="C-A1"') :]
    listed = listed[: listed.index("</tr>")]
    submission = collection.submissions["C-A1"]
    assert "Số người biết chữ" in listed and f"/collection/submissions/{submission.pk}/" in listed
