"""The yearly report's parts on targets: every target with its goal, milestone, figure and
status, by the plan's own objective groups, and each target in each unit below (plain blocks).

The rows are those of the dashboard and of GET /api/v1/evaluations/ (queries.evaluate_targets
on approved values): a report cannot give a status the API does not.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext as _

from core.documents import Annex, Heading, Paragraph, Part, Table
from core.templatetags.xhht import DASH, vn_number
from indicators.models import DataValue
from indicators.sums import roots_for_year
from plans.models import Plan, Target
from plans.templatetags.targets import goal_at
from units.access import subtree_filter
from units.maps import Map
from units.models import OrgUnit

from .communes import elements_behind
from .evaluation import Status
from .queries import (
    STATUS_LABELS,
    Evaluated,
    breakdown_targets,
    evaluate_targets,
    plan_targets,
    share_level,
    status_text,
)
from .templatetags.figures import figure, measure

# Statuses that say a target is behind: named one by one in the report, never summed away.
BEHIND = (Status.NOT_MET, Status.AT_RISK)


def shown(row: Evaluated) -> str:
    """The figure as the dashboard shows it ("97,5%", "11/12 xã (91,7%)"), "—" without one."""
    return figure(row) if row.value is not None else DASH


def trend_value(row: Evaluated, year: int) -> str:
    """The figure of another year from the row's trend, in the same unit."""
    value = dict(row.trend).get(year)
    if value is None:
        return DASH
    if share_level(row.target) is not None and row.den is not None:
        return f"{vn_number(value, 1)}%"
    return measure(value, row.target.indicator)


def target_goal(row: Evaluated) -> str:
    """What the target asks by the milestone in force for the year, with that milestone."""
    if row.target.indicator_id is None:
        return row.target.condition_text or DASH
    asked = goal_at(row.target, row.year)
    if row.milestone_year:
        return _("%(goal)s by %(year)s") % {"goal": asked, "year": row.milestone_year}
    return asked


def sentence(row: Evaluated) -> str:
    """One target's line of section II: clause, wording, goal, figure and status in words."""
    target = row.target
    if row.status == Status.VOID:
        return _("%(clause)s: %(text)s — %(status)s; no figure is counted.") % {
            "clause": target.clause,
            "text": target.text,
            "status": status_text(row).rstrip("."),  # the reason may end its own sentence
        }
    return _(
        "%(clause)s: %(text)s — goal %(goal)s; result in %(year)s: %(figure)s; %(status)s."
    ) % {
        "clause": target.clause,
        "text": target.text,
        "goal": target_goal(row),
        "year": row.year,
        "figure": shown(row),
        "status": status_text(row),
    }


