"""Pages of the recognition procedure: the list, registration, an application with its
self-assessment and every step to the decision, the dossier, the calendar and a unit's page.

Thin: each page parses its form and calls recognition.services, the only write path. An
application outside the user's scope, or a step the user may not take, is a 404.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from collection.task_views import CONTENT_TYPES
from core.downloads import attachment
from reports.docx import DOCX_CONTENT_TYPE
from units.access import crumbs, get_unit_or_404, units_visible_to
from units.models import OrgUnit

from . import criteria, dossier, queries, services
from .forms import (
    APPLYING_MODELS,
    ChooseSetForm,
    ConfirmForm,
    CouncilForm,
    DecideForm,
    IndicatorRow,
    OpinionForm,
    RegisterForm,
    ReturnForm,
    ReviewForm,
    fill_from_answer,
    read_typed,
)
from .models import Application, Evidence, Model
from .wording import STATUS_LABELS

Status = Application.Status
DUE_LABELS = {
    "done": gettext_lazy("done"),
    "due": gettext_lazy("due"),
    "late": gettext_lazy("late"),
}
STEP_LABELS = {
    "register": gettext_lazy("Registration"),
    "file": gettext_lazy("Dossier to the deciding office"),
    "decide": gettext_lazy("Decision"),
    "report": gettext_lazy("Yearly report"),
}
DOSSIER_LABELS = {
    "to-trinh": gettext_lazy("Submission (tờ trình)"),
    "bao-cao": gettext_lazy("Self-assessment report"),
    "tong-hop": gettext_lazy("Summary by criterion and indicator"),
}
# The unit's own steps are open while it assesses; afterwards the figures are frozen.
OPEN = (Status.REGISTERED, Status.REVIEWED, Status.RETURNED)
CLOSED = (Status.RECOGNISED, Status.REFUSED, Status.WITHDRAWN)
LEVEL_OF_MODEL = {
    Model.COMMUNITY_COMMUNE: "commune",
    Model.COMMUNITY_DISTRICT: "district",
    Model.COMMUNITY_PROVINCE: "province",
}
MAX_OFFERED_UNITS = 500


def _engine(status: str | None) -> dict:
    status = status or "no_data"
    return {"code": status, "label": STATUS_LABELS.get(status, status)}


def _unit_facts(app: Application) -> dict:
    """The applicant as the criteria set reads it (the engine's exchange format)."""
    return {"code": app.unit.code, "year": app.year, "difficult_area": app.difficult_area,
            "kind": app.unit_kind, "public": app.public}  # fmt: skip


def _result(app: Application) -> dict:
    """The reading shown: frozen once submitted (the application's or the decision's own),
    the engine's reading of the answers now while the unit still assesses."""
    if app.status not in OPEN and app.result:
        return app.result
    return services.evaluation(app)


def _criteria_rows(app: Application, definition, result: dict, rows: dict) -> list[dict]:
    """The self-assessment grouped by criterion, with the engine's status at the level
    applied for."""
    at_level = (result.get("levels") or {}).get(str(app.level)) or {}
    read = at_level.get("criteria") or {}
    groups = []
    for criterion in definition.criteria:
        found = read.get(criterion.code) or {}
        statuses = found.get("indicators") or {}
        shown = []
        for indicator in criterion.indicators:
            row = rows[indicator.code]
            row.status = _engine(
                statuses.get(indicator.code)
                or ("no_data" if row.threshold is not None else "not_applicable")
            )
            shown.append(row)
            for companion in indicator.companions():
                # The engine judges it within its indicator: it shows that indicator's status.
                extra = rows[companion.code]
                extra.status = row.status if extra.threshold is not None else _engine(
                    "not_applicable"
                )  # fmt: skip
                shown.append(extra)
        groups.append({"criterion": criterion, "status": _engine(found.get("status")),
                       "rows": shown})  # fmt: skip
    return groups


def _indicator_rows(app: Application, definition) -> dict[str, IndicatorRow]:
    unit = _unit_facts(app)
    answers = {a.indicator: a for a in app.answers.all()}
    evidence = defaultdict(list)
    for item in app.evidence.order_by("uploaded_at", "pk"):
        evidence[item.indicator].append(item)
    rows = {}
    # U3.1_learners (a companion) is typed beside U3.1, in a row of its own.
    entered = [i for ind in definition.indicators() for i in (ind, *ind.companions())]
    for indicator in entered:
        applies = indicator.applies(unit, app.level)
        row = IndicatorRow(
            indicator=indicator, answer=answers.get(indicator.code),
            threshold=indicator.threshold_text(unit, app.level) if applies else None,
            evidence=evidence.get(indicator.code, []),
        )  # fmt: skip
        fill_from_answer(row)
        rows[indicator.code] = row
    rows[""] = IndicatorRow(indicator=None, answer=None, threshold="",
                            evidence=evidence.get("", []))  # fmt: skip
    return rows


def _timeline(app: Application) -> list[dict]:
    """Registered → reviewed → submitted → council → decision, each with its date."""
    review = getattr(app, "review", None)
    council = getattr(app, "council", None)
    decision = getattr(app, "decision", None)
    steps = [
        (_("Registered"), app.registered_at, True),
        (_("Review meeting"), review.held_on if review else None, review is not None),
        (_("Submitted to the deciding office"), app.submitted_at, app.submitted_at is not None),
        (_("Council"), council.met_on or council.formed_on if council else None,
         council is not None),
        (decision.get_outcome_display() if decision else _("Decision"),
         decision.signed_on if decision else None, decision is not None),
    ]  # fmt: skip
    return [{"label": label, "when": when, "done": done} for label, when, done in steps]


def _actions(user, app: Application) -> dict:
    """What the page offers this user now; the service still refuses a step out of order."""
    edit = services.may(user, "edit", app)
    review = services.may(user, "review", app)
    decide = services.may(user, "decide", app)
    council = getattr(app, "council", None)
    has_review = getattr(app, "review", None) is not None
    return {
        "edit": edit and app.status in OPEN,
        "submit": edit and app.status in OPEN and has_review,
        "withdraw": edit and app.status not in CLOSED,
        "return": review and app.status == Status.SUBMITTED,
        "council": review and app.status == Status.SUBMITTED and council is None,
        "opinion": review and app.status == Status.IN_COUNCIL and council is not None,
        "decide": decide and app.status == Status.IN_COUNCIL and council is not None
        and bool(council.recommendation),
    }  # fmt: skip


def _detail(request: HttpRequest, app: Application, *, template="recognition/detail.html",
            status: int = 200, rows: dict | None = None, **forms) -> HttpResponse:  # fmt: skip
    definition = criteria.definition(app.criteria_set)
    result = _result(app)
    fresh = _indicator_rows(app, definition)
    rows = fresh if rows is None else fresh | rows
    council = getattr(app, "council", None)
    defaults = {
        "review_form": ReviewForm(), "submit_form": ConfirmForm(initial={"version": app.version}),
        "withdraw_form": ConfirmForm(initial={"version": app.version}, prefix="withdraw"),
        "return_form": ReturnForm(initial={"version": app.version}),
        "council_form": CouncilForm(rows=_council_rows(request)),
        "opinion_form": OpinionForm(initial={"version": app.version}),
        "decide_form": DecideForm(),
    }  # fmt: skip
    levels = result.get("levels") or {}
    context = {
        "app": app, "unit": app.unit, "definition": definition, "result": result,
        "reached": result.get("level"),
        "levels": [{"n": n, "status": _engine((levels.get(str(n)) or {}).get("status"))}
                   for n in definition.levels],
        "groups": _criteria_rows(app, definition, result, rows), "general": rows[""],
        "unconfirmed": definition.status != "verified",
        "timeline": _timeline(app), "actions": _actions(request.user, app),
        "council": council, "members": council.members.all() if council else [],
        "decision": getattr(app, "decision", None), "review": getattr(app, "review", None),
        "parts": [(part, DOSSIER_LABELS.get(part, part)) for part in dossier.DOSSIER_PARTS],
        "crumbs": crumbs(request.user, app.unit), "engine_labels": STATUS_LABELS,
        "history": app.history.select_related("history_user")[:30],
    }  # fmt: skip
    return render(request, template, context | defaults | forms, status=status)


def _council_rows(request: HttpRequest) -> int:
    asked = request.POST.get("rows") or request.GET.get("rows") or ""
    return int(asked) if asked.isdigit() and len(asked) < 3 else 0


def _app(request: HttpRequest, pk: int, action: str = "view") -> Application:
    return queries.get_application_or_404(request.user, pk, action=action)


# --- the list, registration, the calendar, a unit's page ------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The applications the user may see (as applicant or as deciding office), by year and
    status, and the way to register a new one."""
    found = queries.applications_visible_to(request.user).select_related("unit", "office")
    year, status = request.GET.get("year", "").strip(), request.GET.get("status", "")
    if year.isdigit() and len(year) == 4:
        found = found.filter(year=int(year))
    if status in Status.values:
        found = found.filter(status=status)
    years = sorted(set(queries.applications_visible_to(request.user)
                       .values_list("year", flat=True)), reverse=True)  # fmt: skip
    context = {
        "applications": found.order_by("-year", "unit__path")[:300], "years": years,
        "year": year, "status": status, "statuses": Status.choices,
        "can_register": bool(_offered_units(request.user)),
    }  # fmt: skip
    return render(request, "recognition/index.html", context)


def _offered_units(user, model: str = "", year: int | None = None) -> list[OrgUnit]:
    """The units the user may register: those they enter data for, of the kind the model
    is about (a commune for a commune learning community, a body for a learning unit), that
    existed in the evaluation year (a commune merged in 2025 still applies for 2024)."""
    units = units_visible_to(user, "enter_data")
    if year is not None:
        units = units.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
            Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)),
        )
    if model in LEVEL_OF_MODEL:
        units = units.filter(kind=OrgUnit.Kind.ADMINISTRATIVE, level__code=LEVEL_OF_MODEL[model])
    elif model:
        units = units.exclude(kind=OrgUnit.Kind.ADMINISTRATIVE)
    else:
        units = units.exclude(kind=OrgUnit.Kind.ADMINISTRATIVE, level__code__in=["country"])
    return list(units.select_related("level").order_by("path")[:MAX_OFFERED_UNITS])


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Two steps without script: the model and year choose the criteria set (GET); the set
    says the levels and what the unit states about itself (POST registers)."""
    asked = request.POST if request.method == "POST" else request.GET
    choose = ChooseSetForm(asked if "model" in asked else None,
                           initial={"year": timezone.localdate().year - 1})  # fmt: skip
    context = {"choose": choose, "form": None, "set": None, "definition": None}
    if choose.is_bound and choose.is_valid():
        model, year = choose.cleaned_data["model"], choose.cleaned_data["year"]
        found = criteria.current(model, year)
        units = _offered_units(request.user, model, year)
        if found is None:
            context["error"] = _("There is no criteria set for this learning model and year.")
        elif not units:
            context["error"] = _("You enter data for no unit that can apply for this model.")
        else:
            definition = criteria.definition(found)
            form = RegisterForm(
                request.POST if request.method == "POST" else None, units=units,
                levels=definition.levels, unit_fields=definition.unit_fields,
                initial={"model": model, "year": year, "level": definition.levels[0]},
            )  # fmt: skip
            context |= {"form": form, "set": found, "definition": definition,
                        "unconfirmed": definition.status != "verified"}  # fmt: skip
            if request.method == "POST" and form.is_valid():
                try:
                    app = services.register(**form.service_kwargs(), actor=request.user)
                except services.RecognitionError as refused:
                    context["error"] = str(refused)
                else:
                    messages.success(request, _("The application was registered."))
                    return redirect("recognition:detail", app.pk)
    context["models"] = APPLYING_MODELS
    return render(request, "recognition/register.html", context)


def _row_field(row, name: str):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The deadlines of the applications the user sees, month by month: done, due or late."""
    today = timezone.localdate()
    months: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in queries.due_items(request.user, today):
        when, step, state, app = (_row_field(row, k) for k in ("date", "step", "state",
                                                               "application"))  # fmt: skip
        model = _row_field(row, "model") or (app.model if app else "")
        months[(when.year, when.month)].append({
            "application": app, "date": when, "state": state,
            "unit": _row_field(row, "unit") or (app.unit if app else None),
            "model": model, "model_label": Model(model).label if model in Model.values else "",
            "year": _row_field(row, "year") or (app.year if app else ""),
            "state_label": DUE_LABELS.get(state, state),
            "step": _row_field(row, "label") or STEP_LABELS.get(step, step),
        })  # fmt: skip
    grouped = [{"year": y, "month": m, "rows": sorted(rows, key=lambda r: r["date"])}
               for (y, m), rows in sorted(months.items())]  # fmt: skip
    return render(request, "recognition/calendar.html", {"months": grouped, "today": today})


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's recognitions (its own and its predecessors') and its applications."""
    unit = get_unit_or_404(request.user, code)
    applications = (queries.applications_visible_to(request.user).filter(unit=unit)
                    .order_by("-year"))  # fmt: skip
    context = {"unit": unit, "decisions": queries.unit_recognitions(unit),
               "applications": applications, "crumbs": crumbs(request.user, unit)}  # fmt: skip
    return render(request, "recognition/unit.html", context)


# --- an application --------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _app(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment form: one row per applicable indicator, inputs by its kind, the
    evidence files; saved all at once or not at all, what was typed kept on a refusal."""
    app = _app(request, pk, "edit")
    if request.method == "GET":
        return _detail(request, app, template="recognition/assess.html", version=app.version)
    definition = criteria.definition(app.criteria_set)
    rows = _indicator_rows(app, definition)
    answers = {}
    for code, row in rows.items():
        if code and row.threshold is not None:
            typed = read_typed(row, request.POST)
            if typed is not None:
                answers[code] = typed
    version = request.POST.get("version", "")
    version = int(version) if version.isdigit() and len(version) < 10 else 0
    again = {"template": "recognition/assess.html", "rows": rows, "version": version}
    if any(row.error for row in rows.values()):
        error = _("Nothing was saved: correct the indicators marked.")
        return _detail(request, app, **again, error=error)
    try:
        if answers:
            app = services.save_answers(app, answers, version=version, actor=request.user)
    except services.StaleVersion as stale:
        # What was typed stays; the version becomes the saved one, so that saving again,
        # after reading what the other person saved, is a deliberate choice.
        app = _app(request, pk, "edit")
        return _detail(request, app, status=409, **(again | {"version": app.version}),
                       error=str(stale), stale=True)  # fmt: skip
    except services.RecognitionError as refused:
        for code in getattr(refused, "items", None) or ():
            if code in rows:
                rows[code].error = str(refused)
        return _detail(request, app, **again, error=str(refused))
    refused_files = _attach_files(request, app, rows)
    if refused_files:
        for message in refused_files:
            messages.error(request, message)
        return redirect("recognition:assess", app.pk)
    messages.success(request, _("The self-assessment was saved."))
    return redirect("recognition:detail", app.pk)


def _attach_files(request: HttpRequest, app: Application, rows: dict) -> list[str]:
    """Each indicator's chosen files (and the dossier's own); the messages of those refused."""
    refused = []
    # A file of the whole dossier may also stand as the evidence of the indicators ticked
    # beside it (one report often covers many): it is kept once for each of them.
    covers = [code for code in request.POST.getlist("covers") if code and code in rows]
    for code in rows:
        for upload in request.FILES.getlist(f"f-{code}"):
            for target in [code, *covers] if code == "" else [code]:
                upload.seek(0)
                try:
                    services.attach_evidence(app, upload, indicator=target, actor=request.user)
                except services.RecognitionError as error:
                    refused.append(f"{target or _('Dossier')}: {upload.name}: {error}")
                    break
    return refused


def _step(action: str, form_class, form_name: str, call, done, form_kwargs=None):
    """The page of one step of the procedure (POST only): the form, the service call through
    `call(app, data, form, actor)`, then the application's page, again with what was typed and
    the service's message when it refuses."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        app = _app(request, pk, action)
        form = form_class(request.POST, **(form_kwargs(request) if form_kwargs else {}))
        if not form.is_valid():
            return _detail(request, app, **{form_name: form},
                           error=_("Nothing was recorded: correct the fields marked."))  # fmt: skip
        try:
            call(app, form.cleaned_data, form, request.user)
        except services.StaleVersion as stale:
            app = _app(request, pk, action)
            return _detail(request, app, status=409, **{form_name: form}, error=str(stale),
                           stale=True)  # fmt: skip
        except services.RecognitionError as refused:
            return _detail(request, app, **{form_name: form}, error=str(refused))
        messages.success(request, str(done))
        return redirect("recognition:detail", app.pk)

    return view


