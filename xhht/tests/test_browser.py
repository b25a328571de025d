"""In a real Chromium: log in and read a target's status from the dashboard."""

from __future__ import annotations

import pytest

from core.testing import log_in
from plans.testing import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    # Built before Playwright starts its event loop: ORM calls made inside that loop would
    # open a second connection, which then keeps PostgreSQL from dropping the test database.
    return build_world()


def test_a_district_administrator_reads_a_targets_status_on_the_dashboard(world, live_server, page):
    log_in(page, live_server.url, world.users.district_admin.username)
    page.goto(f"{live_server.url}/units/{world.tree.district_a.code}/dashboard/?year=2020")
    row = page.locator("tr", has_text=world.plan.literacy.clause).first
    assert row.is_visible()
    assert "Đạt" in row.inner_text()
    level_row = page.locator("tr", has_text=world.plan.level.clause).first
    assert "Chưa đạt" in level_row.inner_text()


def test_a_wrong_password_keeps_the_user_on_the_login_page(world, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "admin_a")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit], input[type=submit]")
    assert "/accounts/login/" in page.url


def test_a_leader_drills_down_from_the_district_figure_to_a_values_history(
    world, live_server, page
):
    log_in(page, live_server.url, world.users.viewer.username)
    page.goto(f"{live_server.url}/units/{world.tree.district_a.code}/dashboard/?year=2020")
    row = page.locator("tr", has_text=world.plan.literacy.clause).first
    row.get_by_role("link", name="Chi tiết").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas").first.is_visible()  # the chart of the breakdown
    commune_row = page.locator("tr", has_text="Xã A1").first
    assert "99,5" in commune_row.inner_text()
    commune_row.get_by_role("link", name="Số liệu").click()
    page.wait_for_load_state("networkidle")
    value_row = page.locator("tr", has_text="995").first
    value_row.get_by_role("link", name="Lịch sử").click()
    page.wait_for_load_state("networkidle")
    assert "995" in page.locator("main").inner_text()
