"""Tests of the registers' pages: permission per role, the form's save, the import's preview
and confirmation, the template and the yearly table."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.xlsx import formula_cells
from recognition.models import Tally
from recognition.registers import save_tallies
from units.testing import build_tree, build_users

pytestmark = [pytest.mark.django_db]
YEAR = 2024


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("recognition.publishing.publish_tallies", lambda *a, **k: None)
    tree = build_tree()
    users = build_users(tree)
    save_tallies(tree.commune_a1, YEAR, [{"village": "Thôn 1", "model": "family", "total": 10,
                                          "registered": 8, "recognised": 6}],
                 actor=users.superuser)  # fmt: skip
    return tree, users


def login(client, user):
    client.force_login(user)
    return client


def url(code, suffix="/"):
    return f"/units/{code}/learning-models/{YEAR}{suffix}"


def form_data(client, code) -> dict:
    """The form's fields as the page gives them."""
    response = client.get(url(code))
    formset = response.context["formset"]
    data = {f"t-{k}": v for k, v in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[f"t-{i}-{name}"] = "" if value is None else value
    return data


def test_a_commune_reporter_sees_and_saves_their_commune(world, client):
    tree, users = world
    login(client, users.commune_reporter)
    data = form_data(client, "C-A1")
    assert data["t-0-village"] == "Thôn 1" and data["t-0-version"] == 1
    data |= {"t-0-total": "12", "t-0-registered": "", "t-1-total": "3"}  # family; clan
    response = client.post(url("C-A1"), data)
    assert response.status_code == 302
    rows = dict(Tally.objects.values_list("model", "total"))
    assert rows == {"family": 12, "clan": 3}
    assert Tally.objects.get(model="family").registered == 8  # a blank kept it


def test_a_stale_form_is_refused_with_409_and_nothing_saved(world, client):
    tree, users = world
    login(client, users.commune_reporter)
    data = form_data(client, "C-A1")
    save_tallies(tree.commune_a1, YEAR, [{"village": "Thôn 1", "model": "family", "total": 11,
                                          "version": 1}], actor=users.district_admin)  # fmt: skip
    response = client.post(url("C-A1"), data | {"t-0-total": "20", "t-1-total": "3"})
    assert response.status_code == 409
    assert list(Tally.objects.values_list("model", "total")) == [("family", 11)]


def test_a_row_check_shows_on_the_form(world, client):
    tree, users = world
    login(client, users.commune_reporter)
    data = form_data(client, "C-A1") | {"t-0-total": "5"}
    response = client.post(url("C-A1"), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["registered"]


def test_another_commune_and_a_district_outside_scope_are_404(world, client):
    tree, users = world
    login(client, users.commune_reporter)
    for code in ("C-A2", "D-A", "C-B1"):
        assert client.get(url(code)).status_code == 404
    assert client.get(url("C-A2", "/import/")).status_code == 404
    assert client.get(url("C-A2", ".xlsx")).status_code == 404


def test_a_viewer_reads_without_a_form_and_cannot_post(world, client):
    tree, users = world
    login(client, users.viewer)
    response = client.get(url("C-A1"))
    assert response.status_code == 200 and "formset" not in response.context
    assert [name for name, _cells in response.context["per_unit"]] == ["Thôn 1"]
    assert client.post(url("C-A1"), {}).status_code == 404
    assert client.get(url("C-A1", "/import/")).status_code == 404
    assert client.get(url("C-A1", "/template.xlsx")).status_code == 404
    assert client.get(url("C-A1", ".xlsx")).status_code == 200


def test_a_district_admin_edits_a_commune_and_reads_the_district_per_commune(world, client):
    tree, users = world
    login(client, users.district_admin)
    assert "formset" in client.get(url("C-A1")).context
    district = client.get(url("D-A"))
    assert district.status_code == 200 and "formset" not in district.context
    assert [name for name, _cells in district.context["per_unit"]] == ["Xã A1"]


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(url("C-A1"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_yearly_table_downloads_without_formulas(world, client):
    tree, users = world
    login(client, users.district_admin)
    response = client.get(url("D-A", ".xlsx"))
    assert response.status_code == 200 and not formula_cells(response.content)


def test_upload_preview_then_confirm_through_the_pages(world, client):
    tree, users = world
    login(client, users.commune_reporter)
    book = load_workbook(io.BytesIO(client.get(url("C-A1", "/template.xlsx")).content))
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Thôn 1")
    row[2].value = 15
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("t.xlsx", out.getvalue())
    preview = client.post(url("C-A1", "/import/"), {"file": upload})
    assert preview.status_code == 200 and preview.context["token"]
    assert Tally.objects.get().total == 10
    done = client.post(url("C-A1", "/import/"), {"token": preview.context["token"]})
    assert done.status_code == 302 and Tally.objects.get().total == 15
    again = client.post(url("C-A1", "/import/"), {"token": preview.context["token"]})
    assert again.status_code == 400


def test_the_menus_way_in_opens_the_last_year_with_tallies_in_scope_only(world, client):
    tree, users = world
    login(client, users.district_admin)
    response = client.get(f"/units/{tree.district_a.code}/learning-models/")
    assert response.status_code == 200 and response.context["year"] == YEAR
    login(client, users.commune_reporter)  # commune A1's: district B is outside its scope
    assert client.get(f"/units/{tree.district_b.code}/learning-models/").status_code == 404
