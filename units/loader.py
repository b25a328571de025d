"""Load a units file (levels, units, successions, groups): validate it, then upsert by code."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.datafile import DataError, DataFile, DataFileError, read_data_file, set_related, upsert
from units.models import OrgUnit, UnitGroup, UnitLevel, UnitSuccession

__all__ = ["DataFileError", "load_units", "read_units"]

SCHEMA = Path(__file__).resolve().parent / "schema" / "units.schema.json"


def load_units(path: str | Path) -> Counter:
    """Load the file at `path`; returns how many rows were created or updated, by kind.

    Nothing is written unless the whole file is valid (one transaction). A unit already in
    the database is updated in place but never moved: a change of the map is a new unit
    and a succession.
    """
    doc = read_units(path)
    counts: Counter = Counter()
    with transaction.atomic():
        levels = _upsert_levels(doc.data["levels"], counts)
        units = _upsert_units(doc, levels, counts)
        _upsert_successions(doc.data.get("successions", []), units, counts)
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


def _check(doc: DataFile) -> list[DataError]:
    """Everything that can be checked before writing: codes, references, dates."""
    data = doc.data
    errors: list[DataError] = []
    level_codes = {row["code"] for row in data["levels"]}
    known = set(OrgUnit.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for i, row in enumerate(data["units"]):
        errors += _check_unit(doc, i, row, level_codes, seen, known)
        seen.add(row["code"])
    codes = seen | known
    for section, fields in (("successions", ("predecessor", "successor")), ("groups", ("owner",))):
        for i, row in enumerate(data.get(section, [])):
            refs = [(f, row[f]) for f in fields]
            refs += [(f"members/{j}", code) for j, code in enumerate(row.get("members", []))]
            errors += [
                doc.error(f"/{section}/{i}/{field}", _("unknown unit %(code)s") % {"code": code})
                for field, code in refs
                if code not in codes
            ]
    return errors


def _check_unit(
    doc: DataFile, i: int, row: dict, level_codes: set, seen: set, known: set
) -> list[DataError]:
    code, pointer, errors = row["code"], f"/units/{i}", []
    if code in seen:
        errors.append(doc.error(pointer, _("unit %(code)s appears twice") % {"code": code}))
    if "level" in row and row["level"] not in level_codes:
        msg = _("unit %(code)s: unknown level %(level)s") % {"code": code, "level": row["level"]}
        errors.append(doc.error(f"{pointer}/level", msg))
    parent = row.get("parent")
    if parent is not None and parent not in seen and parent not in known:
        msg = _("unit %(code)s: parent %(parent)s is neither above it in the file nor loaded")
        errors.append(doc.error(f"{pointer}/parent", msg % {"code": code, "parent": parent}))
    try:
        start, end = _date(row.get("valid_from")), _date(row.get("valid_to"))
    except ValueError:
        return [*errors, doc.error(pointer, _("unit %(code)s: bad date") % {"code": code})]
    if start and end and end < start:
        msg = _("unit %(code)s: valid_to is before valid_from") % {"code": code}
        errors.append(doc.error(f"{pointer}/valid_to", msg))
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


def _unit_fields(row: dict, levels: dict[str, UnitLevel]) -> dict:
    return {
        "name": row["name"],
        "short_name": row.get("short_name", ""),
        "level": levels[row["level"]] if "level" in row else None,
        "kind": row.get("kind", OrgUnit.Kind.ADMINISTRATIVE),
        "valid_from": _date(row.get("valid_from")),
        "valid_to": _date(row.get("valid_to")),
        "official_code_source": row.get("code_source", ""),
    }


def _upsert_units(
    doc: DataFile, levels: dict[str, UnitLevel], counts: Counter
) -> dict[str, OrgUnit]:
    units = {u.code: u for u in OrgUnit.objects.all()}
    for i, row in enumerate(doc.data["units"]):
        fields = _unit_fields(row, levels)
        parent = units[row["parent"]] if row.get("parent") else None
        unit = units.get(row["code"])
        if unit is None:
            kwargs = {"code": row["code"], **fields}
            if parent is None:
                unit = OrgUnit.objects.add_root(kwargs)
            else:
                unit = OrgUnit.objects.add_child(parent, kwargs)
            units[unit.code] = unit
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
            counts["units"] += 1
    return units


def _parent_path(unit: OrgUnit) -> str:
    return unit.path[: -OrgUnit.steplen] if unit.depth > 1 else ""


def _upsert_successions(rows: list[dict], units: dict[str, OrgUnit], counts: Counter) -> None:
    for row in rows:
        lookup = {"predecessor": units[row["predecessor"]], "successor": units[row["successor"]]}
        values = {
            "kind": row["kind"],
            "effective_on": _date(row["effective_on"]),
            "legal_act": row.get("legal_act", ""),
        }
        counts["successions"] += upsert(UnitSuccession, lookup, values)[1]


def _upsert_groups(rows: list[dict], units: dict[str, OrgUnit], counts: Counter) -> None:
    for row in rows:
        values = {
            "name": row["name"],
            "owner": units[row["owner"]],
            "open_membership": row.get("open_membership", False),
        }
        group, changed = upsert(UnitGroup, {"code": row["code"]}, values)
        members = {units[code].pk for code in row.get("members", [])}
        changed = set_related(group.members, members) or changed
        counts["groups"] += changed
