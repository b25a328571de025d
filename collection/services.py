"""Write paths of data collection: open a round, save entries, submit, return, approve, reopen.

Every path checks the actor's scope (units.access), the submission's state and, where the
user edits, the version they started from; history rows record who did what and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.numbers import NotANumber
from indicators.models import DataElement, DataValue, Period
from indicators.services import NewValue, ValueRefused, write_values
from units.access import can
from units.models import OrgUnit
from units.tree import subtree_q, valid_on

from . import validation
from .forms_spec import FormSpec, form_spec, previous_values
from .models import DataSet, Entry, ReportingRound, Submission
from .validation import Key, Problem

Status = Submission.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)


class SubmissionRefused(Exception):
    """A step that was not taken; the message is for the user, `problems` lists the fields."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), *, stale: bool = False):
        super().__init__(message)
        self.problems = list(problems)
        self.stale = stale


class NotAllowed(SubmissionRefused):
    """The actor may not do this to this unit (pages and API answer 404)."""


@dataclass
class SaveResult:
    submission: Submission
    problems: list[Problem] = field(default_factory=list)
    unreadable: dict[Key, str] = field(default_factory=dict)  # typed text that is no number


def require(actor, action: str, unit: OrgUnit) -> None:
    if not can(actor, action, unit):
        raise NotAllowed(_("You may not do this for this unit."))


def default_units(data_set: DataSet, owner: OrgUnit, day: datetime.date) -> list[OrgUnit]:
    """The units under the office that owe the data set by default, as the map stood on `day`."""
    units = OrgUnit.objects.filter(subtree_q(owner.path), valid_on(day)).exclude(pk=owner.pk)
    if data_set.unit_level:
        units = units.filter(level__code=data_set.unit_level)
    elif data_set.unit_kinds:
        units = units.filter(kind__in=data_set.unit_kinds)
    else:
        return []
    return list(units.order_by("path"))


@transaction.atomic
def open_round(
    *,
    owner: OrgUnit,
    period: Period,
    code: str,
    name: str,
    opens_on: datetime.date,
    due_on: datetime.date,
    data_sets: Iterable[DataSet],
    actor,
    units: Mapping[int, list[OrgUnit]] | None = None,
) -> ReportingRound:
    """Open a round: a draft submission for every unit that owes each data set."""
    require(actor, "approve", owner)
    if due_on < opens_on:
        raise SubmissionRefused(_("The due date is before the opening date."))
    try:
        with transaction.atomic():
            round_ = ReportingRound.objects.create(
                code=code, name=name, owner=owner, period=period, opens_on=opens_on,
                due_on=due_on, created_by=actor,
            )  # fmt: skip
    except IntegrityError as error:
        # Another request took the code since the form checked it (a double click): the
        # form's own message rather than a 500.
        taken = ReportingRound(code=code).unique_error_message(ReportingRound, ("code",))
        raise SubmissionRefused(" ".join(taken.messages)) from error
    owed = []
    for data_set in data_sets:
        chosen = (units or {}).get(data_set.pk) or default_units(data_set, owner, period.end_date)
        for unit in chosen:
            require(actor, "approve", unit)
            owed.append(Submission(round=round_, data_set=data_set, unit=unit, due_on=due_on))
    Submission.objects.bulk_create(owed)
    return round_


