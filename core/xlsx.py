"""The one xlsx renderer: sheets of title rows, a header and rows, as exporters describe them."""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What spreadsheet programs read as the start of a formula (or of a DDE payload) when a
# cell's text begins with it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # the table's grid, printed
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


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


# --- print-ready sheets ---------------------------------------------------------------------

PORTRAIT, LANDSCAPE = "portrait", "landscape"
# A4 margins, in inches as Excel stores them: 20 mm left, 15 mm right, 15 mm top and bottom,
# the page number 8 mm from the bottom edge.
MARGINS = {"left": 0.79, "right": 0.59, "top": 0.59, "bottom": 0.67, "header": 0.3,
           "footer": 0.3}  # fmt: skip
LINE_HEIGHT = 15.0  # points per line of 11-point text, as LibreOffice and Excel lay it out
# Fixed wording of Vietnamese statistical forms (the signature block under a biểu thống kê):
# administrative formulae printed as offices print them, whatever the user's language.
PREPARER = "Người lập biểu"
HEAD_OF_UNIT = "Thủ trưởng đơn vị"
PREPARER_SIGNS = "(Ký, ghi rõ họ tên)"
HEAD_SIGNS = "(Ký tên, đóng dấu)"
PLACE_AND_DATE = "…, ngày … tháng … năm …"


@dataclass(frozen=True)
class Page:
    """How a table prints: A4 always; its orientation, and fitted `wide` pages wide (0: at
    100 %, as many pages wide as it takes). The exporter chooses per table."""

    orientation: str = PORTRAIT
    wide: int = 1


@dataclass(frozen=True)
class Stamp:
    """What every sheet of a workbook says above its table: the unit issuing it, the year,
    the data it is made of (`data_line`, e.g. `approved_line(day)`), who exported it and
    when, and whether the figures are the demo's synthetic ones."""

    issuer: str
    exported_at: datetime
    exported_by: str
    year: int | None = None
    data_line: str = ""
    demo: bool = False


def approved_line(day: date | datetime | None) -> str:
    """The title block's line on approved figures: the last approval the data shown holds."""
    if day is None:
        return _("No approved figures yet")
    return _("Figures approved up to %(date)s") % {"date": _vn_date(day)}


def register_line(day: date | datetime | None) -> str:
    """The line for figures counted from the register (it is kept up to date, not approved)."""
    if day is None:
        return _("The register holds no persons yet")
    return _("Counted from the register as updated on %(date)s") % {"date": _vn_date(day)}


def stamp_for(request, issuer: str, year: int | None = None, data_line: str = "",
              demo: bool = False) -> Stamp:  # fmt: skip
    """The stamp of an export a user asked for now."""
    user = request.user
    who = (user.get_full_name() or user.get_username()) if user.is_authenticated else ""
    return Stamp(issuer, timezone.now(), who, year, data_line, demo)


def _vn_date(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return day.strftime("%d/%m/%Y")


@dataclass
class Sheet:
    """A table to print: `heading` (its title first, then lines saying what it covers),
    `columns` (header, width in characters), `rows` (a list, or any iterable, read once:
    a big sheet streams). `page` says how it prints; `numbered` adds an STT column
    numbering the rows (a row given as `Unnumbered`, a total, gets none and is bold); `form`
    puts the form's name in the top right corner; `signature` ends it with the signature
    block."""

    title: str
    heading: list[str]  # title rows above the table
    columns: list[tuple[str, int]]  # (header, width in characters)
    rows: Iterable[list] = field(default_factory=list)
    number_formats: Mapping[int, str] = field(default_factory=dict)  # column index -> format
    page: Page = field(default_factory=Page)
    numbered: bool = False
    form: list[str] = field(default_factory=list)
    signature: bool = False


class Unnumbered(list):
    """A row the STT column leaves blank (a total row)."""


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "-", str(text)).strip() or "Sheet"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def wrapped_lines(text: str, width: float, bold: bool = True) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (word wrap,
    as LibreOffice and Excel do), erring on the side of one line too many: bold text is
    wider, hence its margin."""
    room = max(1, int(width * (0.9 if bold else 1.0)) - 1)
    text = str(text)
    if len(text) <= room and "\n" not in text:
        return 1  # most cells: no need to wrap (and a persons list has 100,000 rows)
    return sum(max(1, len(textwrap.wrap(part, room, break_long_words=True)))
               for part in text.split("\n"))  # fmt: skip


def row_height(lines: int, size: float = 11) -> float:
    """Points a row needs to show `lines` lines of `size`-point text (openpyxl never
    measures: without an explicit height a wrapped header shows one line)."""
    return round(lines * LINE_HEIGHT * size / 11 + 3, 1)


def render(sheets: Iterable[Sheet], stamp: Stamp | None = None) -> bytes:
    """The workbook, streamed (write-only, so a sheet of 100,000 persons never sits in
    memory as cells): per sheet, the title block (`stamp`, heading), a bold wrapped header
    repeated on every printed page, frozen panes below it, the rows, the signature block;
    A4 in the sheet's orientation, fitted to its width, page numbers in the footer."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title, taken))
        _write_sheet(ws, sheet, stamp)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _styled(ws, value, *, bold=False, italic=False, size=11, color=None, wrap=False,
            horizontal=None) -> WriteOnlyCell:  # fmt: skip
    cell = write_only_cell(ws, value)
    cell.font = Font(bold=bold, italic=italic, size=size, color=color)
    if wrap or horizontal:
        cell.alignment = Alignment(wrap_text=wrap, horizontal=horizontal, vertical="top")
    return cell


