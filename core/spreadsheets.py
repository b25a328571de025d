"""Open an uploaded .xlsx safely: size, zip signature, zip bombs, formulas and cell text."""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what an upload may weigh
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # what its zip may unpack to (zip bombs)
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_ROWS = 100_000  # rows of the sheet read by read_first_sheet


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


def check_zip(path: Path, limit: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse what is not an .xlsx before openpyxl opens it: zip signature and zip bombs
    (the sum of the members' uncompressed sizes over `limit`)."""
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
    return " ".join(str(value).splitlines())


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


def _grid(path: Path, max_rows: int) -> Grid:
    values_wb = load_workbook(path, data_only=True)
    formulas_wb = load_workbook(path, read_only=True, data_only=False)
    try:
        values, formulas = values_wb.worksheets[0], formulas_wb.worksheets[0]
        if values.max_row > max_rows:
            message = _("the sheet has more than %(limit)s rows.") % {"limit": max_rows}
            raise SpreadsheetRefused(message)
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in values.merged_cells]
        grid = Grid(values.title, merged=merged)
        formulas.reset_dimensions()
        rows = zip_longest(values.iter_rows(), formulas.iter_rows(), fillvalue=())
        for number, (cells, formula_cells) in enumerate(rows, start=1):
            grid.rows.append([cell.value for cell in cells])
            for index, formula in enumerate(formula_cells, start=1):
                cell = cells[index - 1] if index <= len(cells) else None
                problem = formula_problem(cell, formula)
                if problem:
                    grid.problems.append(CellProblem(number, index, *problem))
        return grid
    finally:
        values_wb.close()
        formulas_wb.close()


def read_first_sheet(
    path: Path, *, max_unpacked: int = MAX_UNCOMPRESSED_BYTES, max_rows: int = MAX_ROWS
) -> Grid:
    """The workbook's first sheet after the zip checks; SpreadsheetRefused if it cannot be
    read (an untrusted file: whatever openpyxl trips on is refused)."""
    check_zip(path, max_unpacked)
    try:
        return _grid(path, max_rows)
    except SpreadsheetRefused:
        raise
    except Exception as error:
        message = _("the workbook cannot be read: %(error)s") % {"error": error}
        raise SpreadsheetRefused(message) from error
