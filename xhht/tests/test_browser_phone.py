"""In a real Chromium at 390 × 844 (a phone): every main page fits the screen, the menu opens."""

from __future__ import annotations

import pytest

from collection.testing import build_collection
from core.testing import chromium_page, log_in
from plans.testing import build_world
from universalization.testing import YEAR, build_register

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone():
    """A Chromium page as wide as a phone."""
    with chromium_page(viewport={"width": WIDTH, "height": HEIGHT}) as page:
        yield page


@pytest.fixture
def world(transactional_db):
    # Built before Playwright starts its event loop (see xhht/tests/test_browser.py).
    world = build_world()
    world.collection = build_collection(world)
    build_register(world)
    return world


def _pages(world) -> dict[str, list[str]]:
    """The main pages each role uses, by username."""
    round_ = world.collection.round.pk
    a1 = world.collection.submissions["C-A1"].pk
    target = world.plan.literacy.pk
    plan = world.plan.plan.code
    users = world.users
    return {
        users.district_admin.username: [
            "/units/D-A/dashboard/?year=2020",
            f"/units/D-A/targets/{target}/?year=2020",
            f"/units/D-A/targets/{target}/values/?year=2020",
            "/plans/",
            f"/plans/{plan}/",
            f"/plans/{plan}/matrix/",
            "/collection/",
            f"/collection/rounds/{round_}/",
            "/collection/rounds/new/?unit=D-A",
            f"/collection/submissions/{a1}/",
            f"/collection/submissions/{a1}/review/",
            f"/collection/rounds/{round_}/tasks/",
            f"/collection/rounds/{round_}/tasks/D-A-GD/",
            f"/collection/rounds/{round_}/import/",
            f"/units/D-A/pcgd/?year={YEAR}",
            f"/units/C-A1/pcgd/persons/?year={YEAR}&rate=attending_5&meeting=0",
            "/units/C-A1/pcgd/register/",
            "/units/C-A1/pcgd/register/persons/new/",
            "/units/C-A1/pcgd/register/households/new/",
            "/units/C-A1/pcgd/register/import/",
        ],
        users.viewer.username: ["/units/D-A/dashboard/?year=2020", f"/plans/{plan}/"],
        users.commune_reporter.username: [
            "/collection/",
            f"/collection/submissions/{a1}/",
            f"/units/C-A1/pcgd/?year={YEAR}",
            "/units/C-A1/pcgd/register/",
        ],
        users.unit_reporter.username: [
            "/collection/",
            f"/collection/rounds/{round_}/tasks/D-A-GD/",
        ],
    }


def _width(page, url: str) -> int:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, url
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_main_page_fits_a_phone_for_every_role(world, live_server, phone):
    too_wide = {}
    for username, urls in _pages(world).items():
        phone.context.clear_cookies()
        log_in(phone, live_server.url, username)
        for url in urls:
            width = _width(phone, live_server.url + url)
            if width > WIDTH:
                too_wide[f"{username} {url}"] = width
    assert too_wide == {}


def test_the_menu_opens_from_its_button_and_leads_a_commune_to_its_register(
    world, live_server, phone
):
    log_in(phone, live_server.url, world.users.commune_reporter.username)
    menu = phone.locator("#main-menu")
    button = phone.get_by_role("button", name="Menu")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"

    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert _width(phone, live_server.url + "/collection/") <= WIDTH
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("link", name="Sổ PCGD-XMC").click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.endswith("/units/C-A1/pcgd/register/")
    assert "Sổ theo dõi phổ cập giáo dục" in phone.inner_text("main")


def test_on_a_laptop_the_menu_is_open_and_has_no_button(world, live_server, phone):
    phone.set_viewport_size({"width": 1280, "height": 800})
    log_in(phone, live_server.url, world.users.district_admin.username)
    assert phone.locator("#main-menu").is_visible()
    assert not phone.get_by_role("button", name="Menu").is_visible()
    assert phone.get_by_role("link", name="Sổ PCGD-XMC").count() == 0  # a district has none


def test_without_script_the_menu_stays_open_and_the_page_still_fits(world, live_server, phone):
    context = phone.context.browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, live_server.url, world.users.commune_reporter.username)
    assert page.locator("#main-menu").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    brand, menu = (
        page.locator(".brand-bar").bounding_box(),
        page.locator("#main-menu").bounding_box(),
    )
    assert menu["y"] >= brand["y"] + brand["height"]  # below the brand, not over it
    assert _width(page, live_server.url + "/collection/") <= WIDTH
    context.close()
