"""The register as an Excel workbook in the exchange format: written out, and read back in.

Export: a communes sheet and a persons sheet (named in the user's language) with row 1 = the
columns' titles, each explained in a comment and on an instructions sheet, row 2 (hidden) =
the exchange keys, and the rows below with coded values as their labels ("nữ", "thường trú",
"có") picked from drop-down lists. Every cell goes through core.xlsx.write_only_cell, so a
name like "=HYPERLINK(…)" stays text. Import: the upload is checked (size, zip signature,
uncompressed size, declared rows and columns, formulas without a value) and streamed sheet by
sheet into CSV files, columns found by their keys (row 1 or the hidden row 2), and the
exchange reader and the services do the rest, all or nothing.
"""

from __future__ import annotations

import csv
import logging
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import spreadsheets
from core.text import nfc
from core.xlsx import LANDSCAPE, Page, Stamp, print_setup, write_only_cell
from units.models import OrgUnit

from . import services
from .exchange import (
    CLEAR,
    COMMUNE_COLUMNS,
    LABEL_LANGUAGES,
    PERSON_COLUMNS,
    YEAR_COLUMNS,
    Errors,
    ExchangeError,
    RowError,
    coded_label,
)
from .models import Household, Person
from .queries import disadvantaged_in

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = spreadsheets.MAX_UPLOAD_BYTES
MAX_UNCOMPRESSED_BYTES = spreadsheets.MAX_UNCOMPRESSED_BYTES
COMMUNES_SHEET, PERSONS_SHEET = "communes", "persons"  # the sheets' keys
SHEET_TITLES = {
    COMMUNES_SHEET: pgettext_lazy("register sheet", "communes"),
    PERSONS_SHEET: pgettext_lazy("register sheet", "persons"),
}
LISTS_SHEET = "lists"
LAST_ROW = 1048576
BATCH = 2000
# A bigger register comes as the two CSV files; a sheet declaring more is refused unread.
MAX_ROWS = 300_000
MAX_COLUMNS = 64
PERSON_LOOKUPS = {"commune_code": "commune__code", "household_id": "household__code",
                  "person_id": "code"}  # fmt: skip
YES_NO = ("yes", "no")
CODED = ("disadvantaged", "sex", "residence", "disability", "studying", "preschool_completed")


class WorkbookRefused(ExchangeError):
    """An upload that cannot be read as the register; `errors` says why. Nothing was written."""


# --- What each column means, in the user's language ---


def _titles() -> dict[str, str]:
    def label(model, name: str) -> str:
        return str(services.label_of(model, name))

    return {
        "commune_code": _("Commune code"),
        "district_code": _("Code of the district (the unit above the commune)"),
        "disadvantaged": _("Especially disadvantaged commune"),
        "household_id": label(Household, "code"),
        "person_id": label(Person, "code"),
        **{name: label(Person, name) for name in PERSON_COLUMNS[3:]},
    }


def _coded_values() -> dict[str, list[str]]:
    """Per coded column, the labels a user picks from, in the active language."""
    values = {
        "disadvantaged": YES_NO,
        "preschool_completed": YES_NO,
        "sex": Person.Sex.values,
        "residence": Person.Residence.values,
        "disability": Person.Disability.values,
        "studying": Person.Studying.values,
    }
    return {column: [coded_label(column, v) for v in values[column]] for column in CODED}


def _allowed() -> dict[str, str]:
    """Per column, the values it takes, said in words."""
    allowed = {column: "; ".join(labels) for column, labels in _coded_values().items()}
    allowed["birth_year"] = _("a year of four digits, not after the reference year")
    for column in YEAR_COLUMNS:
        allowed[column] = _("a year of four digits, not before the birth year")
    allowed["highest_grade_completed"] = _("a whole number from 0 to 12")
    allowed["literacy_stage_completed"] = _("0, 1 or 2")
    allowed["person_id"] = _("required; unique within the commune")
    allowed["commune_code"] = allowed["district_code"] = _("required; the unit's code in XHHT")
    allowed["household_id"] = _("the household's number in the commune")
    return allowed


