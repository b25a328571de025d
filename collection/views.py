"""Pages of a reporting round: what is due, the entry form, the office's round and review pages.

Every write goes through collection.services; a submission or round outside the user's
scope is a 404, and so is a write the user may not make.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import xlsx
from core.downloads import attachment
from indicators.demo import holds_demo_figures
from indicators.models import DataElement
from plans.models import Target
from plans.queries import plans_for_unit
from units.access import can, get_unit_or_404, scope_roots, units_visible_to
from units.models import OrgUnit

from . import services, tasks
from .forms import (
    RoundForm,
    entry_sections,
    shown,
    typed_from,
    unreadable_problems,
)
from .forms_spec import cells_of, previous_values
from .models import DataSet, Entry, ReportingRound, Submission
from .periods import open_round_for_year

Status = Submission.Status
DONE = (Status.SUBMITTED, Status.APPROVED)
STATUS_LABELS = {
    Status.DRAFT: gettext_lazy("Draft"),
    Status.SUBMITTED: gettext_lazy("Submitted"),
    Status.RETURNED: gettext_lazy("Returned"),
    Status.APPROVED: gettext_lazy("Approved"),
}
TIMELINESS_LABELS = {
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "missing": gettext_lazy("Not submitted"),
    "overdue": gettext_lazy("Not submitted, overdue"),
}


# --- reads ------------------------------------------------------------------------------


def submissions_due(user):
    """Forms the user reports for (enter_data) and does not review (approve), newest round
    first: what a reporter owes."""
    approvable = units_visible_to(user, "approve").values("pk")
    return (
        Submission.objects.filter(unit__in=units_visible_to(user, "enter_data").values("pk"))
        .exclude(unit__in=approvable)
        .select_related("round", "data_set", "unit")
        .order_by("-round__opens_on", "due_on", "unit__path")
    )


def reports_due_page(user) -> str | None:
    """On login, a reporter with a form waiting for their figures (a draft or a returned
    one) lands on the list of reports due (registered in core.landing)."""
    waiting = submissions_due(user).filter(status__in=[Status.DRAFT, Status.RETURNED])
    return reverse("collection:index") if waiting.exists() else None


def _timeliness(submission: Submission, today: datetime.date) -> str:
    if submission.status in DONE and submission.submitted_at:
        submitted = timezone.localdate(submission.submitted_at)
        return "on_time" if submitted <= submission.due_on else "late"
    return "overdue" if today > submission.due_on else "missing"


def _submission_or_404(user, pk: int, action: str = "view") -> Submission:
    submission = (
        Submission.objects.select_related("round__period", "round__owner", "data_set", "unit")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not can(user, action, submission.unit):
        raise Http404
    return submission


def _round_or_404(user, pk: int, action: str = "view") -> ReportingRound:
    round_ = ReportingRound.objects.select_related("owner", "period").filter(pk=pk).first()
    if round_ is None or not can(user, action, round_.owner):
        raise Http404
    return round_


def _stored(submission: Submission) -> tuple[dict, dict]:
    """The submission's stored values and explanations by cell key."""
    values, explanations = {}, {}
    for entry in submission.entries.select_related("element"):
        key = (entry.element.code, entry.sex, entry.age_band)
        values[key], explanations[key] = entry.value, entry.explanation
    return values, explanations


def _targets_for(unit, codes: list[str]) -> dict[str, Target]:
    """The first plan target measured through each element (as numerator or denominator)."""
    targets = (
        Target.objects.filter(plan__in=plans_for_unit(unit))
        .filter(Q(indicator__numerator__code__in=codes) | Q(indicator__denominator__code__in=codes))
        .select_related("indicator__numerator", "indicator__denominator")
        .order_by("plan__start_year", "order")
    )
    found: dict[str, Target] = {}
    for target in targets:
        for element in (target.indicator.numerator, target.indicator.denominator):
            if element is not None and element.code in codes:
                found.setdefault(element.code, target)
    return found


