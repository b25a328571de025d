"""Task progress: which duties of section V a body reports on, and its reports with evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from core.text import nfc
from core.uploads import DOCX, JPEG, PDF, PNG, XLSX, UploadRefused, check_upload
from plans.models import Duty, Plan
from plans.queries import plan_covering, responsibilities, unit_key
from plans.responsibility import involvements
from units.models import OrgUnit

from .models import Evidence, ReportingRound, TaskReport
from .services import NotAllowed, SubmissionRefused, require

EVIDENCE_KINDS = (PDF, DOCX, XLSX, JPEG, PNG)
MAX_EVIDENCE_BYTES = 10 * 2**20
# What a duty holds before anyone reports on it; version 0 means "no report yet".
UNREPORTED = (TaskReport.Progress.NOT_STARTED.value, "")


@dataclass(frozen=True)
class OwedDuty:
    duty_id: int
    role: str  # lead or partner


@dataclass(frozen=True)
class DutyEntry:
    """What the page posts for one duty: the typed progress and text, the version the page
    was loaded with (0: there was no report; None: no check) and an optional file."""

    duty_id: int
    progress: str
    text: str
    version: int | None = None
    upload: object | None = None


class ProgressRefused(SubmissionRefused):
    """Nothing was saved. `errors` gives the message for each duty at fault; `current` the
    report someone else saved since the page was loaded (a stale duty)."""

    def __init__(self, message: str, errors: dict[int, str], current: dict[int, TaskReport]):
        super().__init__(message, stale=bool(current))
        self.errors = errors
        self.current = current


def duties_of(plan: Plan, unit: OrgUnit) -> list[OwedDuty]:
    """The duties section V gives `unit`, as lead or partner, directly or through its groups."""
    resp = responsibilities(plan)
    return [OwedDuty(i.duty_id, i.role) for i in involvements(unit_key(unit), resp.duties,
                                                             resp.groups_of)]  # fmt: skip


def plan_of(round_: ReportingRound) -> Plan | None:
    """The plan a round reports on: its own; a round that names none (opened before rounds
    had a plan and left without one by the migration) gets the plan covering its year."""
    if round_.plan_id is not None:
        return round_.plan
    return plan_covering(round_.owner, round_.period.year)


def reports_into(round_: ReportingRound, unit: OrgUnit) -> bool:
    """A unit reports into a round only if it lies in the round office's own subtree or owes
    one of the round's forms; a round of another office (an đặc khu's, a neighbour's) is
    not the unit's, whatever the user's scope."""
    if unit.path.startswith(round_.owner.path):
        return True
    return round_.submissions.filter(unit=unit).exists()


def require_reporting(round_: ReportingRound, unit: OrgUnit) -> None:
    if not reports_into(round_, unit):
        raise NotAllowed(_("This unit does not report in this round."))


def _check_entries(entries: list[DutyEntry], owed: set[int]) -> tuple[dict[int, str], dict]:
    """Messages for entries that cannot be saved whatever the stored state, and the kind of
    each accepted file; nothing is written here."""
    errors: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for entry in entries:
        if entry.duty_id not in owed:
            raise NotAllowed(_("This duty is not one of this unit's in the round's plan."))
        if entry.progress not in TaskReport.Progress.values:
            errors[entry.duty_id] = _("Choose the progress: not started, in progress or done.")
        elif entry.upload is not None:
            try:
                kinds[entry.duty_id] = check_upload(entry.upload, entry.upload.size,
                                                    allowed=EVIDENCE_KINDS,
                                                    max_bytes=MAX_EVIDENCE_BYTES)  # fmt: skip
            except UploadRefused as refused:
                errors[entry.duty_id] = str(refused)
    return errors, kinds


def _loaded(report: TaskReport, version: int) -> tuple[str, str] | None:
    """The progress and text the report had at `version` (what the page showed), if known."""
    if version == 0:
        return UNREPORTED
    row = (
        TaskReport.history.filter(id=report.pk, version=version)
        .order_by("-history_date")
        .values_list("progress", "text")
        .first()
    )
    return tuple(row) if row else None


@transaction.atomic
def save_progress(
    round_: ReportingRound, unit: OrgUnit, entries: Iterable[DutyEntry], *, actor
) -> list[TaskReport]:
    """Save a body's reports on its duties in a round, all or nothing.

    A duty whose typed progress and text equal what is stored is left alone; one that
    someone else changed since the page was loaded is refused (stale) unless the page left
    it as it was loaded. Any refused duty or file means nothing is written at all."""
    require(actor, "enter_data", unit)
    require_reporting(round_, unit)
    entries = [
        DutyEntry(e.duty_id, e.progress, nfc(e.text).strip(), e.version, e.upload) for e in entries
    ]
    plan = plan_of(round_)
    owed = {d.duty_id for d in duties_of(plan, unit)} if plan is not None else set()
    errors, kinds = _check_entries(entries, owed)
    ids = [e.duty_id for e in entries]
    # One body's saves in a round queue on the round's row: the version read below stays
    # true until commit, and two first reports on one duty cannot both be inserted.
    ReportingRound.objects.select_for_update().filter(pk=round_.pk).first()
    reports = {
        r.duty_id: r
        for r in TaskReport.objects.select_for_update().filter(
            round=round_, unit=unit, duty_id__in=ids
        )
    }
    writes, current = _writes_and_conflicts(entries, reports, kinds, errors)
    if errors:
        files = any(e.upload is not None for e in entries)
        raise ProgressRefused(_refusal_message(files), errors, current)
    duties = Duty.objects.in_bulk([e.duty_id for e, _r in writes])
    saved = []
    for entry, report in writes:
        if report is None or typed_of(entry) != (report.progress, report.text):
            report = _write(round_, duties[entry.duty_id], unit, report, entry, actor)
        if entry.duty_id in kinds:
            _store_evidence(report, entry.upload, kinds[entry.duty_id], actor)
        saved.append(report)
    return saved


def _writes_and_conflicts(entries, reports, kinds, errors) -> tuple[list, dict]:
    """The entries to write (with their stored report), and the reports someone else changed
    since the page was loaded where this page changed them too (added to `errors`)."""
    writes, current = [], {}
    for entry in entries:
        report = reports.get(entry.duty_id)
        stored = (report.progress, report.text) if report else UNREPORTED
        typed = typed_of(entry)
        # Without a version the caller states the report outright, even "not started".
        changed = typed != stored or (report is None and entry.version is None)
        # Nothing stored means nobody else's text to lose, whatever version the page had.
        if changed and report and entry.version is not None and entry.version != report.version:
            if typed == _loaded(report, entry.version):
                changed = False  # untouched on this page: keep what the other person saved
            else:
                current[entry.duty_id] = report
                errors.setdefault(entry.duty_id, _stale_message())
        if (changed or entry.duty_id in kinds) and entry.duty_id not in errors:
            writes.append((entry, report))
    return writes, current


def typed_of(entry: DutyEntry) -> tuple[str, str]:
    return (entry.progress, entry.text)


def _stale_message() -> str:
    return _(
        "Someone else changed the report on this duty since you opened the page; what they "
        "saved is shown below. Check your text and save again."
    )


def _refusal_message(files: bool) -> str:
    message = _("Nothing was saved; what you typed is kept. Correct the duties marked below.")
    if files:
        message += " " + _("Files must be chosen again.")
    return message


def _write(round_, duty: Duty, unit: OrgUnit, report: TaskReport | None, entry: DutyEntry,
           actor) -> TaskReport:  # fmt: skip
    """Create the report, or take its next version and change it, with a history row."""
    if report is None:
        report = TaskReport(round=round_, duty=duty, unit=unit)
    else:
        report.version += 1  # the round's row is locked: no one else writes this report now
    report.progress, report.text, report.updated_by = entry.progress, entry.text, actor
    report._history_user = actor
    report.save()
    return report


def report_progress(
    round_: ReportingRound, duty: Duty, unit: OrgUnit, *, progress: str, text: str, actor,
    expected_version: int | None = None,
) -> TaskReport:  # fmt: skip
    """Create or change a body's report on one duty; the version check refuses a stale save."""
    entry = DutyEntry(duty.pk, progress, text, expected_version)
    try:
        save_progress(round_, unit, [entry], actor=actor)
    except ProgressRefused as refused:
        raise SubmissionRefused(refused.errors[duty.pk], stale=refused.stale) from refused
    return TaskReport.objects.get(round=round_, duty=duty, unit=unit)


def _store_evidence(report: TaskReport, upload, kind: str, actor) -> Evidence:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(report=report, name=nfc(upload.name)[:255], kind=kind, size=upload.size,
                        sha256=digest.hexdigest(), uploaded_by=actor)  # fmt: skip
    evidence.file.save(f"evidence.{kind}", File(upload), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def attach_evidence(report: TaskReport, upload, *, actor) -> Evidence:
    """Keep a file as evidence of a report, once its content shows an accepted kind."""
    require(actor, "enter_data", report.unit)
    kind = check_upload(upload, upload.size, allowed=EVIDENCE_KINDS, max_bytes=MAX_EVIDENCE_BYTES)
    return _store_evidence(report, upload, kind, actor)
