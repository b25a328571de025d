"""Register imports as background jobs: checked and previewed, confirmed, written, followed."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from universalization import jobs, services, workbook
from universalization.exchange import PERSON_COLUMNS
from universalization.models import Person, RegisterImport

YEAR = 2020


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


COMMUNES = "commune_code,district_code,disadvantaged\nC-A1,D-A,no\n"


def persons_csv(*rows: str) -> str:
    return ",".join(PERSON_COLUMNS) + "\n" + "".join(row + "," * 9 + "\n" for row in rows)


def csv_data(*rows: str) -> dict:
    return {
        "year": YEAR,
        "communes_csv": SimpleUploadedFile("xa.csv", COMMUNES.encode()),
        "persons_csv": SimpleUploadedFile("nguoi.csv", persons_csv(*rows).encode()),
    }


NEW_ROWS = ("C-A1,H0,J1,Lò Văn A,nam,2011", "C-A1,H0,J2,Lò Thị B,nữ,2012")


def start(client, capture, data: dict, code: str = "C-A1") -> RegisterImport:
    with capture(execute=True):
        response = client.post(reverse("register:import", args=[code]), data)
    assert response.status_code == 302
    return RegisterImport.objects.latest("pk")


def post_confirm(client, capture, job: RegisterImport, action: str = "confirm"):
    with capture(execute=True):
        response = client.post(
            reverse("register:import_confirm", args=[job.unit.code, job.pk]), {"action": action}
        )
    job.refresh_from_db()
    return response


def job_page(client, job: RegisterImport, **headers):
    return client.get(reverse("register:import_job", args=[job.unit.code, job.pk]), **headers)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# --- the real queue -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_an_import_goes_through_the_database_queue_and_the_worker(
    client, register, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks, csv_data(*NEW_ROWS))
    assert job.status == "checking" and Path(job.folder).is_dir()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    page = job_page(client, job, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in page and "<html" not in page
    run_worker()
    job.refresh_from_db()
    assert job.status == "ready" and job.preview["communes"][0]["added"] == 2
    assert not Person.objects.filter(code__in=["J1", "J2"]).exists()
    post_confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "queued"
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.result["created"], job.done, job.total) == ("done", 2, 2, 2)
    assert not Path(tmp_path / jobs.IMPORTS_FOLDER / str(job.pk)).exists()
    assert sorted(Person.objects.filter(code__in=["J1", "J2"]).values_list("sex", flat=True)) == [
        "F", "M",
    ]  # fmt: skip
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    page = job_page(client, job).content.decode()
    assert 'data-status="done"' in page and "hx-get" not in page


# --- in-process: confirm, cancel, fail, rerun -----------------------------------------------


def test_the_preview_page_lists_the_changes_and_writes_nothing_until_confirmed(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks,
                csv_data("C-A1,H0,P0,Người Mới,nam,2015", *NEW_ROWS))  # fmt: skip
    job.refresh_from_db()
    page = job_page(client, job).content.decode()
    assert 'data-added="2"' in page and 'data-changed="1"' in page and 'data-unchanged="0"' in page
    assert "Người 0 → Người Mới" in page
    assert Person.objects.get(commune__code="C-A1", code="P0").full_name == "Người 0"
    post_confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "done" and job.result["changed"] == 1
    assert Person.objects.get(commune__code="C-A1", code="P0").full_name == "Người Mới"
    # The finished job keeps its counts, not the persons the preview showed.
    assert job.preview["communes"][0]["changed"] == 1
    assert "Người" not in json.dumps(job.preview, ensure_ascii=False)


def test_a_cancelled_import_writes_nothing_and_drops_the_files(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks, csv_data(*NEW_ROWS))
    job.refresh_from_db()
    folder = Path(job.folder)
    post_confirm(client, django_capture_on_commit_callbacks, job, action="cancel")
    assert job.status == "cancelled" and not folder.exists()
    assert all(not c["samples"] for c in job.preview["communes"])
    post_confirm(client, django_capture_on_commit_callbacks, job)  # too late to confirm
    assert job.status == "cancelled"
    assert not Person.objects.filter(code="J1").exists()


def test_a_failed_write_keeps_the_files_and_running_it_again_finishes(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks, csv_data(*NEW_ROWS))
    real = services.load_register

    def dies(*args, progress=None, **kwargs):
        def stop(done, total):
            raise RuntimeError("the worker died")

        return real(*args, progress=stop, **kwargs)

    monkeypatch.setattr(services, "load_register", dies)
    job.refresh_from_db()
    post_confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "failed" and Path(job.folder).is_dir()
    assert 'value="confirm"' in job_page(client, job).content.decode()
    monkeypatch.setattr(services, "load_register", real)
    post_confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "done"
    assert (job.result["created"], job.result["unchanged"]) == (0, 2)  # written before it died
    assert Person.objects.filter(code__in=["J1", "J2"]).count() == 2


def test_a_stalled_import_is_offered_to_run_again(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks, csv_data(*NEW_ROWS))
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    RegisterImport.objects.filter(pk=job.pk).update(status="running", updated_at=long_ago)
    job.refresh_from_db()
    page = job_page(client, job).content.decode()
    assert "hx-get" not in page and 'value="confirm"' in page
    post_confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == "done" and job.result["created"] == 2


def test_a_refused_file_lists_its_errors_on_the_job_page(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks,
                csv_data("C-A1,H0,J1," + "Nguyễn " * 40 + ",nam,2011"))  # fmt: skip
    job.refresh_from_db()
    assert job.status == "refused" and not job.folder
    [error] = job.errors
    assert (error["row"], error["column"]) == (2, "full_name")
    assert "tối đa 200 ký tự" in job_page(client, job).content.decode()


# --- who may follow a job -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["district_admin", "other_district", "viewer"])
def test_another_users_import_is_404(
    client, register, world, immediate_tasks, django_capture_on_commit_callbacks, role
):
    client.force_login(world.users.commune_reporter)
    job = start(client, django_capture_on_commit_callbacks, csv_data(*NEW_ROWS))
    client.force_login(getattr(world.users, role))
    assert job_page(client, job).status_code == 404
    response = post_confirm(client, django_capture_on_commit_callbacks, job)
    assert response.status_code == 404
    assert job.status == "ready"


def test_an_upload_too_big_is_refused_on_the_form_and_nothing_is_kept(
    client, register, world, immediate_tasks, monkeypatch, english
):
    monkeypatch.setattr(workbook, "MAX_UPLOAD_BYTES", 10)
    client.force_login(world.users.commune_reporter)
    response = client.post(reverse("register:import", args=["C-A1"]), csv_data(*NEW_ROWS))
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert not RegisterImport.objects.exists()
