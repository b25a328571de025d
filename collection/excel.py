"""A round's data set as an .xlsx template: a header naming the round and the data set, a
hidden row of column keys, one row per unit pre-filled, and a sheet of instructions
(collection.excel_import reads it back)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.text import fold
from core.xlsx import LANDSCAPE, Page, Stamp, print_setup, row_height, wrapped_lines, write_cell

from .forms_spec import Cell, cells_of
from .models import DataSet, Entry, ReportingRound, Submission
from .validation import Key

UNIT_KEY, NAME_KEY = "unit_code", "unit_name"
ROUND_ROW, DATA_SET_ROW = 2, 3  # their column B names the round and the data set by code
LABEL_ROW, KEY_ROW = 5, 6  # the header row and the hidden row of machine keys
FIRST_DATA_COLUMN = 3
LAST_ROW = 5000
PAGE_WIDTH = 250  # characters of column width a landscape A4 page shows still legible
FILL = PatternFill("solid", fgColor="DDEBF7")
# Typed in a cell, it clears the saved figure; a blank cell changes nothing. Read through
# core.text.fold, so "XÓA", "Xoá" and "xoa" are the marker too.
CLEAR_MARKER = "xóa"


def key_text(key: Key) -> str:
    return "|".join(key)


def number_text(value: Decimal) -> str:
    """A number as a Vietnamese user types it (decimal comma, no grouping): parse_number reads
    it back exactly."""
    return format(value, "f").replace(".", ",")


# --- Template ---


def _header_block(ws, round_: ReportingRound, data_set: DataSet) -> None:
    write_cell(ws, 1, 1, round_.name).font = Font(bold=True, size=13)
    period = _("Period: %(period)s") % {"period": round_.period}
    for row, (label, code, name) in {
        ROUND_ROW: (_("Round code"), round_.code, period),
        DATA_SET_ROW: (_("Data set code"), data_set.code, data_set.name),
    }.items():
        for column, text in enumerate((label, code, name), start=1):
            write_cell(ws, row, column, text)
    rules = _(
        "Fill in the white cells only; one row per unit. Do not change rows 1 to 6. A blank "
        "cell changes nothing; type “%(marker)s” to clear a figure (sheet “%(sheet)s”)."
    )
    write_cell(ws, 4, 1, rules % {"marker": CLEAR_MARKER, "sheet": _("Instructions")})
    ws["A4"].font = Font(italic=True)


def _header_rows(ws, cells: list[Cell]) -> None:
    labels = [_("Unit code"), _("Unit")] + [c.field.label for c in cells]
    keys = [UNIT_KEY, NAME_KEY] + [key_text(c.key) for c in cells]
    for column, (label, key) in enumerate(zip(labels, keys, strict=True), start=1):
        cell = write_cell(ws, LABEL_ROW, column, label)
        cell.font, cell.fill = Font(bold=True), FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        write_cell(ws, KEY_ROW, column, key)
        width = 14 if column == 1 else 32 if column == 2 else 20
        ws.column_dimensions[get_column_letter(column)].width = width
    # Tall enough for the longest label's wrapped lines (no reader measures it itself).
    lines = max(wrapped_lines(label, 14 if i == 0 else 32 if i == 1 else 20)
                for i, label in enumerate(labels))  # fmt: skip
    ws.row_dimensions[LABEL_ROW].height = max(45, row_height(lines))
    ws.row_dimensions[KEY_ROW].hidden = True


def _validations(ws, cells: list[Cell], last_row: int) -> None:
    """Excel refuses what the import would refuse: a number (whole for a count), 0 or more, or
    the clear marker. One rule per column, as its formula points at the column's first cell."""
    for index, cell in enumerate(cells, start=FIRST_DATA_COLUMN):
        top = f"{get_column_letter(index)}{KEY_ROW + 1}"
        number = f"AND({top}>=0,{top}=INT({top}))" if cell.field.whole else f"{top}>=0"
        marker = f'OR({top}="{CLEAR_MARKER}",{top}="{fold(CLEAR_MARKER)}")'
        rule = DataValidation(
            type="custom",
            formula1=f"IF(ISNUMBER({top}),{number},{marker})",
            allow_blank=True,
            showErrorMessage=True,
        )
        rule.error = (
            _("Type a whole number, 0 or more, or “%(marker)s” to clear the figure.")
            if cell.field.whole
            else _("Type a number, 0 or more, or “%(marker)s” to clear the figure.")
        ) % {"marker": CLEAR_MARKER}
        rule.add(f"{top}:{get_column_letter(index)}{last_row}")
        ws.add_data_validation(rule)


