"""Logging in: Vietnamese pages, and repeated failures lock the username out for a while."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(username="pgd", password=PASSWORD)


def log_in(client, password: str):
    return client.post("/accounts/login/", {"username": "pgd", "password": password})


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
