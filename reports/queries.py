"""Read paths of yearly reports: which drafts and issued reports a user sees, and who under
an office has sent its own report for a plan and year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from plans.models import Plan, ResponsibilityClause
from units.access import units_visible_to
from units.codes import year_end
from units.models import OrgUnit
from units.tree import subtree_q, valid_on

from .models import IssuedReport, ReportDraft


def visible_issued(user) -> QuerySet[IssuedReport]:
    """Issued reports of the units the user may see, without their bytes."""
    units = units_visible_to(user).values("pk")
    return (
        IssuedReport.objects.filter(unit__in=units)
        .defer("docx", "snapshot", "draft_data")
        .select_related("plan", "unit", "issued_by")
    )


def visible_drafts(user) -> QuerySet[ReportDraft]:
    units = units_visible_to(user).values("pk")
    return ReportDraft.objects.filter(unit__in=units).select_related("plan", "unit", "updated_by")


@dataclass(frozen=True)
class Sender:
    """A unit under the office that reports on the plan: its draft and what it sent, if any."""

    unit: OrgUnit
    draft: ReportDraft | None
    sent: IssuedReport | None


def expected_senders(plan: Plan, office: OrgUnit, year: int) -> list[OrgUnit]:
    """The units that report to the office on the plan for the year: its communes standing at
    the year's end, and the bodies under it that section V of the plan names."""
    day = year_end(year)
    below = OrgUnit.objects.filter(subtree_q(office.path), valid_on(day)).exclude(pk=office.pk)
    communes = below.filter(kind=OrgUnit.Kind.ADMINISTRATIVE, level__code="commune")
    named = ResponsibilityClause.objects.filter(plan=plan, unit__isnull=False).values("unit")
    bodies = below.filter(pk__in=named)
    return list((communes | bodies).distinct().order_by("path"))


def senders(plan: Plan, office: OrgUnit, year: int) -> list[Sender]:
    """Every expected unit, and any other unit under the office that wrote or sent a report,
    in the tree's order: whether it has sent one (its latest issued report) or only drafted."""
    units = {u.pk: u for u in expected_senders(plan, office, year)}
    inside = subtree_q(office.path, "unit__")
    drafts = {
        d.unit_id: d
        for d in ReportDraft.objects.filter(inside, plan=plan, year=year)
        .exclude(unit=office)
        .select_related("unit")
    }
    sent: dict[int, IssuedReport] = {}
    issued = (
        IssuedReport.objects.filter(inside, plan=plan, year=year)
        .exclude(unit=office)
        .defer("docx", "snapshot", "draft_data")
        .select_related("unit", "issued_by")
        .order_by("issued_at", "pk")
    )
    for report in issued:
        sent[report.unit_id] = report
    for row in (*drafts.values(), *sent.values()):
        units.setdefault(row.unit_id, row.unit)
    ordered = sorted(units.values(), key=lambda u: u.path)
    return [Sender(u, drafts.get(u.pk), sent.get(u.pk)) for u in ordered]
