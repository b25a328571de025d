"""The PDF is the .docx converted by LibreOffice; without soffice, a clear refusal."""

from __future__ import annotations

import re
import shutil

import pytest

from reports import pdf
from reports.docx import render
from reports.tests.test_docx import document

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def pages(data: bytes) -> int:
    """Page objects in a PDF (/Type /Page, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))


def test_without_soffice_no_pdf_is_made_and_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.soffice_path() is None
    with pytest.raises(pdf.PdfUnavailable, match="libreoffice-writer-nogui"):
        pdf.to_pdf(render(document()))


@needs_soffice
def test_the_report_converts_to_a_pdf_of_several_pages():
    data = pdf.to_pdf(render(document()))
    assert data.startswith(b"%PDF")
    assert pages(data) >= 3  # the body, then each annex on its own page


def test_a_conversion_that_fails_is_refused_clearly(monkeypatch):
    false = shutil.which("false")
    monkeypatch.setattr(pdf, "soffice_path", lambda: false)
    with pytest.raises(pdf.PdfUnavailable, match="could not convert|không chuyển được"):
        pdf.to_pdf(render(document()))
