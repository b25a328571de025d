"""Load a plan from its YAML data file: validate everything, then write it in one transaction."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.datafile import DataError, DataFile, DataFileError, Sync, read_data_file
from indicators.models import Indicator
from plans.models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanStatement,
    ResponsibilityClause,
    Target,
    Task,
    TaskGroup,
)
from units.models import OrgUnit, UnitGroup

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "plan.schema.json"


@dataclass
class Resolved:
    """The database rows a plan file names by code."""

    units: dict[str, OrgUnit] = field(default_factory=dict)
    groups: dict[str, UnitGroup] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)


@dataclass
class PlanLoadResult:
    plan: Plan
    counts: dict[str, int]
    written: int


def load_plan_file(path: Path | str) -> PlanLoadResult:
    """Validate the whole file, then replace-or-create the plan by its code, atomically."""
    doc, resolved = read_plan(path)
    with transaction.atomic():
        return write_plan(doc, resolved)


def read_plan(path: Path | str) -> tuple[DataFile, Resolved]:
    """Schema and cross-reference checks; raise one DataFileError and write nothing."""
    doc = read_data_file(path, SCHEMA_PATH)
    errors = check_plan(doc)
    resolved = Resolved()
    errors += _resolve_units(doc, resolved) + _resolve_indicators(doc, resolved)
    if errors:
        raise DataFileError(doc.path, errors)
    return doc, resolved


# --- walking the file ------------------------------------------------------------------------


def _targets(data: dict) -> Iterator[tuple[str, dict]]:
    for i, group in enumerate(data["objective_groups"]):
        for j, target in enumerate(group["targets"]):
            yield f"/objective_groups/{i}/targets/{j}", target


def _tasks(data: dict) -> Iterator[tuple[str, dict, dict]]:
    for i, group in enumerate(data["task_groups"]):
        for j, task in enumerate(group["tasks"]):
            yield f"/task_groups/{i}/tasks/{j}", task, group


def _duties(data: dict) -> Iterator[tuple[str, dict]]:
    for i, clause in enumerate(data["clauses"]):
        for j, duty in enumerate(clause["duties"]):
            yield f"/clauses/{i}/duties/{j}", duty


def _listed(data: dict, key: str) -> Iterator[tuple[str, str]]:
    """(pointer, code) for every code a duty lists under `key`."""
    for pointer, duty in _duties(data):
        for k, code in enumerate(duty.get(key, [])):
            yield f"{pointer}/{key}/{k}", code


# --- checks that need no database ------------------------------------------------------------


def check_plan(doc: DataFile) -> list[DataError]:
    data = doc.data
    errors = _unique(doc, [(p, t["code"]) for p, t in _targets(data)], "target_code")
    errors += _unique(doc, [(p, t["code"]) for p, t, _g in _tasks(data)], "task_code")
    for key in ("objective_groups", "task_groups", "budget_sources", "clauses"):
        errors += _unique(doc, [(f"/{key}/{i}", x["number"]) for i, x in enumerate(data[key])], key)
    for i, clause in enumerate(data["clauses"]):
        numbers = [
            (f"/clauses/{i}/duties/{j}", d["number"]) for j, d in enumerate(clause["duties"])
        ]
        errors += _unique(doc, numbers, "duties")
    return errors + _check_tasks(doc) + _check_targets(doc) + _check_links(doc)


# What must be unique in a plan file, by kind; placeholder: code.
DUPLICATE_MESSAGES = {
    "target_code": gettext_lazy("target code '%(code)s' is repeated"),
    "task_code": gettext_lazy("task code '%(code)s' is repeated"),
    "objective_groups": gettext_lazy("objective group number '%(code)s' is repeated"),
    "task_groups": gettext_lazy("task group number '%(code)s' is repeated"),
    "budget_sources": gettext_lazy("budget source number '%(code)s' is repeated"),
    "clauses": gettext_lazy("clause number '%(code)s' is repeated"),
    "duties": gettext_lazy("duty number '%(code)s' is repeated within its clause"),
}


def _unique(doc: DataFile, items: list[tuple[str, Any]], kind: str) -> list[DataError]:
    counts = Counter(code for _p, code in items)
    message = DUPLICATE_MESSAGES[kind]
    return [doc.error(p, message % {"code": code}) for p, code in items if counts[code] > 1]


def _check_tasks(doc: DataFile) -> list[DataError]:
    errors = []
    for pointer, task, group in _tasks(doc.data):
        if task["code"].split(".")[1] != group["number"]:
            message = _("task code '%(code)s' does not belong to group %(group)s") % {
                "code": task["code"],
                "group": group["number"],
            }
            errors.append(doc.error(f"{pointer}/code", message))
    return errors


def _check_targets(doc: DataFile) -> list[DataError]:
    data, errors = doc.data, []
    if data["start_year"] > data["end_year"]:
        message = _("the end year must not be before the start year")
        errors.append(doc.error("/end_year", message))
    for pointer, target in _targets(data):
        if not data["start_year"] <= target["due_year"] <= data["end_year"]:
            message = _("due year %(year)s lies outside the plan's period") % {
                "year": target["due_year"]
            }
            errors.append(doc.error(f"{pointer}/due_year", message))
        if target["comparator"] == "parity" and target["value"] > target["value_max"]:
            message = _("the upper bound is less than the lower bound")
            errors.append(doc.error(f"{pointer}/value_max", message))
    return errors


def _check_links(doc: DataFile) -> list[DataError]:
    tasks = {t["code"] for _p, t, _g in _tasks(doc.data)}
    targets = {t["code"] for _p, t in _targets(doc.data)}
    errors = [
        doc.error(p, _("task '%(code)s' is not in section III of the plan") % {"code": code})
        for p, code in _listed(doc.data, "tasks")
        if code not in tasks
    ]
    errors += [
        doc.error(p, _("target '%(code)s' is not in section II of the plan") % {"code": code})
        for p, code in _listed(doc.data, "targets")
        if code not in targets
    ]
    return errors


# --- checks against the database ------------------------------------------------------------


def _unit_refs(data: dict) -> Iterator[tuple[str, str]]:
    yield "/owner_unit", data["owner_unit"]
    for i, clause in enumerate(data["clauses"]):
        if "unit" in clause:
            yield f"/clauses/{i}/unit", clause["unit"]
    yield from _listed(data, "named_units")


def _group_refs(data: dict) -> Iterator[tuple[str, str]]:
    for i, clause in enumerate(data["clauses"]):
        if "group" in clause:
            yield f"/clauses/{i}/group", clause["group"]
    yield from _listed(data, "named_groups")


def _resolve_units(doc: DataFile, resolved: Resolved) -> list[DataError]:
    unit_refs, group_refs = list(_unit_refs(doc.data)), list(_group_refs(doc.data))
    resolved.units = OrgUnit.objects.in_bulk({c for _p, c in unit_refs}, field_name="code")
    resolved.groups = UnitGroup.objects.in_bulk({c for _p, c in group_refs}, field_name="code")
    issued_on = datetime.date.fromisoformat(doc.data["issued_on"])
    errors = []
    for pointer, code in unit_refs:
        unit = resolved.units.get(code)
        if unit is None:
            message = _("no unit with code '%(code)s' in the database") % {"code": code}
            errors.append(doc.error(pointer, message))
        elif not unit.is_valid_on(issued_on):
            message = _("unit '%(code)s' did not exist on the date of issue %(date)s") % {
                "code": code,
                "date": f"{issued_on:%d/%m/%Y}",
            }
            errors.append(doc.error(pointer, message))
    errors += [
        doc.error(pointer, _("no unit group with code '%(code)s' in the database") % {"code": code})
        for pointer, code in group_refs
        if code not in resolved.groups
    ]
    return errors


def _resolve_indicators(doc: DataFile, resolved: Resolved) -> list[DataError]:
    targets = list(_targets(doc.data))
    codes = {t["indicator"] for _p, t in targets}
    resolved.indicators = Indicator.objects.in_bulk(codes, field_name="code")
    errors = []
    for pointer, target in targets:
        indicator = resolved.indicators.get(target["indicator"])
        if indicator is None:
            message = _("no indicator with code '%(code)s' in the indicator catalog") % {
                "code": target["indicator"]
            }
            errors.append(doc.error(f"{pointer}/indicator", message))
        elif (target["comparator"] == "parity") != (indicator.kind == Indicator.Kind.PARITY):
            message = _("comparator '%(comparator)s' does not suit indicator '%(indicator)s'") % {
                "comparator": target["comparator"],
                "indicator": indicator.code,
            }
            errors.append(doc.error(f"{pointer}/comparator", message))
    return errors


# --- writing -------------------------------------------------------------------------------


def write_plan(doc: DataFile, resolved: Resolved) -> PlanLoadResult:
    data, sync = doc.data, Sync(doc)
    plan = sync.row(Plan, {"code": data["code"]}, _plan_values(doc, resolved))
    _write_texts(sync, plan, data)
    targets = _write_objectives(sync, plan, data, resolved)
    tasks = _write_tasks(sync, plan, data)
    _write_clauses(sync, plan, data, resolved, tasks, targets)
    counts = {
        "references": len(data["references"]),
        "statements": len(data["statements"]),
        "objective_groups": len(data["objective_groups"]),
        "targets": len(targets),
        "task_groups": len(data["task_groups"]),
        "tasks": len(tasks),
        "budget_sources": len(data["budget_sources"]),
        "clauses": len(data["clauses"]),
        "duties": sum(1 for _d in _duties(data)),
    }
    return PlanLoadResult(plan=plan, counts=counts, written=sync.written)


def _plan_values(doc: DataFile, resolved: Resolved) -> dict[str, Any]:
    data = doc.data
    return {
        "number": data["number"],
        "title": data["title"],
        "issued_on": datetime.date.fromisoformat(data["issued_on"]),
        "issuer": data["issuer"],
        "place": data.get("place", ""),
        "owner_id": resolved.units[data["owner_unit"]].pk,
        "start_year": data["start_year"],
        "end_year": data["end_year"],
        "preamble": data.get("preamble", ""),
        "signer_title": data.get("signer_title", ""),
        "signer_name": data.get("signer_name", ""),
        "source_file": source_name(doc.path),
        "source_sha256": doc.sha256,
        "data_version": data["data_version"],
    }


def source_name(path: Path) -> str:
    """The file's path relative to the project when it lies inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _write_texts(sync: Sync, plan: Plan, data: dict) -> None:
    """Legal references, statements and budget sources: rows keyed by their position."""
    rows = []
    for order, ref in enumerate(data["references"]):
        values = {
            "relation": ref["relation"],
            "number": ref["number"],
            "issued_on": _date(ref.get("issued_on")),
            "issuer": ref.get("issuer", ""),
            "title": ref.get("title", ""),
        }
        rows.append(sync.row(LegalReference, {"plan": plan, "order": order}, values))
    sync.prune(LegalReference.objects.filter(plan=plan), rows, "/references")
    rows = [
        sync.row(PlanStatement, {"plan": plan, "order": order}, dict(s))
        for order, s in enumerate(data["statements"])
    ]
    sync.prune(PlanStatement.objects.filter(plan=plan), rows, "/statements")
    rows = [
        sync.row(
            BudgetSource,
            {"plan": plan, "number": b["number"]},
            {"kind": b["kind"], "text": b["text"], "order": order},
        )
        for order, b in enumerate(data["budget_sources"])
    ]
    sync.prune(BudgetSource.objects.filter(plan=plan), rows, "/budget_sources")


