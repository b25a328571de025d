"""Logging in: Vietnamese pages; repeated failures lock one username from one address a while."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from units.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="pgd", password=PASSWORD)


@pytest.fixture
def colleague():
    return get_user_model().objects.create_user(username="ketoan", password=PASSWORD)


def log_in(client, password: str, username: str = "pgd", address: str = "10.0.0.7", **headers):
    data = {"username": username, "password": password}
    return client.post("/accounts/login/", data, REMOTE_ADDR=address, **headers)


def fail_until_locked(client, username: str = "pgd", address: str = "10.0.0.7", **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "not-the-password", username, address, **headers)


def test_the_login_page_is_in_vietnamese(client):
    html = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in html


def test_the_right_password_logs_in(client, user):
    assert log_in(client, PASSWORD).status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(client, user):
    response = log_in(client, "not-the-password")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_after_too_many_failures_even_the_right_password_is_refused(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "not-the-password")
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_so_in_vietnamese(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, "not-the-password")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_the_lockout_page_says_for_how_long(client, user, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=20)
    fail_until_locked(client)
    html = log_in(client, PASSWORD).content.decode()
    assert "20 phút" in html


def test_a_colleague_at_the_same_office_address_can_still_log_in(client, user, colleague):
    fail_until_locked(client)
    response = log_in(client, PASSWORD, username="ketoan")
    assert response.status_code == 302


def test_the_locked_user_can_still_log_in_from_another_address(client, user):
    fail_until_locked(client)
    assert log_in(client, PASSWORD, address="10.0.0.7").status_code == 429
    assert log_in(client, PASSWORD, address="10.9.9.9").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, user, colleague, settings):
    settings.PROXY_COUNT = 1
    office, home = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    fail_until_locked(client, address="127.0.0.1", **office)
    assert log_in(client, PASSWORD, address="127.0.0.1", **office).status_code == 429
    assert log_in(client, PASSWORD, address="127.0.0.1", **home).status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lock(client, user, settings):
    settings.PROXY_COUNT = 1
    office = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    fail_until_locked(client, address="127.0.0.1", **office)
    # The client put an address of its own in front; the proxy appended the real one.
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 203.0.113.5"}
    assert log_in(client, PASSWORD, address="127.0.0.1", **forged).status_code == 429
