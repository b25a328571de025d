"""One Unicode form on the way in: every text of a request (query, form, JSON) becomes NFC.

Vietnamese typed with a decomposed keyboard setting (Unikey "Unicode tổ hợp", NFD) looks the
same as precomposed text but compares, searches and counts as different text. Normalising
at the door means forms, the API and search see one form, and nothing stored needs it later.
Uploaded spreadsheets are normalised by their reader (core.spreadsheets).
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from rest_framework import parsers

from core.text import nfc

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A password is compared as typed: normalising it would lock out whoever set one in NFD.
_KEPT_AS_TYPED = re.compile(r"password", re.IGNORECASE)


def nfc_query(query: QueryDict) -> QueryDict:
    """A copy of `query` with every key and value in NFC (passwords kept as typed)."""
    normal = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        kept = _KEPT_AS_TYPED.search(key)
        for value in values:  # two keys alike but for their Unicode form keep both values
            normal.appendlist(nfc(key), value if kept else nfc(value))
    normal._mutable = False
    return normal


def nfc_data(data):
    """Parsed JSON (or any nesting of dicts, lists and text) with every text in NFC."""
    if isinstance(data, str):
        return nfc(data)
    if isinstance(data, dict):
        return {
            nfc(k) if isinstance(k, str) else k: v if _kept(k) else nfc_data(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [nfc_data(item) for item in data]
    return data


def _kept(key) -> bool:
    return isinstance(key, str) and bool(_KEPT_AS_TYPED.search(key))


# The API answers a NUL in its query with a JSON 400 naming the parameter (api.filters).
API_PREFIX = "/api/"


def holds_nul(query: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class NormaliseTextMiddleware:
    """request.GET, and request.POST of a form, with every text in NFC before any view.

    A page's query holding a NUL character is refused (400): PostgreSQL cannot compare text
    holding one, so a search or filter passing it on would end in a server error.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX) and holds_nul(request.GET):
            raise BadRequest("NUL character in the query string")
        request.GET = nfc_query(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                request.POST = nfc_query(request.POST)
            except (MultiPartParserError, UnreadablePostError, OSError):
                pass  # left to the view, which meets the same unreadable body as before
        return self.get_response(request)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, every string of the body in NFC."""

    def parse(self, stream, media_type=None, parser_context=None):
        return nfc_data(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    """DRF's form parser (PUT and PATCH forms, which the middleware does not see), in NFC."""

    def parse(self, stream, media_type=None, parser_context=None):
        return nfc_query(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, the form's texts in NFC (files are read by their readers)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(nfc_query(parsed.data), parsed.files)
