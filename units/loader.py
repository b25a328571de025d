"""Load a units file (levels, units, successions, aliases, groups): validate it, then upsert.

A unit is upserted by its code and the day it starts: a code is unique only within its
period (units/codes.py). A reference to a unit (a parent, a predecessor, a member) is its
code, resolved on the day that matters (a parent on its child's first or last day, a
predecessor on the eve of the change, a successor on its day); `CODE@YYYY-MM-DD` names the
day outright.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.datafile import DataError, DataFile, DataFileError, read_data_file, set_related, upsert
from units.codes import overlaps
from units.models import OrgUnit, UnitCodeAlias, UnitGroup, UnitLevel, UnitSuccession

__all__ = ["DataFileError", "load_units", "read_units"]

SCHEMA = Path(__file__).resolve().parent / "schema" / "units.schema.json"
DAY = datetime.timedelta(days=1)


def load_units(path: str | Path) -> Counter:
    """Load the file at `path`; returns how many rows were created or updated, by kind.

    Nothing is written unless the whole file is valid (one transaction). A unit already in
    the database is updated in place but never moved: a change of the map is a new unit
    and a succession. A unit still carrying a code the file lists as an alias of its own
    (the demo's 12337 for thị trấn Cát Bà, 11914) takes the official code first.
    """
    doc = read_units(path)
    counts: Counter = Counter()
    with transaction.atomic():
        levels = _upsert_levels(doc.data["levels"], counts)
        _recode(doc, counts)
        units = _upsert_units(doc, levels, counts)
        _upsert_successions(doc.data.get("successions", []), units, counts)
        _upsert_aliases(doc.data.get("aliases", []), units, counts)
        _upsert_groups(doc.data.get("groups", []), units, counts)
    return +counts  # drops the zero counts


def read_units(path: str | Path) -> DataFile:
    """Schema and cross-reference checks; raises DataFileError and writes nothing."""
    doc = read_data_file(path, SCHEMA)
    errors = _check(doc)
    if errors:
        raise DataFileError(doc.path, errors)
    return doc


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


@dataclass(frozen=True)
class _Span:
    code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    name: str

    @property
    def key(self) -> tuple:
        return (self.code, self.valid_from)

    def valid_on(self, day: datetime.date) -> bool:
        return overlaps(self.valid_from, self.valid_to, day, day)


class _Codes:
    """The units of the file and of the database, by code, to resolve references."""

    def __init__(self, spans):
        self.by_code: dict[str, dict[tuple, _Span]] = defaultdict(dict)
        for span in spans:
            self.by_code[span.code][span.key] = span

    def add(self, span: _Span) -> None:
        self.by_code[span.code][span.key] = span

    def find(self, ref: str, day: datetime.date | None) -> tuple | str:
        """The key of the unit `ref` names on `day`, or the message saying why not."""
        code, _sep, on = ref.partition("@")
        if on:
            try:
                day = datetime.date.fromisoformat(on)
            except ValueError:
                return _("bad date in %(ref)s") % {"ref": ref}
        held = list(self.by_code.get(code, {}).values())
        if day is not None and len(held) > 1:
            held = [s for s in held if s.valid_on(day)]
        if len(held) == 1:
            return held[0].key
        if not held:
            return _("unknown unit %(code)s") % {"code": ref}
        return _("%(code)s names several units; write %(code)s@YYYY-MM-DD") % {"code": code}


def _span(row: dict) -> _Span:
    return _Span(row["code"], _date(row.get("valid_from")), _date(row.get("valid_to")), row["name"])


def _parent_day(row: dict) -> datetime.date | None:
    return _date(row.get("valid_from")) or _date(row.get("valid_to"))


def _check(doc: DataFile) -> list[DataError]:
    """Everything that can be checked before writing: codes, periods, references, dates."""
    data = doc.data
    errors: list[DataError] = []
    level_codes = {row["code"] for row in data["levels"]}
    codes = _Codes(_Span(*u) for u in _existing_spans())
    seen: set[tuple] = set()
    for i, row in enumerate(data["units"]):
        errors += _check_unit(doc, i, row, level_codes, seen, codes)
    errors += _check_periods(doc, codes)
    for i, row in enumerate(data.get("successions", [])):
        on = _date(row["effective_on"])
        for field, day in (("predecessor", on - DAY), ("successor", on)):
            errors += _check_ref(doc, f"/successions/{i}/{field}", codes, row[field], day)
    file_codes = {row["code"] for row in data["units"]}
    for i, row in enumerate(data.get("aliases", [])):
        errors += _check_ref(doc, f"/aliases/{i}/unit", codes, row["unit"], None)
        if row["code"] in file_codes:
            msg = _("alias %(code)s is the code of a unit in the file") % {"code": row["code"]}
            errors.append(doc.error(f"/aliases/{i}/code", msg))
    for i, row in enumerate(data.get("groups", [])):
        errors += _check_ref(doc, f"/groups/{i}/owner", codes, row["owner"], None)
        day = _members_day(codes, row["owner"])
        for j, code in enumerate(row.get("members", [])):
            errors += _check_ref(doc, f"/groups/{i}/members/{j}", codes, code, day)
    return errors


def _members_day(codes: _Codes, owner: str) -> datetime.date | None:
    """A group's members are resolved on its owner's last day (a district's communes)."""
    key = codes.find(owner, None)
    return None if isinstance(key, str) else codes.by_code[key[0]][key].valid_to


def _existing_spans():
    return OrgUnit.objects.values_list("code", "valid_from", "valid_to", "name")


def _check_ref(doc, pointer: str, codes: _Codes, ref: str, day) -> list[DataError]:
    found = codes.find(ref, day)
    return [doc.error(pointer, found)] if isinstance(found, str) else []


def _check_unit(
    doc: DataFile, i: int, row: dict, level_codes: set, seen: set, codes: _Codes
) -> list[DataError]:
    code, pointer, errors = row["code"], f"/units/{i}", []
    try:
        span = _span(row)
    except ValueError:
        return [doc.error(pointer, _("unit %(code)s: bad date") % {"code": code})]
    if span.key in seen:
        errors.append(doc.error(pointer, _("unit %(code)s appears twice") % {"code": code}))
    if "level" in row and row["level"] not in level_codes:
        msg = _("unit %(code)s: unknown level %(level)s") % {"code": code, "level": row["level"]}
        errors.append(doc.error(f"{pointer}/level", msg))
    parent = row.get("parent")
    if parent is not None and isinstance(codes.find(parent, _parent_day(row)), str):
        msg = _("unit %(code)s: parent %(parent)s is neither above it in the file nor loaded")
        errors.append(doc.error(f"{pointer}/parent", msg % {"code": code, "parent": parent}))
    if span.valid_from and span.valid_to and span.valid_to < span.valid_from:
        msg = _("unit %(code)s: valid_to is before valid_from") % {"code": code}
        errors.append(doc.error(f"{pointer}/valid_to", msg))
    seen.add(span.key)
    codes.add(span)
    return errors


def _check_periods(doc: DataFile, codes: _Codes) -> list[DataError]:
    """A code names one unit at a time, counting the units already loaded."""
    errors = []
    for code, held in codes.by_code.items():
        spans = list(held.values())
        for i, a in enumerate(spans):
            for b in spans[i + 1 :]:
                if overlaps(a.valid_from, a.valid_to, b.valid_from, b.valid_to):
                    msg = _("Code %(code)s would name both %(a)s and %(b)s on a common day.")
                    errors.append(
                        doc.error("/units", msg % {"code": code, "a": a.name, "b": b.name})
                    )
    return errors


def _upsert_levels(rows: list[dict], counts: Counter) -> dict[str, UnitLevel]:
    levels = {}
    for row in rows:
        level, changed = upsert(
            UnitLevel, {"code": row["code"]}, {k: row[k] for k in ("name", "rank")}
        )
        levels[level.code] = level
        counts["levels"] += changed
    return levels


def _recode(doc: DataFile, counts: Counter) -> None:
    """A unit loaded under a code the file now lists as an alias takes its official code,
    when the unit the alias names is not loaded yet and bears the same name."""
    rows = {(r["code"], _date(r.get("valid_from"))): r for r in doc.data["units"]}
    loaded = {(u.code, u.valid_from) for u in OrgUnit.objects.all()}
    for alias in doc.data.get("aliases", []):
        code, _sep, _day = alias["unit"].partition("@")
        targets = [row for key, row in rows.items() if key[0] == code and key not in loaded]
        old = OrgUnit.objects.filter(code=alias["code"]).first()
        matching = [row for row in targets if old is not None and row["name"] == old.name]
        if len(matching) == 1 and (code, old.valid_from) not in loaded:
            old.code = code
            old._change_reason = _("official code replaces %(old)s") % {"old": alias["code"]}
            old.save(update_fields=["code"])
            loaded.add((code, old.valid_from))
            counts["units"] += 1


def _unit_fields(row: dict, levels: dict[str, UnitLevel]) -> dict:
    return {
        "name": row["name"],
        "short_name": row.get("short_name", ""),
        "level": levels[row["level"]] if "level" in row else None,
        "kind": row.get("kind", OrgUnit.Kind.ADMINISTRATIVE),
        "valid_to": _date(row.get("valid_to")),
        "official_code_source": row.get("code_source", ""),
    }


def _upsert_units(doc: DataFile, levels: dict[str, UnitLevel], counts: Counter) -> _Resolved:
    loaded = {(u.code, u.valid_from): u for u in OrgUnit.objects.all()}
    units = _Resolved(loaded)
    for i, row in enumerate(doc.data["units"]):
        fields = _unit_fields(row, levels)
        parent = units.get(row["parent"], _parent_day(row)) if row.get("parent") else None
        key = (row["code"], _date(row.get("valid_from")))
        unit = loaded.get(key)
        if unit is None:
            kwargs = {"code": row["code"], "valid_from": key[1], **fields}
            if parent is None:
                unit = OrgUnit.objects.add_root(kwargs)
            else:
                unit = OrgUnit.objects.add_child(parent, kwargs)
            units.add(unit)
            counts["units"] += 1
            continue
        if _parent_path(unit) != (parent.path if parent else ""):
            msg = _("unit %(code)s already exists elsewhere in the tree; units are never moved")
            raise DataFileError(doc.path, [doc.error(f"/units/{i}", msg % {"code": unit.code})])
        changed = [name for name, value in fields.items() if getattr(unit, name) != value]
        if changed:
            for name in changed:
                setattr(unit, name, fields[name])
            unit.save(update_fields=changed)
            units.add(unit)  # its period may have changed
            counts["units"] += 1
    return units


class _Resolved:
    """The loaded units, found by a reference the way the checks resolved it."""

    def __init__(self, loaded: dict[tuple, OrgUnit]):
        self.units = dict(loaded)
        self.codes = _Codes(
            _Span(u.code, u.valid_from, u.valid_to, u.name) for u in loaded.values()
        )

    def add(self, unit: OrgUnit) -> None:
        self.units[(unit.code, unit.valid_from)] = unit
        self.codes.add(_Span(unit.code, unit.valid_from, unit.valid_to, unit.name))

    def get(self, ref: str, day: datetime.date | None) -> OrgUnit:
        return self.units[self.codes.find(ref, day)]


def _parent_path(unit: OrgUnit) -> str:
    return unit.path[: -OrgUnit.steplen] if unit.depth > 1 else ""


def _upsert_successions(rows: list[dict], units: _Resolved, counts: Counter) -> None:
    for row in rows:
        on = _date(row["effective_on"])
        lookup = {
            "predecessor": units.get(row["predecessor"], on - DAY),
            "successor": units.get(row["successor"], on),
        }
        values = {"kind": row["kind"], "effective_on": on, "legal_act": row.get("legal_act", "")}
        counts["successions"] += upsert(UnitSuccession, lookup, values)[1]


def _upsert_aliases(rows: list[dict], units: _Resolved, counts: Counter) -> None:
    for row in rows:
        values = {"unit": units.get(row["unit"], None), "note": row.get("note", "")}
        counts["aliases"] += upsert(UnitCodeAlias, {"code": row["code"]}, values)[1]


def _upsert_groups(rows: list[dict], units: _Resolved, counts: Counter) -> None:
    for row in rows:
        values = {
            "name": row["name"],
            "owner": units.get(row["owner"], None),
            "open_membership": row.get("open_membership", False),
        }
        group, changed = upsert(UnitGroup, {"code": row["code"]}, values)
        day = _members_day(units.codes, row["owner"])
        members = {units.get(code, day).pk for code in row.get("members", [])}
        changed = set_related(group.members, members) or changed
        counts["groups"] += changed
