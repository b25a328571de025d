"""A dashboard's address names a unit by code, read for the year asked (today's holder by
default), and the demo's former codes still reach their units."""

from __future__ import annotations

from pathlib import Path

import pytest

from units.loader import load_units

DATA = Path(__file__).resolve().parents[2] / "data" / "units" / "hai-phong-cat-hai.yaml"


@pytest.fixture
def admin_client(client, db, django_user_model):
    load_units(DATA)
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.vn", "x"))
    return client


def _unit(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["unit"]


def test_11914_is_the_special_zone_today_and_thi_tran_cat_ba_in_2020(admin_client):
    assert _unit(admin_client, "/units/11914/dashboard/").name == "Đặc khu Cát Hải"
    assert _unit(admin_client, "/units/11914/dashboard/?year=2020").name == "Thị trấn Cát Bà"


def test_a_communes_former_code_still_reaches_its_page(admin_client):
    assert _unit(admin_client, "/units/12340/dashboard/").name == "Thị trấn Cát Hải"
    assert _unit(admin_client, "/units/31-DK-CATHAI/dashboard/").name == "Đặc khu Cát Hải"


def test_a_code_with_its_day_names_one_unit_whatever_the_year(admin_client):
    assert _unit(admin_client, "/units/11914@2025-07-01/dashboard/?year=2020").name == (
        "Đặc khu Cát Hải"
    )
    assert _unit(admin_client, "/units/11914@2025-06-30/dashboard/").name == "Thị trấn Cát Bà"


def test_a_successors_dashboard_links_to_itself_with_its_first_day(client, db):
    from django.urls import reverse

    from plans.testing import build_world
    from units.testing import add_special_zone

    world = build_world()
    add_special_zone(world.tree)
    client.force_login(world.users.superuser)
    html = client.get(reverse("dashboard", args=["DK-A"]), {"year": 2020}).content.decode()
    assert 'action="/units/DK-A@2025-07-01/dashboard/"' in html
    assert "/units/DK-A@2025-07-01/dashboard.xlsx" in html
