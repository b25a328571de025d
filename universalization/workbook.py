"""The register as an Excel workbook in the exchange format: written out, and read back in.

Export: sheet "communes" and sheet "persons" with row 1 = the exchange column names, each
explained in Vietnamese in a comment and on an instructions sheet, and drop-down lists on
the coded columns. Import: the upload is checked (size, zip signature, uncompressed size,
formulas without a value), each sheet becomes a CSV file, and the exchange reader and
services.load_register do the rest, all or nothing.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import spreadsheets
from units.models import OrgUnit

from . import services
from .exchange import COMMUNE_COLUMNS, PERSON_COLUMNS, YEAR_COLUMNS, Errors, ExchangeError, RowError
from .models import Household, Person
from .queries import disadvantaged_in

MAX_UPLOAD_BYTES = spreadsheets.MAX_UPLOAD_BYTES
MAX_UNCOMPRESSED_BYTES = spreadsheets.MAX_UNCOMPRESSED_BYTES
COMMUNES_SHEET, PERSONS_SHEET = "communes", "persons"
LAST_ROW = 1048576
BATCH = 2000
PERSON_LOOKUPS = {"commune_code": "commune__code", "household_id": "household__code",
                  "person_id": "code"}  # fmt: skip
YES_NO = ("yes", "no")


class WorkbookRefused(ExchangeError):
    """An upload that cannot be read as the register; `errors` says why. Nothing was written."""


def _bold(ws, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


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


def _coded_values() -> dict[str, list[tuple[str, str]]]:
    yes_no = [("yes", _("yes")), ("no", _("no"))]
    return {
        "disadvantaged": yes_no,
        "sex": list(Person.Sex.choices),
        "residence": list(Person.Residence.choices),
        "disability": list(Person.Disability.choices),
        "studying": list(Person.Studying.choices),
        "preschool_completed": yes_no,
    }


def _allowed() -> dict[str, str]:
    """Per column, the values it takes, said in words."""
    allowed = {column: "; ".join(f"{code} = {label!s}" for code, label in values)
               for column, values in _coded_values().items()}  # fmt: skip
    allowed["birth_year"] = _("a year of four digits, not after the reference year")
    for column in YEAR_COLUMNS:
        allowed[column] = _("a year of four digits, not before the birth year")
    allowed["highest_grade_completed"] = _("a whole number from 0 to 12")
    allowed["literacy_stage_completed"] = _("0, 1 or 2")
    allowed["person_id"] = _("required; unique within the commune")
    allowed["commune_code"] = allowed["district_code"] = _("required; the unit's code in XHHT")
    allowed["household_id"] = _("the household's number in the commune")
    return allowed


def _instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(_("instructions"))
    for letter, width in zip("ABCD", (12, 30, 45, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for line in (
        _("Register of universalization of education and literacy (PCGD-XMC): exchange format."),
        _("Row 1 of the sheets “communes” and “persons” holds the column names: do not change "
          "them. One commune or one person per row; an empty cell means unknown."),
        _("The import checks every row first and writes nothing if any row is wrong."),
        "",
    ):  # fmt: skip
        ws.append([line])
    ws.append([_bold(ws, h) for h in (_("Sheet"), _("Column"), _("Meaning"), _("Allowed values"))])
    titles, allowed = _titles(), _allowed()
    for sheet, columns in ((COMMUNES_SHEET, COMMUNE_COLUMNS), (PERSONS_SHEET, PERSON_COLUMNS)):
        for column in columns:
            ws.append([sheet, column, titles[column], allowed.get(column, "")])


# --- Export ---


def _header(ws, columns: tuple[str, ...]) -> list[WriteOnlyCell]:
    titles, allowed = _titles(), _allowed()
    cells = []
    for column in columns:
        cell = _bold(ws, column)
        text = titles[column] + (f"\n{allowed[column]}" if column in allowed else "")
        cell.comment = Comment(text, "XHHT", width=320, height=140)
        cells.append(cell)
    return cells


def _validations(ws, columns: tuple[str, ...]) -> None:
    """A drop-down list on every coded column."""
    for column, values in _coded_values().items():
        if column not in columns:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        rule = DataValidation(type="list", formula1='"' + ",".join(c for c, _l in values) + '"',
                              allow_blank=True, showErrorMessage=True)  # fmt: skip
        rule.error = _("Pick one of the values of the list, or leave the cell empty.")
        rule.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.data_validations.append(rule)


def _sheet(wb: Workbook, title: str, columns: tuple[str, ...], rows: Iterable[list]) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(column) + 4)
    _validations(ws, columns)
    ws.append(_header(ws, columns))
    for row in rows:
        ws.append(row)


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


def export_register(communes: list[OrgUnit], year: int, output) -> int:
    """Write the register of `communes` as a workbook to `output`; returns the persons written.

    The disadvantaged flag is the one in force in `year`.
    """
    wb = Workbook(write_only=True)
    counter = [0]
    _sheet(wb, COMMUNES_SHEET, COMMUNE_COLUMNS, _commune_rows(communes, year))
    _sheet(wb, PERSONS_SHEET, PERSON_COLUMNS, _person_rows(communes, counter))
    _instructions(wb)
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


def check_workbook(path: Path, name: str) -> None:
    """Refuse what is not an .xlsx before openpyxl opens it: zip signature and zip bombs."""
    try:
        spreadsheets.check_zip(path, MAX_UNCOMPRESSED_BYTES)
    except spreadsheets.SpreadsheetRefused as refused:
        raise _refused(name, refused.message) from refused


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


def _sheet_rows(values_ws, formulas_ws, sheet: str, errors: Errors) -> Iterator[list[str]]:
    """The sheet's rows as text, row 1 (the header) first; one row per sheet row."""
    values_ws.reset_dimensions()
    formulas_ws.reset_dimensions()
    header: list[str] = []
    rows = zip(values_ws.iter_rows(), formulas_ws.iter_rows(), strict=False)
    for number, (cells, formulas) in enumerate(rows, start=1):
        _check_cells(sheet, number, cells, formulas, header, errors)
        texts = [_text(cell.value) for cell in cells]
        if number == 1:
            header = _fit(texts, 0)
        yield _fit(texts, len(header))


