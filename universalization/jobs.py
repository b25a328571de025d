"""Register imports in the background: an upload is saved, then checked and previewed by one
task, and written by another once the user confirms; the RegisterImport row carries the
progress and the result that the import page polls.

The tasks run in `manage.py db_worker` (django-tasks, database backend: no other server).
If the worker dies while writing, the job stays "writing" without progress; after
models.STALLED_AFTER the page offers to run it again, which is safe: the import is an upsert, so
the persons already written are found unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core import spreadsheets
from units.models import OrgUnit

from . import services, workbook
from .exchange import ExchangeError
from .models import RegisterImport

IMPORTS_FOLDER = "register-imports"
WORKBOOK_NAME = "upload.xlsx"
Status = RegisterImport.Status


def _folder(job: RegisterImport) -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORTS_FOLDER / str(job.pk)


def _save(upload, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheets.save_upload(upload, path)


def _upload_name(upload, default: str) -> str:
    return Path(upload.name or "").name or default


def start(
    *, unit: OrgUnit, user, year: int, workbook_upload=None, communes_csv=None, persons_csv=None
) -> RegisterImport:
    """Keep the uploaded files for the worker and queue their check; the job to follow.

    WorkbookRefused (nothing kept) if a file is too big to be taken at all."""
    uploads = [u for u in (workbook_upload, communes_csv, persons_csv) if u is not None]
    for upload in uploads:
        workbook.check_size(upload)
    names = ", ".join(_upload_name(u, "") for u in uploads)
    job = RegisterImport.objects.create(
        unit=unit, user=user, year=year, source=names[:300],
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )  # fmt: skip
    folder = _folder(job)
    if workbook_upload is not None:
        _save(workbook_upload, folder / WORKBOOK_NAME)
    else:
        _save(communes_csv, folder / "communes" / _upload_name(communes_csv, "communes.csv"))
        _save(persons_csv, folder / "persons" / _upload_name(persons_csv, "persons.csv"))
    job.folder = str(folder)
    job.save(update_fields=["folder"])
    transaction.on_commit(lambda: check_import.enqueue(job.pk))
    return job


def _exchange_files(job: RegisterImport) -> tuple[Path, Path]:
    """The job's two exchange CSV files (a workbook is converted first)."""
    folder = Path(job.folder)
    if (folder / WORKBOOK_NAME).exists():
        sheets = folder / "sheets"
        shutil.rmtree(sheets, ignore_errors=True)
        sheets.mkdir()
        return workbook.workbook_to_csv(folder / WORKBOOK_NAME, sheets, job.source)
    return next((folder / "communes").iterdir()), next((folder / "persons").iterdir())


def _progress(job: RegisterImport):
    def report(done: int, total: int) -> None:
        RegisterImport.objects.filter(pk=job.pk).update(
            done=done, total=total, updated_at=timezone.now()
        )

    return report


def error_rows(refused: ExchangeError) -> list[dict]:
    """The errors as core/_import_errors.html lists them."""
    return [{"place": e.file, "row": e.line, "column": e.column, "value": e.value,
             "message": e.message} for e in refused.errors]  # fmt: skip


def _finish(job: RegisterImport, status: str, **fields) -> None:
    """End the job: nothing of the upload is kept (it holds personal data), neither its files
    nor the persons its preview showed; the preview's counts stay."""
    if job.folder:
        shutil.rmtree(job.folder, ignore_errors=True)
    job.folder = ""
    for commune in job.preview.get("communes", []):
        commune["samples"] = []
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.save()


def _claim(job_id: int, wanted: str, taken: str) -> RegisterImport | None:
    """The job, moved from `wanted` to `taken`; None if another run has it already."""
    if not RegisterImport.objects.filter(pk=job_id, status=wanted).update(
        status=taken, updated_at=timezone.now()
    ):
        return None
    return RegisterImport.objects.select_related("user").get(pk=job_id)


def _refused(job: RegisterImport, refused: ExchangeError) -> None:
    _finish(job, Status.REFUSED, errors=error_rows(refused), more_errors=refused.more)


@task()
def check_import(job_id: int) -> str:
    """Read the job's files whole and store what they would change; write nothing."""
    job = RegisterImport.objects.select_related("user").get(pk=job_id)
    if job.status != Status.CHECKING:
        return job.status
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            paths = _exchange_files(job)
            preview = services.preview_register(
                *paths, year=job.year, actor=job.user, progress=_progress(job)
            )
        except ExchangeError as refused:
            _refused(job, refused)
            return job.status
        except Exception:
            _finish(job, Status.FAILED, result={"error": _("The file could not be checked.")})
            raise
    job.preview, job.total, job.done, job.status = preview, preview["total"], 0, Status.READY
    job.save()
    return job.status


def confirm(job: RegisterImport) -> bool:
    """Queue the writing of a previewed (or stopped) job; False if it is not waiting."""
    stopped = job.status == Status.FAILED or job.stalled
    allowed = [Status.READY] + ([job.status] if stopped and job.folder else [])
    queued = RegisterImport.objects.filter(pk=job.pk, status__in=allowed).update(
        status=Status.QUEUED, done=0, updated_at=timezone.now()
    )
    if queued:
        transaction.on_commit(lambda: write_import.enqueue(job.pk))
    return bool(queued)


def cancel(job: RegisterImport) -> bool:
    """Drop a previewed job and its files; False if it is not waiting for confirmation.

    The status moves in one conditional update, as in `confirm`: a confirmation landing at
    the same moment is never overwritten by the cancellation, nor the reverse."""
    if not RegisterImport.objects.filter(pk=job.pk, status=Status.READY).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    ):
        return False
    job.refresh_from_db()
    _finish(job, Status.CANCELLED)
    return True


@task()
def write_import(job_id: int) -> str:
    """Write a confirmed job into the register, batch by batch, then publish its figures."""
    job = _claim(job_id, Status.QUEUED, Status.RUNNING)
    if job is None:
        return "skipped"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            paths = _exchange_files(job)
            result = services.load_register(
                *paths, year=job.year, actor=job.user, progress=_progress(job)
            )
        except ExchangeError as refused:  # the scope or the units changed since the check
            _refused(job, refused)
            return job.status
        except Exception:
            job.refresh_from_db()
            message = _("The import stopped before its end; run it again to finish it.")
            job.status, job.result = Status.FAILED, {"error": message}
            job.save()  # the files are kept, so that it can be run again
            raise
    counts = {name: getattr(result, name) for name in
              ("communes", "created", "changed", "unchanged", "households")}  # fmt: skip
    job.refresh_from_db()
    _finish(job, Status.DONE, result=counts, done=job.total)
    return job.status
