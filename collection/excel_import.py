"""A filled template read into a preview of what it changes, unit by unit, and the previewed
changes written all or nothing once the user confirms. A blank cell changes nothing; the clear
marker clears a figure; the file names its own round and data set (collection.excel)."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core import spreadsheets
from core.numbers import NotANumber, parse_number
from core.text import fold
from units.access import can

from . import services
from .excel import (
    CLEAR_MARKER,
    DATA_SET_ROW,
    KEY_ROW,
    NAME_KEY,
    ROUND_ROW,
    UNIT_KEY,
    entries_by_submission,
    key_text,
    number_text,
)
from .forms_spec import Cell, FormSpec, cells_of, form_spec
from .models import DataSet, ReportingRound, Submission
from .validation import Key, expected_of

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a district's template weighs a few dozen kB
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # far more than the units of a district


@dataclass(frozen=True, order=True)
class RowError:
    """One reason the file was refused: where, what was there, what was expected."""

    sheet: str
    row: int
    column: str
    value: str
    expected: str


class ImportRefused(Exception):
    """The file was not imported; `errors` lists every problem. Nothing was written. `stale`:
    forms changed between the preview and the confirmation."""

    def __init__(self, errors: Iterable[RowError], *, stale: bool = False) -> None:
        self.errors = sorted(errors)
        self.stale = stale
        super().__init__("\n".join(e.expected for e in self.errors))


ADDED, CHANGED, CLEARED = "added", "changed", "cleared"


@dataclass(frozen=True)
class Change:
    """One figure the file changes: blank → value (added), old → new, or value → cleared."""

    key: Key
    label: str
    old: Decimal | None
    new: Decimal | None

    @property
    def kind(self) -> str:
        return ADDED if self.old is None else CLEARED if self.new is None else CHANGED


@dataclass
class UnitChanges:
    submission: Submission
    row: int
    changes: list[Change]
    problems: list = field(default_factory=list)  # the form's rule problems after the import

    def _of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[Change]:
        return self._of(ADDED)

    @property
    def changed(self) -> list[Change]:
        return self._of(CHANGED)

    @property
    def cleared(self) -> list[Change]:
        return self._of(CLEARED)

    def typed(self) -> dict[Key, str]:
        """The changes as save_entries takes them: "" clears a figure."""
        return {c.key: "" if c.new is None else number_text(c.new) for c in self.changes}


@dataclass
class Preview:
    """What confirming the file would write: the units it changes and those it leaves alone."""

    sheet: str
    data_set: DataSet
    units: list[UnitChanges] = field(default_factory=list)
    unchanged: list[Submission] = field(default_factory=list)

    @property
    def with_problems(self) -> int:
        return sum(1 for u in self.units if u.problems)

    @property
    def versions(self) -> dict[str, int]:
        """The version of each form to change, as the preview saw it (session keys are text)."""
        return {str(u.submission.pk): u.submission.version for u in self.units}

    @property
    def digest(self) -> str:
        """A fingerprint of every change and the form versions it starts from."""
        lines = sorted(
            (u.submission.pk, u.submission.version, key_text(c.key), str(c.old), str(c.new))
            for u in self.units
            for c in u.changes
        )
        return hashlib.sha256(json.dumps(lines).encode()).hexdigest()


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


_BLANK, _INVALID = object(), object()  # a cell that changes nothing; a cell refused


@dataclass
class _Parse:
    sheet: str
    errors: list[RowError] = field(default_factory=list)
    columns: dict[int, Cell] = field(default_factory=dict)  # 0-based column -> its cell
    current: dict[int, dict[Key, Decimal]] = field(default_factory=dict)  # by submission
    units: list[UnitChanges] = field(default_factory=list)
    unchanged: list[Submission] = field(default_factory=list)

    def add(self, row: int, column: int | None, value, expected: str) -> None:
        label = ""
        if column is not None:
            cell = self.columns.get(column)
            letter = get_column_letter(column + 1)
            label = f"{letter} ({cell.field.label})" if cell else letter
        text = spreadsheets.cell_text(value)[:80]
        self.errors.append(RowError(self.sheet, row, label, text, expected))


def _refused_file(name: str, message: str, *, stale: bool = False) -> ImportRefused:
    return ImportRefused([RowError(name, 0, "", "", message)], stale=stale)


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


def _read_value(parse: _Parse, row: int, column: int, value, cell: Cell):
    """The cell's number; None for the clear marker; _BLANK for no change; _INVALID after
    recording an error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _BLANK
    if isinstance(value, str) and fold(value) == fold(CLEAR_MARKER):
        return None
    try:
        if isinstance(value, bool):
            raise NotANumber(str(value))
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            number = parse_number(str(value))
    except (NotANumber, ArithmeticError):
        expected = _("a number, such as 1.234 or 99,5, or “%(marker)s” to clear the figure")
        parse.add(row, column, value, expected % {"marker": CLEAR_MARKER})
        return _INVALID
    problem = expected_of(cell.field, number)  # the same limits as the form and the API
    if problem:
        parse.add(row, column, value, problem)
        return _INVALID
    return number


