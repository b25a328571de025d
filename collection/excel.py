"""A round's data set as an .xlsx template, and a filled template imported all or nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import spreadsheets
from core.access import can
from core.numbers import NotANumber, parse_number

from . import services
from .forms_spec import Cell, FormSpec, cells_of, form_spec
from .models import DataSet, Entry, ReportingRound, Submission
from .validation import Key

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a district's template weighs a few dozen kB
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
UNIT_KEY, NAME_KEY = "unit_code", "unit_name"
LABEL_ROW, KEY_ROW = 5, 6  # the header row and the hidden row of machine keys
FIRST_DATA_COLUMN = 3
LAST_ROW = 5000
MAX_ROWS = 20_000  # far more than the units of a district
FILL = PatternFill("solid", fgColor="DDEBF7")


def key_text(key: Key) -> str:
    return "|".join(key)


def number_text(value: Decimal) -> str:
    """A number as a Vietnamese user types it (decimal comma, no grouping): parse_number reads
    it back exactly."""
    return format(value, "f").replace(".", ",")


# --- Template ---


def _header_block(ws, round_: ReportingRound, data_set: DataSet) -> None:
    ws["A1"] = round_.name
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = _("Period"), str(round_.period)
    ws["A3"], ws["B3"] = _("Data set"), f"{data_set.name} ({data_set.code})"
    ws["A4"] = _("Fill in the white cells only; one row per unit. Do not change rows 1 to 6.")
    ws["A4"].font = Font(italic=True)


def _header_rows(ws, cells: list[Cell]) -> None:
    labels = [_("Unit code"), _("Unit")] + [c.field.label for c in cells]
    keys = [UNIT_KEY, NAME_KEY] + [key_text(c.key) for c in cells]
    for column, (label, key) in enumerate(zip(labels, keys, strict=True), start=1):
        cell = ws.cell(LABEL_ROW, column, label)
        cell.font, cell.fill = Font(bold=True), FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(KEY_ROW, column, key)
        width = 14 if column == 1 else 32 if column == 2 else 20
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[LABEL_ROW].height = 75
    ws.row_dimensions[KEY_ROW].hidden = True


def _validations(ws, cells: list[Cell], last_row: int) -> None:
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                           allow_blank=True, showErrorMessage=True)  # fmt: skip
    whole.error = _("Type a whole number, 0 or more.")
    decimal = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                             allow_blank=True, showErrorMessage=True)  # fmt: skip
    decimal.error = _("Type a number, 0 or more.")
    for index, cell in enumerate(cells, start=FIRST_DATA_COLUMN):
        letter = get_column_letter(index)
        (whole if cell.field.whole else decimal).add(f"{letter}{KEY_ROW + 1}:{letter}{last_row}")
    ws.add_data_validation(whole)
    ws.add_data_validation(decimal)


def _entries_by_submission(submissions: list[Submission]) -> dict[int, dict[Key, Decimal]]:
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


def write_template(round_, data_set, submissions: list[Submission], output) -> None:
    """The data set's form for the submissions' units, pre-filled with their entries."""
    cells = cells_of(data_set)
    wb = Workbook()
    ws = wb.active
    ws.title = data_set.code[:31]
    _header_block(ws, round_, data_set)
    _header_rows(ws, cells)
    values = _entries_by_submission(submissions)
    for number, submission in enumerate(submissions, start=KEY_ROW + 1):
        ws.cell(number, 1, submission.unit.code)
        ws.cell(number, 2, submission.unit.name)
        entered = values.get(submission.pk, {})
        for column, cell in enumerate(cells, start=FIRST_DATA_COLUMN):
            target = ws.cell(number, column, _value(entered.get(cell.key), cell.field.whole))
            target.protection = Protection(locked=False)
    last_row = max(LAST_ROW, KEY_ROW + len(submissions))
    _validations(ws, cells, last_row)
    ws.freeze_panes = ws.cell(KEY_ROW + 1, FIRST_DATA_COLUMN)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may still change
    wb.save(output)


# --- Import ---


@dataclass(frozen=True, order=True)
class RowError:
    """One reason the file was refused: where, what was there, what was expected."""

    sheet: str
    row: int
    column: str
    value: str
    expected: str


class ImportRefused(Exception):
    """The file was not imported; `errors` lists every problem. Nothing was written."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(e.expected for e in self.errors))


