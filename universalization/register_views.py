"""Pages of the register's entry: households and persons of a commune in forms, with their
history, and the register as a workbook out and in.

Viewing needs the "view" scope on the commune, entering "enter_data"; otherwise 404. Every
page or export that shows persons writes a PersonAccess row.
"""

from __future__ import annotations

import datetime
import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import xlsx
from core.text import fold
from indicators.demo import holds_demo_figures
from units.access import can, crumbs, get_unit_or_404
from units.models import OrgUnit
from units.tree import subtree_q

from . import jobs, services, workbook
from .exchange import ExchangeError
from .forms import HouseholdForm, ImportForm, PersonForm
from .models import CommuneYear, Household, Person, PersonAccess, RegisterImport
from .queries import COMMUNE_LEVEL, communes_under

PAGE_SIZE = 25
HISTORY_HIDDEN = ["version", "updated_at", "updated_by", "commune", "search_key"]
TEMPLATES = "universalization/register/"


def _commune_or_404(request: HttpRequest, code: str, action: str = "view") -> OrgUnit:
    unit = get_unit_or_404(request.user, code, action)
    if unit.level is None or unit.level.code != COMMUNE_LEVEL:
        raise Http404
    return unit


def _context(request: HttpRequest, unit: OrgUnit, **extra) -> dict:
    can_edit = can(request.user, "enter_data", unit)
    return {"unit": unit, "crumbs": crumbs(request.user, unit), "can_edit": can_edit} | extra


def _households(unit: OrgUnit, search: str):
    """The commune's households, or those whose number, or a person's name or id, holds
    `search` ignoring case and diacritics ("nguyen" finds "Nguyễn"), on both databases."""
    households = Household.objects.filter(commune=unit)
    key = fold(search)
    if key:
        matching = Person.objects.filter(commune=unit, search_key__contains=key).values(
            "household_id"
        )
        households = households.filter(Q(search_key__contains=key) | Q(pk__in=matching))
    return households.annotate(persons_count=Count("persons")).order_by("code", "pk")


@login_required
def register_list(request: HttpRequest, code: str) -> HttpResponse:
    unit = _commune_or_404(request, code)
    search = request.GET.get("q", "").strip()[:100]  # NFC already (core.normalise)
    page = Paginator(_households(unit, search), PAGE_SIZE).get_page(request.GET.get("page"))
    persons = Person.objects.filter(household__in=[h.pk for h in page]).order_by("code")
    by_household: dict[int, list[Person]] = {}
    for person in persons:
        by_household.setdefault(person.household_id, []).append(person)
    rows = [(household, by_household.get(household.pk, [])) for household in page]
    what = f"register page={page.number}" + (f" q={search}" if search else "")
    shown = sum(len(p) for p in by_household.values())
    services.record_person_access(request.user, unit, PersonAccess.Action.LIST, what, shown)
    context = _context(request, unit, page=page, rows=rows, search=search)
    context["totals"] = {"households": page.paginator.count, "persons": _persons_in(unit)}
    return render(request, TEMPLATES + "list.html", context)


def _persons_in(unit: OrgUnit) -> int:
    return Person.objects.filter(commune=unit).count()


