"""The one xlsx renderer: sheets of title rows, a header and rows, as exporters describe them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook, load_workbook
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


@dataclass(frozen=True)
class Formatted:
    """A number with its display format: exporters give these, `write_cell` writes both."""

    value: float | int | None
    number_format: str


def number(value, decimals: int | None = None, label: str = "") -> Formatted:
    """A figure as a number cell shown the Vietnamese way by the reader's locale ("1.234,5"):
    `decimals` fixed, or as many as it has (up to 4); `label` ("người") shown after it."""
    if value is None:
        return Formatted(None, "General")
    exact = Decimal(str(value))
    if decimals is None:
        decimals = min(4, max(0, -exact.normalize().as_tuple().exponent))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return Formatted(_plain(exact), pattern + _literal(label))


def percent(value, decimals: int = 1, prefix: str = "") -> Formatted:
    """A percentage given as 95.5 (per hundred), written as the fraction 0.955 with a percent
    format, so the cell is a number that shows "95,5%"; `prefix` ("≥ ") shown before it."""
    if value is None:
        return Formatted(None, "General")
    fraction = Decimal(str(value)) / 100
    pattern = "0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return Formatted(float(fraction), _literal(prefix) + pattern)


def _plain(exact: Decimal):
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _literal(text: str) -> str:
    """Text shown inside a number format: quoted, its own quotes dropped (they would end it)."""
    text = text.replace('"', "").replace("\\", "")
    if not text:
        return ""
    return f'"{text}"' if text.startswith(("≥", "≤", ">", "<", "=")) else f' "{text}"'


def write_cell(ws, row: int, column: int, value):
    """ws.cell(row, column, value) through `inert`: a hostile text stays a string cell; a
    Formatted number gets its format."""
    if isinstance(value, Formatted):
        cell = ws.cell(row=row, column=column, value=value.value)
        cell.number_format = value.number_format
        return cell
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
    if isinstance(value, Formatted):
        cell = WriteOnlyCell(ws, value=value.value)
        cell.number_format = value.number_format
        return cell
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
                if col - 1 in sheet.number_formats and not isinstance(value, Formatted):
                    cell.number_format = sheet.number_formats[col - 1]
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def formula_cells(content: bytes) -> list[str]:
    """Where a workbook holds a formula, as "sheet!A1" (openpyxl's view) or "part.xml" (a raw
    <f> element in the XML): empty for an inert workbook. For tests of every exporter."""
    found = []
    book = load_workbook(io.BytesIO(content))
    for ws in book.worksheets:
        found += [f"{ws.title}!{c.coordinate}" for row in ws.iter_rows() for c in row
                  if c.data_type == "f"]  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") and re.search(rb"<(\w+:)?f[ >/]", archive.read(name)):
                found.append(name)
    return found