@dataclass
class ImportResult:
    results: list[services.SaveResult] = field(default_factory=list)
    unchanged: int = 0  # unit rows that changed nothing

    @property
    def units(self) -> list[str]:
        return [r.submission.unit.code for r in self.results]

    @property
    def with_problems(self) -> int:
        return sum(1 for r in self.results if r.problems)


@dataclass
class _Parse:
    sheet: str
    errors: list[RowError] = field(default_factory=list)
    columns: dict[int, Cell] = field(default_factory=dict)  # 0-based column -> its cell
    rows: dict[int, tuple[Submission, dict[Key, str]]] = field(default_factory=dict)
    current: dict[int, dict[Key, Decimal]] = field(default_factory=dict)  # by submission
    units: int = 0  # unit rows read, changed or not

    def add(self, row: int, column: int | None, value, expected: str) -> None:
        label = ""
        if column is not None:
            cell = self.columns.get(column)
            letter = get_column_letter(column + 1)
            label = f"{letter} ({cell.field.label})" if cell else letter
        text = spreadsheets.cell_text(value)[:80]
        self.errors.append(RowError(self.sheet, row, label, text, expected))


def _refused_file(name: str, message: str) -> ImportRefused:
    return ImportRefused([RowError(name, 0, "", "", message)])


def _map_columns(parse: _Parse, keys: list, cells: list[Cell]) -> None:
    """Map columns by the hidden key row: unknown and missing keys are errors."""
    by_key = {key_text(c.key): c for c in cells}
    seen: set[str] = set()
    texts = [spreadsheets.cell_text(k).strip() for k in keys]
    if UNIT_KEY not in texts:
        parse.add(KEY_ROW, None, "", _("the hidden row %(row)s must hold the key “%(key)s” "
                                        "of the unit code column: download the template "
                                        "again.") % {"row": KEY_ROW, "key": UNIT_KEY})  # fmt: skip
    for index, text in enumerate(texts):
        if not text or text in (UNIT_KEY, NAME_KEY):
            continue
        if text not in by_key or text in seen:
            parse.add(KEY_ROW, index, text, _("a key column of this data set, once"))
            continue
        seen.add(text)
        parse.columns[index] = by_key[text]
    for key, cell in by_key.items():
        if key not in seen:
            message = _("the column “%(label)s” (key %(key)s) is missing.")
            parse.add(KEY_ROW, None, "", message % {"label": cell.field.label, "key": key})


def _read_value(parse: _Parse, row: int, column: int, value, cell: Cell) -> str | None:
    """The cell as text for save_entries, or None after recording an error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    try:
        if isinstance(value, bool):
            raise NotANumber(str(value))
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            number = parse_number(str(value))
    except (NotANumber, ArithmeticError):
        expected = _("a number, such as 1.234 or 99,5")
        parse.add(row, column, value, expected)
        return None
    if number < 0 or (cell.field.whole and number != number.to_integral_value()):
        expected = _("a whole number, 0 or more") if cell.field.whole else _("0 or more")
        parse.add(row, column, value, expected)
        return None
    return number_text(number)


def _unit_problem(submission: Submission | None, actor) -> str:
    if submission is None:
        return _("a unit that owes this data set in this round")
    if not can(actor, "enter_data", submission.unit):
        return _("a unit within your scope")
    return ""


def _changes(parse: _Parse, submission: Submission, typed: dict[Key, str]) -> bool:
    """Whether the row changes the unit's current entries."""
    current = parse.current.get(submission.pk, {})
    return any(parse_number(text) != current.get(key) for key, text in typed.items())


