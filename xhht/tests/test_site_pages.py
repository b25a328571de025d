"""The home page, the base layout and the error pages."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_has_labelled_fields(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'for="id_username"' in html and 'for="id_password"' in html


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        ("district_admin", "D-A"),
        ("viewer", "D-A"),
        ("commune_reporter", "C-A1"),
        ("unit_reporter", "D-A-GD"),
        ("other_district", "D-B"),
        ("superuser", "VN"),
    ],
)
def test_home_sends_each_user_to_the_dashboard_of_their_unit(client, world, role, unit):
    client.force_login(getattr(world.users, role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("dashboard", args=[unit])


def test_a_user_without_a_unit_is_told_so(client, world):
    client.force_login(world.users.no_unit)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "core/no_unit.html" in [t.name for t in response.templates]


def test_the_top_bar_shows_the_users_unit_and_a_logout_form(client, world):
    client.force_login(world.users.commune_reporter)
    html = client.get(reverse("dashboard", args=["C-A1"])).content.decode()
    assert 'class="my-unit"' in html and "Xã A1" in html
    assert f'action="{reverse("logout")}" method="post"' in html
    assert f'action="{reverse("set_language")}"' in html


def test_the_api_docs_link_is_for_staff_only(client, world):
    client.force_login(world.users.district_admin)
    html = client.get(reverse("dashboard", args=["D-A"])).content.decode()
    assert reverse("api-schema") not in html
    client.force_login(world.users.superuser)
    html = client.get(reverse("dashboard", args=["D-A"])).content.decode()
    assert reverse("api-schema") in html


def test_switching_to_english_changes_the_page_language(client, world):
    client.force_login(world.users.viewer)
    url = reverse("dashboard", args=["D-A"])
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert '<html lang="en"' in client.get(url).content.decode()


@override_settings(DEBUG=False)
def test_the_404_page_uses_the_layout(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("dashboard", args=["D-B"]))
    assert response.status_code == 404
    assert 'class="topbar' in response.content.decode()
