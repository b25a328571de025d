"""Write paths of the register: the exchange import, one person's edit, and the plan figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.bulk import add_creation_history, db_datetime, insert_rows
from core.text import nfc
from core.writes import make_way_for_writers
from units.access import can
from units.codes import resolve_many, year_end
from units.models import OrgUnit
from units.tree import ancestor_paths

from . import exchange
from .counting import FACT_FIELDS
from .exchange import CommuneRow, Errors, ExchangeError, PersonRow
from .models import CommuneYear, Household, Person, PersonAccess, search_key
from .publishing import flag_changed, publish_register
from .queries import current_rules

BATCH = 2000
# Columns an import may change on an existing person (the rest identify it).
PERSON_FIELDS = ("full_name", "sex", *FACT_FIELDS)
SAMPLES = 20  # changes listed per commune in a preview; the rest are counted


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
    # Communes whose flag for the year the files changed: later years may follow it.
    flag_changed_ids: list[int] = field(default_factory=list)


@dataclass
class _Checked:
    """Files read whole without an error: their communes, units and number of persons."""

    communes: dict[str, CommuneRow]
    units: dict[str, OrgUnit]
    total: int


Progress = Callable[[int, int], None]  # (persons done, persons in the file; 0 = not known yet)


def _resolve_communes(
    communes: dict[str, CommuneRow], actor, errors: Errors, file: str, year: int
) -> dict[str, OrgUnit]:
    """The commune units the file names, checking codes, districts and the actor's scope.
    A code is read on the register year's last day: 11914 was thị trấn Cát Bà until
    30/06/2025 and is đặc khu Cát Hải after (units/codes.py)."""
    units = resolve_many(communes, year_end(year))
    ancestors = {code: ancestor_paths(u.path) for code, u in units.items()}
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


def _values(row: PersonRow, *, stored: bool) -> dict:
    """What the row sets; for a stored person, the columns left empty are not set."""
    facts = row.facts
    values = {"full_name": row.full_name, "sex": row.sex} | {
        name: getattr(facts, name) for name in FACT_FIELDS
    }
    if stored:
        values = {k: v for k, v in values.items() if k not in row.blank}
    return values


def _empty(value) -> bool:
    return value is None or value == ""


@dataclass
class _Change:
    row: PersonRow
    commune_id: int
    person: Person | None  # None: a new person
    household: str  # the household code the person ends in
    fields: dict[str, tuple]  # field -> (old, new), for a stored person

    @property
    def cleared(self) -> bool:
        return any(not _empty(old) and _empty(new) for old, new in self.fields.values())


def _changes(batch: list[PersonRow], units: dict[str, OrgUnit]) -> list[_Change]:
    """Each row of the batch against the register: new, changed (field: old, new) or not."""
    stored = {
        (p.commune_id, p.code): p
        for p in Person.objects.filter(
            commune_id__in={units[r.commune_code].pk for r in batch},
            code__in={r.person_id for r in batch},
        ).select_related("household")
    }
    changes = []
    for row in batch:
        commune_id = units[row.commune_code].pk
        person = stored.get((commune_id, row.person_id))
        if person is None:
            changes.append(_Change(row, commune_id, None, row.household_id, {}))
            continue
        fields = {k: (getattr(person, k), v) for k, v in _values(row, stored=True).items()
                  if getattr(person, k) != v}  # fmt: skip
        household = person.household.code
        if "household_id" not in row.blank and row.household_id != household:
            fields["household"] = (household, row.household_id)
            household = row.household_id
        changes.append(_Change(row, commune_id, person, household, fields))
    return changes


class _Writer:
    """Upserts households and persons, one batch per transaction."""

    def __init__(self, units: dict[str, OrgUnit], actor, result: ImportResult) -> None:
        self.units, self.actor, self.result = units, actor, result
        self.households: dict[tuple[int, str], int] = {}

    def households_for(self, changes: list[_Change]) -> None:
        wanted = {(c.commune_id, c.household) for c in changes} - self.households.keys()
        if not wanted:
            return
        existing = Household.objects.filter(
            commune_id__in={c for c, _h in wanted}, code__in={h for _c, h in wanted}
        ).values_list("commune_id", "code", "pk")
        for commune_id, code, pk in existing:
            self.households[(commune_id, code)] = pk
        new = sorted(wanted - self.households.keys())
        moment = timezone.now()
        insert_rows(Household, ["commune_id", "code", "village", "address", "search_key"],
                    [(c, h, "", "", search_key(h)) for c, h in new])  # fmt: skip
        for commune_id, code, pk in Household.objects.filter(_keys_q(new)).values_list(
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
        changes = _changes(batch, self.units)
        self.households_for(changes)
        new, changed = [], []
        for change in changes:
            household_id = self.households[(change.commune_id, change.household)]
            if change.person is None:
                values = _values(change.row, stored=False) | {"household_id": household_id}
                new.append((change.commune_id, change.row.person_id, values))
            elif change.fields:
                person = change.person
                for name, (_old, value) in change.fields.items():
                    if name != "household":
                        setattr(person, name, value)
                person.household_id = household_id
                person.search_key = search_key(person.code, person.full_name)
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
                [*PERSON_FIELDS, "household", "search_key", "version", "updated_by"],
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
        columns = ["commune_id", "code", *new[0][2], "birth_date", "ethnicity", "search_key",
                   "version", "updated_at", "updated_by_id"]  # fmt: skip
        rows = [(c, code, *values.values(), None, "", search_key(code, values["full_name"]),
                 1, stamp, actor_id) for c, code, values in new]  # fmt: skip
        insert_rows(Person, columns, rows)
        self._history(Person, [(c, code) for c, code, _v in new], moment)


def check_register(
    communes_path: Path | str, persons_path: Path | str, *, year: int, actor=None
) -> _Checked:
    """Read both files whole, writing nothing; RegisterRefused lists every problem."""
    errors = Errors()
    communes = exchange.read_communes(communes_path, errors)
    units = _resolve_communes(communes, actor, errors, Path(communes_path).name, year)
    total = sum(1 for _row in exchange.read_persons(persons_path, communes, year, errors))
    if errors.items:
        raise RegisterRefused(errors.items, errors.more)
    return _Checked(communes, units, total)


def _checked_persons(path: Path | str, checked: _Checked, year: int) -> Iterator[PersonRow]:
    """The persons of files already checked (a second read finds the same rows)."""
    errors = Errors()
    yield from exchange.read_persons(path, checked.communes, year, errors)
    if errors.items:  # the file changed under us: stop rather than write half of it
        raise RegisterRefused(errors.items, errors.more)


def _flag_changes(checked: _Checked, year: int) -> dict[OrgUnit, tuple[bool | None, bool]]:
    """The communes whose flag for `year` the files change: unit -> (stored or None, new)."""
    units = checked.units
    flags = dict(
        CommuneYear.objects.filter(commune__in=units.values(), year=year).values_list(
            "commune_id", "disadvantaged"
        )
    )
    changes = {}
    for code, row in checked.communes.items():
        stored = flags.get(units[code].pk)
        if (row.given or stored is None) and stored != row.disadvantaged:
            changes[units[code]] = (stored, row.disadvantaged)
    return changes


def import_register(
    communes_path: Path | str,
    persons_path: Path | str,
    *,
    year: int,
    actor=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Load exchange files into the register: check everything, then write.

    The files are read whole first, and nothing is written if any row is wrong
    (RegisterRefused). Then persons are written BATCH at a time, one transaction each, so a
    province's register does not hold the database for the whole import: matched on
    (commune, person id), new ones created, changed ones updated with history; an empty
    cell keeps the stored value, persons missing from the file are kept. An import stopped
    half-way is finished by running it again (an upsert: what was written is unchanged).
    """
    checked = check_register(communes_path, persons_path, year=year, actor=actor)
    result = ImportResult()
    writer = _Writer(checked.units, actor, result)
    done = 0
    for batch in _batches(_checked_persons(persons_path, checked, year)):
        with transaction.atomic():
            writer.write(batch)
        done += len(batch)
        if progress is not None:
            progress(done, checked.total)
        make_way_for_writers()  # users' saves get the lock between two batches (SQLite)
    with transaction.atomic():
        for unit, (_stored, flag) in _flag_changes(checked, year).items():
            CommuneYear.objects.update_or_create(
                commune=unit, year=year, defaults={"disadvantaged": flag}
            )
            result.flag_changed_ids.append(unit.pk)
    result.communes = len(checked.units)
    result.commune_ids = [u.pk for u in checked.units.values()]
    return result