review = _step(
    "edit", ReviewForm, "review_form",
    lambda app, data, form, actor: services.record_review(app, **data, actor=actor),
    gettext_lazy("The review meeting was recorded."),
)  # fmt: skip
submit = _step(
    "edit", ConfirmForm, "submit_form",
    lambda app, data, form, actor: services.submit(app, version=data["version"], actor=actor),
    gettext_lazy("The dossier was submitted to the deciding office."),
)  # fmt: skip
withdraw = _step(
    "edit", ConfirmForm, "withdraw_form",
    lambda app, data, form, actor: services.withdraw(app, version=data["version"], actor=actor),
    gettext_lazy("The application was withdrawn."), lambda request: {"prefix": "withdraw"},
)  # fmt: skip
return_application = _step(
    "review", ReturnForm, "return_form",
    lambda app, data, form, actor: services.return_application(
        app, reason=data["reason"], version=data["version"], actor=actor),
    gettext_lazy("The dossier was returned to the unit."),
)  # fmt: skip
council = _step(
    "review", CouncilForm, "council_form",
    lambda app, data, form, actor: services.form_council(
        app, formed_on=data["formed_on"], formation_number=data["formation_number"],
        members=form.members(), actor=actor),
    gettext_lazy("The council was formed."), lambda request: {"rows": _council_rows(request)},
)  # fmt: skip
opinion = _step(
    "review", OpinionForm, "opinion_form",
    lambda app, data, form, actor: services.record_opinion(app, **data, actor=actor),
    gettext_lazy("The council's opinion was recorded."),
)  # fmt: skip
decide = _step(
    "decide", DecideForm, "decide_form",
    lambda app, data, form, actor: services.decide(app, **data, actor=actor),
    gettext_lazy("The decision was recorded."),
)  # fmt: skip


# --- files --------------------------------------------------------------------------------


@login_required
def dossier_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    if part not in dossier.DOSSIER_PARTS:
        raise Http404
    app = _app(request, pk)
    name = f"{part}-{app.unit.code}-{app.year}.docx"
    return attachment(dossier.render(app, part), DOCX_CONTENT_TYPE, name)


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of evidence, for those who may see the application; POST removes it."""
    item = get_object_or_404(Evidence, pk=pk)
    if request.method == "POST":
        app = _app(request, item.application_id, "edit")
        try:
            services.remove_evidence(item, actor=request.user)
        except services.RecognitionError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The file was removed."))
        return redirect("recognition:assess", app.pk)
    _app(request, item.application_id)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name,
                        content_type=CONTENT_TYPES.get(item.kind))  # fmt: skip
