"""core.spreadsheets: every upload read within caps checked before its data is loaded, a small
file declaring a million rows refused fast with bounded memory, .xls and .ods read, text NFC."""

from __future__ import annotations

import datetime
import io
import resource
import shutil
import subprocess
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from core import spreadsheets
from core.spreadsheets import OLE_SIGNATURE, SpreadsheetRefused, read_first_sheet

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Đào")
NFC_NAME = "Nguyễn Thị Đào"
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook(tmp_path: Path, name: str = "book.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Đơn vị", "Số người"])
    ws.append([NFD_NAME, 1200])
    ws.append(["Tổng", "=SUM(B2:B2)"])  # a formula with no computed value: a problem
    ws.append([datetime.date(2020, 1, 3), 99.5])
    ws.merge_cells("A6:B6")
    path = tmp_path / name
    wb.save(path)
    return path


def with_sheet(tmp_path: Path, sheet_xml: bytes) -> Path:
    """A real workbook whose first sheet's XML is replaced by `sheet_xml`."""
    source = workbook(tmp_path, "source.xlsx")
    path = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = sheet_xml if item.filename == SHEET else old.read(item.filename)
            new.writestr(item.filename, data)
    return path


def refused_within(path: Path, expected: str, *, seconds: float, megabytes: int, **caps):
    """Read `path` twice, expecting a refusal containing `expected`: timed, then traced (the
    tracer slows Python down); return (seconds, peak MB of Python allocations)."""
    started = time.perf_counter()
    with pytest.raises(SpreadsheetRefused) as refused:
        read_first_sheet(path, **caps)
    elapsed = time.perf_counter() - started
    assert expected in refused.value.message
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetRefused):
            read_first_sheet(path, **caps)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert peak < megabytes, f"{peak:.1f} MB"
    return elapsed, peak


# --- .xlsx ------------------------------------------------------------------------------


def test_an_xlsx_is_read_with_values_merges_problems_and_nfc_text(tmp_path):
    grid = read_first_sheet(workbook(tmp_path))
    assert grid.title == "Số liệu"
    assert grid.rows[1] == [NFC_NAME, 1200]
    assert grid.rows[3] == [datetime.datetime(2020, 1, 3), 99.5]
    assert grid.merged == [(6, 1, 6, 2)]
    (problem,) = grid.problems
    assert (problem.row, problem.column, problem.value) == (3, 2, "=SUM(B2:B2)")


def test_a_sheet_declaring_a_million_rows_is_refused_before_it_is_read(tmp_path):
    xml = HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
    xml += b"<is><t>x</t></is></c></row></sheetData></worksheet>"
    refused_within(with_sheet(tmp_path, xml), "more than 100000 rows", seconds=2, megabytes=10)


def test_a_row_numbered_a_million_is_refused_without_filling_the_rows_between(tmp_path):
    xml = HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    xml += b'<row r="1048576"><c r="A1048576"><v>2</v></c></row></sheetData></worksheet>'
    refused_within(with_sheet(tmp_path, xml), "more than 100000 rows", seconds=2, megabytes=10)


def test_a_cell_in_the_last_column_is_refused(tmp_path):
    xml = HEAD + b'<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData></worksheet>'
    refused_within(with_sheet(tmp_path, xml), "more than 500 columns", seconds=2, megabytes=10)


def test_rows_that_really_go_on_are_refused_at_the_cap_with_bounded_memory(tmp_path):
    """A million real rows, no dimension: 1.5 MB zipped; refused after streaming the cap's
    rows (the collection import's 20,000), memory well under 100 MB (printed with -s)."""
    rows = b"".join(b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' for _ in range(10**6))
    path = with_sheet(tmp_path, HEAD + b"<sheetData>" + rows + b"</sheetData></worksheet>")
    assert path.stat().st_size < 2 * 2**20
    elapsed, peak = refused_within(path, "more than 20000 rows", seconds=10, megabytes=20,
                                   max_rows=20_000)  # fmt: skip
    print(f"1,000,000 real rows refused in {elapsed:.2f} s, peak {peak:.1f} MB")


def test_too_many_merged_ranges_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_MERGED", 3)
    merges = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(1, 6))
    xml = HEAD + b"<sheetData/><mergeCells>" + merges + b"</mergeCells></worksheet>"
    refused_within(with_sheet(tmp_path, xml), "more than 3 merged", seconds=2, megabytes=10,
                   max_rows=10)  # fmt: skip


def test_a_huge_table_of_texts_is_refused_before_it_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", 1000)
    texts = b"".join(b"<si><t>text %d</t></si>" % n for n in range(1001))
    path = with_sheet(tmp_path, HEAD + b"<sheetData/></worksheet>")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", HEAD.replace(b"worksheet", b"sst") + texts)
    refused_within(path, "more than 1000 different texts", seconds=5, megabytes=10)