def _title_block(sheet: Sheet, stamp: Stamp | None) -> list[tuple[str, dict]]:
    """The lines above the table, each with its style."""
    heading = [str(line) for line in sheet.heading]
    lines: list[tuple[str, dict]] = []
    if heading:
        lines.append((heading[0], {"bold": True, "size": 13}))
    lines += [(line, {"bold": True}) for line in heading[1:]]
    if stamp is not None:
        if stamp.year is not None:
            lines.append((_("Year %(year)s") % {"year": stamp.year}, {"bold": True}))
        if stamp.data_line:
            lines.append((stamp.data_line, {"italic": True}))
        lines.append((_exported(stamp), {"italic": True}))
        if stamp.demo:
            lines.append((_demo_line(), {"bold": True, "color": "C00000"}))
    return lines


class _Rows:
    """A write-only sheet's rows, counted (openpyxl's streaming sheet does not say where it
    is), with the row heights and merges that must be declared as rows are written."""

    def __init__(self, ws, width: int):
        self.ws, self.width, self.row = ws, width, 0

    def append(self, cells: list, height: float | None = None) -> int:
        self.row += 1
        if height is not None:  # read when the row is written: set before it
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        return self.row

    def merge(self, first: int, last: int) -> None:
        if last > first:
            self.ws.merged_cells.add(
                f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"
            )