def _shown(field: str, value, households: dict[int, str]) -> str:
    """A historical value as users read it: a choice's label, yes/no, a date, a code."""
    if value is None or value == "":
        return "—"
    if field == "household":
        return households.get(value, str(value))
    if field in services.PERSON_CHOICES:
        return str(dict(services.PERSON_CHOICES[field].choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def person_history(person: Person) -> list[dict]:
    """The person's changes, newest first: who, when, and old -> new for each changed field."""
    records = list(
        person.history.select_related("history_user").order_by("history_date", "history_id")
    )
    households = dict(
        Household.objects.filter(pk__in={r.household_id for r in records}).values_list("pk", "code")
    )
    changes = []
    for previous, record in zip([None, *records], records, strict=False):
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN)
            fields = [
                {
                    "label": services.label_of(Person, c.field),
                    "old": _shown(c.field, c.old, households),
                    "new": _shown(c.field, c.new, households),
                }
                for c in delta.changes
            ]
        changes.append({"record": record, "who": record.history_user, "fields": fields})
    return changes[::-1]


def _save_person(request: HttpRequest, unit: OrgUnit, person: Person | None, form: PersonForm):
    """Save a valid form through the service; the saved person, or None (refusal on the form)."""
    try:
        return services.save_person(
            person,
            form.cleaned_data,
            commune=unit,
            actor=request.user,
            expected_version=form.cleaned_data.get("version"),
        )
    except services.PersonRefused as refused:
        form.add_refusal(refused)
        form.stale = refused.stale
        return None


def _person_page(request: HttpRequest, unit: OrgUnit, person: Person | None) -> HttpResponse:
    editing = person is not None
    if request.method == "POST":
        form = PersonForm(request.POST, editing=editing)
        saved = _save_person(request, unit, person, form) if form.is_valid() else None
        if saved is not None:
            messages.success(request, _("The person was saved."))
            return redirect("register:person_edit", unit.code, saved.pk)
    else:
        initial = PersonForm.initial_for(person) if editing else {}
        initial.setdefault("household_code", request.GET.get("household", ""))
        form = PersonForm(initial=initial, editing=editing)
    if editing:
        what = f"register person={person.code}"
        services.record_person_access(request.user, unit, PersonAccess.Action.LIST, what, 1)
    codes = Household.objects.filter(commune=unit).order_by("code").values_list("code", flat=True)
    context = _context(request, unit, form=form, person=person, household_codes=codes)
    context["history"] = person_history(person) if editing else []
    return render(request, TEMPLATES + "person_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, code: str) -> HttpResponse:
    return _person_page(request, _commune_or_404(request, code, "enter_data"), None)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _commune_or_404(request, code, "enter_data")
    person = get_object_or_404(Person.objects.select_related("household"), pk=pk, commune=unit)
    return _person_page(request, unit, person)


def _household_page(request: HttpRequest, unit: OrgUnit, household: Household | None):
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_household(
                household, form.cleaned_data, commune=unit, actor=request.user
            )
        except services.HouseholdRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The household was saved."))
            return redirect(_list_url(unit, saved.code))
    context = _context(request, unit, form=form, household=household)
    return render(request, TEMPLATES + "household_form.html", context)


def _list_url(unit: OrgUnit, search: str = "") -> str:
    url = reverse("register:list", args=[unit.code])
    return f"{url}?{urlencode({'q': search})}" if search else url


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, code: str) -> HttpResponse:
    return _household_page(request, _commune_or_404(request, code, "enter_data"), None)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = _commune_or_404(request, code, "enter_data")
    household = get_object_or_404(Household, pk=pk, commune=unit)
    return _household_page(request, unit, household)


def _default_year(unit: OrgUnit) -> int:
    """The latest register year of the communes under `unit`, else this year."""
    rows = CommuneYear.objects.filter(subtree_q(unit.path, "commune__"))
    latest = rows.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def _asked_year(request: HttpRequest, unit: OrgUnit) -> int:
    asked = request.GET.get("year", "")
    if asked.isdigit() and 1900 <= int(asked) <= 2200:
        return int(asked)
    return _default_year(unit)


@login_required
def register_export(request: HttpRequest, code: str) -> FileResponse:
    """The register of the unit's communes (a commune: itself) in `year` as a workbook."""
    unit = get_unit_or_404(request.user, code, "view")
    year = _asked_year(request, unit)
    communes = communes_under(unit, year)
    if not communes:
        raise Http404
    output = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    stamp = xlsx.stamp_for(request, unit.name, year, demo=holds_demo_figures())
    rows = workbook.export_register(communes, year, output, stamp)
    what = f"register.xlsx year={year}"
    services.record_person_access(request.user, unit, PersonAccess.Action.EXPORT, what, rows)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"register-{unit.code}-{year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the register (a workbook or the two CSV files) into the unit's communes: the
    files are kept for the background check, and the job's page follows it."""
    unit = get_unit_or_404(request.user, code, "enter_data")
    context = _context(request, unit, refused=None)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = jobs.start(
                    unit=unit, user=request.user, year=data["year"],
                    workbook_upload=data.get("workbook"), communes_csv=data.get("communes_csv"),
                    persons_csv=data.get("persons_csv"),
                )  # fmt: skip
            except ExchangeError as refused:
                context["refused"], context["import_errors"] = refused, jobs.error_rows(refused)
            else:
                return redirect("register:import_job", unit.code, job.pk)
    else:
        form = ImportForm(initial={"year": _default_year(unit)})
    context["form"] = form
    context["recent"] = RegisterImport.objects.filter(unit=unit, user=request.user)[:5]
    return render(request, TEMPLATES + "import.html", context)


def _job_or_404(request: HttpRequest, code: str, pk: int) -> tuple[OrgUnit, RegisterImport]:
    """The user's own import into a unit they still enter data for; 404 otherwise."""
    unit = get_unit_or_404(request.user, code, "enter_data")
    job = get_object_or_404(RegisterImport, pk=pk, unit=unit, user=request.user)
    return unit, job


@login_required
@require_http_methods(["GET"])
def import_job(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An import's progress, its preview to confirm, or its result; htmx polls the partial."""
    unit, job = _job_or_404(request, code, pk)
    context = _context(request, unit, job=job)
    if job.status == RegisterImport.Status.READY:
        rows = sum(c["added"] + c["changed"] for c in job.preview.get("communes", []))
        what = f"register import preview job={job.pk}"
        services.record_person_access(request.user, unit, PersonAccess.Action.LIST, what, rows)
    partial = request.headers.get("HX-Request") == "true"
    template = "_import_job.html" if partial else "import_job.html"
    response = render(request, TEMPLATES + template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def import_confirm(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit, job = _job_or_404(request, code, pk)
    if request.POST.get("action") == "cancel":
        if jobs.cancel(job):
            messages.info(request, _("The import was cancelled; nothing was written."))
    elif jobs.confirm(job):
        messages.success(request, _("The import was started; this page shows its progress."))
    return redirect("register:import_job", unit.code, job.pk)
