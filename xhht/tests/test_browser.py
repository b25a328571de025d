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


def test_a_breakdown_prints_on_a4_without_menus_with_its_chart_whole(world, live_server, page,
                                                                     tmp_path):  # fmt: skip
    from pypdf import PdfReader

    log_in(page, live_server.url, world.users.viewer.username)
    target = world.plan.literacy
    page.goto(
        f"{live_server.url}/units/{world.tree.district_a.code}/targets/{target.pk}/?year=2020"
    )
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    style = page.evaluate("""() => ({
        chart: getComputedStyle(document.querySelector('canvas').closest('figure')).breakInside,
        head: getComputedStyle(document.querySelector('thead')).display,
        menu: getComputedStyle(document.querySelector('header.topbar')).display,
        navs: [...document.querySelectorAll('nav')].map(n => getComputedStyle(n).display),
    })""")
    assert style["navs"] and set(style.pop("navs")) == {"none"}
    assert style == {"chart": "avoid", "head": "table-header-group", "menu": "none"}
    pdf = tmp_path / "breakdown.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)  # the page's own @page rule: A4
    pages = PdfReader(pdf).pages
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {
        (595, 842)}  # fmt: skip
    text = "".join(p.extract_text() for p in pages)
    assert "Xã A1" in text and "Đăng xuất" not in text  # the table, not the menu