def _write_sheet(ws, sheet: Sheet, stamp: Stamp | None) -> None:
    number_column = [(pgettext("row number column", "No."), 5)] if sheet.numbered else []
    columns = number_column + list(sheet.columns)
    width = len(columns)
    total_width = sum(w for _h, w in columns)
    for index, (_header, w) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = w
    rows = _Rows(ws, width)
    # The corner lines of an administrative table: the issuing unit on the left, the form's
    # name on the right; then the title block, a blank row and the header.
    left = [stamp.issuer.upper()] if stamp is not None else []
    corner = max(len(left), len(sheet.form))
    title_block = _title_block(sheet, stamp)
    header_row = corner + len(title_block) + 2
    # A streamed sheet writes its views (the frozen panes) before its first row.
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    _page_setup(ws, sheet.page)
    if corner:
        for i in range(corner):
            cells = [_styled(ws, left[i], bold=True) if i < len(left) else None]
            if i < len(sheet.form) and width > 1:
                cells += [None] * (width - 2)
                cells.append(_styled(ws, sheet.form[i], italic=True, horizontal="right"))
            rows.append(cells)
    for text, style in title_block:
        # A title line spans the table's width, wrapped, so it prints whole at any length.
        lines = wrapped_lines(text, total_width)
        rows.append([_styled(ws, text, wrap=True, horizontal="center", **style)],
                    row_height(lines, style.get("size", 11)))  # fmt: skip
        rows.merge(1, width)
    rows.append([])
    header = []
    for text, _w in columns:
        cell = write_only_cell(ws, str(text))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
        header.append(cell)
    assert rows.row + 1 == header_row
    rows.append(header, row_height(max(wrapped_lines(h, w) for h, w in columns)))
    number = 0
    widths = [w for _h, w in columns]
    # Styling a cell looks its border, alignment and font up in the workbook's tables, which
    # costs more than writing it: each combination is looked up once, then copied.
    styles: dict[tuple, StyleArray] = {}
    for values in sheet.rows:
        total = isinstance(values, Unnumbered)
        cells = list(values)
        if sheet.numbered:
            number += 0 if total else 1
            cells.insert(0, None if total else number)
        out, lines = [], 1
        for col, value in enumerate(cells):
            cell = write_only_cell(ws, value)
            index = col - 1 if sheet.numbered else col
            text = isinstance(value, str)
            if text and col < len(widths):
                # A text wraps inside its column and its row is as tall as its longest
                # text: printed, nothing is cut at the column's edge.
                lines = max(lines, wrapped_lines(value, widths[col], bold=total))
            number_format = (value.number_format if isinstance(value, Formatted)
                             else sheet.number_formats.get(index))  # fmt: skip
            key = (number_format, text, total)
            if key in styles:
                cell._style = copy(styles[key])
            else:
                if number_format is not None:
                    cell.number_format = number_format
                cell.border = BOX
                # Numbers level with the first line of a wrapped text beside them.
                cell.alignment = WRAP_TOP if text else TOP
                if total:
                    cell.font = Font(bold=True)
                styles[key] = copy(cell._style)
            out.append(cell)
        rows.append(out, row_height(lines) if lines > 1 else None)
    if sheet.signature:
        _signature(rows)


def _signature(rows: _Rows) -> None:
    """Người lập biểu on the left, Thủ trưởng đơn vị on the right under the date line, each
    block a third of the table's width (at least one column)."""
    width = rows.width
    span = max(1, width // 3)
    right = width - span + 1 if width > 1 else 1
    rows.append([])
    for left_text, right_text, style in (
        (None, PLACE_AND_DATE, {"italic": True}),
        (PREPARER, HEAD_OF_UNIT, {"bold": True}),
        (PREPARER_SIGNS, HEAD_SIGNS, {"italic": True}),
    ):
        cells = [None] * width
        if left_text and right > 1:
            cells[0] = _styled(rows.ws, left_text, horizontal="center", **style)
        cells[right - 1] = _styled(rows.ws, right_text, horizontal="center", **style)
        rows.append(cells)
        if left_text and right > span:
            rows.merge(1, span)
        rows.merge(right, width)
    for _blank in range(3):  # room to sign
        rows.append([])


def _page_setup(ws, page: Page) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = page.orientation
    if page.wide:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = page.wide
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows take
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_options.horizontalCentered = True
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.center.text = _("Page &P of &N")
        footer.center.size = 9


def print_setup(ws, page: Page, title_rows: str | None = None, stamp: Stamp | None = None):
    """The page set-up of `render`, for a sheet an exporter lays out itself (the import
    templates, whose rows the import reads by number): A4, orientation and fit, the
    `title_rows` ("5:5") on every page, page numbers; and, as its rows hold no title
    block, the stamp in the printed page header (issuing unit, export, demo warning)."""
    _page_setup(ws, page)
    if title_rows:
        ws.print_title_rows = title_rows
    if stamp is not None:
        header = ws.oddHeader
        header.left.text = _header_text(stamp.issuer.upper())
        header.right.text = _header_text(_exported(stamp))
        if stamp.demo:
            header.center.text = _header_text(_demo_line())
            header.center.color = "C00000"
        for part in (header.left, header.center, header.right):
            part.size = 8


def _header_text(text: str) -> str:
    """Text in a page header or footer: "&" starts a code there ("&P"), "&&" prints one."""
    return text.replace("&", "&&")


def _exported(stamp: Stamp) -> str:
    return _("Exported on %(date)s by %(user)s") % {
        "date": timezone.localtime(stamp.exported_at).strftime("%d/%m/%Y %H:%M"),
        "user": stamp.exported_by or "—"}  # fmt: skip


def _demo_line() -> str:
    return _("Illustrative figures (demo data), not official")


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
