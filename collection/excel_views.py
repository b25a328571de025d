"""Download a round's data set as an .xlsx template, and upload it filled (collection.excel)."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.access import units_visible_to

from . import excel
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
    excel.write_template(round_, data_set, submissions, output)
    output.seek(0)
    name = f"{round_.code}-{data_set.code}.xlsx"
    return FileResponse(output, as_attachment=True, filename=name)


class ImportForm(forms.Form):
    data_set = forms.ChoiceField(label=_("Data set"))
    file = forms.FileField(label=_("Filled template (.xlsx)"))

    def __init__(self, *args, data_sets: list[DataSet], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_set"].choices = [(d.code, d.name) for d in data_sets]
        if len(data_sets) == 1:
            self.fields["data_set"].initial = data_sets[0].code
            self.fields["data_set"].required = False


def _error_rows(refused: excel.ImportRefused) -> list[dict]:
    """The errors as core/_import_errors.html lists them (the register's import page too)."""
    return [{"place": e.sheet, "row": e.row, "column": e.column, "value": e.value,
             "message": e.expected} for e in refused.errors]  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def template_import(request: HttpRequest, round_id: int) -> HttpResponse:
    """Upload a filled template: every row is checked, then all are saved as drafts, or none."""
    round_, data_sets = _round_and_sets(request, round_id)
    form = ImportForm(request.POST or None, request.FILES or None, data_sets=data_sets)
    context = {"round": round_, "data_sets": data_sets, "form": form, "result": None,
               "refused": None}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data_set = _chosen(data_sets, form.cleaned_data.get("data_set"))
        try:
            context["result"] = excel.import_template(
                form.cleaned_data["file"], round_, data_set, actor=request.user
            )
        except excel.ImportRefused as refused:
            context["refused"], context["import_errors"] = refused, _error_rows(refused)
    status = 400 if context["refused"] else 200
    return render(request, "collection/excel_import.html", context, status=status)
