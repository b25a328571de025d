"""Read and check the PCGD-XMC exchange files (CSV): every problem is found before anything is used.

Format (docs/pcgd-xmc.md): UTF-8 (with or without BOM) or UTF-16 with its BOM, separated by
commas, semicolons or tabs; a header row of machine keys, one commune or one person per row.
Every text is read in NFC. An empty cell is "not given" (unknown for a new person, no change
for a stored one); CLEAR ("-") says "unknown" explicitly, so an import may erase a stored
value. Coded columns take the machine value or its label ("F", "nữ" or "female"). Errors name
the file, line, column, value and what was expected, in the user's language, and reading goes
on so one pass lists them all.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.utils import translation
from django.utils.translation import gettext as _

from core.text import nfc

from .counting import Facts

COMMUNE_COLUMNS = ("commune_code", "district_code", "disadvantaged")
PERSON_COLUMNS = (
    "commune_code", "household_id", "person_id", "full_name", "sex", "birth_year", "residence",
    "disability", "studying", "preschool_completed", "grade1_entry_year",
    "primary_completed_year", "lower_secondary_diploma_year", "highest_grade_completed",
    "literacy_stage_completed",
)  # fmt: skip
SEXES = ("M", "F")
RESIDENCES = ("permanent", "temporary", "moved_away", "deceased")
DISABILITIES = ("none", "can_learn", "cannot_learn")
STUDYING = (
    "none", "preschool", "primary", "lower_secondary", "upper_secondary", "continuing",
    "vocational",
)  # fmt: skip
YEAR_COLUMNS = ("grade1_entry_year", "primary_completed_year", "lower_secondary_diploma_year")
MAX_ERRORS = 500
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
OLDEST_BIRTH_YEAR = 1880
CLEAR = "-"  # the cell's value is erased (unknown); an empty cell leaves a stored one alone
# The register's column lengths (models.Household.code, Person.code, Person.full_name).
MAX_LENGTHS = {"household_id": 40, "person_id": 40, "full_name": 200, "commune_code": 40,
               "district_code": 40}  # fmt: skip
DELIMITERS = (",", ";", "\t")
LABEL_LANGUAGES = ("vi", "en")


class NotText(ValueError):
    """A file that is not CSV text in an encoding the format allows; the message is for users."""


def open_text(path: Path) -> tuple[TextIO, str]:
    """The file as text and its cell separator, after its header line was peeked at.

    UTF-16 needs its byte order mark (what Excel's "Unicode Text" writes); otherwise UTF-8,
    with or without BOM. Undecodable UTF-8 bytes become lone surrogates, reported on the line
    that holds them. The separator is the one of , ; tab that the header line uses most.
    """
    with path.open("rb") as raw:
        head = raw.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in head or head.startswith(b"PK\x03\x04"):
        raise NotText(_("this file is not a CSV text file: save it as “CSV UTF-8” (or "
                        "“Unicode Text”) and upload it again."))  # fmt: skip
    else:
        encoding = "utf-8-sig"
    first = head.decode(encoding, errors="replace").splitlines()[:1]
    handle = path.open(encoding=encoding, errors="surrogateescape", newline="")
    delimiter = max(DELIMITERS, key=(first or [""])[0].count)
    return handle, delimiter


def _label_maps() -> dict[str, dict[str, str]]:
    """Per coded column, {label or value in lower case: machine value}; labels in every
    language the workbook is written in, so a user's "nữ" and a machine's "F" both read."""
    from .models import Person

    yes_no = [("yes", "yes"), ("no", "no")]
    coded = {"sex": Person.Sex.choices, "residence": Person.Residence.choices,
             "disability": Person.Disability.choices, "studying": Person.Studying.choices,
             "preschool_completed": yes_no, "disadvantaged": yes_no}  # fmt: skip
    maps: dict[str, dict[str, str]] = {}
    for column, choices in coded.items():
        labels: dict[str, str] = {}
        for language in LABEL_LANGUAGES:
            with translation.override(language):
                for value, label in choices:
                    labels.setdefault(nfc(str(_(label))).casefold(), value)
        maps[column] = labels
    return maps


def coded_label(column: str, value: str) -> str:
    """The label a workbook shows for a machine value, in the active language."""
    from .models import Person

    if column in ("preschool_completed", "disadvantaged"):
        return {"yes": _("yes"), "no": _("no")}.get(value, value)
    choices = {"sex": Person.Sex, "residence": Person.Residence,
               "disability": Person.Disability, "studying": Person.Studying}[column]  # fmt: skip
    return str(dict(choices.choices).get(value, value))


@dataclass(frozen=True, order=True)
class RowError:
    file: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("%(file)s, line %(line)s, column %(column)s (“%(value)s”): %(message)s") % {
            "file": self.file,
            "line": self.line,
            "column": self.column or "—",
            "value": self.value,
            "message": self.message,
        }


class ExchangeError(Exception):
    """Files that cannot be used; `errors` lists the problems (at most MAX_ERRORS of them)."""

    def __init__(self, errors: list[RowError], more: int = 0) -> None:
        self.errors = sorted(errors)
        self.more = more
        lines = [str(e) for e in self.errors]
        if more:
            lines.append(_("… and %(count)s more errors.") % {"count": more})
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class CommuneRow:
    commune_code: str
    district_code: str
    disadvantaged: bool
    line: int = 0
    given: bool = True  # False: the flag's cell was empty (an import keeps the stored flag)


@dataclass(frozen=True)
class PersonRow:
    commune_code: str
    household_id: str
    person_id: str
    full_name: str
    sex: str
    facts: Facts
    # The columns left empty: an import keeps what the register holds for them.
    blank: frozenset[str] = frozenset()


@dataclass
class Errors:
    """Collects errors, keeping the first MAX_ERRORS and counting the rest."""

    items: list[RowError] = field(default_factory=list)
    more: int = 0

    def add(self, file: str, line: int, column: str, value: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(file, line, column, value, message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            raise ExchangeError(self.items, self.more)


def _rows(path: Path, columns: tuple[str, ...], errors: Errors) -> Iterator[tuple[int, dict]]:
    """Each data row as {column: stripped text}, after checking the header."""
    name = path.name
    try:
        handle, delimiter = open_text(path)
        first = handle.readline()
    except NotText as refused:
        errors.add(name, 1, "", "", str(refused))
        return
    except OSError as error:
        errors.add(name, 0, "", str(path), _("cannot open the file: %(error)s") % {"error": error})
        return
    with handle:
        header = [nfc(h.strip()) for h in next(csv.reader([first], delimiter=delimiter), [])]
        missing = [c for c in columns if c not in header]
        extra = [h for h in header if h not in columns]
        if missing or extra or len(set(header)) != len(header):
            expected = ", ".join(columns)
            errors.add(name, 1, "", ",".join(header), _("the header must be: %(columns)s") % {
                "columns": expected})  # fmt: skip
            return
        reader = csv.reader(handle, delimiter=delimiter)
        line = 1
        try:
            for values in reader:
                line = reader.line_num + 1
                if not any(v.strip() for v in values):
                    continue  # a blank line is not a row
                if any(_NOT_UTF8.search(v) for v in values):
                    errors.add(name, line, "", "", _("the file is not UTF-8 text."))
                    continue
                if len(values) != len(header):
                    errors.add(name, line, "", delimiter.join(values)[:80], _(
                        "the row has %(found)s cells; the header has %(expected)s."
                    ) % {"found": len(values), "expected": len(header)})  # fmt: skip
                    continue
                yield line, {h: nfc(v.strip()) for h, v in zip(header, values, strict=True)}
        except csv.Error as error:
            errors.add(name, line + 1, "", "", _("not valid CSV: %(error)s") % {"error": error})


def _too_long(row: dict) -> Iterator[tuple[str, str, str]]:
    """(column, value shown, message) for each text longer than the register can store."""
    for column, limit in MAX_LENGTHS.items():
        value = row.get(column, "")
        if len(value) > limit:
            message = _("at most %(limit)s characters (this one has %(count)s).")
            yield column, value[:40] + "…", message % {"limit": limit, "count": len(value)}


def read_communes(path: Path | str, errors: Errors) -> dict[str, CommuneRow]:
    path = Path(path)
    communes: dict[str, CommuneRow] = {}
    labels = _label_maps()["disadvantaged"]
    for line, row in _rows(path, COMMUNE_COLUMNS, errors):
        for problem in _too_long(row):
            errors.add(path.name, line, *problem)
        code, district = row["commune_code"], row["district_code"]
        given = row["disadvantaged"] not in ("", CLEAR)
        flag = labels.get(row["disadvantaged"].casefold(), row["disadvantaged"])
        if not code:
            errors.add(path.name, line, "commune_code", code, _("a commune code is required."))
            continue
        if code in communes:
            errors.add(path.name, line, "commune_code", code, _("this commune is listed twice."))
        if not district:
            errors.add(
                path.name, line, "district_code", district, _("a district code is required.")
            )
        if flag not in ("yes", "no", "", CLEAR):
            errors.add(path.name, line, "disadvantaged", flag, _("expected yes or no."))
        communes[code] = CommuneRow(code, district, flag == "yes", line, given)
    return communes


class _PersonReader:
    """Checks one person row at a time against the communes and the evaluation year."""

    def __init__(self, name: str, communes: dict[str, CommuneRow], year: int, errors: Errors):
        self.name, self.communes, self.year, self.errors = name, communes, year, errors
        self.seen: set[tuple[str, str]] = set()
        self.labels = _label_maps()

    def error(self, line: int, column: str, value: str, message: str) -> None:
        self.errors.add(self.name, line, column, value, message)

    def choice(self, line: int, row: dict, column: str, allowed: tuple[str, ...]) -> str:
        value = row[column]
        if value not in allowed:
            value = self.labels[column].get(value.casefold(), value)
        if value and value not in allowed:
            named = ", ".join(f"{v} ({coded_label(column, v)})" for v in allowed)
            self.error(line, column, value, _("expected one of: %(values)s, or empty.") % {
                "values": named})  # fmt: skip
            return ""
        return value

    def number(self, line: int, row: dict, column: str, low: int, high: int) -> int | None:
        value = row[column]
        if not value:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.error(line, column, value, _("expected a whole number from %(low)s to %(high)s.")
                       % {"low": low, "high": high})  # fmt: skip
            return None
        return int(value)

    def read(self, line: int, row: dict) -> PersonRow | None:
        for problem in _too_long(row):
            self.error(line, *problem)
        blank = frozenset(column for column, value in row.items() if not value)
        row = {column: "" if value == CLEAR else value for column, value in row.items()}
        commune, person = row["commune_code"], row["person_id"]
        if commune not in self.communes:
            self.error(
                line, "commune_code", commune, _("this commune is not in the communes file.")
            )
        if not person:
            self.error(line, "person_id", person, _("a person id is required."))
        elif (commune, person) in self.seen:
            self.error(line, "person_id", person, _("this person is listed twice in the commune."))
        self.seen.add((commune, person))
        birth = self.number(line, row, "birth_year", OLDEST_BIRTH_YEAR, 9999)
        if birth is not None and birth > self.year:
            self.error(line, "birth_year", row["birth_year"], _(
                "the birth year is after the year %(year)s.") % {"year": self.year})  # fmt: skip
        years = {}
        for column in YEAR_COLUMNS:
            years[column] = self.number(line, row, column, OLDEST_BIRTH_YEAR, 9999)
            if years[column] is not None and birth is not None and years[column] < birth:
                message = _("completed before the person was born (%(birth)s).")
                self.error(line, column, row[column], message % {"birth": birth})
        preschool = self.choice(line, row, "preschool_completed", ("yes", "no"))
        facts = Facts(
            birth_year=birth,
            residence=self.choice(line, row, "residence", RESIDENCES),
            disability=self.choice(line, row, "disability", DISABILITIES) or "none",
            studying=self.choice(line, row, "studying", STUDYING),
            preschool_completed={"yes": True, "no": False}.get(preschool),
            highest_grade_completed=self.number(line, row, "highest_grade_completed", 0, 12),
            literacy_stage_completed=self.number(line, row, "literacy_stage_completed", 0, 2),
            **years,
        )
        sex = self.choice(line, row, "sex", SEXES)
        return PersonRow(commune, row["household_id"], person, row["full_name"], sex, facts, blank)


def read_persons(
    path: Path | str, communes: dict[str, CommuneRow], year: int, errors: Errors
) -> Iterator[PersonRow]:
    """Each person row, checked; the caller raises `errors` once the file is read."""
    path = Path(path)
    reader = _PersonReader(path.name, communes, year, errors)
    for line, row in _rows(path, PERSON_COLUMNS, errors):
        person = reader.read(line, row)
        if person is not None:
            yield person


def read_register(
    communes_path: Path | str, persons_path: Path | str, year: int
) -> tuple[dict[str, CommuneRow], list[PersonRow]]:
    """Both files, all-or-nothing: raise ExchangeError listing every problem."""
    errors = Errors()
    communes = read_communes(communes_path, errors)
    persons = list(read_persons(persons_path, communes, year, errors))
    errors.raise_if_any()
    return communes, persons
