"""The one xlsx renderer: sheets of title rows, a header and rows, as exporters describe them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What spreadsheet programs read as the start of a formula (or of a DDE payload) when a
# cell's text begins with it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A value safe to write into a cell: text that a spreadsheet could run as a formula
    ("=HYPERLINK(…)", "+1", "@SUM") is stored as a string cell, never a formula; numbers,
    dates and None pass unchanged. Every exporter writes cells through this."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return _TextCell(value)
    return value


class _TextCell(str):
    """A string openpyxl must store as text: see `write_cell`."""


def write_cell(ws, row: int, column: int, value):
    """ws.cell(row, column, value) through `inert`: a hostile text stays a string cell."""
    value = inert(value)
    cell = ws.cell(row=row, column=column)
    if isinstance(value, _TextCell):
        cell.value = str(value)
        cell.data_type = "s"  # openpyxl would otherwise mark "=…" as a formula ("f")
    else:
        cell.value = value
    return cell


def write_only_cell(ws, value) -> WriteOnlyCell:
    """A cell for a write-only sheet (big exports), through `inert` like `write_cell`."""
    value = inert(value)
    cell = WriteOnlyCell(ws, value=str(value) if isinstance(value, _TextCell) else value)
    if isinstance(value, _TextCell):
        cell.data_type = "s"
    return cell


@dataclass
class Sheet:
    title: str
    heading: list[str]  # title rows above the table
    columns: list[tuple[str, int]]  # (header, width in characters)
    rows: list[list] = field(default_factory=list)
    number_formats: Mapping[int, str] = field(default_factory=dict)  # column index -> format


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "-", str(text)).strip() or "Sheet"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def render(sheets: Iterable[Sheet]) -> bytes:
    """The workbook: title rows, a bold wrapped header, frozen panes below it, column widths."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title, taken))
        for i, line in enumerate(sheet.heading, start=1):
            write_cell(ws, i, 1, line).font = Font(bold=True, size=13 if i == 1 else 11)
        header_row = len(sheet.heading) + 2
        for col, (header, width) in enumerate(sheet.columns, start=1):
            cell = write_cell(ws, header_row, col, str(header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[cell.column_letter].width = width
        for r, values in enumerate(sheet.rows, start=header_row + 1):
            for col, value in enumerate(values, start=1):
                cell = write_cell(ws, r, col, value)
                if col - 1 in sheet.number_formats:
                    cell.number_format = sheet.number_formats[col - 1]
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