def figures_of(row: Evaluated) -> dict:
    """A row's shown values for the snapshot (JSON: numbers as text)."""
    coverage = row.coverage
    return {
        "clause": row.target.clause,
        "unit": row.unit.code,
        "value": _text(row.value),
        "num": _text(row.num),
        "den": _text(row.den),
        "shown": shown(row),
        "status": row.status,
        "status_text": status_text(row),
        "milestone_year": row.milestone_year,
        "coverage": [coverage.reported, coverage.expected] if coverage else None,
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _groups(rows: list[Evaluated]) -> list[tuple[object, list[Evaluated]]]:
    """The rows by the plan's objective groups, in the plan's order."""
    groups: dict[int, tuple[object, list[Evaluated]]] = {}
    for row in rows:
        group = row.target.group
        groups.setdefault(group.pk, (group, []))[1].append(row)
    return sorted(groups.values(), key=lambda item: (item[0].order, item[0].pk))


def _summary(rows: list[Evaluated]) -> list[str]:
    counts = Counter(row.status for row in rows)
    parts = [
        f"{str(STATUS_LABELS[s]).lower()} {counts[s]}"
        for s in (
            Status.MET,
            Status.ON_TRACK,
            Status.AT_RISK,
            Status.NOT_MET,
            Status.NO_DATA,
            Status.VOID,
        )  # fmt: skip
        if counts[s]
    ]
    lines = [
        _("Of the plan's %(total)s targets in %(year)s: %(counts)s.")
        % {"total": len(rows), "year": rows[0].year, "counts": "; ".join(parts)}
    ]
    behind = [r for r in rows if r.status in BEHIND]
    if behind:
        lines.append(
            _("Targets not met or at risk: %(list)s.")
            % {"list": "; ".join(f"{r.target.clause} ({shown(r)})" for r in behind)}
        )
    partial = [r for r in rows if r.partial]
    if partial:
        lines.append(
            _("Figures with units missing from the report: %(list)s.")
            % {"list": "; ".join(f"{r.target.clause} ({status_text(r)})" for r in partial)}
        )
    return lines


def _annex_table(rows: list[Evaluated], year: int) -> Table:
    """Biểu 1: every target, its goal, this year's and last year's figure, status, coverage."""
    body = []
    for index, row in enumerate(rows, start=1):
        coverage = row.coverage
        body.append((
            str(index), row.target.clause, row.target.text, target_goal(row),
            shown(row), trend_value(row, year - 1),
            str(STATUS_LABELS.get(Status(row.status), row.status)),
            f"{coverage.reported}/{coverage.expected}" if coverage and coverage.expected else DASH,
        ))  # fmt: skip
    columns = (
        _("Item no."),
        _("Clause"),
        _("Target"),
        _("Goal (milestone)"),
        _("Result %(year)s") % {"year": year},
        _("Result %(year)s") % {"year": year - 1},
        _("Status"),
        _("Units reported"),
    )
    return Table(columns, tuple(body), widths=(5, 12, 32, 14, 11, 10, 10, 8))


def _by_unit_table(targets: list[Target], per_target: dict[int, list[Evaluated]]) -> Table:
    body = []
    for target in targets:
        for row in per_target.get(target.pk, []):
            body.append((str(len(body) + 1), target.clause, row.unit.name, shown(row),
                         status_text(row)))  # fmt: skip
    columns = (_("Item no."), _("Clause"), _("Unit"), _("Result"), _("Status"))
    return Table(columns, tuple(body), widths=(5, 12, 30, 18, 30))


def values_behind_report(targets: list[Target], unit: OrgUnit, year: int, map: Map) -> list:
    """[id, value, updated] of every approved value the year's figures read (the snapshot)."""
    roots = roots_for_year(unit, year, map)
    elements = elements_behind(targets)
    if not roots or not elements:
        return []
    rows = (
        DataValue.objects.filter(
            subtree_filter(roots, "unit__"), element_id__in=elements, period__year=year
        )  # fmt: skip
        .order_by("pk")
        .values_list("pk", "value", "updated_at")
    )
    return [[pk, str(value), updated.isoformat()] for pk, value, updated in rows]


def targets_part(plan: Plan, unit: OrgUnit, year: int, *, map: Map = Map.AS_WAS) -> Part:
    """Section II's targets (by objective group), Biểu 1, and the targets by unit below."""
    targets = plan_targets(plan)
    part = Part("targets")
    if not targets:
        part.blocks.append(Paragraph(_("The plan sets no measurable target.")))
        return part
    rows = evaluate_targets(targets, unit, year, map=map)
    for group, members in _groups(rows):
        title = _("%(title)s (section %(number)s of the plan)") % {
            "title": group.title,
            "number": group.full_number,
        }
        part.blocks.append(Heading(title, 2))
        part.blocks.extend(Paragraph(sentence(row)) for row in members)
    part.summary = _summary(rows)
    part.figures = {row.target.code: figures_of(row) for row in rows}
    part.annexes.append(Annex(_("Targets and results, %(year)s") % {"year": year},
                              (_annex_table(rows, year),)))  # fmt: skip
    per_target = breakdown_targets(targets, unit, year, map=map)
    by_unit = _by_unit_table(targets, per_target)
    if by_unit.rows:
        part.annexes.append(Annex(_("Targets by unit, %(year)s") % {"year": year}, (by_unit,)))
        part.figures |= {
            f"{row.target.code}@{row.unit.code}": figures_of(row)
            for rows_ in per_target.values()
            for row in rows_
        }
    part.provenance["values"] = values_behind_report(targets, unit, year, map)
    return part
