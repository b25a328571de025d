"""Task progress: the duties a body owes, its reports with a version check, evidence by content."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collection import tasks
from collection.models import Evidence
from collection.services import NotAllowed, SubmissionRefused
from core.uploads import MAX_UNZIPPED_BYTES, UploadRefused

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def office_file(part: str, extra: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
        if extra:
            archive.writestr("big.bin", b"\0" * extra)
    return buffer.getvalue()


@pytest.fixture
def report(world, collection, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tasks.report_progress(
        collection.round, world.plan.duties.edu_leads, world.tree.education,
        progress="in_progress", text="Đã tổ chức 2 lớp", actor=world.users.district_admin,
    )  # fmt: skip


def test_a_body_owes_the_duties_of_its_clause_and_those_that_name_it(world):
    duties = world.plan.duties
    owed = {(d.duty_id, d.role) for d in tasks.duties_of(world.plan.plan, world.tree.association)}
    # its own clause's duty as lead, and the education office's two duties that name it
    assert (duties.assoc_leads.pk, "lead") in owed
    assert {duties.edu_leads.pk, duties.edu_partners.pk} <= {pk for pk, _role in owed}


def test_a_second_save_from_an_old_version_is_refused(world, report):
    admin = world.users.district_admin
    tasks.report_progress(report.round, report.duty, report.unit, progress="done", text="Xong",
                          actor=admin, expected_version=1)  # fmt: skip
    with pytest.raises(SubmissionRefused) as refused:
        tasks.report_progress(report.round, report.duty, report.unit, progress="in_progress",
                              text="", actor=admin, expected_version=1)  # fmt: skip
    assert refused.value.stale
    report.refresh_from_db()
    assert (report.progress, report.text, report.version) == ("done", "Xong", 2)


def test_a_user_of_another_district_may_not_report(world, report):
    with pytest.raises(NotAllowed):
        tasks.report_progress(report.round, report.duty, report.unit, progress="done", text="",
                              actor=world.users.other_district)  # fmt: skip


@pytest.mark.parametrize(
    "name, content, kind",
    [("bao-cao.pdf", PDF_BYTES, "pdf"), ("anh.png", PNG_BYTES, "png"),
     ("bien-ban.docx", office_file("word/document.xml"), "docx"),
     ("so-lieu.xlsx", office_file("xl/workbook.xml"), "xlsx"),
     ("anh-doi-ten.pdf", PNG_BYTES, "png")],
    # Named ids: the zip's bytes carry the time they were made, and every test worker must
    # collect the same tests (pytest-xdist).
    ids=["pdf", "png", "docx", "xlsx", "png-named-pdf"],
)  # fmt: skip
def test_evidence_is_kept_with_the_kind_its_content_shows(world, report, name, content, kind):
    upload = SimpleUploadedFile(name, content)
    evidence = tasks.attach_evidence(report, upload, actor=world.users.district_admin)
    assert (evidence.kind, evidence.size, evidence.name) == (kind, len(content), name)
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    "name, content",
    [("du-lieu.pdf", b"commune_code,persons\nC-A1,10\n"), ("virus.docx", b"MZ\x90\0" * 8),
     ("archive.xlsx", office_file("other.xml")), ("empty.pdf", b""),
     ("bomb.xlsx", office_file("xl/workbook.xml", extra=MAX_UNZIPPED_BYTES + 1))],
    ids=["renamed csv", "executable", "zip that is no office file", "empty", "zip bomb"],
)  # fmt: skip
def test_evidence_whose_content_is_not_accepted_is_refused(world, report, name, content):
    with pytest.raises(UploadRefused):
        tasks.attach_evidence(report, SimpleUploadedFile(name, content),
                              actor=world.users.district_admin)  # fmt: skip
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(world, report, monkeypatch):
    monkeypatch.setattr(tasks, "MAX_EVIDENCE_BYTES", 1000)
    with pytest.raises(UploadRefused):
        tasks.attach_evidence(report, SimpleUploadedFile("a.pdf", PDF_BYTES + b"\0" * 1000),
                              actor=world.users.district_admin)  # fmt: skip


def test_a_round_opened_on_the_office_records_the_plan_covering_its_year(world, collection):
    assert collection.round.plan == world.plan.plan
    assert tasks.plan_of(collection.round) == world.plan.plan


def test_the_plan_of_a_round_is_its_own_not_a_guess(world, collection):
    from plans.models import Plan

    newer = Plan.objects.create(
        code="kh-a-2021", number="01/KH", title="Kế hoạch mới", issued_on="2021-01-04",
        issuer="UBND huyện A", owner=world.plan.plan.owner, start_year=2020, end_year=2025,
    )  # fmt: skip
    collection.round.plan = newer
    assert tasks.plan_of(collection.round) == newer
    # A round without a plan (none applied when it was opened) gets the one covering its year.
    collection.round.plan = None
    assert tasks.plan_of(collection.round) == world.plan.plan
