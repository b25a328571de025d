"""Write paths of the register: the exchange import, one person's edit, and the plan figures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.access import can
from core.bulk import add_creation_history, db_datetime, insert_rows
from units.models import OrgUnit
from units.tree import ancestor_paths

from . import exchange
from .counting import FACT_FIELDS
from .exchange import CommuneRow, Errors, ExchangeError, PersonRow
from .models import CommuneYear, Household, Person, PersonAccess
from .publishing import publish_register
from .queries import current_rules

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


def _by_commune(keys: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for commune_id, code in keys:
        grouped.setdefault(commune_id, []).append(code)
    return grouped


def _keys_q(keys: Iterable[tuple[int, str]]) -> Q:
    """Rows with these (commune, code) pairs, one IN list per commune."""
    q = Q(pk__in=[])
    for commune_id, codes in _by_commune(keys).items():
        q |= Q(commune_id=commune_id, code__in=codes)
    return q


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
        new = sorted(wanted - self.households.keys())
        moment = timezone.now()
        insert_rows(Household, ["commune_id", "code", "village", "address"],
                    [(c, h, "", "") for c, h in new])  # fmt: skip
        created = _keys_q(new)
        for commune_id, code, pk in Household.objects.filter(created).values_list(
            "commune_id", "code", "pk"
        ):
            self.households[(commune_id, code)] = pk
        self._history(Household, new, moment)
        self.result.households += len(new)

    def _history(self, model, keys: list[tuple[int, str]], moment) -> None:
        """Creation history of the rows just inserted, found by (commune, code)."""
        for commune_id, codes in _by_commune(keys).items():
            marks = ", ".join(["%s"] * len(codes))
            add_creation_history(
                model, f"commune_id = %s AND code IN ({marks})", [commune_id, *codes],
                user_id=getattr(self.actor, "pk", None), moment=moment,
            )  # fmt: skip

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
                new.append((commune_id, row.person_id, values))
            elif any(getattr(person, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(person, k, v)
                person.version += 1
                person.updated_by = self.actor
                changed.append(person)
            else:
                self.result.unchanged += 1
        self._create_persons(new)
        if changed:
            bulk_update_with_history(
                changed,
                Person,
                [*PERSON_FIELDS, "household", "version", "updated_by"],
                default_user=self.actor,
            )
        self.result.created += len(new)
        self.result.changed += len(changed)

    def _create_persons(self, new: list[tuple[int, str, dict]]) -> None:
        if not new:
            return
        moment = timezone.now()
        stamp = db_datetime(moment)
        actor_id = getattr(self.actor, "pk", None)
        columns = ["commune_id", "code", *new[0][2], "birth_date", "ethnicity", "version",
                   "updated_at", "updated_by_id"]  # fmt: skip
        rows = [(c, code, *values.values(), None, "", 1, stamp, actor_id)
                for c, code, values in new]  # fmt: skip
        insert_rows(Person, columns, rows)
        self._history(Person, [(c, code) for c, code, _v in new], moment)


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
        flags = dict(
            CommuneYear.objects.filter(commune__in=units.values(), year=year).values_list(
                "commune_id", "disadvantaged"
            )
        )
        for code, row in communes.items():
            if flags.get(units[code].pk) != row.disadvantaged:  # history only for a change
                CommuneYear.objects.update_or_create(
                    commune=units[code], year=year, defaults={"disadvantaged": row.disadvantaged}
                )
        result.communes = len(units)
        result.commune_ids = [u.pk for u in units.values()]
    return result


# --- Entry in forms and workbooks: households, persons, the audit of personal data shown ---


OLDEST_BIRTH_YEAR = exchange.OLDEST_BIRTH_YEAR
# The identity and name, then what the rules read (FACT_FIELDS starts with birth_year).
PERSON_EDIT_FIELDS = ("code", "full_name", "sex", "birth_year", "birth_date", "ethnicity",
                      *FACT_FIELDS[1:])  # fmt: skip
HOUSEHOLD_EDIT_FIELDS = ("code", "village", "address")
PERSON_TEXT_FIELDS = ("code", "full_name", "sex", "ethnicity", "residence", "studying")
PERSON_CHOICES = {
    "sex": Person.Sex,
    "residence": Person.Residence,
    "disability": Person.Disability,
    "studying": Person.Studying,
}
PERSON_NUMBER_LIMITS = {"highest_grade_completed": (0, 12), "literacy_stage_completed": (0, 2)}
LATEST_COMPLETION_YEAR = 9999  # as the exchange reader: a year after Y simply does not count


class EditRefused(Exception):
    """An entry that was not saved; `errors` maps a field (None: the whole entry) to why."""

    def __init__(self, errors: dict[str | None, str], *, stale: bool = False) -> None:
        self.errors = errors
        self.stale = stale
        super().__init__("; ".join(str(m) for m in errors.values()))


class PersonRefused(EditRefused):
    """A person's entry that was not saved; `stale` when someone else saved it first."""


