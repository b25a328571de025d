"""Task progress pages: a body reports on its duties; the office reads the plan's progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collection.models import Evidence, TaskReport

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_user(client, world):
    def log_in(role: str):
        client.force_login(getattr(world.users, role))
        return client

    return log_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body_url(collection, code: str) -> str:
    return f"/collection/rounds/{collection.round.pk}/tasks/{code}/"


def test_a_body_reporter_reports_progress_with_evidence(as_user, world, collection):
    duty = world.plan.duties.edu_leads
    client = as_user("unit_reporter")
    page = client.get(body_url(collection, "D-A-GD"))
    assert page.status_code == 200 and duty.text in page.content.decode()
    response = client.post(
        f"{body_url(collection, 'D-A-GD')}{duty.pk}/",
        {"progress": "done", "text": "Đã mở 3 lớp", "evidence": SimpleUploadedFile(
            "bien-ban.pdf", PDF_BYTES)},
    )  # fmt: skip
    assert response.status_code == 302
    report = TaskReport.objects.get(duty=duty, unit=world.tree.education)
    assert (report.progress, report.text) == ("done", "Đã mở 3 lớp")
    evidence = Evidence.objects.get(report=report)
    download = client.get(f"/collection/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_file_that_is_no_accepted_kind_is_refused_with_a_message(as_user, world, collection):
    duty = world.plan.duties.edu_leads
    client = as_user("unit_reporter")
    response = client.post(
        f"{body_url(collection, 'D-A-GD')}{duty.pk}/",
        {"progress": "done", "text": "", "evidence": SimpleUploadedFile("a.pdf", b"a,b\n1,2\n")},
        follow=True,
    )
    assert not Evidence.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_the_office_reads_progress_by_task_group_and_by_body(as_user, world, collection):
    as_user("unit_reporter").post(
        f"{body_url(collection, 'D-A-GD')}{world.plan.duties.edu_leads.pk}/",
        {"progress": "done", "text": "Xong"},
    )
    page = as_user("district_admin").get(f"/collection/rounds/{collection.round.pk}/tasks/")
    assert page.status_code == 200
    by_group = {number: counts for number, _title, counts in page.context["by_group"]}
    assert by_group["1"]["done"] == 1


@pytest.mark.parametrize("role", ["other_district", "commune_reporter"])
def test_a_user_outside_the_body_gets_404(as_user, world, collection, role):
    client = as_user(role)
    assert client.get(body_url(collection, "D-A-GD")).status_code == 404
    url = f"{body_url(collection, 'D-A-GD')}{world.plan.duties.edu_leads.pk}/"
    assert client.post(url, {"progress": "done"}).status_code == 404


def test_a_viewer_reads_but_cannot_report(as_user, world, collection):
    client = as_user("viewer")
    assert client.get(body_url(collection, "D-A-GD")).status_code == 200
    url = f"{body_url(collection, 'D-A-GD')}{world.plan.duties.edu_leads.pk}/"
    assert client.post(url, {"progress": "done"}).status_code == 404


def test_evidence_outside_the_scope_is_404(as_user, world, collection):
    as_user("unit_reporter").post(
        f"{body_url(collection, 'D-A-GD')}{world.plan.duties.edu_leads.pk}/",
        {"progress": "done", "evidence": SimpleUploadedFile("b.pdf", PDF_BYTES)},
    )
    evidence = Evidence.objects.get()
    assert as_user("other_district").get(f"/collection/evidence/{evidence.pk}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, collection):
    response = client.get(f"/collection/rounds/{collection.round.pk}/tasks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
