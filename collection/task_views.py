"""Pages of task progress: a body reports on its duties in a round; the office sees the plan's
progress by task group and by body; evidence files are served only within scope."""

from __future__ import annotations

import re
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plans.models import Duty, Plan
from plans.queries import plans_visible_to, responsibilities
from units.access import can, get_unit_or_404
from units.models import OrgUnit

from . import tasks
from .models import Evidence, ReportingRound, TaskReport
from .services import NotAllowed

DUTY_FIELD = re.compile(r"(?:progress|text)-([0-9]{1,18})")
VERSION = re.compile(r"[0-9]{1,9}")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _round_or_404(user, round_id: int, action: str = "view") -> ReportingRound:
    round_ = get_object_or_404(
        ReportingRound.objects.select_related("owner", "period"), pk=round_id
    )
    if not can(user, action, round_.owner):
        raise Http404
    return round_


def _plan(round_: ReportingRound) -> Plan:
    plan = tasks.plan_of(round_)
    if plan is None:
        raise Http404
    return plan


def _body_rows(round_: ReportingRound, plan: Plan, unit) -> list[dict]:
    owed = tasks.duties_of(plan, unit)
    duties = Duty.objects.in_bulk([d.duty_id for d in owed])
    reports = {
        r.duty_id: r
        for r in TaskReport.objects.filter(round=round_, unit=unit)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    rows = []
    for owed_duty in owed:
        report = reports.get(owed_duty.duty_id)
        rows.append({
            "duty": duties[owed_duty.duty_id], "role": owed_duty.role, "report": report,
            "progress": report.progress if report else tasks.UNREPORTED[0],
            "text": report.text if report else "", "version": report.version if report else 0,
        })  # fmt: skip
    return rows


def _typed(request: HttpRequest) -> list[tasks.DutyEntry]:
    """One entry per duty named in the POST; the service refuses a duty not the unit's."""
    ids = sorted({int(m[1]) for key in request.POST if (m := DUTY_FIELD.fullmatch(key))})
    entries = []
    for pk in ids:
        version = request.POST.get(f"version-{pk}", "")
        entries.append(tasks.DutyEntry(
            pk, request.POST.get(f"progress-{pk}", ""), request.POST.get(f"text-{pk}", ""),
            int(version) if VERSION.fullmatch(version) else None,
            request.FILES.get(f"evidence-{pk}"),
        ))  # fmt: skip
    return entries


def _keep_typed(rows: list[dict], entries: list[tasks.DutyEntry], refused) -> None:
    """After a refusal the page shows what was typed everywhere, each duty's message, and
    beside a stale duty what the other person saved (its version, so a second save wins)."""
    typed = {e.duty_id: e for e in entries}
    for row in rows:
        pk = row["duty"].pk
        if pk in typed:
            entry = typed[pk]
            row |= {"progress": entry.progress, "text": entry.text}
            if entry.version is not None:
                row["version"] = entry.version
        row["error"] = refused.errors.get(pk, "")
        if pk in refused.current:
            row["theirs"] = refused.current[pk]
            row["version"] = refused.current[pk].version


@login_required
@require_http_methods(["GET", "POST"])
def body_progress(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    """A body's duties in a round, all in one form: one save keeps every duty's typing."""
    unit = get_unit_or_404(request.user, code)
    round_ = get_object_or_404(ReportingRound.objects.select_related("owner", "period"),
                               pk=round_id)  # fmt: skip
    if not tasks.reports_into(round_, unit):
        raise Http404
    plan = _plan(round_)
    rows = _body_rows(round_, plan, unit)
    error = ""
    if request.method == "POST":
        if not can(request.user, "enter_data", unit):
            raise Http404
        entries = _typed(request)
        try:
            tasks.save_progress(round_, unit, entries, actor=request.user)
        except NotAllowed as refused:
            raise Http404 from refused
        except tasks.ProgressRefused as refused:
            _keep_typed(rows, entries, refused)
            error = str(refused)
        else:
            messages.success(request, _("The reports were saved."))
            return redirect("tasks:body", round_id, code)
    context = {
        "round": round_, "plan": plan, "unit": unit, "rows": rows, "error": error,
        "can_edit": can(request.user, "enter_data", unit), "progress": TaskReport.Progress,
        # Links only to pages this user may open: a body's reporter may not see the office.
        "can_view_round": can(request.user, "view", round_.owner),
        "can_view_plan": plans_visible_to(request.user).filter(pk=plan.pk).exists(),
    }  # fmt: skip
    return render(request, "collection/tasks/body.html", context)


@login_required
def round_progress(request: HttpRequest, round_id: int) -> HttpResponse:
    """The plan's progress in a round, by task group and by body (counts of duties)."""
    round_ = _round_or_404(request.user, round_id)
    plan = _plan(round_)
    resp = responsibilities(plan)
    reports = Counter()
    for duty_id, unit_code, progress in TaskReport.objects.filter(round=round_).values_list(
        "duty_id", "unit__code", "progress"
    ):
        reports[(duty_id, unit_code, progress)] += 1
    by_group, by_body = _progress_tables(resp, reports)
    context = {"round": round_, "plan": plan, "by_group": by_group, "by_body": by_body,
               "progress": TaskReport.Progress,
               "linked": _linked_bodies(request.user, round_, resp)}  # fmt: skip
    return render(request, "collection/tasks/round.html", context)


def _linked_bodies(user, round_: ReportingRound, resp) -> set[str]:
    """Codes of the bodies whose page the user may open in this round: a link never 404s."""
    codes = [party.code for party in resp.parties.values() if not party.is_group]
    return {
        unit.code
        for unit in OrgUnit.objects.filter(code__in=codes)
        if can(user, "view", unit) and tasks.reports_into(round_, unit)
    }


def _progress_tables(resp, reports: Counter) -> tuple[list, list]:
    """Per task group and per clause party: duties reported done, in progress, not started,
    and not reported at all (a duty counts once, by its clause's party)."""
    status_of: dict[int, str] = {}
    for (duty_id, _unit, progress), _n in reports.items():
        rank = {"done": 2, "in_progress": 1, "not_started": 0}
        if rank[progress] >= rank.get(status_of.get(duty_id, "not_started"), 0):
            status_of[duty_id] = progress
    groups: dict[str, Counter] = {g.number: Counter() for g in resp.task_groups}
    bodies: dict[str, Counter] = {}
    for duty in resp.duties:
        state = status_of.get(duty.duty_id, "missing")
        for number in duty.task_groups:
            groups.setdefault(number, Counter())[state] += 1
        bodies.setdefault(duty.party, Counter())[state] += 1
    names = {g.number: g.title for g in resp.task_groups}
    by_group = [(number, names.get(number, ""), counts) for number, counts in groups.items()]
    by_body = [(resp.parties[key], counts) for key, counts in bodies.items()]
    return by_group, by_body


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("report__unit"), pk=evidence_id)
    if not can(request.user, "view", evidence.report.unit):
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                        content_type=CONTENT_TYPES.get(evidence.kind))  # fmt: skip
