"""The report pages for every role: who reads, who writes, who issues; 404 for everyone else."""

from __future__ import annotations

import hashlib
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import DataValue
from indicators.services import record_value
from reports import pdf, services
from reports.models import IssuedReport, ReportDraft

from .conftest import YEAR, signed

ROLES = ["district_admin", "viewer", "commune_reporter", "unit_reporter", "other_district",
         "superuser", "no_unit"]  # fmt: skip
# Who may read district A's pages, and who may read commune A1's.
READ_DISTRICT = {"district_admin", "viewer", "superuser"}
READ_A1 = READ_DISTRICT | {"commune_reporter"}
# Who writes and issues: the office for the district's report, the commune's own reporter too
# for the commune's short report.
WRITE_DISTRICT = {"district_admin", "superuser"}
WRITE_A1 = WRITE_DISTRICT | {"commune_reporter"}
PLAN = "kh-a-2020"


def draft_url(unit: str, name: str = "reports:draft") -> str:
    return reverse(name, args=[PLAN, unit, YEAR])


def _post(client, unit, **fields):
    version = ReportDraft.objects.filter(unit__code=unit).values_list("version", flat=True)
    data = {"version": (version.first() or 0), **fields}
    return client.post(draft_url(unit), data)


@pytest.mark.parametrize("role", ROLES)
def test_the_index_answers_every_user(client_as, role):
    assert client_as(role).get(reverse("reports:index")).status_code == 200


def test_the_index_needs_a_login(client, world):
    assert client.get(reverse("reports:index")).status_code == 302


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit,readers", [("D-A", READ_DISTRICT), ("C-A1", READ_A1)])
def test_a_draft_page_and_its_preview_are_read_in_scope_only(client_as, role, unit, readers):
    client = client_as(role)
    page = client.get(draft_url(unit))
    assert page.status_code == (200 if role in readers else 404)
    preview = client.get(draft_url(unit, "reports:draft_docx"))
    assert preview.status_code == (200 if role in readers else 404)
    if role in readers:
        assert preview.content[:2] == b"PK"
        assert preview["Content-Type"].endswith("wordprocessingml.document")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("unit,writers", [("D-A", WRITE_DISTRICT), ("C-A1", WRITE_A1)])
def test_a_draft_is_saved_by_its_writers_only(client_as, world, role, unit, writers):
    response = _post(client_as(role), unit, narrative_direction="Đã ban hành kế hoạch.")
    assert response.status_code == (302 if role in writers else 404)
    saved = ReportDraft.objects.filter(unit__code=unit).first()
    if role in writers:
        assert saved.narrative["direction"] == "Đã ban hành kế hoạch."
        assert saved.updated_by == getattr(world.users, role)
    else:
        assert saved is None


def test_a_reader_sees_no_form(client_as):
    page = client_as("viewer").get(draft_url("D-A")).content.decode()
    assert 'name="narrative_direction"' not in page
    assert "reports:issue" not in page and "/issue/" not in page


