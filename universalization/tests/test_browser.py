"""In a real Chromium: a commune reads its standards, finds the child missing, corrects them."""

from __future__ import annotations

import pytest

from core.testing import log_in, page  # noqa: F401  (the Chromium fixture)
from plans.testing import build_world
from universalization.testing import YEAR, build_register

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    # Built before Playwright starts its event loop (see xhht/tests/test_browser.py).
    world = build_world()
    build_register(world)
    return world


def test_a_commune_finds_the_child_missing_from_preschool_and_corrects_the_record(
    world,
    live_server,
    page,  # noqa: F811
):
    log_in(page, live_server.url, world.users.commune_reporter.username)
    page.goto(f"{live_server.url}/units/C-A1/pcgd/?year={YEAR}")
    assert "Đạt" in page.inner_text("main")
    attending = page.locator("tr", has_text="Trẻ 5 tuổi đến lớp").first
    assert "95,0%" in attending.inner_text()  # 19 of 20: exactly the threshold

    attending.locator("a.persons-missing").click()
    page.wait_for_load_state("networkidle")
    missing = page.locator("tr[data-person]")
    assert missing.count() == 1 and "P19" in missing.first.inner_text()

    missing.first.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=studying]", "preschool")
    page.select_option("select[name=preschool_completed]", "true")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert "Phiên bản 2, do reporter_a1 lưu" in page.inner_text("main")  # saved, with history

    page.goto(f"{live_server.url}/units/C-A1/pcgd/?year={YEAR}")
    attending = page.locator("tr", has_text="Trẻ 5 tuổi đến lớp").first
    assert "100,0%" in attending.inner_text()
