"""A name typed in NFD (Unikey's "Unicode tổ hợp") is stored in NFC, through a page's form
and through the API: one text, however it was typed."""

from __future__ import annotations

import unicodedata

from rest_framework.test import APIClient

from collection.models import Entry, ReportingRound

NAME = "Báo cáo năm 2019 — Phòng Giáo dục huyện"
NFD = unicodedata.normalize("NFD", NAME)
WHY = "Tính cả cán bộ hợp đồng ở Hiền Hào"


def test_a_round_named_in_nfd_through_the_page_is_stored_in_nfc(client, world, collection):
    assert NFD != NAME
    client.force_login(world.users.district_admin)
    response = client.post(
        "/collection/rounds/new/?unit=D-A",
        {"code": "bc-2019", "name": NFD, "period": world.ind.periods[2019].pk, "year": 2019,
         "opens_on": "01/12/2019", "due_on": "15/01/2020",
         "data_sets": [collection.data_set.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert ReportingRound.objects.get(code="bc-2019").name == NAME


def test_an_explanation_typed_in_nfd_through_the_form_is_stored_in_nfc(client, world, collection):
    client.force_login(world.users.commune_reporter)
    submission = collection.submissions["C-A1"]
    data = {"version": submission.version, "save": "1", "value:officials::": "10",
            "explain:officials::": unicodedata.normalize("NFD", WHY)}  # fmt: skip
    client.post(f"/collection/submissions/{submission.pk}/", data)
    assert Entry.objects.get(submission=submission).explanation == WHY


def test_an_explanation_typed_in_nfd_through_the_api_is_stored_in_nfc(world, collection):
    client = APIClient()
    client.force_login(world.users.commune_reporter)
    submission = collection.submissions["C-A1"]
    value = {"element": "officials", "value": 10, "explanation": unicodedata.normalize("NFD", WHY)}
    body = {"version": submission.version, "values": [value]}
    url = f"/api/v1/collection/submissions/{submission.pk}/entries/"
    assert client.put(url, body, format="json").status_code == 200
    assert Entry.objects.get(submission=submission).explanation == WHY