def test_the_form_keeps_what_was_typed_after_a_conflict(client_as, world):
    office = client_as("district_admin")
    assert _post(office, "D-A", narrative_direction="Bản của tôi.").status_code == 302
    services.save_draft(world.plan.plan, world.tree.district_a, YEAR,
                        services.DraftChanges(narrative={"direction": "Bản của người khác."}),
                        actor=world.users.superuser)  # fmt: skip
    response = office.post(draft_url("D-A"), {"version": 1, "narrative_direction": "Bản mới."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bản mới." in page and "Bản của người khác." in page
    assert ReportDraft.objects.get().narrative["direction"] == "Bản của người khác."
    # Saving again, after reading the other text, is a deliberate choice: it goes through.
    assert 'name="version" value="2"' in page
    assert office.post(draft_url("D-A"), {"version": 2, "narrative_direction": "Bản mới."})\
        .status_code == 302  # fmt: skip


def test_an_emptied_section_asks_for_the_clear_box(client_as):
    office = client_as("district_admin")
    _post(office, "D-A", narrative_funding="Ngân sách 100 triệu.")
    response = _post(office, "D-A", narrative_funding="", narrative_direction="Mới.")
    assert response.status_code == 200
    assert "clear" in response.content.decode() or "xóa" in response.content.decode()
    assert ReportDraft.objects.get().narrative["funding"] == "Ngân sách 100 triệu."
    assert _post(office, "D-A", narrative_funding="", clear_narrative_funding="on")\
        .status_code == 302  # fmt: skip
    assert ReportDraft.objects.get().narrative["funding"] == ""


def test_typed_text_is_saved_in_nfc(client_as):
    nfd = unicodedata.normalize("NFD", "Kết quả tốt.")
    _post(client_as("district_admin"), "D-A", narrative_assessment=nfd)
    assert ReportDraft.objects.get().narrative["assessment"] == "Kết quả tốt."


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_issues_the_district_report(client_as, world, office_draft, role):
    client = client_as(role)
    response = client.post(
        draft_url("D-A", "reports:issue"), {"version": office_draft.version, "confirm": "yes"}
    )
    if role in WRITE_DISTRICT:
        report = IssuedReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:issued", args=[report.pk])
    else:
        assert response.status_code == 404
        assert not IssuedReport.objects.exists()


def test_issuing_needs_the_box_ticked_and_takes_no_number_without_it(client_as, office_draft):
    client = client_as("district_admin")
    response = client.post(draft_url("D-A", "reports:issue"), {"version": office_draft.version})
    assert response.status_code == 302
    assert response["Location"] == draft_url("D-A")
    assert not IssuedReport.objects.exists()
    page = client.get(draft_url("D-A")).content.decode()
    assert "Hãy đánh dấu ô xác nhận" in page


def test_issuing_is_a_post(client_as, office_draft):
    assert client_as("district_admin").get(draft_url("D-A", "reports:issue")).status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_an_issued_report_is_read_and_downloaded_again_in_scope(client_as, world, office_draft,
                                                                 role):  # fmt: skip
    report = services.issue(world.plan.plan, world.tree.district_a, YEAR,
                            actor=world.users.district_admin)  # fmt: skip
    client = client_as(role)
    page = client.get(reverse("reports:issued", args=[report.pk]))
    first = client.get(reverse("reports:issued_docx", args=[report.pk]))
    second = client.get(reverse("reports:issued_docx", args=[report.pk]))
    if role not in READ_DISTRICT:
        assert (page.status_code, first.status_code) == (404, 404)
        return
    assert page.status_code == 200
    text = page.content.decode()
    assert "01/BC-UBND" in text and report.sha256 in text
    assert first.content == second.content == bytes(report.docx)
    assert hashlib.sha256(first.content).hexdigest() == report.sha256


def test_the_office_sees_who_has_sent_a_report(client_as, world, office_draft):
    commune = world.tree.commune_a1
    head = signed(
        signer_authority=["TM. ỦY BAN NHÂN DÂN"],
        signer_position="CHỦ TỊCH",
        issuer_name="Ủy ban nhân dân xã A1",
    )
    services.save_draft(world.plan.plan, commune, YEAR, head, actor=world.users.commune_reporter)
    sent = services.issue(world.plan.plan, commune, YEAR, actor=world.users.commune_reporter)
    rows = {s.unit.code: s for s in
            client_as("district_admin").get(draft_url("D-A")).context["senders"]}  # fmt: skip
    assert {"C-A1", "C-A2", "D-A-GD", "D-A-KH"} <= set(rows)
    assert "D-B" not in rows and "C-B1" not in rows
    assert rows["C-A1"].sent == sent and rows["C-A2"].sent is None
    services.save_draft(world.plan.plan, world.tree.education, YEAR,
                        services.DraftChanges(narrative={"tasks": "Đã triển khai."}),
                        actor=world.users.unit_reporter)  # fmt: skip
    rows = {s.unit.code: s for s in
            client_as("viewer").get(draft_url("D-A")).context["senders"]}  # fmt: skip
    assert rows["D-A-GD"].draft is not None and rows["D-A-GD"].sent is None
    assert rows["D-A-KH"].draft is None
    page = client_as("district_admin").get(draft_url("D-A")).content.decode()
    assert sent.number_symbol in page


@pytest.mark.parametrize("role", ["district_admin", "viewer"])
def test_the_pdf_link_follows_libreoffice(client_as, role):
    page = client_as(role).get(draft_url("D-A")).content.decode()
    pdf_url = draft_url("D-A", "reports:draft_pdf")
    if pdf.soffice_path() is None:
        assert pdf_url not in page
        assert client_as(role).get(pdf_url).status_code == 404
    else:
        assert pdf_url in page
        response = client_as(role).get(pdf_url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_plan_that_does_not_cover_the_year_is_a_404(client_as):
    url = reverse("reports:draft", args=[PLAN, "D-A", 2019])
    assert client_as("district_admin").get(url).status_code == 404


def test_the_issued_page_lists_a_later_correction_in_vietnamese(client_as, world, office_draft):
    report = services.issue(world.plan.plan, world.tree.district_a, YEAR,
                            actor=world.users.district_admin)  # fmt: skip
    url = reverse("reports:issued", args=[report.pk])
    before = client_as("viewer").get(url)
    assert before.context["comparison"].unchanged
    assert "Không có: số liệu trong báo cáo vẫn đúng" in before.content.decode()
    record_value(unit=world.tree.commune_a2, period=world.ind.periods[YEAR],
                 element=world.ind.level, value=Decimal(2),
                 source=DataValue.Source.ENTERED)  # fmt: skip
    after = client_as("viewer").get(url)
    rows = after.context["figure_changes"]
    assert rows and all(r["old"] != r["new"] for r in rows)
    page = after.content.decode()
    assert "Số liệu đã thay đổi gì từ khi ban hành" in page
    assert "Trong báo cáo" in page and "Hiện nay" in page
    assert "1 thay đổi" in page


def test_a_year_beyond_any_date_is_a_404_not_an_error(client_as):
    office = client_as("district_admin")
    assert office.get(reverse("reports:draft", args=[PLAN, "D-A", 99999])).status_code == 404
    assert office.get(reverse("reports:index"), {"plan": PLAN, "unit": "D-A",
                                                 "year": "99999"}).status_code == 404  # fmt: skip


def test_the_index_opens_the_report_asked(client_as):
    response = client_as("commune_reporter").get(
        reverse("reports:index"), {"plan": PLAN, "unit": "C-A1", "year": "2020"}
    )
    assert response.status_code == 302 and response["Location"] == draft_url("C-A1")


def test_a_refused_save_keeps_everything_typed(client_as):
    office = client_as("district_admin")
    response = _post(office, "D-A", symbol="BC UBND X", narrative_tasks="Nội dung đã gõ.",
                     signer_authority="CHỦ TỊCH")  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nội dung đã gõ." in page and "BC UBND X" in page
    assert "TM., KT., TL., TUQ., Q." in page  # the authority line's message
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_issued_pdf_is_read_in_scope_only(client_as, world, office_draft, role):
    report = services.issue(world.plan.plan, world.tree.district_a, YEAR,
                            actor=world.users.district_admin)  # fmt: skip
    url = reverse("reports:issued_pdf", args=[report.pk])
    if pdf.soffice_path() is None:
        assert client_as(role).get(url).status_code == 404
        return
    if role not in READ_DISTRICT:
        assert client_as(role).get(url).status_code == 404
    elif role == "viewer":  # one conversion is enough: LibreOffice takes seconds
        response = client_as(role).get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
