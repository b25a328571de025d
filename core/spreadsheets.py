"""Open an uploaded spreadsheet safely: .xlsx streamed, .xls and .ods in a capped child
process; size, zip bombs, row and column caps checked before the data is loaded."""

from __future__ import annotations

import datetime
import json
import logging
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from xml.parsers.expat import ParserCreate

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.text import nfc

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what an upload may weigh
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # what its zip may unpack to (zip bombs)
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls (BIFF in an OLE2 container)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_ROWS = 100_000  # rows of the sheet read by read_first_sheet
MAX_COLUMNS = 500  # columns of that sheet (Excel allows 16,384: nobody types a form that wide)
MAX_MERGED = 10_000  # merged ranges of that sheet
MAX_SHARED_STRINGS = 500_000  # distinct texts of an .xlsx, held in memory while it is read
CHILD_MEMORY_BYTES = 256 * 1024 * 1024  # address space of the .xls / .ods reader process
CHILD_SECONDS = 60
XLSX, XLS, ODS = "xlsx", "xls", "ods"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # as expat names it
_ROW, _CELL, _DIMENSION = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}dimension"
_MERGE, _SHARED, _FORMULA = f"{_MAIN}mergeCell", f"{_MAIN}si", f"{_MAIN}f"


class SpreadsheetRefused(ValueError):
    """An upload that is not a readable workbook; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def megabytes(size: int) -> int:
    return size // (1024 * 1024)


def check_size(size: int, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an upload heavier than `limit` bytes, before it is read."""
    if size > limit:
        message = _("the file is larger than %(limit)s MB.") % {"limit": megabytes(limit)}
        raise SpreadsheetRefused(message)


def _not_a_spreadsheet() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("this file is not an Excel workbook (.xlsx, .xls) or a LibreOffice spreadsheet (.ods).")
    )


def _unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "the workbook cannot be read: open it in Excel or LibreOffice, save it as .xlsx "
            "and upload it again."
        )  # fmt: skip
    )


