"""Load data sets and their validation rules from a YAML file: check all, then write atomically."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.datafile import DataError, DataFile, DataFileError, Sync, read_data_file
from indicators.models import DataElement
from units.models import UnitLevel

from .models import DataSet, DataSetElement, ValidationRule

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "datasets.schema.json"


@dataclass
class DataSetsLoadResult:
    data_sets: list[DataSet]
    counts: dict[str, int]
    written: int


@dataclass
class _Resolved:
    elements: dict[str, DataElement] = field(default_factory=dict)
    shapes: dict[str, frozenset[int]] = field(default_factory=dict)  # disaggregation ids


def load_datasets_file(path: Path | str) -> DataSetsLoadResult:
    """Validate the whole file, then create or update every data set it lists, atomically."""
    doc, resolved = read_datasets(path)
    with transaction.atomic():
        return write_datasets(doc, resolved)


def read_datasets(path: Path | str) -> tuple[DataFile, _Resolved]:
    """Schema, cross-reference and catalog checks; raise one DataFileError, write nothing."""
    doc = read_data_file(path, SCHEMA_PATH)
    resolved = _resolve(doc)
    errors = check_datasets(doc) + _check_catalog(doc, resolved) + _check_owners(doc)
    errors += _check_rule_shapes(doc, resolved)
    if errors:
        raise DataFileError(doc.path, errors)
    return doc, resolved


# --- walking the file ------------------------------------------------------------------------


def _members(data_set: dict, pointer: str) -> Iterator[tuple[str, dict, str]]:
    """(pointer, member, section name) for every element a data set lists."""
    for i, section in enumerate(data_set["sections"]):
        for j, member in enumerate(section["elements"]):
            yield f"{pointer}/sections/{i}/elements/{j}", member, section["name"]


def _data_sets(data: dict) -> Iterator[tuple[str, dict]]:
    for i, data_set in enumerate(data["data_sets"]):
        yield f"/data_sets/{i}", data_set


def _rules(data_set: dict, pointer: str) -> Iterator[tuple[str, dict]]:
    for i, rule in enumerate(data_set.get("rules", [])):
        yield f"{pointer}/rules/{i}", rule


# --- checks that need no database ------------------------------------------------------------

DUPLICATE_MESSAGES = {
    "data_set": gettext_lazy("data set code '%(code)s' is repeated"),
    "element": gettext_lazy("data element '%(code)s' is listed twice in this data set"),
    "rule": gettext_lazy("rule code '%(code)s' is repeated in this data set"),
}


def _unique(doc: DataFile, items: list[tuple[str, str]], kind: str) -> list[DataError]:
    counts = Counter(code for _p, code in items)
    message = DUPLICATE_MESSAGES[kind]
    return [doc.error(p, message % {"code": code}) for p, code in items if counts[code] > 1]


def check_datasets(doc: DataFile) -> list[DataError]:
    """Duplicates and rules that cannot work, whatever the catalog holds."""
    sets = list(_data_sets(doc.data))
    errors = _unique(doc, [(f"{p}/code", d["code"]) for p, d in sets], "data_set")
    for pointer, data_set in sets:
        members = [(f"{p}/element", m["element"]) for p, m, _s in _members(data_set, pointer)]
        errors += _unique(doc, members, "element")
        rules = [(f"{p}/code", r["code"]) for p, r in _rules(data_set, pointer)]
        errors += _unique(doc, rules, "rule")
        listed = {code for _p, code in members}
        for rule_pointer, rule in _rules(data_set, pointer):
            errors += _check_rule(doc, rule_pointer, rule, listed)
    return errors


def _check_rule(doc: DataFile, pointer: str, rule: dict, listed: set[str]) -> list[DataError]:
    errors = []
    for key in ("element", "other"):
        if key in rule and rule[key] not in listed:
            message = _("data element '%(code)s' is not in this data set") % {"code": rule[key]}
            errors.append(doc.error(f"{pointer}/{key}", message))
    if rule["kind"] == "at_most":
        if "other" not in rule:
            errors.append(doc.error(pointer, _("an 'at_most' rule needs 'other', the whole")))
        elif rule["other"] == rule["element"]:
            message = _("a rule cannot compare an element with itself")
            errors.append(doc.error(f"{pointer}/other", message))
        if "share" in rule:
            message = _("'share' belongs to 'change_within' rules only")
            errors.append(doc.error(f"{pointer}/share", message))
    else:
        if "share" not in rule:
            message = _("a 'change_within' rule needs 'share', e.g. 0.2")
            errors.append(doc.error(pointer, message))
        if "other" in rule:
            message = _("'other' belongs to 'at_most' rules only")
            errors.append(doc.error(f"{pointer}/other", message))
    return errors


# --- checks against the database ------------------------------------------------------------


def _resolve(doc: DataFile) -> _Resolved:
    codes = {m["element"] for p, d in _data_sets(doc.data) for _q, m, _s in _members(d, p)}
    elements = DataElement.objects.in_bulk(codes, field_name="code")
    shapes: dict[str, set[int]] = {code: set() for code in elements}
    through = DataElement.disaggregations.through.objects.filter(dataelement__code__in=codes)
    for code, option in through.values_list("dataelement__code", "disaggregation_id"):
        shapes[code].add(option)
    return _Resolved(elements, {code: frozenset(ids) for code, ids in shapes.items()})


def _check_catalog(doc: DataFile, resolved: _Resolved) -> list[DataError]:
    return [
        doc.error(
            f"{p}/element",
            _("no data element with code '%(code)s' in the indicator catalog")
            % {"code": m["element"]},
        )
        for pointer, data_set in _data_sets(doc.data)
        for p, m, _s in _members(data_set, pointer)
        if m["element"] not in resolved.elements
    ]


def _check_owners(doc: DataFile) -> list[DataError]:
    levels = set(UnitLevel.objects.values_list("code", flat=True))
    errors = []
    for pointer, data_set in _data_sets(doc.data):
        if "unit_level" in data_set and "unit_kinds" in data_set:
            message = _("a data set is owed by a unit level or by unit kinds, not both")
            errors.append(doc.error(f"{pointer}/unit_kinds", message))
        level = data_set.get("unit_level")
        if level is not None and level not in levels:
            message = _("no unit level with code '%(code)s' in the database") % {"code": level}
            errors.append(doc.error(f"{pointer}/unit_level", message))
    return errors


def _check_rule_shapes(doc: DataFile, resolved: _Resolved) -> list[DataError]:
    """A part and its whole are compared cell by cell, so they must be broken down alike."""
    errors = []
    for pointer, data_set in _data_sets(doc.data):
        for p, rule in _rules(data_set, pointer):
            part, whole = rule["element"], rule.get("other")
            if rule["kind"] != "at_most" or whole is None:
                continue
            if part in resolved.shapes and whole in resolved.shapes:
                if resolved.shapes[part] != resolved.shapes[whole]:
                    message = _("'%(part)s' and '%(whole)s' are not broken down alike") % {
                        "part": part,
                        "whole": whole,
                    }
                    errors.append(doc.error(f"{p}/other", message))
    return errors


# --- writing -------------------------------------------------------------------------------


def write_datasets(doc: DataFile, resolved: _Resolved) -> DataSetsLoadResult:
    sync, written_sets = Sync(doc), []
    counts = {"data_sets": 0, "elements": 0, "rules": 0}
    for pointer, item in _data_sets(doc.data):
        values = {
            "name": item["name"],
            "description": item.get("description", ""),
            "unit_level": item.get("unit_level", ""),
            "unit_kinds": item.get("unit_kinds", []),
        }
        data_set = sync.row(DataSet, {"code": item["code"]}, values)
        written_sets.append(data_set)
        counts["elements"] += _write_members(sync, data_set, item, pointer, resolved)
        counts["rules"] += _write_rules(sync, data_set, item, pointer, resolved)
    counts["data_sets"] = len(written_sets)
    return DataSetsLoadResult(data_sets=written_sets, counts=counts, written=sync.written)


def _write_members(sync: Sync, data_set: DataSet, item: dict, pointer: str, resolved) -> int:
    rows = []
    for order, (_p, member, section) in enumerate(_members(item, pointer)):
        element = resolved.elements[member["element"]]
        values = {"section": section, "order": order, "required": member.get("required", False)}
        rows.append(sync.row(DataSetElement, {"data_set": data_set, "element": element}, values))
    sync.prune(DataSetElement.objects.filter(data_set=data_set), rows, f"{pointer}/sections")
    return len(rows)


def _write_rules(sync: Sync, data_set: DataSet, item: dict, pointer: str, resolved) -> int:
    rows = []
    for _p, rule in _rules(item, pointer):
        other = resolved.elements.get(rule.get("other"))
        values = {
            "severity": rule["severity"],
            "kind": rule["kind"],
            "element_id": resolved.elements[rule["element"]].pk,
            "other_id": other.pk if other else None,
            "share": _share(rule.get("share")),
            "message": rule.get("message", ""),
        }
        rows.append(sync.row(ValidationRule, {"data_set": data_set, "code": rule["code"]}, values))
    sync.prune(ValidationRule.objects.filter(data_set=data_set), rows, f"{pointer}/rules")
    return len(rows)


def _share(value: float | int | None) -> Decimal | None:
    """The share as the database holds it (4 decimals), so an unchanged file compares equal."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))
