"""Pages of yearly reports: the list, a draft (edit, preview, issue), an issued report.

Every write goes through reports.services; a plan, unit or report outside the user's scope
is a 404, and so is a write the user's role may not make there.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.downloads import attachment
from core.text import fold
from plans.models import Plan
from plans.queries import plans_for_unit, plans_visible_to
from reports import pdf
from reports.docx import DOCX_CONTENT_TYPE as DOCX_TYPE
from reports.docx import render as render_docx
from reports.letterhead import is_body
from reports.yearly import NARRATIVE_SECTIONS, NotReporting, compose
from units.access import can, crumbs, get_unit_or_404, home_unit, scope_roots
from units.codes import year_end
from units.models import OrgUnit
from units.tree import subtree_q

from . import changes, queries, services
from .forms import LABELS, DraftForm, narrative_name
from .models import IssuedReport, ReportDraft

YEARS = (1900, 2200)  # beyond them a year is no report's (and no date Python can hold)


def _subject(plan: Plan, unit: OrgUnit, year: int, user) -> tuple[Plan, OrgUnit]:
    """The plan and unit of a report page the user may see, or 404: the plan applies to the
    unit (its own or one above it) and covers the year."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404
    unit = get_unit_or_404(user, unit, "view", on=year_end(year))
    found = plans_visible_to(user).filter(code=plan).first()
    if found is None or not (found.start_year <= year <= found.end_year):
        raise Http404
    if not plans_for_unit(unit).filter(pk=found.pk).exists():
        raise Http404
    return found, unit


def _filename(plan: Plan, unit: OrgUnit, year: int, suffix: str) -> str:
    return f"bao-cao-{plan.code}-{unit.code}-{year}{suffix}"