def _instructions(wb: Workbook) -> None:
    """A second sheet that says, in the user's language, how the import reads the first."""
    ws = wb.create_sheet(_("Instructions")[:31])
    ws.column_dimensions["A"].width = 110
    lines = [
        _("How to fill in this template"),
        _(
            "1. One row per unit. Do not change rows 1 to 6, the unit codes or the column order "
            "of the first sheet: the import reads the round, the data set and each column from "
            "them."
        ),
        _(
            "2. A blank cell changes nothing: the figure already saved for the unit stays as it "
            "is. A row left entirely blank changes nothing for that unit."
        ),
        _(
            "3. To clear a saved figure, type “%(marker)s” in its cell (upper or lower case, with "
            "or without accents)."
        )
        % {"marker": CLEAR_MARKER},
        _(
            "4. Numbers: whole numbers for counts; a comma before decimals (99,5); thousands may "
            "be separated by dots (1.234). No formulas without a computed value, no merged "
            "cells."
        ),
        _(
            "5. After the upload, the page shows for each unit the figures added, changed and "
            "cleared. Nothing is saved until you confirm; then the forms are saved as drafts."
        ),
        _(
            "6. If someone changes one of these forms after your preview, the import is refused "
            "and nothing is saved: upload the file again to see the current figures."
        ),
    ]
    for row, line in enumerate(lines, start=1):
        cell = write_cell(ws, row, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=13)


def entries_by_submission(submissions: list[Submission]) -> dict[int, dict[Key, Decimal]]:
    rows = Entry.objects.filter(submission__in=submissions).values_list(
        "submission_id", "element__code", "sex", "age_band", "value"
    )
    values: dict[int, dict[Key, Decimal]] = {}
    for submission_id, code, sex, band, value in rows:
        values.setdefault(submission_id, {})[(code, sex, band)] = value
    return values


def _value(value: Decimal | None, whole: bool):
    if value is None:
        return None
    return int(value) if whole and value == value.to_integral_value() else value


def _print(ws, cells: list[Cell], stamp: Stamp | None) -> None:
    """A4 landscape with the header row and the units' columns on every page, as many pages
    wide as keeps the figures legible; the stamp in the page header (the rows the import
    reads by number stay where they are)."""
    width = 14 + 32 + 20 * len(cells)
    print_setup(ws, Page(LANDSCAPE, -(-width // PAGE_WIDTH)), f"{LABEL_ROW}:{LABEL_ROW}", stamp)
    ws.print_title_cols = "A:B"


def write_template(round_, data_set, submissions: list[Submission], output,
                   stamp: Stamp | None = None) -> None:  # fmt: skip
    """The data set's form for the submissions' units, pre-filled with their entries;
    `stamp` says in the printed page header who exported it, when."""
    cells = cells_of(data_set)
    wb = Workbook()
    ws = wb.active
    ws.title = data_set.code[:31]
    _header_block(ws, round_, data_set)
    _header_rows(ws, cells)
    values = entries_by_submission(submissions)
    for number, submission in enumerate(submissions, start=KEY_ROW + 1):
        write_cell(ws, number, 1, submission.unit.code)
        write_cell(ws, number, 2, submission.unit.name)
        entered = values.get(submission.pk, {})
        for column, cell in enumerate(cells, start=FIRST_DATA_COLUMN):
            target = ws.cell(number, column, _value(entered.get(cell.key), cell.field.whole))
            target.protection = Protection(locked=False)
            if cell.field.whole:
                target.number_format = "#,##0"  # 1.234 in a Vietnamese spreadsheet
    last_row = max(LAST_ROW, KEY_ROW + len(submissions))
    _validations(ws, cells, last_row)
    ws.freeze_panes = ws.cell(KEY_ROW + 1, FIRST_DATA_COLUMN)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may still change
    _print(ws, cells, stamp)
    _instructions(wb)
    print_setup(wb[_("Instructions")[:31]], Page(), stamp=stamp)
    wb.save(output)