def _write_objectives(sync: Sync, plan: Plan, data: dict, resolved: Resolved) -> dict[str, Target]:
    groups, targets = [], {}
    for order, item in enumerate(data["objective_groups"]):
        values = {"title": item["title"], "order": order}
        group = sync.row(ObjectiveGroup, {"plan": plan, "number": item["number"]}, values)
        groups.append(group)
        for target in item["targets"]:
            values = _target_values(target, group, resolved, order=len(targets))
            targets[target["code"]] = sync.row(
                Target, {"plan": plan, "code": target["code"]}, values
            )
    sync.prune(Target.objects.filter(plan=plan), list(targets.values()), "/objective_groups")
    sync.prune(ObjectiveGroup.objects.filter(plan=plan), groups, "/objective_groups")
    return targets


def _target_values(target: dict, group: ObjectiveGroup, resolved: Resolved, order: int) -> dict:
    return {
        "group_id": group.pk,
        "clause": target["clause"],
        "text": target["text"],
        "indicator_id": resolved.indicators[target["indicator"]].pk,
        "comparator": target["comparator"],
        "value": _decimal(target.get("value")),
        "value_max": _decimal(target.get("value_max")),
        "scope": target["scope"],
        "commune_share": _decimal(target.get("commune_share", 100)),
        "population_group": target.get("population_group", ""),
        "due_year": target["due_year"],
        "aspirational": target.get("aspirational", False),
        "order": order,
    }


