"""Task progress: which duties of section V a body reports on, and its reports with evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.uploads import DOCX, JPEG, PDF, PNG, XLSX, check_upload
from plans.models import Duty, Plan
from plans.queries import responsibilities, unit_key
from plans.responsibility import involvements
from units.models import OrgUnit

from .models import Evidence, ReportingRound, TaskReport
from .services import SubmissionRefused, require

EVIDENCE_KINDS = (PDF, DOCX, XLSX, JPEG, PNG)
MAX_EVIDENCE_BYTES = 10 * 2**20


@dataclass(frozen=True)
class OwedDuty:
    duty_id: int
    role: str  # lead or partner


def duties_of(plan: Plan, unit: OrgUnit) -> list[OwedDuty]:
    """The duties section V gives `unit`, as lead or partner, directly or through its groups."""
    resp = responsibilities(plan)
    return [OwedDuty(i.duty_id, i.role) for i in involvements(unit_key(unit), resp.duties,
                                                             resp.groups_of)]  # fmt: skip


@transaction.atomic
def report_progress(
    round_: ReportingRound, duty: Duty, unit: OrgUnit, *, progress: str, text: str, actor,
    expected_version: int | None = None,
) -> TaskReport:  # fmt: skip
    """Create or change a body's report on one duty; the version check refuses a stale save."""
    require(actor, "enter_data", unit)
    if progress not in TaskReport.Progress.values:
        raise SubmissionRefused(_("Choose the progress: not started, in progress or done."))
    report, created = TaskReport.objects.select_for_update().get_or_create(
        round=round_, duty=duty, unit=unit,
        defaults={"progress": progress, "text": text.strip(), "updated_by": actor},
    )  # fmt: skip
    if created:
        return report
    if expected_version is not None and expected_version != report.version:
        raise SubmissionRefused(
            _("Someone else changed this report since you opened it; your changes were not "
              "saved. Reload the page and enter them again."), stale=True)  # fmt: skip
    TaskReport.objects.filter(pk=report.pk).update(version=F("version") + 1)
    report.refresh_from_db()
    report.progress, report.text, report.updated_by = progress, text.strip(), actor
    report._history_user = actor
    report.save()
    return report


@transaction.atomic
def attach_evidence(report: TaskReport, upload, *, actor) -> Evidence:
    """Keep a file as evidence of a report, once its content shows an accepted kind."""
    require(actor, "enter_data", report.unit)
    kind = check_upload(upload, upload.size, allowed=EVIDENCE_KINDS, max_bytes=MAX_EVIDENCE_BYTES)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(report=report, name=upload.name[:255], kind=kind, size=upload.size,
                        sha256=digest.hexdigest(), uploaded_by=actor)  # fmt: skip
    evidence.file.save(f"evidence.{kind}", File(upload), save=False)
    evidence.save()
    return evidence