def check_zip(path: Path, limit: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse what is not an .xlsx (or another zip) before a reader opens it: zip signature
    and zip bombs (the sum of the members' uncompressed sizes over `limit`)."""
    not_xlsx = _("this file is not an Excel workbook (.xlsx).")
    with path.open("rb") as handle:
        if handle.read(len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
            raise SpreadsheetRefused(not_xlsx)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise SpreadsheetRefused(not_xlsx) from error
    if unpacked > limit:
        message = _("the workbook unpacks to more than %(limit)s MB; it is refused.")
        raise SpreadsheetRefused(message % {"limit": megabytes(limit)})


def kind_of(path: Path, max_unpacked: int = MAX_UNCOMPRESSED_BYTES) -> str:
    """XLSX, XLS or ODS by the file's content (never its name); SpreadsheetRefused otherwise.
    A zip passes the zip-bomb check first."""
    with path.open("rb") as handle:
        head = handle.read(len(OLE_SIGNATURE))
    if head == OLE_SIGNATURE:
        return XLS
    if not head.startswith(ZIP_SIGNATURE) or not zipfile.is_zipfile(path):
        raise _not_a_spreadsheet()
    check_zip(path, max_unpacked)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names or "[Content_Types].xml" in names:
            return XLSX
        if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
            return ODS
    raise SpreadsheetRefused(_("this file cannot be read as a spreadsheet (.xlsx, .xls or .ods)."))


def save_upload(upload, path: Path) -> Path:
    """Write an uploaded file to `path`, chunk by chunk."""
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def cell_text(value) -> str:
    """A cell's value as text: 2015.0 is "2015", a date ISO, one line; empty is ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return " ".join(nfc(str(value)).splitlines())


def formula_problem(cell, formula) -> tuple[str, str] | None:
    """(value shown, message) when a cell cannot be read as a value: a formula without a
    computed value, or an Excel error (#DIV/0!); else None. `cell` is read with data_only."""
    if formula is not None and formula.data_type == "f" and (cell is None or cell.value is None):
        message = _("the cell holds a formula without a computed value: type the value, "
                    "or open the file in Excel, save it and upload it again.")  # fmt: skip
        return str(formula.value)[:80], message
    if cell is not None and cell.data_type == "e":
        return str(cell.value), _("the cell holds an Excel error.")
    return None


@dataclass
class CellProblem:
    row: int  # 1-based
    column: int  # 1-based
    value: str
    message: str


@dataclass
class Grid:
    """The first sheet of a workbook: values (formulas replaced by their computed value),
    merged ranges as (min_row, min_col, max_row, max_col), and unreadable cells."""

    title: str
    rows: list[list] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Caps:
    rows: int
    columns: int
    merged: int

    def check(self, rows: int, columns: int) -> None:
        if rows > self.rows:
            message = _("the sheet has more than %(limit)s rows.") % {"limit": self.rows}
            raise SpreadsheetRefused(message)
        if columns > self.columns:
            message = _("the sheet has more than %(limit)s columns.") % {"limit": self.columns}
            raise SpreadsheetRefused(message)


def _value(value):
    return nfc(value) if isinstance(value, str) else value


# --- .xlsx: a bounded scan, then openpyxl's streaming reader ---------------------------


def _start_tags(source):
    """(tag, attributes) of each start tag, streamed through expat: no tree is built, so
    memory stays flat however many rows or cells the file really has (openpyxl's own parsers
    keep one emptied element per row, so they run only after the caps are checked). A
    document type declaration, which no spreadsheet part has, is refused (entity tricks)."""
    parser = ParserCreate(namespace_separator="}")
    found: list[tuple[str, dict]] = []
    parser.StartElementHandler = lambda tag, attributes: found.append((tag, attributes))

    def doctype(*args):
        raise _unreadable()

    parser.StartDoctypeDeclHandler = doctype
    while chunk := source.read(64 * 1024):
        parser.Parse(chunk, False)
        yield from found
        found.clear()
    parser.Parse(b"", True)
    yield from found


@dataclass
class _Scan:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: bool = False  # any <f>: only then is the sheet read a second time for them


def _scan_sheet(source, caps: Caps) -> _Scan:
    """Check the sheet's declared dimension, its rows and its cells against `caps` while
    streaming, and collect its merged ranges: SpreadsheetRefused at the first row too many."""
    row = column = 0
    scan = _Scan()
    for tag, attributes in _start_tags(source):
        if tag == _CELL:
            reference = attributes.get("r")
            column = _column_of(reference) if reference else column + 1
            caps.check(row, column)
        elif tag == _ROW:
            row, column = int(attributes.get("r") or row + 1), 0
            caps.check(row, 0)
        elif tag == _FORMULA:
            scan.formulas = True
        elif tag == _DIMENSION:
            _min_col, _min_row, max_col, max_row = range_boundaries(attributes.get("ref") or "A1")
            caps.check(max_row or 0, max_col or 0)
        elif tag == _MERGE:
            min_col, min_row, max_col, max_row = range_boundaries(attributes.get("ref") or "")
            scan.merged.append((min_row, min_col, max_row, max_col))
            if len(scan.merged) > caps.merged:
                message = _("the sheet has more than %(limit)s merged ranges.")
                raise SpreadsheetRefused(message % {"limit": caps.merged})
    return scan


def _column_of(reference: str) -> int:
    return column_index_from_string(coordinate_from_string(reference)[0])


def _count_shared_strings(archive: zipfile.ZipFile, limit: int) -> None:
    """Refuse a workbook whose table of texts is too long to hold, before openpyxl reads it."""
    for name in archive.namelist():
        if not name.lower().endswith("sharedstrings.xml"):
            continue
        with archive.open(name) as source:
            count = 0
            for tag, _attributes in _start_tags(source):
                count += tag == _SHARED
                if count > limit:
                    message = _("the workbook holds more than %(limit)s different texts.")
                    raise SpreadsheetRefused(message % {"limit": limit})


class _Streamed(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, without its first pass to find the declared size: the scan
    checked it, and rows are not padded to it."""

    def _get_size(self) -> None:
        self._min_column = self._min_row = 1
        self._max_column = self._max_row = None


def _first_worksheet(handle, data_only: bool, caps: Caps | None):
    """(workbook, first worksheet streamed read-only, scan): only that sheet is opened, after
    its scan against `caps` when given (load_workbook would read every sheet's size first)."""
    reader = ExcelReader(handle, read_only=True, data_only=data_only)
    reader.read_manifest()
    if caps is not None:
        _count_shared_strings(reader.archive, MAX_SHARED_STRINGS)
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for sheet, rel in reader.parser.find_sheets():
        if "chartsheet" in rel.Type or rel.target not in reader.valid_files:
            continue
        scan = _Scan()
        if caps is not None:
            with reader.archive.open(rel.target) as source:
                scan = _scan_sheet(source, caps)
        ws = _Streamed(reader.wb, sheet.name, rel.target, reader.shared_strings)
        return reader.wb, ws, scan
    raise SpreadsheetRefused(_("the workbook has no worksheet."))


def _xlsx_grid(path: Path, caps: Caps) -> Grid:
    with path.open("rb") as values_file, path.open("rb") as formulas_file:
        values_wb, values, scan = _first_worksheet(values_file, True, caps)
        books, formula_rows = [values_wb], iter(())
        try:
            if scan.formulas:  # read again for the formulas, only when the sheet has some
                formulas_wb, formulas, _scan = _first_worksheet(formulas_file, False, None)
                books.append(formulas_wb)
                formula_rows = formulas.iter_rows()
            grid = Grid(nfc(values.title), merged=scan.merged)
            rows = zip_longest(values.iter_rows(), formula_rows, fillvalue=())
            for number, (cells, formula_cells) in enumerate(rows, start=1):
                caps.check(number, max(len(cells), len(formula_cells)))  # the scan's, again
                grid.rows.append([_value(cell.value) for cell in cells])
                for index in range(1, max(len(cells), len(formula_cells)) + 1):
                    cell = cells[index - 1] if index <= len(cells) else None
                    formula = formula_cells[index - 1] if index <= len(formula_cells) else None
                    problem = formula_problem(cell, formula)
                    if problem:
                        grid.problems.append(CellProblem(number, index, *problem))
            return grid
        finally:
            for book in books:
                book.close()


# --- .xls and .ods: calamine, in a child process whose memory is capped -----------------


def _untagged(value):
    if isinstance(value, dict):
        kind, text = next(iter(value.items()))
        parse = {"datetime": datetime.datetime, "date": datetime.date, "time": datetime.time}
        return parse[kind].fromisoformat(text)
    return _value(value)


def _failed_child(done: subprocess.CompletedProcess) -> dict:
    """Why the reader process ended without an answer. Killed by a signal, or stopped by a
    failed allocation (calamine aborts on one), it ran out of its capped memory: the sheet is
    too large. Anything else is the reader's own failure: the file is called unreadable, and
    the error is logged for the administrator rather than blamed on the file's size."""
    if done.returncode < 0 or b"memory allocation" in done.stderr or b"MemoryError" in done.stderr:
        return {"refused": "memory"}
    logger.warning("the spreadsheet reader failed (%s): %s", done.returncode, done.stderr[-500:])
    return {"refused": "unreadable"}


def _calamine_grid(path: Path, caps: Caps) -> Grid:
    """Values only: calamine gives a formula's computed value and cannot tell a formula that
    has none from an empty cell."""
    child = Path(__file__).with_name("calamine_reader.py")
    command = [sys.executable, "-I", str(child), str(path), str(caps.rows), str(caps.columns),
               str(CHILD_MEMORY_BYTES)]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=CHILD_SECONDS, check=False)
        answer = json.loads(done.stdout) if done.returncode == 0 else _failed_child(done)
    except subprocess.TimeoutExpired:
        answer = {"refused": "memory"}  # a rectangle too big to fill within the time
    except ValueError:
        answer = {"refused": "unreadable"}
    refused = answer.get("refused")
    if refused == "rows":
        caps.check(caps.rows + 1, 0)
    if refused == "columns":
        caps.check(0, caps.columns + 1)
    if refused == "memory":
        message = _("the sheet is too large to read: at most %(rows)s rows and %(columns)s "
                    "columns are accepted.")  # fmt: skip
        raise SpreadsheetRefused(message % {"rows": caps.rows, "columns": caps.columns})
    if refused:
        raise _unreadable()
    grid = Grid(nfc(answer["title"]), merged=[tuple(m) for m in answer["merged"]])
    if len(grid.merged) > caps.merged:
        message = _("the sheet has more than %(limit)s merged ranges.")
        raise SpreadsheetRefused(message % {"limit": caps.merged})
    grid.rows = [[_untagged(v) for v in row] for row in answer["rows"]]
    return grid


def read_first_sheet(
    path: Path,
    *,
    max_unpacked: int = MAX_UNCOMPRESSED_BYTES,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> Grid:
    """The first sheet of an .xlsx, .xls or .ods (known by its content) after the zip checks,
    every text in NFC; SpreadsheetRefused if it cannot be read within the caps (an untrusted
    file: whatever a reader trips on is refused)."""
    caps = Caps(max_rows, max_columns, MAX_MERGED)
    kind = kind_of(path, max_unpacked)
    try:
        if kind == XLSX:
            return _xlsx_grid(path, caps)
        return _calamine_grid(path, caps)
    except SpreadsheetRefused:
        raise
    except Exception as error:
        raise _unreadable() from error