def _unit_problem(submission: Submission | None, actor) -> str:
    if submission is None:
        return _("a unit that owes this data set in this round")
    if not can(actor, "enter_data", submission.unit):
        return _("a unit within your scope")
    return ""


def _read_changes(parse: _Parse, number: int, cells: list, submission) -> list[Change] | None:
    """The row's changes to the unit's saved figures, or None when a cell was refused."""
    current = parse.current.get(submission.pk, {})
    changes, readable = [], True
    for index, cell in parse.columns.items():
        value = cells[index] if index < len(cells) else None
        read = _read_value(parse, number, index, value, cell)
        if read is _INVALID:
            readable = False
        elif read is not _BLANK and read != current.get(cell.key):
            changes.append(Change(cell.key, cell.field.label, current.get(cell.key), read))
    return changes if readable else None


def _read_row(parse: _Parse, number: int, cells: list, owed: dict, actor, first: dict) -> None:
    code = spreadsheets.cell_text(cells[0] if cells else None).strip()
    if not code:
        parse.add(number, 0, "", _("the code of a unit"))
        return
    submission = owed.get(code)
    problem = _unit_problem(submission, actor)
    if problem:
        parse.add(number, 0, code, problem)
        return
    if code in first:
        expected = _("one row per unit (this unit is already on row %(row)s)")
        parse.add(number, 0, code, expected % {"row": first[code]})
        return
    first[code] = number
    changes = _read_changes(parse, number, cells, submission)
    if changes is None:
        return
    if not changes:
        parse.unchanged.append(submission)  # left alone, even on a locked form
        return
    if submission.status not in services.EDITABLE:
        expected = _("a form that can still be changed (this one is %(status)s)")
        parse.add(number, 0, code, expected % {"status": submission.get_status_display()})
        return
    parse.units.append(UnitChanges(submission, number, changes))


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


def _header_cell(grid: spreadsheets.Grid, row: int) -> str:
    cells = grid.rows[row - 1] if len(grid.rows) >= row else []
    return spreadsheets.cell_text(cells[1] if len(cells) > 1 else None).strip()


def _check_round(grid: spreadsheets.Grid, round_: ReportingRound) -> None:
    """The file names this round by its code (an older template wrote its period there)."""
    named = _header_cell(grid, ROUND_ROW)
    if named and named not in (round_.code, str(round_.period)):
        message = _(
            "this file is the template of round “%(named)s”, not of this round "
            "(%(code)s): download this round's template."
        )
        message %= {"named": named, "code": round_.code}
        raise ImportRefused([RowError(grid.title, ROUND_ROW, "B", named, message)])


def named_data_set(grid: spreadsheets.Grid, data_sets: list[DataSet], fallback: str = ""):
    """The data set the file names in its header (B3: its code; an older template wrote
    "name (code)"), among those the user's units owe; without one, `fallback` or the only one."""
    named = _header_cell(grid, DATA_SET_ROW)
    match = re.search(r"\(([^()]+)\)\s*$", named)
    code = named if DataSet.objects.filter(code=named).exists() or not match else match[1]
    if not code:
        code = fallback or (data_sets[0].code if len(data_sets) == 1 else "")
        if not code:
            message = _(
                "the file does not name its data set (cell B%(row)s): choose it below, "
                "or download the template again."
            )
            raise _refused_file(grid.title, message % {"row": DATA_SET_ROW})
    for data_set in data_sets:
        if data_set.code == code:
            return data_set
    known = DataSet.objects.filter(code=code).exists()
    message = (
        _("no unit of your scope owes the data set “%(code)s” in this round.")
        if known
        else _("the file names the data set “%(code)s”, which does not exist.")
    )
    raise ImportRefused([RowError(grid.title, DATA_SET_ROW, "B", named, message % {"code": code})])


def preview(
    grid: spreadsheets.Grid, round_, data_sets: list[DataSet], *, actor, fallback: str = ""
) -> Preview:
    """Every row of the sheet checked against the saved figures; ImportRefused lists every
    problem. Reads only: nothing is written."""
    _check_round(grid, round_)
    data_set = named_data_set(grid, data_sets, fallback)
    parse = _Parse(grid.title)
    keys = grid.rows[KEY_ROW - 1] if len(grid.rows) >= KEY_ROW else []
    _map_columns(parse, keys, cells_of(data_set))
    if parse.errors:
        raise ImportRefused(parse.errors)
    _check_grid(parse, grid)
    owed = {
        s.unit.code: s
        for s in round_.submissions.filter(data_set=data_set).select_related("unit", "round")
    }
    parse.current = entries_by_submission(list(owed.values()))
    first: dict[str, int] = {}
    for number, row in enumerate(grid.rows[KEY_ROW:], start=KEY_ROW + 1):
        if not _is_empty(row):
            _read_row(parse, number, row, owed, actor, first)
    if parse.errors:
        raise ImportRefused(parse.errors)
    if not first:
        raise _refused_file(grid.title, _("the file holds no unit row to import."))
    _check_rules(parse, data_set)
    return Preview(grid.title, data_set, parse.units, parse.unchanged)