def _history(submission: Submission, cells) -> dict:
    """Status changes (who, when, comment) and every entry's value changes, newest first."""
    records = submission.history.select_related("history_user").order_by("history_date")
    steps, previous = [], None
    for record in records:
        if previous is None or record.status != previous.status:
            steps.append({"when": record.history_date, "who": record.history_user,
                          "status": STATUS_LABELS.get(record.status, record.status),
                          "comment": record.history_change_reason or ""})  # fmt: skip
        previous = record
    codes = dict(DataElement.objects.filter(code__in={c.key[0] for c in cells})
                 .values_list("pk", "code"))  # fmt: skip
    labels = {c.key: c.field.label for c in cells}
    entry_records = Entry.history.filter(submission_id=submission.pk).select_related("history_user")
    last: dict[int, object] = {}
    changes = []
    for record in entry_records.order_by("history_date", "history_id"):
        before = last.get(record.id)
        if before is None or (before.value, before.explanation) != (
            record.value,
            record.explanation,
        ):
            key = (codes.get(record.element_id, ""), record.sex, record.age_band)
            changes.append({"when": record.history_date, "who": record.history_user,
                            "label": labels.get(key, key[0]),
                            "old": before.value if before else None, "new": record.value,
                            "explanation": record.explanation})  # fmt: skip
        last[record.id] = record
    return {"steps": steps[::-1], "changes": changes[::-1]}


def _entry_context(request: HttpRequest, submission: Submission, **shown_state) -> dict:
    """Everything the entry and review pages show; `shown_state` overrides what the form
    holds (texts, explanations, problems, saved) after a refused or problematic save."""
    cells = cells_of(submission.data_set)
    codes = sorted({c.key[0] for c in cells})
    values, explanations = _stored(submission)
    texts = {key: shown(value) for key, value in values.items()}
    problems = shown_state.get("problems")
    if problems is None:
        problems = services.problems_of(submission, values) if values else []
    sections = entry_sections(
        cells,
        texts=texts | shown_state.get("texts", {}),
        explanations=explanations | shown_state.get("explanations", {}),
        last_year=previous_values(submission.unit, submission.round.period, codes),
        targets=_targets_for(submission.unit, codes),
        problems=problems,
        saved=shown_state.get("saved"),
    )
    user = request.user
    editable = can(user, "enter_data", submission.unit) and submission.status in services.EDITABLE
    return {
        "submission": submission,
        "unit": submission.unit,
        "status_label": STATUS_LABELS[submission.status],
        "sections": sections,
        "problems": problems,
        "editable": editable,
        "can_enter": can(user, "enter_data", submission.unit),
        "can_review": can(user, "approve", submission.unit),
        "late": _timeliness(submission, timezone.localdate()) == "overdue",
        "history": _history(submission, cells),
        "error": shown_state.get("error", ""),
        "stale": shown_state.get("saved") is not None,
    }


# --- the reporter's pages ---------------------------------------------------------------


def _rounds_for(user):
    """Rounds the user may follow (view on the office), with their submissions per status."""
    rounds = ReportingRound.objects.filter(
        owner__in=units_visible_to(user, "view").values("pk")
    ).select_related("owner", "period")
    counts = {
        (row["round"], row["status"]): row["n"]
        for row in Submission.objects.filter(round__in=rounds)
        .values("round", "status")
        .annotate(n=Count("pk"))
    }
    return [
        (r, [(label, counts.get((r.pk, status), 0)) for status, label in STATUS_LABELS.items()])
        for r in rounds
    ]


