"""In a real Chromium: a commune uploads its register, watches the check, confirms, sees it done."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from core.testing import log_in, page  # noqa: F401  (the Chromium fixture)
from plans.testing import build_world
from universalization.exchange import COMMUNE_COLUMNS, PERSON_COLUMNS
from universalization.models import Person
from universalization.testing import YEAR, build_register

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    build_register(world)
    return world


def in_thread(work):
    """Run ORM work in a thread of its own that closes its connection (inside Playwright's
    event loop an ORM call would open one that PostgreSQL then keeps from dropping the test
    database); returns what `work` returned."""
    results = []

    def run() -> None:
        try:
            results.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return results[0]


def run_worker() -> None:
    """The worker, in this thread (it sets signal handlers), then its connection closed."""
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        connections.close_all()


def sex_of(code: str) -> str | None:
    return in_thread(lambda: Person.objects.filter(commune__code="C-A1", code=code)
                     .values_list("sex", flat=True).first())  # fmt: skip


def test_an_upload_is_checked_in_the_background_previewed_confirmed_and_written(
    world,
    live_server,
    page,  # noqa: F811
    tmp_path,
):
    communes = tmp_path / "xa.csv"
    communes.write_text(",".join(COMMUNE_COLUMNS) + "\nC-A1;D-A;không\n".replace(";", ","))
    persons = tmp_path / "nguoi.csv"
    persons.write_text(";".join(PERSON_COLUMNS) + "\nC-A1;H0;B1;Lò Thị Bình;nữ;2012" + ";" * 9
                       + "\n", encoding="utf-8-sig")  # fmt: skip
    log_in(page, live_server.url, world.users.commune_reporter.username)
    page.goto(f"{live_server.url}/units/C-A1/pcgd/register/import/")
    page.fill("input[name=year]", str(YEAR))
    page.set_input_files("input[name=communes_csv]", str(communes))
    page.set_input_files("input[name=persons_csv]", str(persons))
    page.click("form.register-form button[type=submit]")
    page.wait_for_selector('#import-job[data-status="checking"]')
    run_worker()
    page.wait_for_selector('#import-job[data-status="ready"]', timeout=10_000)  # htmx polled
    assert "Lò Thị Bình" in page.text_content("details.import-changes")
    assert sex_of("B1") is None
    page.click("button[value=confirm]")
    page.wait_for_selector('#import-job[data-status="queued"]')
    run_worker()
    page.wait_for_selector('#import-job[data-status="done"]', timeout=10_000)
    assert sex_of("B1") == "F"