def _claim(submission: Submission, expected_version: int | None, actor) -> None:
    """Take the next version or refuse: someone else saved since `expected_version`."""
    if expected_version is None:
        expected_version = submission.version
    claimed = Submission.objects.filter(pk=submission.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise SubmissionRefused(
            _(
                "Someone else saved this form since you opened it; your changes were not "
                "saved. Reload the form to see the current values, then enter yours again."
            ),
            stale=True,
        )
    submission.version = expected_version + 1
    submission.updated_by = actor


def _parse(typed: Mapping[Key, str], spec: FormSpec) -> tuple[dict[Key, object], dict[Key, str]]:
    """Typed text as numbers; text that is no number, or one the store cannot hold exactly
    (10^14, 0,00001), is left out and comes back as unreadable, never reaching the database."""
    fields = {c.key: c.field for c in spec.cells}
    values, unreadable = {}, {}
    for key, text in typed.items():
        try:
            values[key] = validation.parse_value(fields[key], text or "")
        except NotANumber:
            unreadable[key] = text
    return values, unreadable


def current_values(submission: Submission) -> dict[Key, object]:
    rows = submission.entries.select_related("element")
    return {(e.element.code, e.sex, e.age_band): e.value for e in rows}


def problems_of(
    submission: Submission,
    values: Mapping[Key, object] | None = None,
    spec: FormSpec | None = None,
) -> list:
    """Every problem of the submission's values (or of `values`), against last year's."""
    spec = spec or form_spec(submission.data_set)
    values = current_values(submission) if values is None else values
    codes = sorted({c.key[0] for c in spec.cells})
    last = previous_values(submission.unit, submission.round.period, codes)
    return validation.check([c.field for c in spec.cells], spec.rules, values, last)


@transaction.atomic
def save_entries(
    submission: Submission,
    typed: Mapping[Key, str],
    explanations: Mapping[Key, str] | None = None,
    *,
    actor,
    expected_version: int | None = None,
    spec: FormSpec | None = None,
) -> SaveResult:
    """Save a draft of the typed values (readable ones) and their explanations.

    A draft may break rules: they are reported, and block only the submission. Text that is
    no number is not saved and comes back in `unreadable` for the form to show again.
    """
    require(actor, "enter_data", submission.unit)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in EDITABLE:
        raise SubmissionRefused(_("This form is %(status)s and cannot be changed.")
                                % {"status": submission.get_status_display()})  # fmt: skip
    _claim(submission, expected_version, actor)
    spec = spec or form_spec(submission.data_set)
    known = spec.keys
    values, unreadable = _parse({k: v for k, v in typed.items() if k in known}, spec)
    explanations = {k: (v or "").strip() for k, v in (explanations or {}).items() if k in known}
    _write_entries(submission, values, explanations, actor)
    submission.save(update_fields=["updated_by", "updated_at"])
    merged = current_values(submission)
    return SaveResult(submission, problems_of(submission, merged, spec), unreadable)


def _write_entries(submission, values, explanations, actor) -> None:
    """Create and change the entries in two bulk writes, each with its history rows."""
    elements = dict(DataElement.objects.values_list("code", "pk"))
    existing = {(e.element.code, e.sex, e.age_band): e
                for e in submission.entries.select_related("element")}  # fmt: skip
    new, changed, now = [], [], timezone.now()
    for key in sorted(set(values) | set(explanations)):
        entry = existing.get(key)
        value = values.get(key, entry.value if entry else None)
        explanation = explanations.get(key, entry.explanation if entry else "")
        if entry is None:
            if value is not None or explanation:
                new.append(Entry(submission=submission, element_id=elements[key[0]],
                                 sex=key[1], age_band=key[2], value=value,
                                 explanation=explanation, updated_by=actor))  # fmt: skip
        elif entry.value != value or entry.explanation != explanation:
            entry.value, entry.explanation, entry.updated_by = value, explanation, actor
            entry.updated_at = now
            changed.append(entry)
    if new:
        bulk_create_with_history(new, Entry, default_user=actor)
    if changed:
        fields = ["value", "explanation", "updated_by", "updated_at"]
        bulk_update_with_history(changed, Entry, fields, default_user=actor)


def _transition(submission: Submission, status: str, actor, comment: str = "") -> Submission:
    submission.status = status
    submission.updated_by = actor
    submission._history_user = actor
    submission._change_reason = comment
    submission.save()
    return submission


@transaction.atomic
def submit(submission: Submission, *, actor, expected_version: int | None = None) -> Submission:
    """Send the form to the office; hard problems, or warnings left unexplained, refuse it."""
    require(actor, "enter_data", submission.unit)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in EDITABLE:
        raise SubmissionRefused(_("This form is %(status)s and cannot be submitted.")
                                % {"status": submission.get_status_display()})  # fmt: skip
    explanations = {
        (e.element.code, e.sex, e.age_band): e.explanation
        for e in submission.entries.select_related("element")
    }
    blocking = validation.blocking(problems_of(submission), explanations)
    if blocking:
        raise SubmissionRefused(
            _("The form was not submitted: correct the errors and explain the warnings."),
            blocking,
        )
    _claim(submission, expected_version, actor)
    submission.submitted_at = timezone.now()
    return _transition(submission, Status.SUBMITTED, actor)


@transaction.atomic
def return_submission(submission: Submission, *, actor, comment: str) -> Submission:
    """Send a submitted form back to its unit with the office's comment."""
    require(actor, "approve", submission.unit)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.SUBMITTED:
        raise SubmissionRefused(_("Only a submitted form can be returned."))
    if not comment.strip():
        raise SubmissionRefused(_("Say why the form is returned."))
    submission.comment = comment.strip()
    submission.version += 1
    return _transition(submission, Status.RETURNED, actor, comment.strip())


@transaction.atomic
def approve(submission: Submission, *, actor) -> Submission:
    """Accept a submitted form: its values enter the value store in one validated bulk
    write, each naming the form, the unit and who typed it, and who approved it; the form
    is locked."""
    require(actor, "approve", submission.unit)
    submission = (
        Submission.objects.select_for_update()
        .select_related("round__period", "data_set", "unit")
        .get(pk=submission.pk)
    )
    if submission.status != Status.SUBMITTED:
        raise SubmissionRefused(_("Only a submitted form can be approved."))
    values, cleared = [], []
    period_id = submission.round.period_id
    for entry in submission.entries.select_related("updated_by"):
        key = (submission.unit_id, period_id, entry.element_id, entry.sex, entry.age_band)
        if entry.value is None:
            # A figure cleared after a reopen: the value an earlier approval stored goes too.
            cleared.append(key)
            continue
        values.append(NewValue(*key[:3], entry.value, sex=entry.sex, age_band=entry.age_band,
                               comment=entry.explanation,
                               origin=_origin(submission, entry.updated_by, actor)))  # fmt: skip
    try:
        write_values(
            values, source=DataValue.Source.ENTERED, actor=actor, remove=cleared,
            removable=[DataValue.Source.ENTERED],
            reason=_("Approval of form #%(id)s") % {"id": submission.pk},
        )  # fmt: skip
    except ValueRefused as error:
        raise SubmissionRefused(str(error)) from error
    submission.version += 1
    return _transition(submission, Status.APPROVED, actor)


def _who(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "—"


def _origin(submission: Submission, entered_by, approver) -> str:
    """A value's provenance as people read it: the form, the unit that entered it, who typed
    it and who approved it (in the site's language, at the time of approval)."""
    text = _("Form #%(id)s “%(data_set)s” of %(unit)s") % {
        "id": submission.pk,
        "data_set": submission.data_set.name,
        "unit": submission.unit.display_name,
    }
    if entered_by is not None:
        text += " · " + _("entered by %(user)s") % {"user": _who(entered_by)}
    text += " · " + _("approved by %(user)s") % {"user": _who(approver)}
    return text[:300]


@transaction.atomic
def reopen(submission: Submission, *, actor, reason: str) -> Submission:
    """Unlock an approved form for corrections; its values stay in the store until it is
    approved again, when a figure cleared meanwhile leaves the store too."""
    require(actor, "approve", submission.unit)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Status.APPROVED:
        raise SubmissionRefused(_("Only an approved form can be reopened."))
    if not reason.strip():
        raise SubmissionRefused(_("Say why the form is reopened."))
    submission.comment = reason.strip()
    submission.version += 1
    return _transition(submission, Status.RETURNED, actor, reason.strip())
