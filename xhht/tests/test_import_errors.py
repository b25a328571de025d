"""Both import pages list a refused file's errors through one table, core/_import_errors.html."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from collection import excel
from collection.testing import build_collection
from universalization.exchange import COMMUNE_COLUMNS, PERSON_COLUMNS
from universalization.testing import YEAR, build_register

INCLUDE = "core/_import_errors.html"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _row(html: str, *cells: str) -> bool:
    return "<tr>" + "".join(f"<td{c}</td>" for c in cells) + "</tr>" in html


def _bad_template(client, collection) -> SimpleUploadedFile:
    """The round's template with "abc" typed into C-A1's first figure."""
    url = reverse("collection_excel:template", args=[collection.round.pk])
    response = client.get(url, {"data_set": collection.data_set.code})
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws, row = wb.active, excel.KEY_ROW + 1
    assert ws.cell(row, 1).value == "C-A1"
    ws.cell(row, excel.FIRST_DATA_COLUMN, "abc")
    output = io.BytesIO()
    wb.save(output)
    return SimpleUploadedFile("bao-cao.xlsx", output.getvalue())


def test_the_template_import_lists_an_error_row_through_the_shared_table(client, world, english):
    collection = build_collection(world)
    client.force_login(world.users.district_admin)
    url = reverse("collection_excel:import", args=[collection.round.pk])
    response = client.post(url, {"file": _bad_template(client, collection)})
    assert response.status_code == 400
    assert INCLUDE in [t.name for t in response.templates]
    (error,) = response.context["import_errors"]
    html = response.content.decode()
    assert '<th scope="col">Expected</th>' in html
    place, row = collection.data_set.code, excel.KEY_ROW + 1
    cells = (f">{place}", f' class="num">{row}', f">{error['column']}", ">abc")
    assert _row(html, *cells, f">{error['message']}"), html


def test_the_register_import_lists_an_error_row_through_the_shared_table(
    client, world, english, settings, tmp_path, django_capture_on_commit_callbacks
):
    # The register's check runs as a background task: in-process here, then the job's page.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    build_register(world)
    client.force_login(world.users.commune_reporter)
    communes = ",".join(COMMUNE_COLUMNS) + "\nC-A1,D-A,maybe\n"
    files = {
        "communes_csv": SimpleUploadedFile("communes.csv", communes.encode()),
        "persons_csv": SimpleUploadedFile(
            "persons.csv", (",".join(PERSON_COLUMNS) + "\n").encode()
        ),
    }
    url = reverse("register:import", args=["C-A1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": YEAR, **files})
    response = client.get(response.url)
    assert INCLUDE in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<th scope="col">Error</th>' in html
    cells = (">communes.csv", ' class="num">2', ">disadvantaged", ">maybe", ">expected yes or no.")
    assert _row(html, *cells), html
