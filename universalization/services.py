"""Write paths of the register: the exchange import, one person's edit, and the plan figures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.access import can
from units.models import OrgUnit
from units.tree import ancestor_paths

from . import exchange
from .counting import FACT_FIELDS
from .exchange import CommuneRow, Errors, ExchangeError, PersonRow
from .models import CommuneYear, Household, Person

BATCH = 2000
# Columns an import may change on an existing person (the rest identify it).
PERSON_FIELDS = ("full_name", "sex", *FACT_FIELDS)


class RegisterRefused(ExchangeError):
    """An import that wrote nothing; `errors` says why, row by row."""


@dataclass
class ImportResult:
    communes: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    households: int = 0
    commune_ids: list[int] = field(default_factory=list)


def _resolve_communes(
    communes: dict[str, CommuneRow], actor, errors: Errors, file: str
) -> dict[str, OrgUnit]:
    """The commune units the file names, checking codes, districts and the actor's scope."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=list(communes))}
    ancestors = {u.code: ancestor_paths(u.path) for u in units.values()}
    codes_by_path = dict(
        OrgUnit.objects.filter(path__in={p for ps in ancestors.values() for p in ps}).values_list(
            "path", "code"
        )
    )
    for code, row in communes.items():
        unit = units.get(code)
        if unit is None:
            errors.add(file, row.line, "commune_code", code, _("no unit has this code."))
            continue
        if row.district_code not in {codes_by_path.get(p) for p in ancestors[code]}:
            message = _("this unit is not above the commune in the unit tree.")
            errors.add(file, row.line, "district_code", row.district_code, message)
        if actor is not None and not can(actor, "enter_data", unit):
            errors.add(file, row.line, "commune_code", code, _("outside your scope."))
    return units


def _batches(rows: Iterable[PersonRow]) -> Iterator[list[PersonRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _values(row: PersonRow) -> dict:
    facts = row.facts
    return {"full_name": row.full_name, "sex": row.sex} | {
        name: getattr(facts, name) for name in FACT_FIELDS
    }


class _Writer:
    """Upserts households and persons batch by batch inside the import's transaction."""

    def __init__(self, units: dict[str, OrgUnit], actor, result: ImportResult) -> None:
        self.units, self.actor, self.result = units, actor, result
        self.households: dict[tuple[int, str], int] = {}

    def households_for(self, batch: list[PersonRow]) -> None:
        wanted = {(self.units[r.commune_code].pk, r.household_id) for r in batch}
        wanted -= self.households.keys()
        if not wanted:
            return
        existing = Household.objects.filter(
            commune_id__in={c for c, _h in wanted}, code__in={h for _c, h in wanted}
        ).values_list("commune_id", "code", "pk")
        for commune_id, code, pk in existing:
            self.households[(commune_id, code)] = pk
        new = [Household(commune_id=c, code=h) for c, h in wanted - self.households.keys()]
        for row in bulk_create_with_history(new, Household, default_user=self.actor):
            self.households[(row.commune_id, row.code)] = row.pk
        self.result.households += len(new)

    def write(self, batch: list[PersonRow]) -> None:
        self.households_for(batch)
        existing = {
            (p.commune_id, p.code): p
            for p in Person.objects.filter(
                commune_id__in={self.units[r.commune_code].pk for r in batch},
                code__in={r.person_id for r in batch},
            )
        }
        new, changed = [], []
        for row in batch:
            commune_id = self.units[row.commune_code].pk
            household_id = self.households[(commune_id, row.household_id)]
            values = _values(row) | {"household_id": household_id}
            person = existing.get((commune_id, row.person_id))
            if person is None:
                new.append(Person(commune_id=commune_id, code=row.person_id,
                                  updated_by=self.actor, **values))  # fmt: skip
            elif any(getattr(person, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(person, k, v)
                person.version += 1
                person.updated_by = self.actor
                changed.append(person)
            else:
                self.result.unchanged += 1
        bulk_create_with_history(new, Person, default_user=self.actor)
        if changed:
            bulk_update_with_history(
                changed,
                Person,
                [*PERSON_FIELDS, "household", "version", "updated_by"],
                default_user=self.actor,
            )
        self.result.created += len(new)
        self.result.changed += len(changed)


def import_register(
    communes_path: Path | str, persons_path: Path | str, *, year: int, actor=None
) -> ImportResult:
    """Load exchange files into the register, all or nothing.

    Persons are matched on (commune, person id): new ones are created, changed ones
    updated with history, and persons of the register missing from the file are kept.
    Rows are written batch by batch while reading; any error rolls the whole import back.
    """
    errors = Errors()
    result = ImportResult()
    with transaction.atomic():
        communes = exchange.read_communes(communes_path, errors)
        units = _resolve_communes(communes, actor, errors, Path(communes_path).name)
        writer = _Writer(units, actor, result)
        persons = exchange.read_persons(persons_path, communes, year, errors)
        for batch in _batches(persons):
            if not errors.items:
                writer.write([r for r in batch if r.commune_code in units])
        if errors.items:
            raise RegisterRefused(errors.items, errors.more)
        for code, row in communes.items():
            CommuneYear.objects.update_or_create(
                commune=units[code], year=year, defaults={"disadvantaged": row.disadvantaged}
            )
        result.communes = len(units)
        result.commune_ids = [u.pk for u in units.values()]
    return result