class HouseholdRefused(EditRefused):
    """A household's entry that was not saved."""


def label_of(model, name: str) -> str:
    """A field's name as users read it ("Năm sinh")."""
    return capfirst(model._meta.get_field(name).verbose_name)


def register_year(commune: OrgUnit) -> int:
    """The year the commune's plan figures follow: its latest register year, else this year."""
    latest = CommuneYear.objects.filter(commune=commune).order_by("-year").first()
    return latest.year if latest is not None else timezone.localdate().year


def record_person_access(user, unit: OrgUnit, action: str, what: str, rows: int) -> None:
    """Audit one page view or export that shows persons."""
    PersonAccess.objects.create(user=user, unit=unit, action=action, what=what[:300], rows=rows)


def _code_taken(model, code: str) -> dict[str, str]:
    message = _("%(field)s “%(value)s” is already used in this commune.")
    return {"code": message % {"field": label_of(model, "code"), "value": code}}


def household_errors(data: dict, *, commune: OrgUnit, household=None) -> dict[str | None, str]:
    """What keeps `data` from being saved as a household of `commune` (empty: nothing)."""
    code = (data.get("code") or "").strip()
    if not code:
        return {"code": _("%(field)s is required.") % {"field": label_of(Household, "code")}}
    taken = Household.objects.filter(commune=commune, code=code)
    if household is not None:
        taken = taken.exclude(pk=household.pk)
    return _code_taken(Household, code) if taken.exists() else {}


def save_household(household, data: dict, *, commune: OrgUnit, actor) -> Household:
    """Create (`household` None) or change a household of `commune`, with history."""
    errors = household_errors(data, commune=commune, household=household)
    if errors:
        raise HouseholdRefused(errors)
    household = household or Household(commune=commune)
    for name in HOUSEHOLD_EDIT_FIELDS:
        setattr(household, name, (data.get(name) or "").strip())
    household._history_user = actor
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:
        raise HouseholdRefused(_code_taken(Household, household.code)) from error
    return household


def _birth_year(data: dict, add) -> int | None:
    """The birth year `data` gives (from the birth date when there is one), checked."""
    today = timezone.localdate()
    year, day = data.get("birth_year"), data.get("birth_date")
    if day is not None:
        if day > today or day.year < OLDEST_BIRTH_YEAR:
            message = _("%(field)s %(value)s is not a possible birth date.")
            add("birth_date", message % {"field": label_of(Person, "birth_date"),
                                         "value": day.strftime("%d/%m/%Y")})  # fmt: skip
        if year is not None and year != day.year:
            message = _("%(field)s %(value)s does not agree with the birth date (%(date)s).")
            add("birth_year", message % {"field": label_of(Person, "birth_year"), "value": year,
                                         "date": day.strftime("%d/%m/%Y")})  # fmt: skip
        return day.year
    if year is not None and not OLDEST_BIRTH_YEAR <= year <= today.year:
        message = _("%(field)s must be from %(low)s to %(high)s (not after this year).")
        add("birth_year", message % {"field": label_of(Person, "birth_year"),
                                     "low": OLDEST_BIRTH_YEAR, "high": today.year})  # fmt: skip
    return year


