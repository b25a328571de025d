"""Pages of the registers of learning models: a commune's tallies form and summary (a unit
above it: the summary per commune), the Excel import with its preview, the template and the
yearly table. Viewing needs the "view" scope on the unit, entering "enter_data"; else 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from collection.excel_import import ImportRefused
from core import xlsx
from core.downloads import attachment
from indicators.demo import holds_demo_figures
from units.access import can, crumbs, get_unit_or_404
from units.codes import year_end
from units.models import OrgUnit
from units.tree import subtree_q

from . import register_excel, register_import
from .models import Model, Tally
from .register_forms import TallyFormSet, UploadForm
from .registers import (
    FIGURES,
    TALLY_MODELS,
    Figures,
    TallyError,
    holds_register,
    pivot,
    save_tallies,
    summary,
    tallies_for,
    villages_of,
)

TEMPLATES = "recognition/"


def _unit(request: HttpRequest, code: str, year: int, action: str = "view") -> OrgUnit:
    if not 1990 <= year <= 2100:
        raise Http404
    return get_unit_or_404(request.user, code, action, on=year_end(year))


def _editable(request: HttpRequest, unit: OrgUnit, year: int) -> bool:
    return holds_register(unit, year) and can(request.user, "enter_data", unit)


def _initial(unit: OrgUnit, year: int) -> list[dict]:
    """The form's rows: every saved row of the year, then the other models of each village
    named this year or last year, blank."""
    saved = {(t.village, t.model): t for t in tallies_for(unit, year)}
    rows = []
    for village in villages_of(unit, year):
        for model in TALLY_MODELS:
            tally = saved.get((village, model))
            row = {"village": village, "model": model, "version": 0}
            if tally is not None:
                row |= {name: getattr(tally, name) for name in (*FIGURES, "note", "version")}
            rows.append(row)
    return rows


def _context(request: HttpRequest, unit: OrgUnit, year: int, **extra) -> dict:
    by_village = holds_register(unit, year)
    sums = pivot(
        tallies_for(unit, year),
        (lambda t: t.village or _("(whole commune)")) if by_village
        else (lambda t: t.commune.display_name),
    )  # fmt: skip
    per_unit = [(name, [per_model.get(m, Figures()) for m in TALLY_MODELS])
                for name, per_model in sums.items()]  # fmt: skip
    return {
        "unit": unit, "year": year, "crumbs": crumbs(request.user, unit),
        "summary": [(Model(m).label, figures) for m, figures in summary(unit, year).items()],
        "models": [(m, Model(m).label) for m in TALLY_MODELS],
        "per_unit": per_unit, "by_village": by_village,
        "can_edit": _editable(request, unit, year),
    } | extra  # fmt: skip


@login_required
@require_GET
def latest(request: HttpRequest, code: str) -> HttpResponse:
    """The menu's way in: the unit's register of the last year it holds tallies for (the
    units below it counted), else of last year, and never past the last year the unit stood
    at the year's end."""
    unit = get_unit_or_404(request.user, code)
    years = Tally.objects.filter(subtree_q(unit.path, "commune__")).values_list("year", flat=True)
    year = max(years, default=timezone.localdate().year - 1)
    if unit.valid_to is not None:
        ended = unit.valid_to
        year = min(year, ended.year if (ended.month, ended.day) == (12, 31) else ended.year - 1)
    return tallies(request, unit.ref, year)


