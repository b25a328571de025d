"""In a real Chromium: a body's reporter finds its task page, types in two duties, and loses
nothing when a file is refused."""

from __future__ import annotations

import pytest

from collection.testing import build_collection
from core.testing import log_in, page  # noqa: F401  (the Chromium fixture)
from plans.testing import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    # Built before Playwright starts its event loop (see xhht/tests/test_browser.py).
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.collection = build_collection(world)
    world.bad_file = tmp_path / "bien-ban.pdf"
    world.bad_file.write_bytes(b"commune_code,persons\nC-A1,10\n")
    return world


def test_two_duties_typed_on_one_page_survive_a_refused_file(world, live_server, page):  # noqa: F811
    base = live_server.url
    leads, partners = world.plan.duties.edu_leads.pk, world.plan.duties.edu_partners.pk
    log_in(page, base, world.users.unit_reporter.username)
    page.goto(f"{base}/collection/")
    page.get_by_role("link", name="Báo cáo tiến độ nhiệm vụ").first.click()
    page.wait_for_load_state("networkidle")
    page.fill(f"textarea[name=text-{leads}]", "Đã mở 3 lớp tin học")
    page.check(f"input[name=progress-{partners}][value=in_progress]")
    page.fill(f"textarea[name=text-{partners}]", "Đang chuẩn bị Tuần lễ")
    page.set_input_files(f"input[name=evidence-{leads}]", str(world.bad_file))
    page.get_by_role("button", name="Lưu tất cả nhiệm vụ").click()
    page.wait_for_load_state("networkidle")
    assert "Chưa lưu gì" in page.inner_text("main")
    assert page.input_value(f"textarea[name=text-{leads}]") == "Đã mở 3 lớp tin học"
    assert page.input_value(f"textarea[name=text-{partners}]") == "Đang chuẩn bị Tuần lễ"
    page.get_by_role("button", name="Lưu tất cả nhiệm vụ").click()
    page.wait_for_load_state("networkidle")
    assert "Đã lưu báo cáo tiến độ" in page.inner_text("main")
    page.reload()
    assert page.input_value(f"textarea[name=text-{leads}]") == "Đã mở 3 lớp tin học"
    assert page.is_checked(f"input[name=progress-{partners}][value=in_progress]")
