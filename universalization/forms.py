"""Forms of the register: a person, a household, an upload of the register in the exchange format.

The forms read and type what the user typed; the rules a person must meet are the service's
(services.person_errors), so a form, the API and an import refuse the same things.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Household, Person

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
UNKNOWN_CHOICE = ("", _("(unknown)"))


class RefusalMixin:
    """Shows a service's refusal on the form: each message beside its field."""

    def add_refusal(self, refused: services.EditRefused) -> None:
        for name, message in refused.errors.items():
            self.add_error(name if name in self.fields else None, message)


def _person_field(name: str) -> forms.Field:
    field = Person._meta.get_field(name).formfield()
    if name in services.PERSON_CHOICES and not field.required:
        field.choices = [UNKNOWN_CHOICE, *services.PERSON_CHOICES[name].choices]
    return field


class PersonForm(RefusalMixin, forms.Form):
    """Every field of a person, grouped as on the household survey form."""

    FIELDSETS = (
        (_("Person"), ("household_code", "code", "full_name", "sex", "birth_year",
                       "birth_date", "ethnicity")),
        (_("Residence and disability"), ("residence", "disability")),
        (_("Schooling and literacy"), ("studying", "preschool_completed", "grade1_entry_year",
                                       "primary_completed_year", "lower_secondary_diploma_year",
                                       "highest_grade_completed", "literacy_stage_completed")),
    )  # fmt: skip

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household_code"] = forms.CharField(
            label=services.label_of(Household, "code"),
            max_length=40,
            help_text=_("Pick a household of the commune, or type a new number to create it."),
            widget=forms.TextInput(attrs={"list": "household-codes", "autocomplete": "off"}),
        )
        for name in services.PERSON_EDIT_FIELDS:
            self.fields[name] = _person_field(name)
        self.fields["birth_year"].help_text = _(
            "Give the birth year, or the birth date: the year is then taken from the date."
        )
        self.fields["birth_date"] = forms.DateField(
            label=services.label_of(Person, "birth_date"),
            required=False,
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        )
        self.fields["version"].required = editing

    @staticmethod
    def initial_for(person: Person) -> dict:
        initial = {name: getattr(person, name) for name in services.PERSON_EDIT_FIELDS}
        return initial | {"household_code": person.household.code, "version": person.version}

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class HouseholdForm(RefusalMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = services.HOUSEHOLD_EDIT_FIELDS

    def _post_clean(self) -> None:
        """No model validation here: the service checks the household against its commune."""


def _this_year() -> int:
    return timezone.localdate().year


class ImportForm(forms.Form):
    """The register in the exchange format: one .xlsx workbook, or the two CSV files."""

    year = forms.IntegerField(
        label=_("Reference year of the survey"),
        min_value=services.OLDEST_BIRTH_YEAR,
        help_text=_("Birth years after this year are refused; communes take this year's flag."),
    )
    workbook = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    communes_csv = forms.FileField(
        label=_("or the communes file (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    persons_csv = forms.FileField(
        label=_("and the persons file (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.max_value = _this_year()
        year.validators.append(MaxValueValidator(year.max_value))
        year.widget.attrs["max"] = year.max_value

    def clean(self) -> dict:
        data = super().clean()
        csvs = [data.get("communes_csv"), data.get("persons_csv")]
        if data.get("workbook") and any(csvs):
            raise forms.ValidationError(_("Upload either a workbook or the two CSV files."))
        if not data.get("workbook") and not all(csvs):
            raise forms.ValidationError(
                _("Upload a workbook (.xlsx), or both the communes and the persons CSV files.")
            )
        return data