def _read_row(parse: _Parse, number: int, cells: list, owed: dict, actor, first: dict) -> None:
    code = spreadsheets.cell_text(cells[0] if cells else None).strip()
    unit_column = 0
    if not code:
        parse.add(number, unit_column, "", _("the code of a unit"))
        return
    submission = owed.get(code)
    problem = _unit_problem(submission, actor)
    if problem:
        parse.add(number, unit_column, code, problem)
        return
    if code in first:
        expected = _("one row per unit (this unit is already on row %(row)s)")
        parse.add(number, unit_column, code, expected % {"row": first[code]})
        return
    first[code] = number
    parse.units += 1
    typed, readable = {}, True
    for index, cell in parse.columns.items():
        value = cells[index] if index < len(cells) else None
        text = _read_value(parse, number, index, value, cell)
        if text is None:
            readable = False
        else:
            typed[cell.key] = text
    if not readable or not _changes(parse, submission, typed):
        return  # an unchanged row is left alone, even on a locked form
    if submission.status not in services.EDITABLE:
        expected = _("a form that can still be changed (this one is %(status)s)")
        parse.add(number, 0, code, expected % {"status": submission.get_status_display()})
        return
    parse.rows[number] = (submission, typed)


def _is_empty(cells: list) -> bool:
    return all(not spreadsheets.cell_text(v).strip() for v in cells)


def _check_grid(parse: _Parse, grid: spreadsheets.Grid) -> None:
    for problem in grid.problems:
        if problem.row > KEY_ROW:
            parse.add(problem.row, problem.column - 1, problem.value, problem.message)
    for min_row, min_col, max_row, _max_col in grid.merged:
        if max_row > KEY_ROW:
            value = grid.rows[min_row - 1][min_col - 1] if min_row <= len(grid.rows) else ""
            expected = _("cells that are not merged")
            parse.add(max(min_row, KEY_ROW + 1), min_col - 1, value, expected)


def parse_grid(grid: spreadsheets.Grid, round_, data_set, actor) -> _Parse:
    """Every row of the sheet checked; `rows` holds what to save, `errors` why not."""
    parse = _Parse(grid.title)
    cells = cells_of(data_set)
    keys = grid.rows[KEY_ROW - 1] if len(grid.rows) >= KEY_ROW else []
    _map_columns(parse, keys, cells)
    if parse.errors:
        return parse
    _check_grid(parse, grid)
    owed = {
        s.unit.code: s for s in round_.submissions.filter(data_set=data_set).select_related("unit")
    }
    parse.current = _entries_by_submission(list(owed.values()))
    first: dict[str, int] = {}
    for number, row in enumerate(grid.rows[KEY_ROW:], start=KEY_ROW + 1):
        if not _is_empty(row):
            _read_row(parse, number, row, owed, actor, first)
    return parse


class _Rollback(Exception):
    pass


def _save_all(parse: _Parse, actor) -> ImportResult:
    result = ImportResult()
    specs: dict[int, FormSpec] = {}  # the data set's cells and rules, read once per file
    try:
        with transaction.atomic():
            for number, (submission, typed) in sorted(parse.rows.items()):
                if submission.data_set_id not in specs:
                    specs[submission.data_set_id] = form_spec(submission.data_set)
                spec = specs[submission.data_set_id]
                try:
                    saved = services.save_entries(submission, typed, actor=actor, spec=spec)
                    result.results.append(saved)
                except services.SubmissionRefused as refused:
                    parse.add(number, 0, submission.unit.code, str(refused))
            if parse.errors:
                raise _Rollback
    except _Rollback:
        raise ImportRefused(parse.errors) from None
    return result


def import_template(upload, round_: ReportingRound, data_set: DataSet, *, actor) -> ImportResult:
    """Save a filled template's rows as drafts, all or nothing; ImportRefused says why not."""
    name = Path(upload.name or "upload.xlsx").name
    try:
        spreadsheets.check_size(upload.size, MAX_UPLOAD_BYTES)
        with tempfile.TemporaryDirectory() as folder:
            path = spreadsheets.save_upload(upload, Path(folder) / "upload.xlsx")
            grid = spreadsheets.read_first_sheet(
                path, max_unpacked=MAX_UNCOMPRESSED_BYTES, max_rows=MAX_ROWS
            )
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused_file(name, refused.message) from refused
    parse = parse_grid(grid, round_, data_set, actor)
    if parse.errors:
        raise ImportRefused(parse.errors)
    if not parse.units:
        raise _refused_file(name, _("the file holds no unit row to import."))
    result = _save_all(parse, actor)
    result.unchanged = parse.units - len(result.results)
    return result
