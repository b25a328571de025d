"""Tools for tests of print-ready exports: where a sheet's table starts, what its page set-up
and title block say, and LibreOffice's PDF of a workbook (skipped without `soffice`)."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core import xlsx

DEMO_LINE = "Số liệu minh họa"


def book_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def header_row(ws) -> int:
    """The table's header: the one row printed again on every page."""
    first, last = (int(part.strip("$")) for part in ws.print_title_rows.split(":"))
    assert first == last, ws.print_title_rows
    return first


def table(ws) -> list[tuple]:
    """The values of the rows below the header, down to the first empty row."""
    rows = []
    for row in ws.iter_rows(min_row=header_row(ws) + 1, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def title_texts(ws) -> list[str]:
    """The texts above the header (the title block)."""
    return [value for row in ws.iter_rows(max_row=header_row(ws) - 1, values_only=True)
            for value in row if isinstance(value, str)]  # fmt: skip


def assert_print_ready(ws, orientation: str, *, wide: int = 1, demo: bool,
                       texts: tuple[str, ...] = ()) -> None:  # fmt: skip
    """A4 in `orientation`, fitted `wide` pages wide and as many down as it takes, the header
    repeated on every page and tall enough for its wrapped lines, page numbers in the
    footer, a title block with `texts`, today's export date, and the demo warning exactly
    when `demo`."""
    assert str(ws.page_setup.paperSize) == Worksheet.PAPERSIZE_A4 == "9"
    assert ws.page_setup.orientation == orientation
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == wide and int(ws.page_setup.fitToHeight) == 0
    assert ws.page_margins.left >= 0.5 and ws.page_margins.top >= 0.5
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.oddFooter.center.text.startswith("Trang")
    row = header_row(ws)
    height = ws.row_dimensions[row].height
    lines = max(xlsx.wrapped_lines(c.value, ws.column_dimensions[c.column_letter].width)
                for c in ws[row] if c.value)  # fmt: skip
    assert height is not None and height >= xlsx.row_height(lines), (height, lines)
    assert all(c.alignment.wrap_text for c in ws[row] if c.value)
    block = "\n".join(title_texts(ws))
    today = datetime.date.today().strftime("%d/%m/%Y")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"Xuất ngày {today}" in block or f"Xuất ngày {tomorrow}" in block, block  # UTC+7
    assert (DEMO_LINE in block) == demo, block
    for text in texts:
        assert text in block, (text, block)


def assert_numbers(cells, number_format: str) -> None:
    """Every cell a number (never text) shown with `number_format`."""
    for cell in cells:
        assert cell.data_type == "n" and not isinstance(cell.value, str), cell
        assert cell.number_format == number_format, (cell.coordinate, cell.number_format)


def soffice_pdf(content: bytes, directory: Path, name: str = "book") -> Path:
    """LibreOffice's PDF of a workbook, as an official printing it gets (skipped without
    LibreOffice); a private profile, so parallel runs do not share one."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = directory / f"{name}.xlsx"
    source.write_bytes(content)
    profile = f"file:///tmp/lo-xhht-test-{uuid.uuid4().hex}"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(directory), str(source)],
        check=True, timeout=180, capture_output=True,
    )  # fmt: skip
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    return directory / f"{name}.pdf"


def pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    """Each page's (width, height) in points and its text."""
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height), p.extract_text())
            for p in PdfReader(path).pages]  # fmt: skip
