"""In a real Chromium, the whole TT 25 path: a commune registers for 2024 at level 1, fills its
self-assessment with evidence, records its review meeting and submits; the district's office
forms a council of five, records its opinion and decides; the commune's page shows the
decision. The pages break no rule of the Content-Security-Policy."""

from __future__ import annotations

import pytest

from core.testing import log_in, page  # noqa: F401 (the page fixture)
from recognition.testing import PDF_BYTES
from recognition.testing import build_world as build_recognition_world

pytestmark = [pytest.mark.browser]

BOOLEANS = [f"X{c}.{i}" for c in (1, 2, 3) for i in (1, 2, 3)]
LEVELS = {"X4.1": "1", "X4.2": "2", "X4.3": "2", "X4.4": "1"}
COUNTS = {"X5.1-num": "600", "X5.1-den": "1.000", "X5.2-trained": "500",
          "X5.2-university": "120", "X5.2-den": "1.000"}  # fmt: skip


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the evidence uploaded goes under the test's own folder
    # Built before Playwright starts its event loop (see test_browser.py).
    return build_recognition_world()


def _submit(tab, selector: str) -> None:
    tab.locator(selector).click()
    tab.wait_for_load_state("networkidle")


def test_a_commune_goes_from_registration_to_a_decision(world, live_server, page):  # noqa: F811
    from recognition.models import Application

    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    base = live_server.url
    commune = world.tree.commune_a1
    log_in(page, base, world.users.commune_reporter.username)

    # Registration: the model and the year choose the set, then the unit and the level.
    page.goto(f"{base}/recognition/")
    _submit(page, "a[href='/recognition/new/']")
    page.select_option("select[name=model]", "cdht_commune")
    page.fill("input[name=year]", "2024")
    _submit(page, "form.filters button[type=submit]")
    page.select_option("select[name=unit]", commune.ref)
    page.select_option("select[name=level]", "1")
    _submit(page, "form.register-form button[type=submit]")
    app = Application.objects.get()
    assert page.url.endswith(f"/recognition/{app.pk}/")

    # The self-assessment, one input per kind, a file of evidence for each indicator.
    _submit(page, f"a[href='/recognition/{app.pk}/assess/']")
    for code in BOOLEANS:
        page.check(f"input[name='v-{code}'][value=yes]")
    for code, level in LEVELS.items():
        page.select_option(f"select[name='v-{code}']", level)
    for name, text in COUNTS.items():
        page.fill(f"input[name='v-{name}']", text)
    for code in [*BOOLEANS, *LEVELS, "X5.1", "X5.2"]:
        pdf = {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        page.set_input_files(f"input[name='f-{code}']", files=[pdf])
    _submit(page, "form.assess-form > button[type=submit]")
    assert page.url.endswith(f"/recognition/{app.pk}/")
    assert page.locator("[data-reached]").get_attribute("data-reached") == "1"
    assert app.evidence.count() == 15

    # The review meeting, then the submission (the box must be ticked).
    page.fill("form[action$='/review/'] input[name=held_on]", "2025-01-10")
    page.fill("form[action$='/review/'] input[name=chair]", "Chủ tịch UBND xã")
    page.fill("form[action$='/review/'] textarea[name=participants]", "Hội Khuyến học xã")
    page.fill("form[action$='/review/'] textarea[name=conclusion]", "Đạt mức độ 1")
    _submit(page, "form[action$='/review/'] button[type=submit]")
    page.check("form[action$='/submit/'] input[name=confirm]")
    _submit(page, "form[action$='/submit/'] button[type=submit]")
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED

    # The district's office: a council of five, its opinion, the decision.
    page.context.clear_cookies()
    log_in(page, base, world.users.district_admin.username)
    page.goto(f"{base}/recognition/{app.pk}/")
    council = "form[action$='/council/']"
    page.fill(f"{council} input[name=formed_on]", "2025-03-01")
    page.fill(f"{council} input[name=formation_number]", "12/QĐ-PGDĐT")
    for i in range(5):
        page.fill(f"{council} input[name=name_{i}]", f"Thành viên {i + 1}")
        page.fill(f"{council} input[name=position_{i}]", "Phòng GD&ĐT huyện A")
    _submit(page, f"{council} button[type=submit]")
    opinion = "form[action$='/opinion/']"
    page.fill(f"{opinion} input[name=met_on]", "2025-03-10")
    page.fill(f"{opinion} textarea[name=opinion]", "Đủ điều kiện công nhận mức độ 1")
    page.check(f"{opinion} input[name=recommendation][value=recognise]")
    _submit(page, f"{opinion} button[type=submit]")
    decide = "form[action$='/decide/']"
    page.check(f"{decide} input[name=outcome][value=recognised]")
    page.fill(f"{decide} input[name=number]", "15/QĐ-PGDĐT")
    page.fill(f"{decide} input[name=signed_on]", "2025-03-20")
    page.fill(f"{decide} input[name=signer]", "Nguyễn Văn A")
    _submit(page, f"{decide} button[type=submit]")
    assert page.locator("[data-app-status]").get_attribute("data-app-status") == "recognised"

    # The commune sees the decision on its page.
    page.context.clear_cookies()
    log_in(page, base, world.users.commune_reporter.username)
    page.goto(f"{base}/units/{commune.code}/recognition/")
    row = page.locator("table.decisions tr", has_text="15/QĐ-PGDĐT").inner_text()
    assert "20/03/2025" in row and "2027" in row
    assert refused == []
