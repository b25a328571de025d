"""In a real Chromium: a whole reporting round, from opening to the dashboard's new status."""

from __future__ import annotations

import pytest

from collection.testing import build_collection
from core.testing import log_in, page  # noqa: F401  (the Chromium fixture)
from plans.testing import build_world

pytestmark = pytest.mark.browser

LITERATE = "input[name='value:literate_persons::15-60']"
PERSONS = "input[name='value:persons::15-60']"


@pytest.fixture
def world(transactional_db):
    # Built before Playwright starts its event loop (see xhht/tests/test_browser.py). The
    # data set is kept; its round is opened again through the page.
    world = build_world()
    world.collection = build_collection(world)
    world.collection.round.delete()
    return world


def _go(page, url: str) -> None:  # noqa: F811
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _click(page, name: str) -> None:  # noqa: F811
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("networkidle")


def _literacy_status(page, base: str) -> str:  # noqa: F811
    _go(page, f"{base}/units/D-A/dashboard/?year=2020")
    return page.locator("tr", has_text="II.1.a").first.inner_text()


def _open_round(page, base: str, world) -> None:  # noqa: F811
    _go(page, f"{base}/collection/rounds/new/?unit=D-A")
    page.fill("input[name=code]", "bc-2020")
    page.fill("input[name=name]", "Báo cáo năm 2020")
    page.select_option("select[name=year]", label="2020")
    page.fill("input[name=opens_on]", "2020-12-01")
    page.fill("input[name=due_on]", "2021-01-15")
    page.check(f"input[name=data_sets][value='{world.collection.data_set.pk}']")
    _click(page, "Mở đợt báo cáo")
    assert "Đã mở đợt báo cáo" in page.inner_text("main")
    assert page.locator("tr[data-unit='C-A1']").count() == 1


def _review(page, base: str) -> None:  # noqa: F811
    _go(page, f"{base}/collection/")
    page.locator("tr[data-round='bc-2020'] a").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("tr[data-unit='C-A1']").get_by_role("link", name="Xem xét").click()
    page.wait_for_load_state("networkidle")


def test_a_whole_round_from_opening_to_the_dashboard(world, live_server, page):  # noqa: F811
    base = live_server.url
    log_in(page, base, world.users.district_admin.username)
    assert "Đạt" in _literacy_status(page, base)  # 99,5% before the round
    _open_round(page, base, world)

    # The commune lands on what is due, fails a hard rule, and keeps what it typed.
    page.context.clear_cookies()
    log_in(page, base, world.users.commune_reporter.username)
    assert "/collection/" in page.url
    page.get_by_role("link", name="Nhập số liệu").click()
    page.wait_for_load_state("networkidle")
    page.fill(PERSONS, "1.300")
    page.fill(LITERATE, "1.301")
    _click(page, "Gửi báo cáo")
    main = page.inner_text("main")
    assert "Báo cáo chưa được gửi" in main
    assert "Lỗi: “Số người biết chữ (Từ 15 đến 60)”" in main
    assert page.input_value(PERSONS) == "1.300" and page.input_value(LITERATE) == "1.301"

    # It fixes the figure and explains the 30% rise of persons (a warning), then submits.
    page.fill(LITERATE, "1.170")
    page.fill("textarea[name='explain:persons::15-60']", "Sáp nhập thêm một thôn")
    _click(page, "Gửi báo cáo")
    assert "Đã gửi báo cáo" in page.inner_text("main")

    # The office returns it with a comment.
    page.context.clear_cookies()
    log_in(page, base, world.users.district_admin.username)
    _review(page, base)
    page.fill("#return-comment", "Kiểm tra lại số người biết chữ")
    _click(page, "Trả lại đơn vị")
    assert "Đã trả lại báo cáo" in page.inner_text("main")

    # The commune corrects and resubmits.
    page.context.clear_cookies()
    log_in(page, base, world.users.commune_reporter.username)
    page.get_by_role("link", name="Nhập số liệu").click()
    page.wait_for_load_state("networkidle")
    assert "Kiểm tra lại số người biết chữ" in page.inner_text("main")
    page.fill(LITERATE, "1.180")
    _click(page, "Gửi báo cáo")
    assert "Đã gửi báo cáo" in page.inner_text("main")

    # Before approving, the office sees the provisional figure beside the official one.
    page.context.clear_cookies()
    log_in(page, base, world.users.district_admin.username)
    row = _literacy_status(page, base)
    assert "Đạt" in row and "Tạm tính" not in row
    page.get_by_role("link", name="Hiện số liệu tạm tính").click()
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text="II.1.a").first.inner_text()
    assert "Đạt" in row and "Tạm tính:" in row and "Chưa đạt" in row

    # The office approves: the district's literacy rate falls to 92,8% and the target flips.
    _review(page, base)
    _click(page, "Duyệt")
    assert "Đã duyệt báo cáo" in page.inner_text("main")
    history = page.locator(".submission-history").inner_text()
    for step in ("Đã gửi", "Bị trả lại", "Đã duyệt", "Kiểm tra lại số người biết chữ"):
        assert step in history
    assert "1.170" in history and "1.180" in history and "reporter_a1" in history
    assert "Chưa đạt" in _literacy_status(page, base)