def _check_values(data: dict, birth: int | None, add) -> None:
    """Allowed values, completion years not before birth, grade and stage within range."""
    for name, choices in PERSON_CHOICES.items():
        value = data.get(name) or ""
        if value and value not in choices.values:
            message = _("%(field)s: “%(value)s” is not one of the allowed values.")
            add(name, message % {"field": label_of(Person, name), "value": value})
    limits = {name: (OLDEST_BIRTH_YEAR, LATEST_COMPLETION_YEAR) for name in exchange.YEAR_COLUMNS}
    for name, (low, high) in (limits | PERSON_NUMBER_LIMITS).items():
        value, field_label = data.get(name), label_of(Person, name)
        if value is None:
            continue
        if not low <= value <= high:
            message = _("%(field)s must be a whole number from %(low)s to %(high)s.")
            add(name, message % {"field": field_label, "low": low, "high": high})
        elif name in exchange.YEAR_COLUMNS and birth is not None and value < birth:
            message = _("%(field)s (%(value)s) is before the birth year (%(birth)s).")
            add(name, message % {"field": field_label, "value": value, "birth": birth})


def person_errors(data: dict, *, commune: OrgUnit, person=None) -> dict[str | None, str]:
    """What keeps `data` from being saved as a person of `commune` (empty: nothing).

    The same checks as the exchange reader, named by field for a form.
    """
    errors: dict[str | None, str] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, message)

    code = (data.get("code") or "").strip()
    required = _("%(field)s is required.")
    if not code:
        add("code", required % {"field": label_of(Person, "code")})
    else:
        others = Person.objects.filter(commune=commune, code=code)
        if others.exclude(pk=getattr(person, "pk", None)).exists():
            errors |= _code_taken(Person, code)
    if not (data.get("household_code") or "").strip():
        add("household_code", required % {"field": label_of(Household, "code")})
    _check_values(data, _birth_year(data, add), add)
    return errors


def _person_values(data: dict) -> dict:
    values = {name: data.get(name) for name in PERSON_EDIT_FIELDS}
    for name in PERSON_TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
    values["disability"] = values["disability"] or Person.Disability.NONE
    if values["birth_date"] is not None:
        values["birth_year"] = values["birth_date"].year
    return values


def _claim(person: Person, expected_version) -> None:
    """Take the person's next version, or refuse: someone saved it since `expected_version`."""
    claimed = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        message = _(
            "Someone else changed this person since you opened the page; your changes were "
            "not saved. Reload the page to see the current entry, then make your changes again."
        )
        raise PersonRefused({None: message}, stale=True)
    person.version = expected_version + 1


def save_person(
    person: Person | None, data: dict, *, commune: OrgUnit, actor, expected_version=None
) -> Person:
    """Create (`person` None) or change a person of `commune`, with history, then publish
    the commune's plan figures for its register year.

    `data` holds PERSON_EDIT_FIELDS and `household_code` (a new number creates the
    household). An edit must name the version it started from: if someone saved the
    person since, nothing is written and PersonRefused(stale=True) is raised.
    """
    errors = person_errors(data, commune=commune, person=person)
    if errors:
        raise PersonRefused(errors)
    with transaction.atomic():
        if person is None:
            person = Person(commune=commune)
        else:
            _claim(person, expected_version)
        for name, value in _person_values(data).items():
            setattr(person, name, value)
        code = data["household_code"].strip()
        household = Household.objects.filter(commune=commune, code=code).first()
        if household is None:
            household = save_household(None, {"code": code}, commune=commune, actor=actor)
        person.household = household
        person.updated_by = person._history_user = actor
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as error:
            raise PersonRefused(_code_taken(Person, person.code)) from error
        publish_register([commune], register_year(commune), current_rules(), actor=actor)
    return person


def load_register(
    communes_path: Path | str, persons_path: Path | str, *, year: int, actor
) -> ImportResult:
    """import_register, then the plan figures of `year` around the communes it loaded,
    all in one transaction (RegisterRefused: nothing written)."""
    with transaction.atomic():
        result = import_register(communes_path, persons_path, year=year, actor=actor)
        communes = list(OrgUnit.objects.filter(pk__in=result.commune_ids))
        if communes:
            publish_register(communes, year, current_rules(), actor=actor)
    return result
