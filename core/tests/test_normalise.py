"""core.normalise: every text of a request arrives in NFC, whatever keyboard typed it."""

from __future__ import annotations

import io
import unicodedata

from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.parsers import DataAndFiles

from core.normalise import (
    FormParser,
    JSONParser,
    MultiPartParser,
    NormaliseTextMiddleware,
    nfc_data,
    nfc_query,
)

NAME = "Nguyễn Thị Đào, xã Hiền Hào"
NFD = unicodedata.normalize("NFD", NAME)


def seen(request) -> dict:
    """What a view behind the middleware reads."""
    found = {}

    def view(request):
        found["GET"], found["POST"] = request.GET.dict(), request.POST.dict()
        return HttpResponse()

    NormaliseTextMiddleware(view)(request)
    return found


def test_the_typed_text_is_decomposed_to_begin_with():
    assert NFD != NAME and unicodedata.normalize("NFC", NFD) == NAME


def test_a_search_in_the_query_string_reaches_the_view_in_nfc():
    assert seen(RequestFactory().get("/register/", {"q": NFD}))["GET"] == {"q": NAME}


def test_a_posted_form_reaches_the_view_in_nfc():
    request = RequestFactory().post("/x/", {"name": NFD, "note": f"  {NFD}  "})
    assert seen(request)["POST"] == {"name": NAME, "note": f"  {NAME}  "}


def test_a_multipart_form_reaches_the_view_in_nfc_with_its_file():
    request = RequestFactory().post("/x/", {"name": NFD, "file": io.BytesIO(b"data")})
    found = {}

    def view(request):
        found["name"], found["file"] = request.POST["name"], request.FILES["file"].read()
        return HttpResponse()

    NormaliseTextMiddleware(view)(request)
    assert found == {"name": NAME, "file": b"data"}


def test_a_password_is_kept_exactly_as_typed():
    request = RequestFactory().post("/accounts/login/", {"username": NFD, "password": NFD})
    assert seen(request)["POST"] == {"username": NAME, "password": NFD}


def test_a_query_keeps_every_value_of_a_repeated_key():
    query = nfc_query(RequestFactory().get("/", {"unit": [NFD, "A"]}).GET)
    assert query.getlist("unit") == [NAME, "A"] and not query._mutable


def test_json_is_normalised_at_every_depth_keys_included():
    body = {NFD: [NFD, {"name": NFD, "n": 1, "ok": True, "none": None}], "password": NFD}
    assert nfc_data(body) == {
        NAME: [NAME, {"name": NAME, "n": 1, "ok": True, "none": None}], "password": NFD,
    }  # fmt: skip


def test_the_api_parsers_give_nfc():
    json_body = io.BytesIO(f'{{"name": "{NFD}"}}'.encode())
    assert JSONParser().parse(json_body) == {"name": NAME}
    form = FormParser().parse(io.BytesIO(f"name={NFD}".encode()), parser_context={})
    assert form["name"] == NAME
    request = RequestFactory().post("/x/", {"name": NFD, "file": io.BytesIO(b"data")})
    meta = request.META
    parsed = MultiPartParser().parse(
        io.BytesIO(request.body), meta["CONTENT_TYPE"],
        {"request": type("R", (), {"META": meta, "upload_handlers": request.upload_handlers})()},
    )  # fmt: skip
    assert isinstance(parsed, DataAndFiles)
    assert parsed.data["name"] == NAME and parsed.files["file"].read() == b"data"
