"""The yearly report's parts from collection: task progress by responsible body, in the bodies'
own words (TaskReport), and how complete the year's reporting is (plain blocks)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from core.documents import Annex, Heading, Paragraph, Part, Table
from core.templatetags.xhht import DASH
from plans.models import Duty, Plan
from plans.queries import plan_covering, responsibilities, unit_key
from units.models import OrgUnit

from .models import ReportingRound, Submission, TaskReport
from .tasks import duties_of

PROGRESS = dict(TaskReport.Progress.choices)
# The order a duty's state is ranked in when several units report on it: the best wins.
RANK = {"done": 2, "in_progress": 1, "not_started": 0}


def rounds_for(plan: Plan, unit: OrgUnit, year: int) -> list[ReportingRound]:
    """The year's rounds on the plan that the unit's figures and reports go through: those of
    an office at or above the unit, or inside its subtree."""
    rounds = ReportingRound.objects.filter(period__year=year).select_related("owner", "plan")
    found = []
    for round_ in rounds:
        owner = round_.owner.path
        related = unit.path.startswith(owner) or owner.startswith(unit.path)
        on_plan = round_.plan_id == plan.pk or (
            round_.plan_id is None and plan_covering(round_.owner, year) == plan
        )
        if related and on_plan:
            found.append(round_)
    return found


def _reports(rounds, unit: OrgUnit) -> dict[int, list[TaskReport]]:
    """The task reports of the rounds from the unit and the units below it, by duty."""
    by_duty: dict[int, list[TaskReport]] = defaultdict(list)
    rows = (
        TaskReport.objects.filter(round__in=rounds)
        .filter(Q(unit=unit) | Q(unit__path__startswith=unit.path))
        .select_related("unit")
        .order_by("unit__path", "pk")
    )
    for report in rows:
        by_duty[report.duty_id].append(report)
    return by_duty


def _state(reports: list[TaskReport]) -> str:
    if not reports:
        return "missing"
    return max((r.progress for r in reports), key=lambda p: RANK[p])


def _state_label(state: str) -> str:
    return _("not reported") if state == "missing" else str(PROGRESS[state])


def _duty_line(duty: Duty, reports: list[TaskReport], many: bool) -> str:
    """ "Duty text — done: what the body wrote." (each unit's text when several reported)."""
    head = f"{duty.text.rstrip('.;')} — {_state_label(_state(reports))}"
    if not reports:
        return head + "."
    texts = [
        (f"{r.unit.display_name}: " if many else "") + (r.text.strip() or _("(no text)"))
        for r in reports
    ]
    return f"{head}: {'; '.join(texts)}"


def tasks_part(plan: Plan, unit: OrgUnit, year: int, *, map=None) -> Part:
    """Section III and Biểu 5: each responsible body's duties, their state and its text. The
    plan's owner reports on every clause of section V; any other unit (a commune, a body, a
    district under a city's plan) on the duties it owes, as lead or partner."""
    part = Part("tasks")
    resp = responsibilities(plan)
    rounds = rounds_for(plan, unit, year)
    reports = _reports(rounds, unit)
    part.provenance["rounds"] = [[r.code, r.status] for r in rounds]
    duties = Duty.objects.in_bulk([d.duty_id for d in resp.duties])
    own = {d.duty_id for d in duties_of(plan, unit)}
    if plan.owner_id == unit.pk:
        groups = [(key, [d for d in resp.duties if d.party == key])
                  for key in dict.fromkeys(resp.clause_parties)]  # fmt: skip
    else:
        groups = [(unit_key(unit), [d for d in resp.duties if d.duty_id in own])]
    annex_rows, counts = [], defaultdict(int)
    for key, rows in groups:
        party = resp.parties.get(key)
        if not rows:
            continue
        part.blocks.append(Heading(party.name if party else unit.display_name, 2))
        for row in rows:
            duty, found = duties[row.duty_id], reports.get(row.duty_id, [])
            many = len({r.unit_id for r in found}) > 1 or (party is not None and party.is_group)
            part.blocks.append(Paragraph(f"- {_duty_line(duty, found, many)}"))
            state = _state(found)
            counts[state] += 1
            part.figures[f"{key}:{duty.clause_id}.{duty.number}"] = {
                "state": state,
                "reports": [[r.unit.code, r.progress, r.text, r.version] for r in found],
            }
            annex_rows.append((
                str(len(annex_rows) + 1), party.name if party else unit.display_name,
                duty.text, _state_label(state),
                "; ".join(f"{r.unit.display_name}: {r.text}" for r in found if r.text) or DASH,
            ))  # fmt: skip
    total = sum(counts.values())
    if not total:
        message = (
            _("The plan gives this unit no duty in its section on implementation.")
            if resp.duties
            else _("The plan's data holds no duty of a responsible body.")
        )
        part.blocks.append(Paragraph(message))
        return part
    reported = total - counts["missing"]
    summary = _(
        "%(reported)s of %(total)s duties have a progress report for %(year)s "
        "(done %(done)s, in progress %(progress)s, not started %(not_started)s)."
    ) % {"reported": reported, "total": total, "year": year, "done": counts["done"],
         "progress": counts["in_progress"], "not_started": counts["not_started"]}  # fmt: skip
    if not rounds:
        summary += " " + _("No reporting round on this plan was opened for %(year)s.") % {
            "year": year
        }
    # The count opens the narrative draft of the section (reports.yearly), not the blocks:
    # the office may reword it there without the report saying it twice.
    part.summary.append(summary)
    columns = (_("Item no."), _("Body"), _("Duty"), _("Progress"), _("What was done"))
    table = Table(columns, tuple(annex_rows), widths=(5, 16, 40, 10, 40))
    part.annexes.append(Annex(_("Tasks by responsible body, %(year)s") % {"year": year}, (table,)))
    return part


def completeness_part(plan: Plan, unit: OrgUnit, year: int, *, map=None) -> Part:
    """How many forms of the year's rounds were approved, and who has not sent one."""
    part = Part("completeness")
    rounds = rounds_for(plan, unit, year)
    if not rounds:
        return part
    submissions = (
        Submission.objects.filter(round__in=rounds)
        .filter(Q(unit=unit) | Q(unit__path__startswith=unit.path))
        .select_related("unit", "round")
        .order_by("round__code", "unit__path")
    )
    by_status: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        by_status[submission.status].append(submission)
        part.figures[f"{submission.round.code}:{submission.unit.code}:{submission.data_set_id}"] = {
            "status": submission.status,
            "version": submission.version,
        }
    total = sum(len(v) for v in by_status.values())
    approved = len(by_status[Submission.Status.APPROVED])
    text = _("Reporting: %(approved)s of %(total)s forms of the year's rounds are approved; "
             "only approved figures are counted in this report.") % {
        "approved": approved, "total": total}  # fmt: skip
    missing = sorted({s.unit.display_name for st, subs in by_status.items()
                      if st != Submission.Status.APPROVED for s in subs})  # fmt: skip
    if missing:
        text += " " + _("Not yet approved: %(list)s.") % {"list": ", ".join(missing)}
    part.blocks.append(Paragraph(text))
    part.summary.append(text)
    return part
