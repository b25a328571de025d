"""Who may call the API: nobody anonymous; a session or a token; and nobody may write."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.models import DataValue


@pytest.fixture
def routes(world):
    value = DataValue.objects.filter(unit__code="C-A1").first()
    plan = world.plan.plan.pk
    return [
        "/api/v1/schema/",
        "/api/v1/units/",
        "/api/v1/units/C-A1/",
        "/api/v1/plans/",
        f"/api/v1/plans/{plan}/",
        f"/api/v1/targets/?plan={plan}",
        f"/api/v1/evaluations/?plan={plan}&unit=C-A1&year=2020",
        "/api/v1/values/",
        f"/api/v1/values/{value.pk}/",
        f"/api/v1/values/{value.pk}/history/",
    ]


def test_every_route_answers_401_to_an_anonymous_request(anonymous, routes):
    for url in routes:
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url


def test_every_route_answers_a_logged_in_user_of_the_scope(api, routes):
    client = api("commune_reporter")
    for url in routes:
        assert client.get(url).status_code == 200, url


def test_a_token_authenticates_a_user_with_their_scope(world):
    token = Token.objects.create(user=world.users.commune_reporter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/units/")
    assert response.status_code == 200
    assert [u["code"] for u in response.json()["results"]] == ["C-A1"]
    assert client.get("/api/v1/units/C-A2/").status_code == 404


def test_a_wrong_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert client.get("/api/v1/units/").status_code == 401


def test_an_inactive_users_token_is_refused(world):
    user = world.users.viewer
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/units/").status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(api, world, method):
    client = api("superuser")
    assert getattr(client, method)("/api/v1/units/C-A1/").status_code == 405
    assert getattr(client, method)("/api/v1/values/").status_code == 405
