"""Forms of the recognition pages: registration, the self-assessment built from a criteria set,
the review meeting, the office's return, council, opinion and decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collection.forms import DATE_INPUT_FORMATS
from core.numbers import NotANumber, parse_number
from core.text import nfc
from units.models import OrgUnit

from .models import Application, Council, CouncilMember, Decision, Model
from .wording import INPUT_LABELS, ordinal_choices, value_text

# The models a unit applies for through the circulars' procedure (TT 24, TT 25); families,
# clans, villages and citizens are counted in the registers, not applied for here.
APPLYING_MODELS = (
    Model.COMMUNITY_COMMUNE,
    Model.COMMUNITY_DISTRICT,
    Model.COMMUNITY_PROVINCE,
    Model.UNIT_DISTRICT,
    Model.UNIT_PROVINCE,
)

YES, NO = "yes", "no"
MIN_COUNCIL_ROWS, MAX_COUNCIL_ROWS = 7, 25


def date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )  # fmt: skip


def text_field(label, *, required: bool = True, rows: int = 0, max_length: int = 0):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(label=label, required=required, widget=widget,
                           max_length=max_length or None)  # fmt: skip


class NfcForm(forms.Form):
    """Every typed text in NFC (the middleware does it for requests; forms built by tests or
    commands are normalised here too)."""

    def clean(self):
        data = super().clean()
        return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


class VersionForm(NfcForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ConfirmForm(VersionForm):
    """A step that cannot be undone by the person who takes it: a ticked box says it is meant."""

    confirm = forms.BooleanField(label=gettext_lazy("I confirm"))


# --- registration --------------------------------------------------------------------------


class ChooseSetForm(forms.Form):
    """First step of a registration: the model and the year pick the criteria set, which says
    which levels and which facts about the unit the application asks."""

    model = forms.ChoiceField(label=gettext_lazy("Learning model"),
                              choices=[(m.value, m.label) for m in APPLYING_MODELS])  # fmt: skip
    year = forms.IntegerField(label=gettext_lazy("Evaluation year"), min_value=2000,
                              max_value=2100)  # fmt: skip


class RegisterForm(NfcForm):
    unit = forms.ChoiceField(label=gettext_lazy("Applying unit"))
    model = forms.ChoiceField(widget=forms.HiddenInput,
                              choices=[(m.value, m.label) for m in APPLYING_MODELS])  # fmt: skip
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    level = forms.TypedChoiceField(label=gettext_lazy("Level applied for"), coerce=int)
    unit_kind = forms.ChoiceField(label=gettext_lazy("Kind of unit"), required=False,
                                  choices=[("", "—"), *Application.UnitKind.choices])  # fmt: skip
    public = forms.BooleanField(label=gettext_lazy("State agency or public service unit"),
                                required=False)  # fmt: skip
    difficult_area = forms.BooleanField(
        label=gettext_lazy("The commune is in a difficult area in the evaluation year"),
        required=False,
    )

    def __init__(self, *args, units: list[OrgUnit], levels, unit_fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.ref: u for u in units}
        self.fields["unit"].choices = [(u.ref, u.name) for u in units]
        self.fields["level"].choices = [(n, _("Level %(n)s") % {"n": n}) for n in levels]
        # Only the facts the criteria set asks about the unit are shown and passed on.
        self.asked = {"kind": "unit_kind", "public": "public", "difficult_area": "difficult_area"}
        for name, form_name in list(self.asked.items()):
            if name not in unit_fields:
                del self.fields[form_name]
                del self.asked[name]
        if "unit_kind" in self.fields:
            self.fields["unit_kind"].required = True

    def clean_unit(self) -> OrgUnit:
        return self.units[self.cleaned_data["unit"]]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"unit": data["unit"], "model": data["model"], "year": data["year"],
                  "level": data["level"]}  # fmt: skip
        for form_name in self.asked.values():
            kwargs[form_name] = data[form_name]
        return kwargs


# --- the self-assessment -------------------------------------------------------------------


def input_keys(indicator) -> tuple[str, ...]:
    """The keys of the indicator's dict value; () for a bare value."""
    if indicator.inputs:
        return tuple(indicator.inputs)
    if indicator.kind in ("rate", "share_recognised"):
        return ("num", "den")
    return ()


