"""Read and check the PCGD-XMC exchange files (CSV): every problem is found before anything is used.

Format (docs/pcgd-xmc.md): UTF-8, a header row, one commune or one person per row; an empty
cell means unknown. Errors name the file, line, column, value and what was expected, in the
user's language, and reading goes on so one pass lists them all.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class PersonRow:
    commune_code: str
    household_id: str
    person_id: str
    full_name: str
    sex: str
    facts: Facts


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
        # Undecodable bytes become lone surrogates, found below on the line that holds them.
        handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
        first = handle.readline()
    except OSError as error:
        errors.add(name, 0, "", str(path), _("cannot open the file: %(error)s") % {"error": error})
        return
    with handle:
        header = [h.strip() for h in next(csv.reader([first]), [])]
        missing = [c for c in columns if c not in header]
        extra = [h for h in header if h not in columns]
        if missing or extra or len(set(header)) != len(header):
            expected = ", ".join(columns)
            errors.add(name, 1, "", ",".join(header), _("the header must be: %(columns)s") % {
                "columns": expected})  # fmt: skip
            return
        reader = csv.reader(handle)
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
                    errors.add(name, line, "", ",".join(values)[:80], _(
                        "the row has %(found)s cells; the header has %(expected)s."
                    ) % {"found": len(values), "expected": len(header)})  # fmt: skip
                    continue
                yield line, {h: v.strip() for h, v in zip(header, values, strict=True)}
        except csv.Error as error:
            errors.add(name, line + 1, "", "", _("not valid CSV: %(error)s") % {"error": error})


def read_communes(path: Path | str, errors: Errors) -> dict[str, CommuneRow]:
    path = Path(path)
    communes: dict[str, CommuneRow] = {}
    for line, row in _rows(path, COMMUNE_COLUMNS, errors):
        code, district = row["commune_code"], row["district_code"]
        flag = row["disadvantaged"]
        if not code:
            errors.add(path.name, line, "commune_code", code, _("a commune code is required."))
            continue
        if code in communes:
            errors.add(path.name, line, "commune_code", code, _("this commune is listed twice."))
        if not district:
            errors.add(
                path.name, line, "district_code", district, _("a district code is required.")
            )
        if flag not in ("yes", "no", ""):
            errors.add(path.name, line, "disadvantaged", flag, _("expected yes or no."))
        communes[code] = CommuneRow(code, district, flag == "yes", line)
    return communes


class _PersonReader:
    """Checks one person row at a time against the communes and the evaluation year."""

    def __init__(self, name: str, communes: dict[str, CommuneRow], year: int, errors: Errors):
        self.name, self.communes, self.year, self.errors = name, communes, year, errors
        self.seen: set[tuple[str, str]] = set()

    def error(self, line: int, column: str, value: str, message: str) -> None:
        self.errors.add(self.name, line, column, value, message)

    def choice(self, line: int, row: dict, column: str, allowed: tuple[str, ...]) -> str:
        value = row[column]
        if value and value not in allowed:
            self.error(line, column, value, _("expected one of: %(values)s, or empty.") % {
                "values": ", ".join(allowed)})  # fmt: skip
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
        return PersonRow(commune, row["household_id"], person, row["full_name"], sex, facts)


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
