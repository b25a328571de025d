"""What a signed-in user sees is not cached, sessions end when idle, and a CSP guards pages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from core.middleware import RENEW_EVERY
from units.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_signed_in_users_page_is_private_and_not_stored(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("dashboard", args=["D-A"]))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_an_export_is_not_stored_either(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("dashboard_xlsx", args=["D-A"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_404_to_a_signed_in_user_is_not_stored(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("dashboard", args=["D-B"]))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_an_api_answer_to_a_token_holder_is_not_stored(client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users.viewer)
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_page_carries_a_content_security_policy_without_inline_code(client, world):
    client.force_login(world.users.viewer)
    policy = client.get(reverse("dashboard", args=["D-A"]))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]


def session_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_lasts_the_idle_time_after_the_last_request(client, world, settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(world.users.viewer)
    start = timezone.now()
    client.get(reverse("dashboard", args=["D-A"]))
    later = start + RENEW_EVERY + datetime.timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.get(reverse("dashboard", args=["D-A"]))
    expiry = session_expiry(client)
    assert expiry >= later + datetime.timedelta(minutes=30) - datetime.timedelta(seconds=1)


def test_requests_within_a_minute_do_not_write_the_session(client, world, settings, monkeypatch):
    client.force_login(world.users.viewer)
    client.get(reverse("dashboard", args=["D-A"]))
    first = session_expiry(client)
    soon = timezone.now() + datetime.timedelta(seconds=20)
    monkeypatch.setattr(timezone, "now", lambda: soon)
    client.get(reverse("dashboard", args=["D-A"]))
    assert session_expiry(client) == first


def test_an_idle_session_has_ended(client, world, settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(world.users.viewer)
    client.get(reverse("dashboard", args=["D-A"]))
    idle = timezone.now() + datetime.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: idle)
    response = client.get(reverse("dashboard", args=["D-A"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_api_call_with_a_token_creates_no_session(client, world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users.viewer)
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


def test_the_first_page_after_login_does_not_write_the_session(client, world):
    client.post(reverse("login"), {"username": "viewer_a", "password": PASSWORD})
    first = session_expiry(client)
    client.get(reverse("dashboard", args=["D-A"]))
    assert session_expiry(client) == first
