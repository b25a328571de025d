"""The tallies form: one row per village and model, with the version each row was read at."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Model
from .registers import FIGURES, TALLY_MODELS, Problem, is_blank


class TallyRowForm(forms.Form):
    village = forms.CharField(label=_("Village or residential group"), required=False,
                              max_length=200)  # fmt: skip
    model = forms.ChoiceField(label=_("Learning model"),
                              choices=[(m, Model(m).label) for m in TALLY_MODELS])  # fmt: skip
    total = forms.IntegerField(label=_("Total"), required=False, min_value=0)
    registered = forms.IntegerField(label=_("Registered"), required=False, min_value=0)
    recognised = forms.IntegerField(label=_("Recognised"), required=False, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class BaseTallyFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The rows as save_tallies takes them (a row without a version expects none yet)."""
        rows, self.sent = [], []
        for form in self.forms:
            data = dict(form.cleaned_data)
            if not data or is_blank(data):  # a blank never erases: nothing to send
                continue
            data["version"] = data.get("version") or 0
            rows.append(data)
            self.sent.append(form)
        return rows

    def show(self, problems: list[Problem]) -> None:
        """The service's problems on the forms of the rows they name (after rows())."""
        for problem in problems:
            form = self.sent[problem.index]
            field = problem.field if problem.field in (*FIGURES, "village", "model") else None
            form.add_error(field, problem.message)


TallyFormSet = forms.formset_factory(
    TallyRowForm, formset=BaseTallyFormSet, extra=len(TALLY_MODELS), max_num=2000
)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx, .xls or .ods)"))
