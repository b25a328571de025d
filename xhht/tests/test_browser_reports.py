"""In a real Chromium: the office opens its yearly report, edits a section, saves, issues it
and downloads the issued file; the pages break no rule of the Content-Security-Policy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.testing import log_in, page  # noqa: F401 (the page fixture)
from plans.testing import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    # Built before Playwright starts its event loop (see test_browser.py).
    return build_world()


def test_the_office_edits_saves_issues_and_downloads_its_yearly_report(
    world,
    live_server,
    page,  # noqa: F811
    tmp_path: Path,
):
    from reports.models import IssuedReport

    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    log_in(page, live_server.url, world.users.district_admin.username)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Báo cáo năm").first.click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=unit]", label="Huyện A")
    page.fill("input[name=year]", "2020")
    page.get_by_role("button", name="Mở báo cáo").click()
    page.wait_for_load_state("networkidle")
    assert "/reports/kh-a-2020/D-A/2020/" in page.url
    page.fill("textarea[name=narrative_assessment]", "Huyện đã hoàn thành cơ bản kế hoạch.")
    # The plan is the steering committee's: the report starts in its series, BC-BCĐ, in the
    # advisory form of the signature; the office adds the signer's name.
    assert page.input_value("input[name=symbol]") == "BC-BCĐ"
    page.fill("input[name=signer_name]", "Nguyễn Văn A")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state("networkidle")
    assert "Đã lưu nháp." in page.locator(".messages").inner_text()
    assert page.input_value("textarea[name=narrative_assessment]") == (
        "Huyện đã hoàn thành cơ bản kế hoạch."
    )
    assert "TRƯỞNG BAN" in page.locator(".signature-preview").inner_text()
    assert "Nguyễn Văn A" in page.locator(".signature-preview").inner_text()
    page.locator("#issue-title ~ form button[type=submit]").click()
    assert "/reports/issued/" not in page.url  # the browser asks for the box first
    page.locator("#issue-title ~ form input[name=confirm]").check()
    page.locator("#issue-title ~ form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "/reports/issued/" in page.url
    assert "01/BC-BCĐ" in page.locator("h1").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải văn bản đã ban hành (.docx)").click()
    saved = tmp_path / "report.docx"
    download.value.save_as(saved)
    report = IssuedReport.objects.get()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == report.sha256
    assert refused == []


def test_a_commune_sends_its_report_and_the_office_sees_it_sent(
    world,
    live_server,
    page,  # noqa: F811
):
    commune = f"{live_server.url}/reports/kh-a-2020/C-A1/2020/"
    log_in(page, live_server.url, world.users.commune_reporter.username)
    page.goto(commune)
    assert page.input_value("input[name=symbol]") == "BC-UBND"
    page.fill("textarea[name=narrative_tasks]", "Xã đã tổ chức Tuần lễ học tập suốt đời.")
    page.fill("input[name=signer_name]", "Lê Văn C")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_load_state("networkidle")
    page.locator("#issue-title ~ form input[name=confirm]").check()
    page.get_by_role("button", name="Gửi báo cáo lên cơ quan thường trực").click()
    page.wait_for_load_state("networkidle")
    assert "01/BC-UBND" in page.locator("h1").inner_text()
    page.context.clear_cookies()
    log_in(page, live_server.url, world.users.district_admin.username)
    page.goto(f"{live_server.url}/reports/kh-a-2020/D-A/2020/")
    row = page.locator("table.senders tr", has_text="Xã A1")
    assert "Đã gửi" in row.inner_text() and "01/BC-UBND" in row.inner_text()
    assert "Chưa soạn" in page.locator("table.senders tr", has_text="Thị trấn A2").inner_text()