def test_the_caps_given_by_the_caller_hold(tmp_path):
    with pytest.raises(SpreadsheetRefused, match="more than 3 rows"):
        read_first_sheet(workbook(tmp_path), max_rows=3)
    with pytest.raises(SpreadsheetRefused, match="more than 1 columns"):
        read_first_sheet(workbook(tmp_path), max_columns=1)


@pytest.mark.parametrize(
    "content, expected",
    [(b"unit,persons\nC-A1,1000\n", "not an Excel workbook"),
     (b"", "not an Excel workbook"),
     ("Đơn vị;Số\n".encode("utf-16"), "not an Excel workbook")],
)  # fmt: skip
def test_what_is_no_spreadsheet_is_refused_in_words(tmp_path, content, expected):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetRefused, match=expected):
        read_first_sheet(path)


def test_a_zip_of_something_else_is_refused(tmp_path):
    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(SpreadsheetRefused, match="cannot be read as a spreadsheet"):
        read_first_sheet(path)


def test_a_broken_workbook_is_refused_without_the_readers_english(tmp_path):
    path = with_sheet(tmp_path, HEAD + b"<sheetData><row>")
    with pytest.raises(SpreadsheetRefused) as refused:
        read_first_sheet(path)
    assert refused.value.message.startswith("the workbook cannot be read: open it in Excel")


def test_refusals_are_in_vietnamese(tmp_path):
    path = tmp_path / "upload.ods"
    path.write_bytes(b"plain text")
    with translation.override("vi"), pytest.raises(SpreadsheetRefused) as refused:
        read_first_sheet(path)
    assert "không phải" in refused.value.message


# --- .xls and .ods (LibreOffice converts the test workbook) -------------------------------


def converted(path: Path, kind: str) -> Path:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    home = path.parent / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{home}", "--headless", "--convert-to", kind,
         "--outdir", str(path.parent), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return path.with_suffix(f".{kind}")


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_are_read_whatever_their_name(tmp_path, kind):
    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Đơn vị", "Số người"])
    ws.append([NFD_NAME, 1200])
    ws.append([datetime.date(2020, 1, 3), 99.5])
    source = tmp_path / "book.xlsx"
    wb.save(source)
    path = converted(source, kind)
    renamed = path.rename(tmp_path / "upload.xlsx")  # how collection saves an upload
    grid = read_first_sheet(renamed)
    assert grid.title == "Số liệu"
    assert grid.rows[0] == ["Đơn vị", "Số người"]
    assert grid.rows[1] == [NFC_NAME, 1200]
    assert grid.rows[2][0] in (datetime.date(2020, 1, 3), datetime.datetime(2020, 1, 3))


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_small_xls_or_ods_spanning_the_whole_sheet_is_refused_in_its_own_process(tmp_path, kind):
    """calamine fills the rectangle A1:IV65536 (about 1 GB) before anything can be checked:
    the child process that reads it dies on its memory cap; this process does not grow."""
    wb = Workbook()
    wb.active["A1"], wb.active["IV65536"] = "a", "z"
    source = tmp_path / "corner.xlsx"
    wb.save(source)
    path = converted(source, kind)
    assert path.stat().st_size < 50_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elapsed, peak = refused_within(path, "too large to read", seconds=30, megabytes=10)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < 50, f"the worker grew by {grown:.0f} MB"
    print(f".{kind} corner refused in {elapsed:.2f} s; the worker grew by {grown:.0f} MB")


def test_the_rows_cap_holds_for_ods(tmp_path):
    wb = Workbook()
    for n in range(1, 12):
        wb.active.cell(n, 1, n)
    source = tmp_path / "rows.xlsx"
    wb.save(source)
    with pytest.raises(SpreadsheetRefused, match="more than 10 rows"):
        read_first_sheet(converted(source, "ods"), max_rows=10)


def test_cell_text_is_nfc():
    assert spreadsheets.cell_text(NFD_NAME + "\n01") == NFC_NAME + " 01"
    assert spreadsheets.cell_text(io.StringIO and 2015.0) == "2015"


@pytest.mark.parametrize(
    ("returncode", "stderr", "expected"),
    [
        (-9, b"", "too large to read"),  # killed
        (-6, b"memory allocation of 1073741824 bytes failed\n", "too large to read"),
        (1, b"Traceback ...\nMemoryError\n", "too large to read"),
        (
            1,
            b"Traceback ...\nModuleNotFoundError: No module named 'python_calamine'\n",
            "cannot be read",
        ),  # fmt: skip
    ],
)
def test_a_reader_that_fails_is_blamed_on_size_only_when_memory_ran_out(
    tmp_path, monkeypatch, returncode, stderr, expected
):
    """The .xls/.ods reader runs in a child: only a failure of memory is the sheet's size."""
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_SIGNATURE + b"\0" * 600)
    done = subprocess.CompletedProcess([], returncode, stdout=b"", stderr=stderr)
    monkeypatch.setattr(spreadsheets.subprocess, "run", lambda *args, **kwargs: done)
    with pytest.raises(SpreadsheetRefused) as refused:
        read_first_sheet(path)
    assert expected in refused.value.message
