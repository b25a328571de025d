"""Download a round's data set as an .xlsx template; upload it filled, see the preview of its
changes, and confirm them (collection.excel, collection.excel_import, collection.excel_pending)."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core import xlsx
from indicators.demo import holds_demo_figures
from units.access import units_visible_to

from . import excel, excel_import, excel_pending
from .models import DataSet, ReportingRound, Submission


def _round_and_sets(request: HttpRequest, round_id: int) -> tuple[ReportingRound, list[DataSet]]:
    """The round and the data sets that units in the user's data-entry scope owe in it; 404
    when there are none."""
    round_ = get_object_or_404(ReportingRound.objects.select_related("period"), pk=round_id)
    units = units_visible_to(request.user, "enter_data")
    owed = round_.submissions.filter(unit__in=units).values("data_set")
    data_sets = list(DataSet.objects.filter(pk__in=owed).order_by("code"))
    if not data_sets:
        raise Http404
    return round_, data_sets


def _chosen(data_sets: list[DataSet], code: str | None) -> DataSet:
    if not code and len(data_sets) == 1:
        return data_sets[0]
    for data_set in data_sets:
        if data_set.code == code:
            return data_set
    raise Http404


@login_required
def template_download(request: HttpRequest, round_id: int) -> FileResponse:
    """The data set's form for the units of the user's scope that owe it in the round."""
    round_, data_sets = _round_and_sets(request, round_id)
    data_set = _chosen(data_sets, request.GET.get("data_set"))
    units = units_visible_to(request.user, "enter_data")
    submissions = list(
        Submission.objects.filter(round=round_, data_set=data_set, unit__in=units)
        .select_related("unit")
        .order_by("unit__path")
    )
    output = io.BytesIO()
    stamp = xlsx.stamp_for(request, round_.owner.name, round_.period.year,
                           demo=holds_demo_figures())  # fmt: skip
    excel.write_template(round_, data_set, submissions, output, stamp)
    output.seek(0)
    name = f"{round_.code}-{data_set.code}.xlsx"
    return FileResponse(output, as_attachment=True, filename=name)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx)"))
    data_set = forms.ChoiceField(
        label=_("Data set (only for an older file that does not name its own)"), required=False
    )

    def __init__(self, *args, data_sets: list[DataSet], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(data_sets) == 1:
            del self.fields["data_set"]  # nothing to choose
        else:
            choices = [(d.code, d.name) for d in data_sets]
            self.fields["data_set"].choices = [("", _("Read from the file"))] + choices


def _error_rows(refused: excel_import.ImportRefused) -> list[dict]:
    """The errors as core/_import_errors.html lists them (the register's import page too)."""
    return [{"place": e.sheet, "row": e.row, "column": e.column, "value": e.value,
             "message": e.expected} for e in refused.errors]  # fmt: skip


def _page(request, context: dict, status: int = 200) -> HttpResponse:
    defaults = {
        "result": None,
        "refused": None,
        "preview": None,
        "token": "",
        "notice": "",
        "clear_marker": excel.CLEAR_MARKER,
        "lifetime_minutes": excel_pending.LIFETIME_SECONDS // 60,
    }
    return render(request, "collection/excel_import.html", defaults | context, status=status)


def _refused(request, context: dict, refused: excel_import.ImportRefused) -> HttpResponse:
    context |= {"refused": refused, "import_errors": _error_rows(refused)}
    return _page(request, context, status=409 if refused.stale else 400)


def _preview_upload(request, round_, data_sets, data: dict):
    """The upload kept under MEDIA_ROOT with its preview in the session, when it changes
    something; (preview, token), the token "" when there is nothing to confirm."""
    pending = excel_pending.new(round_.pk)
    try:
        pending.name = excel_import.save_upload(data["file"], pending.path)
        grid = excel_import.read_file(pending.path, pending.name)
        preview = excel_import.preview(
            grid, round_, data_sets, actor=request.user, fallback=data.get("data_set") or ""
        )
    except excel_import.ImportRefused:
        pending.discard()
        raise
    if not preview.units:
        pending.discard()
        return preview, ""
    pending.data_set, pending.versions = preview.data_set.code, preview.versions
    pending.digest = preview.digest
    excel_pending.keep(request.session, pending)
    return preview, pending.token


@login_required
@require_http_methods(["GET", "POST"])
def template_import(request: HttpRequest, round_id: int) -> HttpResponse:
    """Upload a filled template: every row is checked and its changes shown; nothing is
    written until the user confirms."""
    round_, data_sets = _round_and_sets(request, round_id)
    form = ImportForm(request.POST or None, request.FILES or None, data_sets=data_sets)
    context = {"round": round_, "data_sets": data_sets, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            preview, token = _preview_upload(request, round_, data_sets, form.cleaned_data)
        except excel_import.ImportRefused as refused:
            return _refused(request, context, refused)
        context |= {"preview": preview, "token": token}
    return _page(request, context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, round_id: int) -> HttpResponse:
    """Write what the preview showed, all or nothing, if no form changed since; or cancel."""
    round_, data_sets = _round_and_sets(request, round_id)
    context = {"round": round_, "data_sets": data_sets, "form": ImportForm(data_sets=data_sets)}
    pending = excel_pending.take(request.session, request.POST.get("token", ""), round_.pk)
    if pending is None:
        context["notice"] = _(
            "This preview has expired or was already used; nothing was "
            "written. Upload the file again."
        )
        return _page(request, context, status=400)
    try:
        if "cancel" in request.POST:
            context["notice"] = _("The import was cancelled; nothing was written.")
            return _page(request, context)
        grid = excel_import.read_file(pending.path, pending.name)
        preview = excel_import.preview(
            grid, round_, data_sets, actor=request.user, fallback=pending.data_set
        )
        context["result"] = excel_import.confirm(
            preview, pending.versions, pending.digest, actor=request.user
        )
    except excel_import.ImportRefused as refused:
        return _refused(request, context, refused)
    finally:
        pending.discard()
    return _page(request, context)