@login_required
@require_http_methods(["GET", "POST"])
def tallies(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The tallies of a commune in a year as a form (read only without the data-entry scope),
    and the sums per model; for a unit above communes, the sums per commune."""
    unit = _unit(request, code, year)
    if not _editable(request, unit, year):
        if request.method == "POST":
            raise Http404
        return render(request, TEMPLATES + "tallies.html", _context(request, unit, year))
    formset = TallyFormSet(request.POST or None, initial=_initial(unit, year), prefix="t")
    status = 200
    if request.method == "POST" and formset.is_valid():
        try:
            saved = save_tallies(unit, year, formset.rows(), actor=request.user)
        except TallyError as refused:
            formset.show(refused.problems)
            messages.error(request, str(refused))
            status = 409 if refused.stale else 400
        else:
            done = _("Tallies saved: %(created)s rows added, %(updated)s changed.")
            messages.success(request, done % {"created": len(saved.created),
                                               "updated": len(saved.updated)})  # fmt: skip
            return redirect(reverse("learning_models:tallies", args=[unit.ref, year]))
    elif request.method == "POST":
        status = 400
    context = _context(request, unit, year, formset=formset)
    return render(request, TEMPLATES + "tallies.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tallies_import(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload a filled template: every row is checked and what it changes shown; nothing is
    written until the user confirms (or if any row is wrong, or changed since)."""
    unit = _unit(request, code, year, "enter_data")
    if not holds_register(unit, year):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"unit": unit, "year": year, "crumbs": crumbs(request.user, unit), "form": form,
               "lifetime_minutes": register_import.LIFETIME_SECONDS // 60}  # fmt: skip
    try:
        if request.method == "POST" and "token" in request.POST:
            return _confirm(request, unit, year, context)
        if request.method == "POST" and form.is_valid():
            grid = register_import.read_upload(form.cleaned_data["file"])
            seen = register_import.preview(grid, unit, year, actor=request.user)
            token = register_import.keep(request.session, unit, year, seen) if seen.rows else ""
            context |= {"preview": seen, "token": token}
    except ImportRefused as refused:
        rows = [{"place": e.sheet, "row": e.row, "column": e.column, "value": e.value,
                 "message": e.expected} for e in refused.errors]  # fmt: skip
        context |= {"refused": refused, "import_errors": rows}
        return render(request, TEMPLATES + "tallies_import.html", context,
                      status=409 if refused.stale else 400)  # fmt: skip
    return render(request, TEMPLATES + "tallies_import.html", context)


def _confirm(request: HttpRequest, unit: OrgUnit, year: int, context: dict) -> HttpResponse:
    pending = register_import.take(request.session, request.POST["token"], unit, year)
    if pending is None:
        context["notice"] = _("This preview has expired or was already used; nothing was "
                              "written. Upload the file again.")  # fmt: skip
        return render(request, TEMPLATES + "tallies_import.html", context, status=400)
    if "cancel" in request.POST:
        context["notice"] = _("The import was cancelled; nothing was written.")
        return render(request, TEMPLATES + "tallies_import.html", context)
    saved = register_import.confirm(pending, unit, year, actor=request.user)
    done = _("Tallies imported: %(created)s rows added, %(updated)s changed.")
    messages.success(request, done % {"created": len(saved.created),
                                      "updated": len(saved.updated)})  # fmt: skip
    return redirect(reverse("learning_models:tallies", args=[unit.ref, year]))


def _xlsx(request: HttpRequest, content: bytes, name: str) -> HttpResponse:
    return attachment(content, xlsx.XLSX_CONTENT_TYPE, name)


@login_required
@require_GET
def template(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The commune's template to fill, its villages prefilled."""
    unit = _unit(request, code, year, "enter_data")
    if not holds_register(unit, year):
        raise Http404
    stamp = xlsx.stamp_for(request, unit.name, year, demo=holds_demo_figures())
    content = register_import.template(unit, year, stamp)
    return _xlsx(request, content, f"mo-hinh-hoc-tap-{unit.code}-{year}-mau.xlsx")


@login_required
@require_GET
def export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The yearly tallies table of the unit."""
    unit = _unit(request, code, year)
    stamp = xlsx.stamp_for(request, unit.name, year, demo=holds_demo_figures())
    content = register_excel.render(unit, year, stamp)
    return _xlsx(request, content, f"mo-hinh-hoc-tap-{unit.code}-{year}.xlsx")
