"""Tools for tests of every app: the test users' password, and a page of Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

# Every test user's password (units.testing makes the users).
PASSWORD = "xhht-test-password-42"

CHROMIUM = os.environ.get("XHHT_CHROMIUM", "/usr/bin/chromium")


@contextlib.contextmanager
def chromium_page(**context_options):
    """A page of Debian's Chromium (skipped without it, failed in CI without it)."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: browser tests cannot run in CI")
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the live
    # server makes happen in its own threads, so this only lifts Django's guard here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser.new_context(locale="vi-VN", **context_options).new_page()
        browser.close()


@pytest.fixture
def page():
    with chromium_page() as page:
        yield page


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