def _instructions(wb: Workbook, stamp: Stamp | None = None) -> None:
    ws = wb.create_sheet(_("instructions"))
    print_setup(ws, Page(LANDSCAPE), "6:6", stamp)
    for letter, width in zip("ABCD", (12, 30, 45, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for line in (
        _("Register of universalization of education and literacy (PCGD-XMC): exchange format."),
        _("Row 1 of the sheets of communes and persons holds the columns' titles and row 2 "
          "(hidden) their keys: do not change them. One commune or one person per row."),
        _("An empty cell leaves what the register holds unchanged (for a new person: "
          "unknown). To erase a stored value, type a single dash “%(clear)s” in the cell.")
        % {"clear": CLEAR},
        _("The import checks every row first, shows what it would change, and writes "
          "nothing until you confirm; if any row is wrong, nothing is written."),
        "",
    ):  # fmt: skip
        ws.append([write_only_cell(ws, line)])
    ws.append([_bold(ws, h) for h in (_("Sheet"), _("Column"), _("Meaning"), _("Allowed values"))])
    titles, allowed = _titles(), _allowed()
    for sheet, columns in ((COMMUNES_SHEET, COMMUNE_COLUMNS), (PERSONS_SHEET, PERSON_COLUMNS)):
        for column in columns:
            row = [str(SHEET_TITLES[sheet]), titles[column], column, allowed.get(column, "")]
            ws.append([write_only_cell(ws, value) for value in row])


# --- Export ---


def _bold(ws, value) -> WriteOnlyCell:
    cell = write_only_cell(ws, value)
    cell.font = Font(bold=True)
    return cell


def _header(ws, columns: tuple[str, ...]) -> list[WriteOnlyCell]:
    titles, allowed = _titles(), _allowed()
    cells = []
    for column in columns:
        cell = _bold(ws, titles[column])
        text = f"{column}\n" + (allowed[column] if column in allowed else "")
        cell.comment = Comment(text, "XHHT", width=320, height=140)
        cells.append(cell)
    return cells


def _list_ranges() -> dict[str, str]:
    """Per coded column, the cells of the hidden lists sheet its drop-down list reads."""
    ranges = {}
    for index, (column, labels) in enumerate(_coded_values().items(), start=1):
        letter = get_column_letter(index)
        ranges[column] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"
    return ranges


def _lists(wb: Workbook) -> None:
    """A hidden sheet holding each coded column's labels (they may hold commas, which an
    inline list cannot), one column each, in the order of _list_ranges."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    coded = list(_coded_values().values())
    for index in range(max(len(labels) for labels in coded)):
        ws.append([write_only_cell(ws, labels[index] if index < len(labels) else None)
                   for labels in coded])  # fmt: skip


def _validations(ws, columns: tuple[str, ...], lists: dict[str, str]) -> None:
    """A drop-down list on every coded column, below the two header rows."""
    for column, source in lists.items():
        if column not in columns:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        rule = DataValidation(type="list", formula1=source, allow_blank=True,
                              showErrorMessage=True)  # fmt: skip
        rule.error = _("Pick one of the values of the list, or leave the cell empty.")
        rule.add(f"{letter}3:{letter}{LAST_ROW}")
        ws.data_validations.append(rule)


def _sheet(wb: Workbook, key: str, columns: tuple[str, ...], rows: Iterable[list],
           lists: dict[str, str], stamp: Stamp | None = None) -> None:  # fmt: skip
    ws = wb.create_sheet(str(SHEET_TITLES[key]))
    # Printable as it is: the titles' row on every page; who exported it in the page header,
    # as row 1 must stay the titles' row for the import.
    print_setup(ws, Page(LANDSCAPE), "1:1", stamp)
    ws.freeze_panes = "A3"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(column) + 4)
    ws.row_dimensions[2].hidden = True  # the keys the import reads the columns by
    _validations(ws, columns, lists)
    ws.append(_header(ws, columns))
    ws.append([write_only_cell(ws, column) for column in columns])
    coded = [(columns.index(c), c) for c in CODED if c in columns]
    for row in rows:
        for index, column in coded:
            if row[index] is not None and row[index] != "":
                row[index] = coded_label(column, row[index])
        ws.append([write_only_cell(ws, value) for value in row])


def _commune_rows(communes: list[OrgUnit], year: int) -> list[list]:
    step = OrgUnit.steplen
    parents = dict(
        OrgUnit.objects.filter(path__in={c.path[:-step] for c in communes}).values_list(
            "path", "code"
        )
    )
    flags = disadvantaged_in([c.pk for c in communes], year)
    return [
        [c.code, parents.get(c.path[:-step], ""), "yes" if flags.get(c.pk) else "no"]
        for c in communes
    ]


def _person_rows(communes: list[OrgUnit], counter: list[int]) -> Iterator[list]:
    """The persons of `communes` as exchange rows, streamed; counts them in counter[0]."""
    lookups = [PERSON_LOOKUPS.get(column, column) for column in PERSON_COLUMNS]
    preschool = PERSON_COLUMNS.index("preschool_completed")
    rows = (
        Person.objects.filter(commune__in=communes)
        .order_by("commune__path", "household__code", "code")
        .values_list(*lookups)
    )
    for values in rows.iterator(chunk_size=BATCH):
        row = list(values)
        flag = row[preschool]
        row[preschool] = None if flag is None else YES_NO[0 if flag else 1]
        counter[0] += 1
        yield row


def export_register(communes: list[OrgUnit], year: int, output, stamp: Stamp | None = None) -> int:
    """Write the register of `communes` as a workbook to `output`; returns the persons written.

    The disadvantaged flag is the one in force in `year`; `stamp` (who exports it, when)
    goes into the printed page header.
    """
    wb = Workbook(write_only=True)
    counter = [0]
    lists = _list_ranges()
    _sheet(wb, COMMUNES_SHEET, COMMUNE_COLUMNS, _commune_rows(communes, year), lists, stamp)
    _sheet(wb, PERSONS_SHEET, PERSON_COLUMNS, _person_rows(communes, counter), lists, stamp)
    _instructions(wb, stamp)
    _lists(wb)
    wb.save(output)
    return counter[0]


# --- Import ---


def _refused(name: str, message: str, value: str = "") -> WorkbookRefused:
    return WorkbookRefused([RowError(name, 0, "", value, message)])


def check_size(upload) -> None:
    try:
        spreadsheets.check_size(upload.size, MAX_UPLOAD_BYTES)
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused(upload.name, refused.message) from refused


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"  # an .xls of Excel 97-2003


def _not_xlsx() -> str:
    return _(
        "only Excel workbooks (.xlsx) are read here, not .xls or .ods: open the file in "
        "Excel or LibreOffice, save it as an Excel workbook (.xlsx) and upload it again."
    )


def check_workbook(path: Path, name: str) -> None:
    """Refuse what is not an .xlsx before openpyxl opens it: an .xls or .ods, another zip,
    a zip bomb."""
    with path.open("rb") as handle:
        head = handle.read(len(OLE2_SIGNATURE))
    if head == OLE2_SIGNATURE:
        raise _refused(name, _not_xlsx())
    try:
        spreadsheets.check_zip(path, MAX_UNCOMPRESSED_BYTES)
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused(name, refused.message) from refused
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
    if "xl/workbook.xml" not in members:
        opendocument = "mimetype" in members or "content.xml" in members
        raise _refused(name, _not_xlsx() if opendocument else _(
            "the workbook cannot be read: it has no Excel workbook part."))  # fmt: skip


def _text(value) -> str:
    """A cell as the exchange reader reads it: 2015.0 is "2015", TRUE is "yes", one line."""
    if isinstance(value, bool):
        return YES_NO[0 if value else 1]
    return spreadsheets.cell_text(value)


def _fit(texts: list[str], width: int) -> list[str]:
    """Drop empty cells at the end of a row, then pad it to the header's width."""
    while texts and not texts[-1]:
        texts.pop()
    return texts + [""] * (width - len(texts))


def _check_cells(sheet: str, number: int, cells, formulas, header: list[str], errors: Errors):
    """A formula without a computed value, or an Excel error, cannot be read as a value."""
    for index, formula in enumerate(formulas):
        cell = cells[index] if index < len(cells) else None
        column = header[index] if index < len(header) else get_column_letter(index + 1)
        problem = spreadsheets.formula_problem(cell, formula)
        if problem:
            errors.add(sheet, number, column, *problem)


def _too_big(sheet: str, rows: int | None, columns: int | None) -> str | None:
    """Why a sheet of this size is refused unread, or None."""
    if rows is not None and rows > MAX_ROWS + 2:
        return _("the sheet “%(sheet)s” has more than %(limit)s rows; send a register this "
                 "big as the two CSV files.") % {"sheet": sheet, "limit": MAX_ROWS}  # fmt: skip
    if columns is not None and columns > MAX_COLUMNS:
        return _("the sheet “%(sheet)s” has more than %(limit)s columns.") % {
            "sheet": sheet, "limit": MAX_COLUMNS}  # fmt: skip
    return None


def _is_keys(texts: list[str], keys: tuple[str, ...]) -> bool:
    filled = [t for t in texts if t]
    return bool(filled) and all(t in keys for t in filled)


def _sheet_rows(values_ws, formulas_ws, sheet: str, keys: tuple[str, ...], errors: Errors):
    """The sheet's rows as text for the exchange reader, one CSV line per sheet row (so line
    numbers stay the sheet's): the keys first (row 1, or the hidden row 2 below the titles,
    which then becomes an empty line), then the data. Streams; stops at the caps."""
    problem = _too_big(sheet, values_ws.max_row, values_ws.max_column)
    if problem:
        raise WorkbookRefused([RowError(sheet, 0, "", "", problem)])
    values_ws.reset_dimensions()
    formulas_ws.reset_dimensions()
    header: list[str] = []
    rows = zip(values_ws.iter_rows(), formulas_ws.iter_rows(), strict=False)
    for number, (cells, formulas) in enumerate(rows, start=1):
        if number > MAX_ROWS + 2:  # the sheet did not declare its size, or lied
            raise WorkbookRefused([RowError(sheet, number, "", "", _too_big(sheet, number, 0))])
        cells, formulas = cells[:MAX_COLUMNS], formulas[:MAX_COLUMNS]
        _check_cells(sheet, number, cells, formulas, header, errors)
        texts = [_text(cell.value) for cell in cells]
        if number == 1:
            header = _fit(texts, 0)
            titles = not _is_keys(header, keys)
            if not titles:
                yield header
            continue
        if number == 2 and titles:
            if _is_keys(texts, keys):
                header = _fit(texts, 0)
            yield header  # titles without keys: the reader says which header it expects
            yield []
            continue
        yield _fit(texts, len(header))


def _sheet_names(key: str) -> set[str]:
    """What a sheet `key` may be called: its key or its title in any language."""
    names = {key}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            names.add(str(SHEET_TITLES[key]))
    return {nfc(name).casefold() for name in names}


def _find_sheet(sheetnames: list[str], key: str) -> str | None:
    accepted = _sheet_names(key)
    return next((n for n in sheetnames if nfc(n).strip().casefold() in accepted), None)


def _sheets_to_csv(path: Path, directory: Path, name: str) -> tuple[Path, Path]:
    errors = Errors()
    values_wb = load_workbook(path, read_only=True, data_only=True)
    formulas_wb = load_workbook(path, read_only=True, data_only=False)
    paths = []
    try:
        for key, keys in ((COMMUNES_SHEET, COMMUNE_COLUMNS), (PERSONS_SHEET, PERSON_COLUMNS)):
            sheet = _find_sheet(values_wb.sheetnames, key)
            if sheet is None:
                title = str(SHEET_TITLES[key])
                message = _("the workbook has no sheet named “%(sheet)s”.") % {"sheet": title}
                errors.add(name, 0, "", title, message)
                continue
            (directory / key).mkdir()
            paths.append(directory / key / sheet.replace("/", "-").replace("\\", "-"))
            with paths[-1].open("w", encoding="utf-8", newline="") as handle:
                rows = _sheet_rows(values_wb[sheet], formulas_wb[sheet], sheet, keys, errors)
                csv.writer(handle).writerows(rows)
    finally:
        values_wb.close()
        formulas_wb.close()
    if errors.items:
        raise WorkbookRefused(errors.items, errors.more)
    return paths[0], paths[1]


def workbook_to_csv(path: Path, directory: Path, name: str) -> tuple[Path, Path]:
    """The workbook's sheets of communes and persons as exchange CSV files in `directory`,
    named after the sheets so that errors name them; WorkbookRefused if it cannot be read."""
    check_workbook(path, name)
    try:
        return _sheets_to_csv(path, directory, name)
    except WorkbookRefused:
        raise
    except Exception as error:  # an untrusted file: whatever openpyxl trips on, refuse it
        logger.info("register workbook %s refused: %r", name, error)
        raise _refused(name, _("the workbook cannot be read: it is damaged or not an Excel "
                               "workbook (.xlsx).")) from error  # fmt: skip