def _typed_text(value) -> str:
    """A saved number as the form shows it again (Vietnamese decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return str(value)


@dataclass
class IndicatorRow:
    """One indicator of the self-assessment: its definition, its saved answer, what the form
    shows in its inputs and the message of a refused input."""

    indicator: object
    answer: object | None
    threshold: str
    status: dict = field(default_factory=dict)  # the engine's, as views._engine gives it
    inputs: list[dict] = field(default_factory=list)
    typed: str = ""  # boolean and ordinal: the chosen value; count: the typed number
    explanation: str = ""
    unlink: bool = False
    error: str = ""
    evidence: list = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def linked(self) -> bool:
        return bool(self.answer and self.answer.source == "linked")

    @property
    def shown(self) -> str:
        return value_text(self.indicator, self.answer.value if self.answer else None)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return ordinal_choices(self.indicator) if self.indicator.kind == "ordinal" else []


def fill_from_answer(row: IndicatorRow) -> None:
    """The form's inputs hold the saved answer."""
    value = row.answer.value if row.answer else None
    keys = input_keys(row.indicator)
    if keys:
        saved = value if isinstance(value, Mapping) else {}
        row.inputs = [{"key": k, "label": INPUT_LABELS.get(k, k), "text": _typed_text(saved.get(k))}
                      for k in keys]  # fmt: skip
    elif isinstance(value, bool):
        row.typed = YES if value else NO
    else:
        row.typed = _typed_text(value)
    row.explanation = row.answer.explanation if row.answer else ""


def field_name(prefix: str, code: str, key: str = "") -> str:
    return f"{prefix}-{code}" + (f"-{key}" if key else "")


def _number(text: str, *, whole: bool):
    number = parse_number(text)
    if number is None:
        return None
    if number < 0:
        raise NotANumber(text)
    if number == number.to_integral_value():
        return int(number)
    if whole:
        raise NotANumber(text)
    return float(number)


WHOLE_KINDS = {"rate", "compound_rate", "share_recognised", "count"}


def read_typed(row: IndicatorRow, post: Mapping) -> dict | None:
    """The indicator's answer from the POST ({"value", "explanation", "unlink"}), keeping what
    was typed in `row` for the page; None when the POST does not carry the indicator. A value
    that cannot be read sets `row.error` and is passed on as None (which erases nothing)."""
    ind = row.indicator
    keys = input_keys(ind)
    names = [field_name("v", ind.code, k) for k in keys] or [field_name("v", ind.code)]
    if not any(n in post for n in names) and field_name("x", ind.code) not in post:
        return None
    row.explanation = nfc(post.get(field_name("x", ind.code), "")).strip()
    row.unlink = post.get(field_name("u", ind.code)) == "on"
    value = None
    try:
        if keys:
            row.inputs = [{"key": k, "label": INPUT_LABELS.get(k, k),
                           "text": nfc(post.get(field_name("v", ind.code, k), "")).strip()}
                          for k in keys]  # fmt: skip
            numbers = {i["key"]: _number(i["text"], whole=ind.kind in WHOLE_KINDS)
                       for i in row.inputs}  # fmt: skip
            given = [v for v in numbers.values() if v is not None]
            if given and len(given) < len(numbers):
                row.error = _("Fill in every figure of this indicator, or none.")
            elif given:
                value = numbers
                den = numbers.get("den")
                parts = [v for k, v in numbers.items() if k != "den"]
                if den is not None and any(p > den for p in parts):
                    row.error = _("A part cannot be larger than the whole (the denominator).")
                    value = None
        else:
            row.typed = nfc(post.get(names[0], "")).strip()
            value = _bare_value(ind, row.typed)
    except NotANumber:
        row.error = _("Type a whole number (without a sign), e.g. 1.234.") if (
            ind.kind in WHOLE_KINDS) else _("Type a number, e.g. 12,5.")  # fmt: skip
        value = None
    if row.linked and not row.unlink and value is not None and value != row.answer.value:
        row.error = _("This figure comes from XHHT's data. To replace it with your own, tick "
                      "“type my own figure”.")  # fmt: skip
    if row.error:
        value = None
    elif row.linked and not row.unlink:
        value = None  # the linked figure stays as the data store gives it
    return {"value": value, "explanation": row.explanation, "unlink": row.unlink}


