"""Forms of data collection: opening a round, and the entry form's rows built from a data set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.templatetags.xhht import vn_number
from core.text import nfc

from . import validation
from .forms_spec import Cell
from .models import DataSet, ReportingRound
from .periods import default_year, year_choices
from .validation import HARD, Key, Problem

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class RoundForm(forms.Form):
    """What the office decides when it opens a round; the units owing each data set follow
    from the data set (services.default_units)."""

    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=300)
    # Any year in a sensible range; its period is created when the round opens.
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    opens_on = _date_field(_("Opens on"))
    due_on = _date_field(_("Due on"))
    data_sets = forms.ModelMultipleChoiceField(
        label=_("Data sets"),
        queryset=DataSet.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in year_choices(today)]
        self.fields["year"].initial = default_year(today)

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"]).strip()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if ReportingRound.objects.filter(code=code).exists():
            raise forms.ValidationError(_("A round with this code already exists."))
        return code


# --- the entry form ---------------------------------------------------------------------


def field_name(prefix: str, key: Key) -> str:
    """The HTML name of a cell's input: "value:persons::15-60"."""
    return ":".join((prefix, *key))


def typed_from(data: Mapping[str, str], cells: Iterable[Cell], prefix: str) -> dict[Key, str]:
    """What the user typed in each cell present in the POST, exactly."""
    typed = {}
    for cell in cells:
        name = field_name(prefix, cell.key)
        if name in data:
            typed[cell.key] = data[name]
    return typed


def shown(value: Decimal | None) -> str:
    """A stored value as the form shows it: "1.234,5", "" when empty."""
    return "" if value is None else vn_number(value)


def unreadable_problems(cells: Iterable[Cell], unreadable: Mapping[Key, str]) -> list[Problem]:
    """Why each typed text was not saved: no number, or one the store cannot hold."""
    fields = {c.key: c.field for c in cells}
    problems = []
    for key, text in unreadable.items():
        if key in fields:
            message = validation.unreadable_message(fields[key], text)
        else:
            message = gettext("“%(field)s”: “%(text)s” is not a number.") % {
                "field": key[0], "text": text,
            }  # fmt: skip
        problems.append(Problem(key, HARD, "number", message))
    return problems


@dataclass
class Row:
    """One line of the entry form."""

    cell: Cell
    name: str
    explain_name: str
    text: str  # what the input holds: the user's typing, or the stored value
    explanation: str
    last_year: str
    saved: str = ""  # the value now stored, shown beside a refused (stale) save
    target: object = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def warned(self) -> bool:
        return any(p.severity != HARD for p in self.problems)

    @property
    def wants_explanation(self) -> bool:
        return self.warned or bool(self.explanation)


@dataclass
class Section:
    title: str
    rows: list[Row]


def entry_sections(
    cells: list[Cell],
    *,
    texts: Mapping[Key, str],
    explanations: Mapping[Key, str],
    last_year: Mapping[Key, Decimal],
    targets: Mapping[str, object],
    problems: Iterable[Problem] = (),
    saved: Mapping[Key, Decimal | None] | None = None,
) -> list[Section]:
    """The form's rows grouped by section, each with its text, problems and context."""
    by_key: dict[Key | None, list[Problem]] = {}
    for problem in problems:
        by_key.setdefault(problem.key, []).append(problem)
    sections: list[Section] = []
    for cell in cells:
        row = Row(
            cell=cell,
            name=field_name("value", cell.key),
            explain_name=field_name("explain", cell.key),
            text=texts.get(cell.key, ""),
            explanation=explanations.get(cell.key, ""),
            last_year=vn_number(last_year[cell.key]) if cell.key in last_year else "",
            saved=shown(saved.get(cell.key)) if saved is not None else "",
            target=targets.get(cell.key[0]),
            problems=by_key.get(cell.key, []),
        )
        if not sections or sections[-1].title != cell.section:
            sections.append(Section(cell.section, []))
        sections[-1].rows.append(row)
    return sections