def _write_tasks(sync: Sync, plan: Plan, data: dict) -> dict[str, Task]:
    groups, tasks = [], {}
    for order, item in enumerate(data["task_groups"]):
        values = {"title": item["title"], "order": order}
        group = sync.row(TaskGroup, {"plan": plan, "number": item["number"]}, values)
        groups.append(group)
        for position, task in enumerate(item["tasks"]):
            values = {"subgroup": task.get("subgroup", ""), "text": task["text"], "order": position}
            tasks[task["code"]] = sync.row(Task, {"group": group, "code": task["code"]}, values)
    sync.prune(Task.objects.filter(group__plan=plan), list(tasks.values()), "/task_groups")
    sync.prune(TaskGroup.objects.filter(plan=plan), groups, "/task_groups")
    return tasks


def _write_clauses(
    sync: Sync,
    plan: Plan,
    data: dict,
    resolved: Resolved,
    tasks: dict[str, Task],
    targets: dict[str, Target],
) -> None:
    clauses, duties = [], []
    for order, item in enumerate(data["clauses"]):
        unit, group = resolved.units.get(item.get("unit")), resolved.groups.get(item.get("group"))
        values = {
            "heading": item["heading"],
            "unit_id": unit.pk if unit else None,
            "group_id": group.pk if group else None,
            "by_request": item.get("by_request", False),
            "order": order,
        }
        clause = sync.row(ResponsibilityClause, {"plan": plan, "number": item["number"]}, values)
        clauses.append(clause)
        for duty in item["duties"]:
            duties.append(_write_duty(sync, clause, duty, resolved, tasks, targets))
    sync.prune(Duty.objects.filter(clause__plan=plan), duties, "/clauses")
    sync.prune(ResponsibilityClause.objects.filter(plan=plan), clauses, "/clauses")


def _write_duty(
    sync: Sync,
    clause: ResponsibilityClause,
    item: dict,
    resolved: Resolved,
    tasks: dict[str, Task],
    targets: dict[str, Target],
) -> Duty:
    values = {
        "text": item["text"],
        "role": item["role"],
        "named_text": item.get("named_text", ""),
    }
    duty = sync.row(Duty, {"clause": clause, "number": item["number"]}, values)
    sync.related(duty.tasks, {tasks[c].pk for c in item["tasks"]})
    sync.related(duty.targets, {targets[c].pk for c in item.get("targets", [])})
    sync.related(duty.named_units, {resolved.units[c].pk for c in item.get("named_units", [])})
    sync.related(duty.named_groups, {resolved.groups[c].pk for c in item.get("named_groups", [])})
    return duty
