"""Pages of task progress: a body reports on its duties in a round; the office sees the plan's
progress by task group and by body; evidence files are served only within scope."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import can, get_unit_or_404
from core.uploads import UploadRefused
from plans.models import Duty, Plan
from plans.queries import plans_for_unit, responsibilities

from . import tasks
from .models import Evidence, ReportingRound, TaskReport
from .services import SubmissionRefused

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
    plan = plans_for_unit(round_.owner).order_by("-start_year").first()
    if plan is None:
        raise Http404
    return plan


def _body_rows(round_: ReportingRound, plan: Plan, unit) -> list[dict]:
    owed = tasks.duties_of(plan, unit)
    duties = Duty.objects.in_bulk([d.duty_id for d in owed])
    reports = {
        r.duty_id: r
        for r in TaskReport.objects.filter(round=round_, unit=unit).prefetch_related("evidence")
    }
    return [
        {"duty": duties[d.duty_id], "role": d.role, "report": reports.get(d.duty_id)} for d in owed
    ]


@login_required
def body_progress(request: HttpRequest, round_id: int, code: str) -> HttpResponse:
    unit = get_unit_or_404(request.user, code)
    round_ = get_object_or_404(ReportingRound.objects.select_related("period"), pk=round_id)
    plan = _plan(round_)
    context = {
        "round": round_, "plan": plan, "unit": unit, "rows": _body_rows(round_, plan, unit),
        "can_edit": can(request.user, "enter_data", unit), "progress": TaskReport.Progress,
    }  # fmt: skip
    return render(request, "collection/tasks/body.html", context)


@login_required
@require_POST
def save_progress(request: HttpRequest, round_id: int, code: str, duty_id: int) -> HttpResponse:
    unit = get_unit_or_404(request.user, code, "enter_data")
    round_ = get_object_or_404(ReportingRound, pk=round_id)
    plan = _plan(round_)
    if duty_id not in {d.duty_id for d in tasks.duties_of(plan, unit)}:
        raise Http404
    duty = get_object_or_404(Duty, pk=duty_id)
    version = request.POST.get("version", "")
    try:
        report = tasks.report_progress(
            round_, duty, unit, progress=request.POST.get("progress", ""),
            text=request.POST.get("text", ""), actor=request.user,
            expected_version=int(version) if version.isdigit() else None,
        )  # fmt: skip
        if upload := request.FILES.get("evidence"):
            tasks.attach_evidence(report, upload, actor=request.user)
        messages.success(request, _("The report on this duty was saved."))
    except (SubmissionRefused, UploadRefused) as refused:
        messages.error(request, str(refused))
    return redirect(reverse("tasks:body", args=[round_id, code]) + f"#duty-{duty_id}")


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
               "progress": TaskReport.Progress}  # fmt: skip
    return render(request, "collection/tasks/round.html", context)


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
