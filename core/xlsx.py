"""The one xlsx renderer: sheets of title rows, a header and rows, as exporters describe them."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            ws.cell(row=i, column=1, value=line).font = Font(bold=True, size=13 if i == 1 else 11)
        header_row = len(sheet.heading) + 2
        for col, (header, width) in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=header_row, column=col, value=str(header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[cell.column_letter].width = width
        for r, values in enumerate(sheet.rows, start=header_row + 1):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                if col - 1 in sheet.number_formats:
                    cell.number_format = sheet.number_formats[col - 1]
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