def _shown(name: str, value) -> str:
    """A value as a preview shows it: a choice's label, yes/no, or "—" for unknown."""
    if _empty(value):
        return "—"
    if name in PERSON_CHOICES:
        return str(dict(PERSON_CHOICES[name].choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _field_label(name: str) -> str:
    return str(label_of(Household, "code") if name == "household" else label_of(Person, name))


def _sample(change: _Change) -> dict:
    row = change.row
    fields = [[_field_label(k), _shown(k, old), _shown(k, new)]
              for k, (old, new) in change.fields.items()]  # fmt: skip
    name = row.full_name or getattr(change.person, "full_name", "")
    return {"person_id": row.person_id, "full_name": name, "new": change.person is None,
            "fields": fields}  # fmt: skip


def _commune_preview(unit: OrgUnit) -> dict:
    return {"code": unit.code, "name": unit.name, "added": 0, "changed": 0, "cleared": 0,
            "unchanged": 0, "kept": 0, "households_added": 0, "flag": None, "samples": [],
            "more": 0}  # fmt: skip


def preview_register(
    communes_path: Path | str,
    persons_path: Path | str,
    *,
    year: int,
    actor=None,
    progress: Progress | None = None,
) -> dict:
    """What import_register would do, per commune, without writing anything.

    {"total": persons in the file, "communes": [{code, name, added, changed, cleared (persons
    with a value erased by "-"), unchanged, kept (in the register, not in the file),
    households_added, flag: [old, new] or None, samples: the first SAMPLES new or changed
    persons with [field, old, new], more: the others}]}. RegisterRefused on any error.
    """
    checked = check_register(communes_path, persons_path, year=year, actor=actor)
    by_id = {u.pk: _commune_preview(u) for u in checked.units.values()}
    matched: dict[int, int] = {}
    households: set[tuple[int, str]] = set()  # seen so far
    done = 0
    for batch in _batches(_checked_persons(persons_path, checked, year)):
        changes = _changes(batch, checked.units)
        wanted = {(c.commune_id, c.household) for c in changes} - households
        households |= wanted
        if wanted:  # the batch's households not in the register
            wanted -= set(
                Household.objects.filter(_keys_q(wanted)).values_list("commune_id", "code")
            )
        for commune_id, _code in wanted:
            by_id[commune_id]["households_added"] += 1
        for change in changes:
            summary = by_id[change.commune_id]
            if change.person is not None:
                matched[change.commune_id] = matched.get(change.commune_id, 0) + 1
            kind = "added" if change.person is None else "changed" if change.fields else None
            if kind is None:
                summary["unchanged"] += 1
                continue
            summary[kind] += 1
            summary["cleared"] += change.cleared
            if len(summary["samples"]) < SAMPLES:
                summary["samples"].append(_sample(change))
            else:
                summary["more"] += 1
        done += len(batch)
        if progress is not None:
            progress(done, checked.total)
    stored = Person.objects.filter(commune_id__in=list(by_id)).values("commune_id")
    for row in stored.annotate(n=Count("pk")).order_by():
        by_id[row["commune_id"]]["kept"] = row["n"] - matched.get(row["commune_id"], 0)
    for unit, (old, new) in _flag_changes(checked, year).items():
        by_id[unit.pk]["flag"] = [_shown("flag", old), _shown("flag", new)]
    return {"total": checked.total, "communes": sorted(by_id.values(), key=lambda c: c["code"])}


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


def _text(value) -> str:
    """Typed text as stored: NFC (one form for "Nguyễn" however it was typed), stripped."""
    return nfc(value or "").strip()


def household_errors(data: dict, *, commune: OrgUnit, household=None) -> dict[str | None, str]:
    """What keeps `data` from being saved as a household of `commune` (empty: nothing)."""
    code = _text(data.get("code"))
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
        setattr(household, name, _text(data.get(name)))
    household.search_key = search_key(household.code)
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

    code = _text(data.get("code"))
    required = _("%(field)s is required.")
    if not code:
        add("code", required % {"field": label_of(Person, "code")})
    else:
        others = Person.objects.filter(commune=commune, code=code)
        if others.exclude(pk=getattr(person, "pk", None)).exists():
            errors |= _code_taken(Person, code)
    if not _text(data.get("household_code")):
        add("household_code", required % {"field": label_of(Household, "code")})
    _check_values(data, _birth_year(data, add), add)
    return errors


def _person_values(data: dict) -> dict:
    values = {name: data.get(name) for name in PERSON_EDIT_FIELDS}
    for name in PERSON_TEXT_FIELDS:
        values[name] = _text(values[name])
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
        code = _text(data["household_code"])
        household = Household.objects.filter(commune=commune, code=code).first()
        if household is None:
            household = save_household(None, {"code": code}, commune=commune, actor=actor)
        person.household = household
        person.search_key = search_key(person.code, person.full_name)
        person.updated_by = person._history_user = actor
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as error:
            raise PersonRefused(_code_taken(Person, person.code)) from error
        publish_register([commune], register_year(commune), current_rules(), actor=actor)
    return person


def load_register(
    communes_path: Path | str,
    persons_path: Path | str,
    *,
    year: int,
    actor,
    progress: Progress | None = None,
) -> ImportResult:
    """import_register (checked whole, then written in batches), then the plan figures of
    `year` around the communes it loaded, and of the later years a changed flag holds for
    (RegisterRefused: nothing written)."""
    result = import_register(communes_path, persons_path, year=year, actor=actor,
                             progress=progress)  # fmt: skip
    with transaction.atomic():
        communes = list(OrgUnit.objects.filter(pk__in=result.commune_ids))
        if communes:
            publish_register(communes, year, current_rules(), actor=actor)
        for commune in OrgUnit.objects.filter(pk__in=result.flag_changed_ids):
            flag_changed(commune, year, actor=actor)
    return result