def _bare_value(indicator, typed: str):
    if typed == "":
        return None
    if indicator.kind == "boolean":
        if typed not in (YES, NO):
            raise NotANumber(typed)
        return typed == YES
    if indicator.kind == "ordinal":
        choices = dict(ordinal_choices(indicator))
        if typed not in choices:
            raise NotANumber(typed)
        return int(typed) if typed.lstrip("-").isdigit() else typed
    return _number(typed, whole=indicator.kind in WHOLE_KINDS)


# --- the review meeting and the office's steps ---------------------------------------------


class ReviewForm(NfcForm):
    held_on = date_field(gettext_lazy("Held on"))
    chair = text_field(gettext_lazy("Chaired by (name and position)"), max_length=200)
    participants = text_field(gettext_lazy("Participants, one per line"), rows=4)
    conclusion = text_field(gettext_lazy("Conclusion of the meeting"), rows=4)


class ReturnForm(VersionForm):
    reason = text_field(gettext_lazy("What the unit must complete or correct"), rows=4)


class CouncilForm(NfcForm):
    """The council: the decision forming it and one row per member; the service checks the
    number of members (odd, at least five) and the chair."""

    formed_on = date_field(gettext_lazy("Formed on"))
    formation_number = text_field(gettext_lazy("Number of the decision forming it"),
                                  required=False, max_length=60)  # fmt: skip

    def __init__(self, *args, rows: int = MIN_COUNCIL_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = max(MIN_COUNCIL_ROWS, min(rows, MAX_COUNCIL_ROWS))
        for i in range(self.rows):
            self.fields[f"name_{i}"] = text_field(gettext_lazy("Full name"), required=False,
                                                  max_length=200)  # fmt: skip
            self.fields[f"position_{i}"] = text_field(
                gettext_lazy("Position and organisation"), required=False, max_length=300
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=gettext_lazy("Role in the council"), choices=CouncilMember.Role.choices,
                required=False, initial=CouncilMember.Role.CHAIR if i == 0 else
                CouncilMember.Role.SECRETARY if i == 1 else CouncilMember.Role.MEMBER,
            )  # fmt: skip

    def member_rows(self) -> list[dict]:
        return [{"name": self[f"name_{i}"], "position": self[f"position_{i}"],
                 "role": self[f"role_{i}"], "n": i + 1} for i in range(self.rows)]  # fmt: skip

    def clean(self):
        data = super().clean()
        for i in range(self.rows):
            if data.get(f"name_{i}") and not data.get(f"position_{i}"):
                self.add_error(f"position_{i}", _("Give the member's position and organisation."))
            if data.get(f"position_{i}") and not data.get(f"name_{i}"):
                self.add_error(f"name_{i}", _("Give the member's full name."))
        return data

    def members(self) -> list[dict]:
        data = self.cleaned_data
        return [{"name": data[f"name_{i}"], "position": data[f"position_{i}"],
                 "role": data[f"role_{i}"] or CouncilMember.Role.MEMBER}
                for i in range(self.rows) if data.get(f"name_{i}")]  # fmt: skip


class OpinionForm(VersionForm):
    met_on = date_field(gettext_lazy("Met (or gathered the written opinions) on"))
    opinion = text_field(gettext_lazy("Opinion of the council"), rows=4)
    recommendation = forms.ChoiceField(label=gettext_lazy("Recommendation"),
                                       choices=Council.Recommendation.choices,
                                       widget=forms.RadioSelect)  # fmt: skip


class DecideForm(NfcForm):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Decision.Outcome.choices,
                                widget=forms.RadioSelect)  # fmt: skip
    number = text_field(gettext_lazy("Number of the decision or of the written reply"),
                        max_length=60)  # fmt: skip
    signed_on = date_field(gettext_lazy("Signed on"))
    signer = text_field(gettext_lazy("Signed by (name and position)"), max_length=200)
    reasons = text_field(gettext_lazy("Reasons (required for a refusal)"), required=False,
                         rows=4)  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Decision.Outcome.REFUSED and not data.get("reasons"):
            self.add_error("reasons", _("A refusal gives its reasons."))
        return data