def _check_rules(parse: _Parse, data_set: DataSet) -> None:
    """Each changed form's rule problems as they would be after the import (a part larger
    than its whole, a fall from last year): shown in the preview, as after confirming."""
    spec = form_spec(data_set)
    for unit in parse.units:
        after = dict(parse.current.get(unit.submission.pk, {}))
        for change in unit.changes:
            if change.new is None:
                after.pop(change.key, None)
            else:
                after[change.key] = change.new
        unit.problems = services.problems_of(unit.submission, after, spec)


def read_file(path: Path, name: str) -> spreadsheets.Grid:
    """The file's first sheet after the size, zip and row checks; ImportRefused if not."""
    try:
        spreadsheets.check_size(path.stat().st_size, MAX_UPLOAD_BYTES)
        return spreadsheets.read_first_sheet(
            path, max_unpacked=MAX_UNCOMPRESSED_BYTES, max_rows=MAX_ROWS
        )
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused_file(name, refused.message) from refused


def save_upload(upload, path: Path) -> str:
    """Write the upload to `path` (its size checked first); the file's name, for errors."""
    name = Path(upload.name or "upload.xlsx").name
    try:
        spreadsheets.check_size(upload.size, MAX_UPLOAD_BYTES)
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused_file(name, refused.message) from refused
    spreadsheets.save_upload(upload, path)
    return name


def _stale_errors(preview: Preview, versions: Mapping[str, int]) -> list[RowError]:
    """A row for every form the preview would change that someone changed since."""
    message = _(
        "this unit's form was changed after your preview; nothing was written. "
        "Upload the file again to see its current figures."
    )
    now = {str(u.submission.pk): u for u in preview.units}
    errors = [
        RowError(preview.sheet, unit.row, "A", unit.submission.unit.code, message)
        for pk, unit in now.items()
        if versions.get(pk) != unit.submission.version
    ]
    gone = set(versions) - set(now)  # changed in the preview, unchanged (or locked) now
    for submission in Submission.objects.filter(pk__in=gone).select_related("unit"):
        errors.append(RowError(preview.sheet, 0, "A", submission.unit.code, message))
    return errors


def confirm(preview: Preview, versions: Mapping[str, int], digest: str, *, actor) -> ImportResult:
    """Write the changes of `preview` (the file read again) if they are still those the user
    saw (`versions`, `digest`): all through save_entries in one transaction, or none."""
    errors = _stale_errors(preview, versions)
    if errors:
        raise ImportRefused(errors, stale=True)
    if preview.digest != digest:
        message = _(
            "the figures saved for these units changed after your preview; nothing "
            "was written. Upload the file again."
        )
        raise _refused_file(preview.sheet, message, stale=True)
    return _save_all(preview, versions, actor)


class _Rollback(Exception):
    pass


def _save_all(preview: Preview, versions: Mapping[str, int], actor) -> ImportResult:
    result = ImportResult(unchanged=len(preview.unchanged))
    spec: FormSpec = form_spec(preview.data_set)  # cells and rules, read once per file
    errors, stale = [], False
    try:
        with transaction.atomic():
            for unit in preview.units:
                submission, expected = unit.submission, versions[str(unit.submission.pk)]
                try:
                    saved = services.save_entries(
                        submission, unit.typed(), actor=actor, expected_version=expected, spec=spec
                    )
                except services.SubmissionRefused as refused:
                    stale = stale or refused.stale
                    errors.append(
                        RowError(preview.sheet, unit.row, "A", submission.unit.code, str(refused))
                    )
                    continue
                result.results.append(saved)
            if errors:
                raise _Rollback
    except _Rollback:
        raise ImportRefused(errors, stale=stale) from None
    return result


def import_template(upload, round_: ReportingRound, data_set: DataSet, *, actor) -> ImportResult:
    """Preview and confirm in one step, for scripts and benchmarks: the same checks and writes
    as the page, all or nothing; ImportRefused says why not."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        grid = read_file(path, save_upload(upload, path))
    seen = preview(grid, round_, [data_set], actor=actor, fallback=data_set.code)
    return confirm(seen, seen.versions, seen.digest, actor=actor)
