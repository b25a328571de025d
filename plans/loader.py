"""Load a plan from its YAML data file: validate everything, then write it in one transaction."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    PlanSection,
    PlanStatement,
    ResponsibilityClause,
    Target,
    TargetMilestone,
    Task,
    TaskGroup,
)
from plans.targets import SUBJECT_KINDS, legacy_columns, measure_of, milestones_of
from units.codes import resolve_many
from units.models import OrgUnit, UnitGroup, UnitLevel

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "plan.schema.json"
LIST_KEYS = (
    "references",
    "statements",
    "objective_groups",
    "task_groups",
    "budget_sources",
    "clauses",
    "sections",
    "implements",
)


@dataclass
class Resolved:
    """The database rows a plan file names by code."""

    units: dict[str, OrgUnit] = field(default_factory=dict)
    groups: dict[str, UnitGroup] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    parents: dict[tuple[str, str], Target] = field(default_factory=dict)


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
    # A plan held by its header only (a node of the plan tree) has no body to list.
    for key in LIST_KEYS:
        doc.data.setdefault(key, [])
    errors = check_plan(doc)
    resolved = Resolved()
    errors += _resolve_units(doc, resolved) + _resolve_indicators(doc, resolved)
    errors += _resolve_plans(doc, resolved) + _check_subjects(doc)
    if errors:
        raise DataFileError(doc.path, errors)
    return doc, resolved


# --- walking the file ------------------------------------------------------------------------


def _targets(data: dict) -> Iterator[tuple[str, dict]]:
    for i, group in enumerate(data.get("objective_groups", [])):
        for j, target in enumerate(group["targets"]):
            yield f"/objective_groups/{i}/targets/{j}", target


def _tasks(data: dict) -> Iterator[tuple[str, dict, dict]]:
    for i, group in enumerate(data.get("task_groups", [])):
        for j, task in enumerate(group["tasks"]):
            yield f"/task_groups/{i}/tasks/{j}", task, group


def _duties(data: dict) -> Iterator[tuple[str, dict]]:
    for i, clause in enumerate(data.get("clauses", [])):
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
        items = enumerate(data.get(key, []))
        errors += _unique(doc, [(f"/{key}/{i}", x["number"]) for i, x in items], key)
    errors += _unique(doc, [(f"/sections/{i}", s["key"]) for i, s in _sections(data)], "sections")
    for i, clause in enumerate(data.get("clauses", [])):
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
    "sections": gettext_lazy("section '%(code)s' is repeated"),
    "milestones": gettext_lazy("milestone year %(code)s is repeated"),
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


def _sections(data: dict) -> Iterator[tuple[int, dict]]:
    return enumerate(data.get("sections", []))


def _check_targets(doc: DataFile) -> list[DataError]:
    data, errors = doc.data, []
    if data["start_year"] > data["end_year"]:
        message = _("the end year must not be before the start year")
        errors.append(doc.error("/end_year", message))
    codes = {t["code"] for _p, t in _targets(data)}
    for pointer, target in _targets(data):
        errors += _check_years(doc, pointer, target)
        if target["comparator"] == "parity" and target["value"] > target["value_max"]:
            message = _("the upper bound is less than the lower bound")
            errors.append(doc.error(f"{pointer}/value_max", message))
        if target.get("part_of") not in (None, *codes) or target.get("part_of") == target["code"]:
            message = _("target '%(code)s' is not another target of this plan") % {
                "code": target["part_of"]
            }
            errors.append(doc.error(f"{pointer}/part_of", message))
    return errors


def _check_years(doc: DataFile, pointer: str, target: dict) -> list[DataError]:
    data, errors = doc.data, []
    if "milestones" in target:
        items = [
            (f"{pointer}/milestones/{i}", m["year"]) for i, m in enumerate(target["milestones"])
        ]
        errors += _unique(doc, items, "milestones")
    else:
        items = [(f"{pointer}/due_year", target["due_year"])]
    years = [year for _p, year in items]
    if years != sorted(years):
        message = _("milestones must be listed by year")
        errors.append(doc.error(f"{pointer}/milestones", message))
    for item_pointer, year in items:
        if not data["start_year"] <= year <= data["end_year"]:
            message = _("due year %(year)s lies outside the plan's period") % {"year": year}
            errors.append(doc.error(item_pointer, message))
    return errors


def _check_links(doc: DataFile) -> list[DataError]:
    tasks = {t["code"] for _p, t, _g in _tasks(doc.data)}
    targets = {t["code"] for _p, t in _targets(doc.data)}
    errors = [
        doc.error(p, _("task '%(code)s' is not among the plan's tasks") % {"code": code})
        for p, code in _listed(doc.data, "tasks")
        if code not in tasks
    ]
    errors += [
        doc.error(p, _("target '%(code)s' is not among the plan's targets") % {"code": code})
        for p, code in _listed(doc.data, "targets")
        if code not in targets
    ]
    return errors


# --- checks against the database ------------------------------------------------------------


def _unit_refs(data: dict) -> Iterator[tuple[str, str]]:
    yield "/owner_unit", data["owner_unit"]
    for i, clause in enumerate(data.get("clauses", [])):
        if "unit" in clause:
            yield f"/clauses/{i}/unit", clause["unit"]
    yield from _listed(data, "named_units")


def _group_refs(data: dict) -> Iterator[tuple[str, str]]:
    for i, clause in enumerate(data.get("clauses", [])):
        if "group" in clause:
            yield f"/clauses/{i}/group", clause["group"]
    yield from _listed(data, "named_groups")


def _resolve_units(doc: DataFile, resolved: Resolved) -> list[DataError]:
    unit_refs, group_refs = list(_unit_refs(doc.data)), list(_group_refs(doc.data))
    issued_on = datetime.date.fromisoformat(doc.data["issued_on"])
    # A code names one unit per period: a plan's codes are read on its day of issue (the
    # đặc khu's 11914 was thị trấn Cát Bà's until 30/06/2025).
    resolved.units = resolve_many({c for _p, c in unit_refs}, issued_on)
    resolved.groups = UnitGroup.objects.in_bulk({c for _p, c in group_refs}, field_name="code")
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


def _resolve_plans(doc: DataFile, resolved: Resolved) -> list[DataError]:
    """The plans this one implements or succeeds, and the targets its targets localise:
    they must be loaded first (the plan tree is loaded from the top down)."""
    data, errors = doc.data, []
    refs = [(f"/implements/{i}", code) for i, code in enumerate(data["implements"])]
    if "succeeds" in data:
        refs.append(("/succeeds", data["succeeds"]))
    parents = [(f"{p}/parent", t["parent"]) for p, t in _targets(data) if "parent" in t]
    codes = {code for _p, code in refs} | {parent["plan"] for _p, parent in parents}
    resolved.plans = Plan.objects.in_bulk(codes, field_name="code")
    for pointer, code in refs:
        if code == data["code"] or code not in resolved.plans:
            message = _("no other plan with code '%(code)s' has been loaded") % {"code": code}
            errors.append(doc.error(pointer, message))
    found = Target.objects.filter(
        plan__code__in=codes, code__in={parent["target"] for _p, parent in parents}
    ).select_related("plan")
    resolved.parents = {(t.plan.code, t.code): t for t in found}
    for pointer, parent in parents:
        if (parent["plan"], parent["target"]) not in resolved.parents:
            message = _("no target '%(target)s' in a loaded plan '%(plan)s'") % parent
            errors.append(doc.error(f"{pointer}/target", message))
    return errors


def _check_subjects(doc: DataFile) -> list[DataError]:
    """A subject is a level of the unit tree or one of the kinds of `SUBJECT_KINDS`."""
    levels = set(UnitLevel.objects.values_list("code", flat=True))
    errors = []
    for pointer, target in _targets(doc.data):
        subject = target.get("subject")
        if subject and subject not in levels and subject not in SUBJECT_KINDS:
            message = _("'%(code)s' is neither a unit level nor a known subject") % {
                "code": subject
            }
            errors.append(doc.error(f"{pointer}/subject", message))
    return errors


# --- writing -------------------------------------------------------------------------------


def write_plan(doc: DataFile, resolved: Resolved) -> PlanLoadResult:
    data, sync = doc.data, Sync(doc)
    plan = sync.row(Plan, {"code": data["code"]}, _plan_values(doc, resolved))
    sync.related(plan.implements, {resolved.plans[c].pk for c in data["implements"]})
    sections = _write_sections(sync, plan, data)
    _write_texts(sync, plan, data)
    targets = _write_objectives(sync, plan, data, resolved, sections.get("targets", ""))
    tasks = _write_tasks(sync, plan, data, sections.get("tasks", ""))
    _write_clauses(sync, plan, data, resolved, tasks, targets, sections.get("implementation", ""))
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
        "kind": data.get("kind", Plan.Kind.PLAN),
        "succeeds_id": resolved.plans[data["succeeds"]].pk if "succeeds" in data else None,
        "headers_only": data.get("headers_only", False),
        "reading": data.get("reading", "confirmed"),
        "reading_note": data.get("reading_note", ""),
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


def _write_sections(sync: Sync, plan: Plan, data: dict) -> dict[str, str]:
    """The plan's section headings; returns each section's number by what it holds."""
    rows = [
        sync.row(
            PlanSection,
            {"plan": plan, "key": item["key"]},
            {"number": item["number"], "title": item.get("title", ""), "order": order},
        )
        for order, item in enumerate(data["sections"])
    ]
    sync.prune(PlanSection.objects.filter(plan=plan), rows, "/sections")
    return {row.key: row.number for row in rows}


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


def _write_objectives(
    sync: Sync, plan: Plan, data: dict, resolved: Resolved, section: str
) -> dict[str, Target]:
    groups, targets, items = [], {}, {}
    for order, item in enumerate(data["objective_groups"]):
        values = {"title": item["title"], "section": section, "order": order}
        group = sync.row(ObjectiveGroup, {"plan": plan, "number": item["number"]}, values)
        groups.append(group)
        for target in item["targets"]:
            values = _target_values(target, group, resolved, order=len(targets))
            items[target["code"]] = target
            targets[target["code"]] = sync.row(
                Target, {"plan": plan, "code": target["code"]}, values
            )
    for code, target in targets.items():
        part_of = items[code].get("part_of")
        sync.row(
            Target, {"pk": target.pk}, {"part_of_id": targets[part_of].pk if part_of else None}
        )
    milestones = [
        sync.row(TargetMilestone, {"target": targets[code], "year": m.pop("year")}, m)
        for code, item in items.items()
        for m in milestones_of(item)
    ]
    sync.prune(TargetMilestone.objects.filter(target__plan=plan), milestones, "/objective_groups")
    sync.prune(Target.objects.filter(plan=plan), list(targets.values()), "/objective_groups")
    sync.prune(ObjectiveGroup.objects.filter(plan=plan), groups, "/objective_groups")
    return targets


def _target_values(target: dict, group: ObjectiveGroup, resolved: Resolved, order: int) -> dict:
    indicator = resolved.indicators[target["indicator"]]
    measure, subject = measure_of(target, indicator.kind)
    parent = target.get("parent")
    return {
        "group_id": group.pk,
        "clause": target["clause"],
        "text": target["text"],
        "indicator_id": indicator.pk,
        "measure": measure,
        "subject": subject,
        "condition_text": target.get("condition_text", ""),
        "comparator": target["comparator"],
        "population_group": target.get("population_group", ""),
        "parent_target_id": (
            resolved.parents[parent["plan"], parent["target"]].pk if parent else None
        ),
        "parent_relation": parent["relation"] if parent else "",
        "void_from": _date(target.get("void_from")),
        "void_reason": target.get("void_reason", ""),
        "reading": target.get("reading", "confirmed"),
        "reading_note": target.get("reading_note", ""),
        "order": order,
    } | legacy_columns(target, measure, subject)


def _write_tasks(sync: Sync, plan: Plan, data: dict, section: str) -> dict[str, Task]:
    groups, tasks = [], {}
    for order, item in enumerate(data["task_groups"]):
        values = {"title": item["title"], "section": section, "order": order}
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
    section: str,
) -> None:
    clauses, duties = [], []
    for order, item in enumerate(data["clauses"]):
        unit, group = resolved.units.get(item.get("unit")), resolved.groups.get(item.get("group"))
        values = {
            "heading": item["heading"],
            "unit_id": unit.pk if unit else None,
            "group_id": group.pk if group else None,
            "by_request": item.get("by_request", False),
            "section": section,
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