def _offered_units(user, plans: list[Plan], limit: int = 300) -> list[OrgUnit]:
    """The units the form offers: the user's own, the plans' owners the user may see, and
    the units directly under them, past ones too (a 2020 report is on the communes of 2020)."""
    roots = scope_roots(user) or []
    owners = [p.owner for p in plans if can(user, "view", p.owner)]
    tops = {u.pk: u for u in [*roots, *owners]}
    below = OrgUnit.objects.none()
    for top in list(tops.values())[:20]:
        below |= OrgUnit.objects.filter(subtree_q(top.path), depth=top.depth + 1)
    children = below.order_by("path")[:limit]
    found = {**tops, **{u.pk: u for u in children}}
    return sorted(found.values(), key=lambda u: u.path)[:limit]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Open a report (plan, unit, year), the drafts and the register of issued reports."""
    user = request.user
    asked = request.GET
    if asked.get("plan") and asked.get("unit") and asked.get("year", "").strip().isdigit():
        year = int(asked["year"])
        plan, unit = _subject(asked["plan"], asked["unit"], year, user)
        return redirect("reports:draft", plan.code, unit.ref, year)
    plans = list(plans_visible_to(user).order_by("-start_year", "code")[:100])
    year = request.GET.get("year", "")
    issued = queries.visible_issued(user)
    if year.isdigit():
        issued = issued.filter(year=int(year))
    context = {
        "plans": plans,
        "units": _offered_units(user, plans),
        "home": home_unit(user),
        "this_year": timezone.localdate().year,
        "drafts": queries.visible_drafts(user).order_by("-updated_at")[:50],
        "issued": issued.order_by("-issued_at", "-pk")[:200],
        "year": year,
    }
    return render(request, "reports/index.html", context)


def _draft_context(request, plan, unit, year, draft: ReportDraft, form: DraftForm, **extra):
    user = request.user
    office = services.is_office_report(plan, unit)
    theirs = extra.pop("theirs", None)
    groups = {
        "narrative_rows": [narrative_name(k) for k, _t in NARRATIVE_SECTIONS],
        "head_rows": ["parent_name", "issuer_name", "symbol", "place"],
        "recipient_rows": ["recipients", "copies_to", "filing"],
        "signer_rows": ["signer_authority", "signer_position", "signer_host_position",
                        "signer_name"],
    }  # fmt: skip
    rows = {key: form.rows(names, theirs) for key, names in groups.items()}
    context = {
        "plan": plan, "unit": unit, "year": year, "draft": draft, "form": form,
        "office": office, "can_edit": services.may_edit(user, plan, unit),
        "sections": NARRATIVE_SECTIONS, "has_pdf": pdf.soffice_path() is not None,
        "issued": queries.visible_issued(user).filter(plan=plan, unit=unit, year=year)
        .order_by("-issued_at", "-pk"),
        "short": is_body(unit),
        # Any unit with communes or named bodies under it follows who has sent a report:
        # the plan's office, and a unit reporting up with units of its own (an đặc khu).
        "senders": [] if is_body(unit) else queries.senders(plan, unit, year),
        "missing": [LABELS[n] for n in services.missing_for_issue(draft)] if draft.pk else [],
        "history": draft.history.select_related("history_user")[:20] if draft.pk else [],
        "crumbs": crumbs(user, unit), "stale": theirs is not None,
        "signature": services.letterhead_of(draft).signer,
    }  # fmt: skip
    return context | rows | extra


@login_required
@require_http_methods(["GET", "POST"])
def draft_page(request: HttpRequest, plan: str, unit: str, year: int) -> HttpResponse:
    plan, unit = _subject(plan, unit, year, request.user)
    draft = services.draft_for(plan, unit, year)
    if request.method == "GET":
        form = DraftForm(saved=draft)
        return render(request, "reports/draft.html", _draft_context(request, plan, unit, year,
                                                                     draft, form))  # fmt: skip
    if not services.may_edit(request.user, plan, unit):
        raise Http404
    form = DraftForm(request.POST, saved=draft)
    error, theirs = "", None
    if form.is_valid():
        try:
            services.save_draft(plan, unit, year, form.changes(), actor=request.user,
                                expected_version=form.cleaned_data["version"])  # fmt: skip
        except services.NotAllowed as refused:
            raise Http404 from refused
        except services.ReportRefused as refused:
            error = str(refused)
            for name, message in refused.errors.items():
                if name in form.fields:
                    form.add_error(name, message)
            if refused.stale:
                theirs = services.draft_for(plan, unit, year)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("reports:draft", plan.code, unit.ref, year)
    else:
        error = _("The report was not saved: correct the fields marked.")
    if theirs is not None:
        # Keep what the person typed; the version becomes the one now saved, so that saving
        # again, after comparing with the text shown beside, is their deliberate choice.
        form.data = form.data.copy()
        form.data["version"] = str(theirs.version)
        draft = theirs
    context = _draft_context(request, plan, unit, year, draft, form, error=error,
                             theirs=DraftForm.initial_of(theirs) if theirs else None)  # fmt: skip
    return render(request, "reports/draft.html", context, status=409 if theirs else 200)


def _composed_draft(request, plan: str, unit: str, year: int) -> tuple[bytes, str]:
    plan, unit = _subject(plan, unit, year, request.user)
    draft = services.draft_for(plan, unit, year)
    document = compose(plan, unit, year, narrative=draft.narrative,
                       letterhead=services.letterhead_of(draft)).document  # fmt: skip
    return render_docx(document), _filename(plan, unit, year, "-du-thao")


@login_required
def draft_docx(request: HttpRequest, plan: str, unit: str, year: int) -> HttpResponse:
    data, name = _composed_draft(request, plan, unit, year)
    return attachment(data, DOCX_TYPE, f"{name}.docx")


def _pdf_or_back(request, docx: bytes, filename: str, back: str) -> HttpResponse:
    """The PDF of the .docx; if LibreOffice fails, back to the page with its message."""
    try:
        data = pdf.to_pdf(docx)
    except pdf.PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect(back)
    return attachment(data, "application/pdf", filename)


@login_required
def draft_pdf(request: HttpRequest, plan: str, unit: str, year: int) -> HttpResponse:
    if pdf.soffice_path() is None:
        raise Http404
    data, name = _composed_draft(request, plan, unit, year)
    return _pdf_or_back(request, data, f"{name}.pdf", request.path.rsplit("/", 1)[0] + "/")


@login_required
@require_POST
def issue(request: HttpRequest, plan: str, unit: str, year: int) -> HttpResponse:
    plan, unit = _subject(plan, unit, year, request.user)
    if not services.may_edit(request.user, plan, unit):
        raise Http404
    if request.POST.get("confirm") != "yes":
        # A number is taken for good: the office says it has read the draft through.
        messages.error(request, _("Tick the box to confirm that the draft has been checked."))
        return redirect("reports:draft", plan.code, unit.ref, year)
    version = request.POST.get("version", "")
    try:
        expected = int(version) if version.isdigit() else None
        report = services.issue(plan, unit, year, actor=request.user, expected_version=expected)
    except services.NotAllowed as refused:
        raise Http404 from refused
    except services.ReportRefused as refused:
        messages.error(request, str(refused))
        return redirect("reports:draft", plan.code, unit.ref, year)
    messages.success(request, _("The report was issued as number %(number)s.")
                     % {"number": report.number_symbol})  # fmt: skip
    return redirect("reports:issued", report.pk)


PART_LABELS = {
    "targets": gettext_lazy("Targets"),
    "pcgd": gettext_lazy("PCGD-XMC"),
    "completeness": gettext_lazy("Reporting"),
    "tasks": gettext_lazy("Tasks"),
}
FIELD_LABELS = {
    "shown": gettext_lazy("figure"),
    "status_text": gettext_lazy("status"),
    "status": gettext_lazy("status"),
    "coverage": gettext_lazy("units reporting"),
    "level": gettext_lazy("level"),
    "state": gettext_lazy("progress"),
    "reports": gettext_lazy("task reports"),
    "version": gettext_lazy("version"),
    "met": gettext_lazy("units meeting it"),
    "of": gettext_lazy("units counted"),
    "share": gettext_lazy("share"),
    "value": gettext_lazy("value"),
    "num": gettext_lazy("numerator"),
    "den": gettext_lazy("denominator"),
    "milestone_year": gettext_lazy("milestone year"),
    "": gettext_lazy("row"),
}
# Raw values that a shown text repeats: listed only when the shown text did not change.
REPEATED_BY = {"value": "shown", "num": "shown", "den": "shown", "status": "status_text"}


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]}/{value[1]}"
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def change_rows(found: list[changes.FigureChange]) -> list[dict]:
    """The figure changes as the issued page lists them, in words."""
    by_row: dict[tuple[str, str], set[str]] = {}
    for c in found:
        by_row.setdefault((c.part, c.row), set()).add(c.field)
    rows = []
    for c in found:
        if REPEATED_BY.get(c.field) in by_row[(c.part, c.row)]:
            continue
        label = c.label if c.label == c.row else f"{c.label} ({c.row})"
        rows.append({"part": PART_LABELS.get(c.part, c.part), "row": label,
                     "field": FIELD_LABELS.get(c.field, c.field),
                     "old": _shown(c.old), "new": _shown(c.new)})  # fmt: skip
    return rows


def _issued_or_404(user, pk: int) -> IssuedReport:
    report = IssuedReport.objects.select_related("plan", "unit", "issued_by").filter(pk=pk).first()
    if report is None or not can(user, "view", report.unit):
        raise Http404
    return report


@login_required
def issued_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _issued_or_404(request.user, pk)
    try:
        fresh = compose(report.plan, report.unit, report.year).snapshot
    except NotReporting:  # the plan no longer applies to the unit (its tree changed since)
        comparison = None
    else:
        comparison = changes.compare(report.snapshot, fresh)
    context = {
        "report": report, "unit": report.unit, "comparison": comparison,
        "figure_changes": change_rows(comparison.figures) if comparison else [],
        "has_pdf": pdf.soffice_path() is not None, "crumbs": crumbs(request.user, report.unit),
        "approved_through": _day(report.snapshot.get("approved_through")),
        "size": len(report.docx),
    }  # fmt: skip
    return render(request, "reports/issued.html", context)


def _day(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _issued_name(report: IssuedReport, suffix: str) -> str:
    # ASCII only: a header cannot carry "Đ" (BC-BCĐ -> bc-bcd).
    return f"bao-cao-{report.number:02d}-{fold(report.symbol)}-{report.register_year}{suffix}"


@login_required
def issued_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _issued_or_404(request.user, pk)
    return attachment(bytes(report.docx), DOCX_TYPE, _issued_name(report, ".docx"))


@login_required
def issued_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    if pdf.soffice_path() is None:
        raise Http404
    report = _issued_or_404(request.user, pk)
    back = reverse("reports:issued", args=[report.pk])
    return _pdf_or_back(request, bytes(report.docx), _issued_name(report, ".pdf"), back)