def task_pages(user, limit: int = 5) -> list[tuple[ReportingRound, OrgUnit]]:
    """The task-progress pages the user reports on: for each unit of their data-entry scope,
    the latest rounds it reports into (under the round's office, or owing one of its forms)
    where the round's plan gives it duties."""
    roots = scope_roots(user, "enter_data")
    pages = []
    owes: dict[tuple[int, int], bool] = {}  # (plan, unit): rounds of one plan ask once
    plans: dict[int, object] = {}  # round id -> its plan: units share rounds, ask once
    for unit in (roots or [])[:limit]:
        above = [a.pk for a in OrgUnit.objects.get_ancestors(unit)] + [unit.pk]
        rounds = (
            ReportingRound.objects.filter(Q(owner__in=above) | Q(submissions__unit=unit))
            .distinct()
            .select_related("owner", "period", "plan")
            .order_by("-opens_on", "code")[:limit]
        )
        for round_ in rounds:
            if round_.pk not in plans:
                plans[round_.pk] = tasks.plan_of(round_)
            plan = plans[round_.pk]
            if plan is None:
                continue
            if (plan.pk, unit.pk) not in owes:
                owes[(plan.pk, unit.pk)] = bool(tasks.duties_of(plan, unit))
            if owes[(plan.pk, unit.pk)]:
                pages.append((round_, unit))
    return pages


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    due = [
        (s, STATUS_LABELS[s.status], _timeliness(s, today) == "overdue")
        for s in submissions_due(request.user)
    ]
    offices = [
        u
        for u in units_visible_to(request.user, "approve").filter(kind="administrative")
        if u.level_id and u.numchild
    ][:20]
    context = {"due": due, "rounds": _rounds_for(request.user), "offices": offices,
               "task_pages": task_pages(request.user)}  # fmt: skip
    return render(request, "collection/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submission_page(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(request.user, pk)
    if request.method == "POST":
        if not can(request.user, "enter_data", submission.unit):
            raise Http404
        return _save_form(request, submission)
    context = _entry_context(request, submission)
    return render(request, "collection/submission.html", context)


def _version(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else None


def _save_form(request: HttpRequest, submission: Submission) -> HttpResponse:
    """Save the typed values (and submit them when asked); show them again on any problem."""
    cells = cells_of(submission.data_set)
    typed = typed_from(request.POST, cells, "value")
    explained = typed_from(request.POST, cells, "explain")
    kept = {"texts": typed, "explanations": explained}

    def again(submission: Submission, **state) -> HttpResponse:
        context = _entry_context(request, submission, **kept, **state)
        return render(request, "collection/submission.html", context)

    try:
        result = services.save_entries(
            submission, typed, explained, actor=request.user, expected_version=_version(request)
        )
    except services.NotAllowed as error:
        raise Http404 from error
    except services.SubmissionRefused as refused:
        submission.refresh_from_db()
        saved = services.current_values(submission) if refused.stale else None
        return again(submission, error=str(refused), saved=saved)
    submission = result.submission
    problems = [p for p in result.problems if p.key not in result.unreadable]
    problems = unreadable_problems(cells, result.unreadable) + problems
    if "submit" in request.POST:
        if result.unreadable:
            error = _("The form was not submitted: correct the errors and explain the warnings.")
            return again(submission, problems=problems, error=error)
        try:
            services.submit(submission, actor=request.user, expected_version=submission.version)
        except services.SubmissionRefused as refused:
            return again(submission, problems=problems, error=str(refused))
        messages.success(request, _("The report was submitted to the office."))
        return redirect("collection:submission", submission.pk)
    if problems:
        error = _("The draft was saved; the problems below must be corrected before you submit.")
        return again(submission, problems=problems, error=error)
    messages.success(request, _("The draft was saved."))
    return redirect("collection:submission", submission.pk)


# --- the office's pages -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(request.user, pk, "approve")
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _review_action(request, submission, action)
        except services.NotAllowed as refused:
            raise Http404 from refused
        except services.SubmissionRefused as refused:
            error = str(refused)
        else:
            return redirect("collection:review", submission.pk)
    context = _entry_context(request, submission) | {"review_error": error}
    return render(request, "collection/review.html", context)


def _review_action(request: HttpRequest, submission: Submission, action: str) -> None:
    """Approve, return (with a comment) or reopen (with a reason) through the services."""
    comment = request.POST.get("comment", "")
    if action == "approve":
        services.approve(submission, actor=request.user)
        messages.success(request, _("The report was approved; its values are on the dashboard."))
    elif action == "return":
        services.return_submission(submission, actor=request.user, comment=comment)
        messages.success(request, _("The report was returned to the unit."))
    elif action == "reopen":
        services.reopen(submission, actor=request.user, reason=comment)
        messages.success(request, _("The report was reopened for corrections."))
    else:
        raise services.SubmissionRefused(_("Choose what to do with the report."))


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    owner = get_unit_or_404(request.user, request.GET.get("unit", ""), "approve")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = open_round_for_year(
                owner=owner, year=data["year"], code=data["code"], name=data["name"],
                opens_on=data["opens_on"], due_on=data["due_on"], data_sets=data["data_sets"],
                actor=request.user,
            )  # fmt: skip
        except services.NotAllowed as error:
            raise Http404 from error
        except services.SubmissionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The round was opened."))
            return redirect("collection:round", round_.pk)
    today = timezone.localdate()
    defaults = [
        (ds, services.default_units(ds, owner, today)) for ds in form.fields["data_sets"].queryset
    ]
    context = {"form": form, "owner": owner, "defaults": defaults}
    return render(request, "collection/round_new.html", context)


def _round_rows(round_: ReportingRound) -> list[dict]:
    """One row per submission: status, timeliness and, while not submitted, how many
    required cells are still empty."""
    today = timezone.localdate()
    submissions = list(
        round_.submissions.select_related("unit", "data_set").order_by("unit__path", "data_set")
    )
    required = {}
    for submission in submissions:
        if submission.data_set_id not in required:
            cells = cells_of(submission.data_set)
            required[submission.data_set_id] = {c.key for c in cells if c.field.required}
    pending = [s.pk for s in submissions if s.status not in DONE]
    filled: dict[int, set] = {}
    rows = Entry.objects.filter(submission__in=pending, value__isnull=False).values_list(
        "submission_id", "element__code", "sex", "age_band"
    )
    for submission_id, code, sex, band in rows:
        filled.setdefault(submission_id, set()).add((code, sex, band))
    return [
        {
            "submission": s,
            "status": STATUS_LABELS[s.status],
            "timeliness": _timeliness(s, today),
            "timeliness_label": TIMELINESS_LABELS[_timeliness(s, today)],
            "missing": (
                len(required[s.data_set_id] - filled.get(s.pk, set()))
                if s.status not in DONE
                else None
            ),
        }
        for s in submissions
    ]


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request.user, pk)
    rows = _round_rows(round_)
    by_status = Counter(row["submission"].status for row in rows)
    by_time = Counter(row["timeliness"] for row in rows)
    counts = [(s, label, by_status.get(s, 0)) for s, label in STATUS_LABELS.items()]
    chart = {
        "labels": [str(label) for _s, label, _n in counts],
        "values": [n for _s, _l, n in counts],
        "goals": [],
        "statuses": [],
        "unit_label": "",
    }
    timeliness = [(k, label, by_time.get(k, 0)) for k, label in TIMELINESS_LABELS.items()]
    context = {"round": round_, "unit": round_.owner, "rows": rows, "counts": counts,
               "timeliness": timeliness, "chart": chart, "total": len(rows),
               "can_review": can(request.user, "approve", round_.owner),
               # the Excel template and import serve units the user enters data for
               "can_import": round_.submissions.filter(
                   unit__in=units_visible_to(request.user, "enter_data").values("pk")).exists(),
               "data_sets": DataSet.objects.filter(
                   pk__in={row["submission"].data_set_id for row in rows})}  # fmt: skip
    return render(request, "collection/round.html", context)


@login_required
def reminders_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """Units that have not submitted (or were sent back), with the due date and days late."""
    round_ = _round_or_404(request.user, pk)
    today = timezone.localdate()
    sheet = xlsx.Sheet(
        title=_("Reminders"),
        heading=[round_.name, round_.owner.display_name],
        columns=[
            (_("Unit code"), 12),
            (_("Unit"), 36),
            (_("Data set"), 36),
            (_("State"), 14),
            (_("Due date"), 12),
            (_("Days late"), 10),
        ],  # fmt: skip
        number_formats={4: "DD/MM/YYYY", 5: "#,##0"},
        page=xlsx.Page(xlsx.PORTRAIT),
    )
    pending = round_.submissions.exclude(status__in=DONE).select_related("unit", "data_set")
    for s in pending.order_by("unit__path", "data_set"):
        late = max((today - s.due_on).days, 0)
        sheet.rows.append([s.unit.code, s.unit.name, s.data_set.name,
                           str(STATUS_LABELS[s.status]), s.due_on, late])  # fmt: skip
    # The round's figures reach the value store as its forms are approved: the last one says
    # how far its approved figures go.
    approved = round_.submissions.filter(status=Submission.Status.APPROVED).aggregate(
        latest=Max("updated_at"))["latest"]  # fmt: skip
    stamp = xlsx.stamp_for(request, round_.owner.name, round_.period.year,
                           xlsx.approved_line(approved), holds_demo_figures())  # fmt: skip
    return attachment(
        xlsx.render([sheet], stamp), xlsx.XLSX_CONTENT_TYPE, f"nhac-nho-{round_.code}.xlsx"
    )
