"""A file a page or the API hands over as a download (an export, a report, a dossier)."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """The bytes as a download named `filename` (the caller makes the name ASCII-safe)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
