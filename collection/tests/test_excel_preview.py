"""The template import never loses typed work: a blank cell changes nothing, the clear marker
clears, a preview shows every change before anything is written, and the confirmation writes
exactly that preview, or nothing when a form changed meanwhile."""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from collection import excel, excel_pending, services
from collection.models import DataSet, Entry, Submission
from collection.tests.test_excel import (
    FIRST,
    IT,
    OFF,
    L,
    P,
    confirm,
    download,
    fill,
    import_file,
    save,
    upload,
)

WEB = {P: "1.200", L: "1.150", OFF: "40", IT: "12"}  # what C-A1 typed on the web


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads kept for a preview go under a test's own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(client, world):
    client.force_login(world.users.district_admin)
    return client


def counts() -> tuple[int, int, int]:
    """Entries, their history rows and the forms' history rows."""
    return Entry.objects.count(), Entry.history.count(), Submission.history.count()


def typed_on_the_web(world, collection) -> Submission:
    a1 = collection.submissions["C-A1"]
    services.save_entries(a1, WEB, actor=world.users.commune_reporter)
    return a1


def older(content: bytes, collection) -> bytes:
    """The template as it was before it named its round: the period in B2 and
    "name (code)" in B3, no instructions sheet."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    ws["A2"], ws["B2"], ws["C2"] = "Kỳ báo cáo", str(collection.round.period), None
    named = f"{collection.data_set.name} (commune-annual)"
    ws["A3"], ws["B3"], ws["C3"] = "Bộ số liệu", named, None
    del wb[wb.sheetnames[1]]
    return save(wb)


def with_row_blank(content: bytes, code: str) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    row = next(r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 1).value == code)
    for column in range(excel.FIRST_DATA_COLUMN, ws.max_column + 1):
        ws.cell(row, column).value = None
    return save(wb)


def with_header(content: bytes, cell: str, value) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    wb.active[cell] = value
    return save(wb)


def changes_of(response, code: str) -> dict[str, list]:
    (unit,) = [u for u in response.context["preview"].units if u.submission.unit.code == code]
    return {
        kind: [(c.key, c.old, c.new) for c in getattr(unit, kind)]
        for kind in ("added", "changed", "cleared")
    }


# --- Blank means no change ---


def test_a_blank_row_in_an_older_template_leaves_the_values_typed_on_the_web_alone(
    office, world, collection
):
    a1 = typed_on_the_web(world, collection)
    before = services.current_values(a1)
    content = older(download(office, collection), collection)
    content = fill(with_row_blank(content, "C-A1"), {"C-A2": {P: 500}})
    history = Entry.history.filter(submission=a1).count()
    previewed = upload(office, collection, content)
    assert [s.unit.code for s in previewed.context["preview"].unchanged] == ["C-A1"]
    assert [u.submission.unit.code for u in previewed.context["preview"].units] == ["C-A2"]
    result = confirm(office, collection, previewed).context["result"]
    assert (result.units, result.unchanged) == (["C-A2"], 1)
    assert services.current_values(a1) == before
    assert Entry.history.filter(submission=a1).count() == history


def test_blank_cells_keep_the_saved_figures_while_the_others_change(office, world, collection):
    a1 = typed_on_the_web(world, collection)
    content = with_row_blank(download(office, collection), "C-A1")
    import_file(office, collection, fill(content, {"C-A1": {OFF: 41}}))
    values = services.current_values(a1)
    assert values == {P: Decimal(1200), L: Decimal(1150), OFF: Decimal(41), IT: Decimal(12)}


NFD_MARKER = unicodedata.normalize("NFD", "xóa")


@pytest.mark.parametrize("marker", ["xóa", "XÓA", "Xoá", "xoa", " XOA ", NFD_MARKER])
def test_the_clear_marker_clears_a_figure_in_any_case_and_accent(office, world, collection, marker):
    a1 = typed_on_the_web(world, collection)
    content = fill(download(office, collection), {"C-A1": {IT: marker}})
    previewed = upload(office, collection, content)
    assert changes_of(previewed, "C-A1")["cleared"] == [(IT, Decimal(12), None)]
    confirm(office, collection, previewed)
    assert services.current_values(a1)[IT] is None
    assert services.current_values(a1)[OFF] == Decimal(40)


def test_the_marker_on_a_figure_never_saved_changes_nothing(office, collection):
    content = fill(download(office, collection), {"C-A1": {IT: "xóa"}})
    preview = upload(office, collection, content).context["preview"]
    assert preview.units == [] and {s.unit.code for s in preview.unchanged} == {"C-A1", "C-A2"}


def test_other_text_names_the_marker_in_its_error(office, collection, english):
    response = upload(office, collection, fill(download(office, collection), {"C-A1": {P: "x"}}))
    (error,) = response.context["refused"].errors
    assert "“xóa” to clear the figure" in error.expected


# --- The preview ---


def test_the_preview_lists_figures_added_changed_and_cleared_and_writes_nothing(
    office, world, collection
):
    typed_on_the_web(world, collection)
    content = fill(
        download(office, collection), {"C-A1": {P: 1300, L: "1.150", IT: "xóa"}, "C-A2": {P: 500}}
    )
    before = counts()
    response = upload(office, collection, content)
    assert response.status_code == 200 and counts() == before
    assert changes_of(response, "C-A1") == {
        "added": [],
        "changed": [(P, Decimal(1200), Decimal(1300))],
        "cleared": [(IT, Decimal(12), None)],
    }
    assert changes_of(response, "C-A2") == {
        "added": [(P, None, Decimal(500))],
        "changed": [],
        "cleared": [],
    }
    html = response.content.decode()
    assert 'data-unit="C-A1" data-added="0" data-changed="1" data-cleared="1"' in html
    assert 'data-unit="C-A2" data-added="1"' in html
    a1 = html[html.index('data-unit="C-A1"') : html.index('data-unit="C-A2"')]
    assert "1.200" in a1 and "1.300" in a1 and "Xác nhận nhập" in html


def test_a_file_that_changes_nothing_has_nothing_to_confirm(office, world, collection):
    typed_on_the_web(world, collection)
    response = upload(office, collection, download(office, collection))
    assert response.context["token"] == "" and not response.context["preview"].units
    assert "data-nothing-to-change" in response.content.decode()
    assert not list((excel_pending.folder()).iterdir())


def test_confirming_writes_exactly_the_preview(office, world, collection):
    a1 = typed_on_the_web(world, collection)
    content = fill(
        download(office, collection), {"C-A1": {P: 1300, IT: "xóa"}, "C-A2": {P: 500, L: 450}}
    )
    previewed = upload(office, collection, content)
    shown = {
        u.submission.unit.code: {c.key: c.new for c in u.changes}
        for u in previewed.context["preview"].units
    }
    entries, history, _ = counts()
    response = confirm(office, collection, previewed)
    assert response.status_code == 200
    assert response.context["result"].units == ["C-A1", "C-A2"]
    assert shown == {"C-A1": {P: Decimal(1300), IT: None}, "C-A2": {P: 500, L: 450}}
    assert services.current_values(a1) == {P: 1300, L: 1150, OFF: 40, IT: None}
    assert services.current_values(collection.submissions["C-A2"]) == {P: 500, L: 450}
    assert counts()[:2] == (entries + 2, history + 4)  # two new entries, four changes
    assert not list(excel_pending.folder().iterdir())  # the kept upload is gone


def test_a_form_changed_between_preview_and_confirmation_is_refused_and_nothing_is_written(
    office, world, collection, english
):
    a1 = typed_on_the_web(world, collection)
    content = fill(download(office, collection), {"C-A1": {P: 1300}, "C-A2": {P: 500}})
    previewed = upload(office, collection, content)
    services.save_entries(a1, {OFF: "41"}, actor=world.users.commune_reporter)
    before = counts()
    response = confirm(office, collection, previewed)
    assert response.status_code == 409
    (error,) = response.context["refused"].errors
    assert (error.row, error.value) == (FIRST, "C-A1")
    assert "changed after your preview" in error.expected
    assert counts() == before
    assert services.current_values(a1)[P] == Decimal(1200)
    assert services.current_values(collection.submissions["C-A2"]) == {}


def test_a_unit_the_preview_left_alone_but_the_file_now_changes_is_refused(
    office, world, collection, english
):
    a2 = collection.submissions["C-A2"]
    services.save_entries(a2, {P: "500"}, actor=world.users.district_admin)
    content = fill(download(office, collection), {"C-A1": {P: 1300}})
    previewed = upload(office, collection, content)
    assert [s.unit.code for s in previewed.context["preview"].unchanged] == ["C-A2"]
    services.save_entries(a2, {P: "600"}, actor=world.users.district_admin)  # the file: 500
    before = counts()
    response = confirm(office, collection, previewed)
    assert response.status_code == 409 and counts() == before
    assert [e.value for e in response.context["refused"].errors] == ["C-A2"]


def test_a_preview_is_confirmed_once(office, collection, english):
    previewed = upload(office, collection, fill(download(office, collection), {"C-A1": {P: 9}}))
    assert confirm(office, collection, previewed).status_code == 200
    again = confirm(office, collection, previewed)
    assert again.status_code == 400 and "expired or was already used" in str(
        again.context["notice"]
    )


def test_a_stale_preview_expires_and_its_file_is_deleted(office, collection, english, monkeypatch):
    previewed = upload(office, collection, fill(download(office, collection), {"C-A1": {P: 9}}))
    assert len(list(excel_pending.folder().iterdir())) == 1
    monkeypatch.setattr(excel_pending, "LIFETIME_SECONDS", -1)
    before = counts()
    assert confirm(office, collection, previewed).status_code == 400
    assert counts() == before and not list(excel_pending.folder().iterdir())


def test_cancelling_writes_nothing_and_deletes_the_upload(office, collection):
    previewed = upload(office, collection, fill(download(office, collection), {"C-A1": {P: 9}}))
    before = counts()
    response = confirm(office, collection, previewed, cancel="1")
    assert response.status_code == 200 and counts() == before
    assert not list(excel_pending.folder().iterdir())


def test_another_user_cannot_confirm_a_preview(client, office, world, collection):
    previewed = upload(office, collection, fill(download(office, collection), {"C-A1": {P: 9}}))
    client.logout()
    client.force_login(world.users.commune_reporter)
    before = counts()
    assert confirm(client, collection, previewed).status_code == 400
    assert counts() == before


def test_the_upload_waits_under_media_root_with_a_random_name(office, collection, media):
    previewed = upload(office, collection, fill(download(office, collection), {"C-A1": {P: 9}}))
    (kept,) = excel_pending.folder().iterdir()
    assert kept.parent == media / "imports" / "collection"
    assert kept.name == f"{previewed.context['token']}.xlsx" and "bao-cao" not in kept.name


# --- A refused upload writes nothing ---


def test_one_bad_row_among_good_ones_changes_no_entry_and_no_history(
    office, world, collection, english
):
    typed_on_the_web(world, collection)
    content = fill(download(office, collection), {"C-A1": {P: 1300}, "C-A2": {P: "-5"}})
    before = counts()
    response = upload(office, collection, content)
    assert response.status_code == 400 and counts() == before
    assert [e.value for e in response.context["refused"].errors] == ["-5"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10**14, "at most 14 digits before the comma"),
        ("100000000000000", "at most 14 digits before the comma"),
        ("0,00001", "at most 4 digits after the comma"),
    ],
)
def test_a_number_the_store_cannot_hold_is_a_row_error(
    office, collection, english, value, expected
):
    response = upload(office, collection, fill(download(office, collection), {"C-A1": {L: value}}))
    (error,) = response.context["refused"].errors
    assert response.status_code == 400 and expected in error.expected


# --- The data set and round come from the file ---


@pytest.fixture
def second_data_set(world, collection) -> DataSet:
    """A second data set owed by C-A1 in the same round: the page now offers a choice."""
    data_set = DataSet.objects.create(code="a-second", name="Bộ thứ hai", unit_level="commune")
    data_set.members.create(element=world.ind.officials, section="Cán bộ", order=0)
    round_ = collection.round
    Submission.objects.create(
        round=round_, data_set=data_set, unit=world.tree.commune_a1, due_on=round_.due_on
    )
    return data_set


def test_the_data_set_is_read_from_the_file_not_chosen(office, collection, second_data_set):
    assert "data_set" in upload(office, collection, b"").context["form"].fields
    content = fill(download(office, collection), {"C-A1": {P: 9}})
    preview = upload(office, collection, content).context["preview"]
    assert preview.data_set == collection.data_set  # though "a-second" comes first


def test_an_older_template_names_its_data_set_in_brackets(office, collection, second_data_set):
    content = older(fill(download(office, collection), {"C-A1": {P: 9}}), collection)
    assert upload(office, collection, content).context["preview"].data_set == collection.data_set


def test_a_file_naming_no_data_set_uses_the_one_chosen_or_is_refused(
    office, collection, second_data_set, english
):
    content = with_header(fill(download(office, collection), {"C-A1": {P: 9}}), "B3", None)
    refused = upload(office, collection, content)
    assert refused.status_code == 400
    assert "does not name its data set" in refused.context["refused"].errors[0].expected
    chosen = upload(office, collection, content, data_set="commune-annual")
    assert chosen.context["preview"].data_set == collection.data_set


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("B2", "bc-2019", "template of round “bc-2019”, not of this round"),
        ("B3", "nope", "the data set “nope”, which does not exist"),
    ],
)
def test_a_file_of_another_round_or_an_unknown_data_set_is_refused(
    office, collection, english, cell, value, expected
):
    content = with_header(fill(download(office, collection), {"C-A1": {P: 9}}), cell, value)
    response = upload(office, collection, content)
    assert response.status_code == 400
    assert expected in response.context["refused"].errors[0].expected


def test_a_data_set_no_unit_of_the_scope_owes_is_refused(office, world, collection, english):
    DataSet.objects.create(code="elsewhere", name="Bộ khác", unit_level="commune")
    content = with_header(fill(download(office, collection), {"C-A1": {P: 9}}), "B3", "elsewhere")
    response = upload(office, collection, content)
    assert "no unit of your scope owes" in response.context["refused"].errors[0].expected


# --- The template documents it ---


def test_the_template_explains_blank_cells_and_the_clear_marker(office, collection):
    wb = load_workbook(io.BytesIO(download(office, collection)))
    assert wb.sheetnames == ["commune-annual", "Hướng dẫn"]
    help_text = " ".join(c.value for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "Ô để trống không thay đổi gì" in help_text and "“xóa”" in help_text
    assert "xóa" in wb.active["A4"].value


def test_the_import_page_explains_blank_cells_and_the_clear_marker(office, collection):
    html = office.get(reverse("collection_excel:import", args=[collection.round.pk])).content
    assert "Ô để trống không thay đổi gì".encode() in html and "“xóa”".encode() in html


def test_the_preview_shows_the_rule_problems_a_form_would_have_after_the_import(office, collection):
    previewed = upload(
        office, collection, fill(download(office, collection), {"C-A1": {P: 1000, L: 1001}})
    )
    preview = previewed.context["preview"]
    assert preview.with_problems == 1
    (unit,) = preview.units
    assert [p.severity for p in unit.problems] == ["hard"]  # literate persons > persons
    html = previewed.content.decode()
    listed = html[html.index('data-problems-unit="C-A1"') :]
    assert "Số người biết chữ" in listed[: listed.index("</tr>")]
    assert Entry.objects.filter(submission=collection.submissions["C-A1"]).count() == 0


def test_a_preview_without_rule_problems_shows_no_problem_table(office, collection):
    previewed = upload(
        office, collection, fill(download(office, collection), {"C-A1": {P: 1000, L: 900}})
    )
    assert previewed.context["preview"].with_problems == 0
    assert "data-problems-unit" not in previewed.content.decode()