def _sheets_to_csv(path: Path, directory: Path, name: str) -> tuple[Path, Path]:
    errors = Errors()
    values_wb = load_workbook(path, read_only=True, data_only=True)
    formulas_wb = load_workbook(path, read_only=True, data_only=False)
    paths = []
    try:
        for sheet in (COMMUNES_SHEET, PERSONS_SHEET):
            if sheet not in values_wb.sheetnames:
                message = _("the workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet}
                errors.add(name, 0, "", sheet, message)
                continue
            paths.append(directory / sheet)
            with paths[-1].open("w", encoding="utf-8", newline="") as handle:
                rows = _sheet_rows(values_wb[sheet], formulas_wb[sheet], sheet, errors)
                csv.writer(handle).writerows(rows)
    finally:
        values_wb.close()
        formulas_wb.close()
    if errors.items:
        raise WorkbookRefused(errors.items, errors.more)
    return paths[0], paths[1]


def workbook_to_csv(path: Path, directory: Path, name: str) -> tuple[Path, Path]:
    """The workbook's sheets "communes" and "persons" as exchange CSV files in `directory`,
    named after the sheets so that errors name them; WorkbookRefused if it cannot be read."""
    check_workbook(path, name)
    try:
        return _sheets_to_csv(path, directory, name)
    except WorkbookRefused:
        raise
    except Exception as error:  # an untrusted file: whatever openpyxl trips on, refuse it
        message = _("the workbook cannot be read: %(error)s") % {"error": error}
        raise _refused(name, message) from error


def _save(upload, path: Path) -> Path:
    return spreadsheets.save_upload(upload, path)


def import_workbook(upload, *, year: int, actor) -> services.ImportResult:
    """Load an uploaded .xlsx into the register, all or nothing, as `actor`."""
    check_size(upload)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        path = _save(upload, directory / "upload.xlsx")
        paths = workbook_to_csv(path, directory, Path(upload.name).name)
        return services.load_register(*paths, year=year, actor=actor)


def import_csv(communes_upload, persons_upload, *, year: int, actor) -> services.ImportResult:
    """Load the two uploaded exchange CSV files into the register, all or nothing."""
    uploads = (communes_upload, persons_upload)
    for upload in uploads:
        check_size(upload)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, (upload, default) in enumerate(zip(uploads, ("communes.csv", "persons.csv"),
                                                      strict=True)):  # fmt: skip
            (Path(folder) / str(index)).mkdir()
            name = Path(upload.name or "").name or default
            paths.append(_save(upload, Path(folder) / str(index) / name))
        return services.load_register(*paths, year=year, actor=actor)
