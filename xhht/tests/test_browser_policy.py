"""In a real Chromium, the Content-Security-Policy blocks nothing the pages need."""

from __future__ import annotations

import pytest

from core.testing import log_in, page  # noqa: F401 (the page fixture)
from plans.testing import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_pages_with_charts_forms_and_the_admin_break_no_rule_of_the_policy(
    world,
    live_server,
    page,  # noqa: F811
):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    log_in(page, live_server.url, world.users.superuser.username)
    district, commune = world.tree.district_a.code, world.tree.commune_a1.code
    for path in (
        f"/units/{district}/dashboard/?year=2020",
        f"/units/{district}/targets/{world.plan.literacy.pk}/?year=2020",
        "/collection/",
        f"/units/{commune}/pcgd/register/",
        f"/units/{commune}/pcgd/register/persons/new/",
        f"/units/{commune}/pcgd/register/import/",
        "/admin/",
        "/admin/auth/user/",
        "/accounts/password_change/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in {h.title() for h in response.headers}
        page.wait_for_load_state("networkidle")
    assert refused == []


def test_the_breakdown_chart_is_drawn_under_the_policy(world, live_server, page):  # noqa: F811
    log_in(page, live_server.url, world.users.viewer.username)
    district = world.tree.district_a.code
    page.goto(f"{live_server.url}/units/{district}/targets/{world.plan.literacy.pk}/?year=2020")
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate(
        "() => { const c = document.querySelector('canvas');"
        " return !!c && c.getContext('2d').getImageData(0, 0, c.width, c.height)"
        ".data.some(v => v !== 0); }"
    )
    assert drawn
