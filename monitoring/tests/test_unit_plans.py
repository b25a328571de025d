"""A unit's dashboard lists every plan that applies to it, grouped by plan, the cycle of the
chosen year first and the nearest issuer first; ?plan= still shows one plan."""

from __future__ import annotations

import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from monitoring.tests.test_chain import a_plan, a_target
from monitoring.unit_plans import order_plans
from plans.models import Plan, TargetMilestone


@pytest.fixture
def plans(world):
    """District A's 2020 plan (the test world's), the city's and the nation's 2021-2030
    plans, and commune A1's own 2021-2030 plan."""
    rate = world.ind.literacy_rate
    nation, g = a_plan("qd-vn", world.tree.country, 2021, 2030)
    national = a_target(nation, g, "nat", rate, [(2025, 90), (2030, 95)])
    city, g = a_plan("kh-city", world.tree.province, 2021, 2030)
    a_target(city, g, "city", rate, [(2025, 95)], national, "stricter")
    commune, g = a_plan("kh-a1", world.tree.commune_a1, 2021, 2030)
    a_target(commune, g, "own", rate, [(2025, 99)])
    return SimpleNamespace(district=world.plan.plan, city=city, nation=nation, commune=commune)


def dashboard(code: str, **query) -> str:
    url = reverse("dashboard", args=[code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(response) -> list[str]:
    return [plan.code for plan, _current, _groups in response.context["plan_groups"]]


def test_the_plans_of_the_chosen_years_cycle_come_first_nearest_issuer_first(world, plans):
    every = list(Plan.objects.select_related("owner"))
    assert [p.code for p in order_plans(every, 2025)] == ["kh-a1", "kh-city", "qd-vn", "kh-a-2020"]
    assert [p.code for p in order_plans(every, 2020)] == ["kh-a-2020", "kh-a1", "kh-city", "qd-vn"]


def test_a_dashboard_lists_every_plan_that_applies_to_the_unit(client, world, plans):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A", year=2025))
    assert response.context["all_plans"]
    assert listed(response) == ["kh-city", "qd-vn", "kh-a-2020"]  # not commune A1's own
    html = response.content.decode()
    assert html.index('data-plan="kh-city"') < html.index('data-plan="kh-a-2020"')
    assert "Hải Phòng · 2021–2030" in html
    assert response.context["total"] == 5  # the city's, the nation's and district A's three


def test_a_2020_view_shows_the_plan_of_that_cycle_first(client, world, plans):
    client.force_login(world.users.commune_reporter)
    response = client.get(dashboard("C-A1", year=2020))
    assert listed(response) == ["kh-a-2020", "kh-a1", "kh-city", "qd-vn"]
    assert response.context["plan"] == plans.district


def test_each_target_shows_the_milestone_nearest_the_chosen_year(client, world, plans):
    client.force_login(world.users.superuser)
    html = client.get(dashboard("VN", year=2026)).content.decode()
    row = html[html.index('data-target="nat"') :]
    assert "≥ 95%" in row[: row.index("</tr>")] and "đến năm 2030" in row[: row.index("</tr>")]
    html = client.get(dashboard("VN", year=2024)).content.decode()
    row = html[html.index('data-target="nat"') :]
    assert "≥ 90%" in row[: row.index("</tr>")]


def test_the_plan_parameter_still_shows_one_plan_and_its_export(client, world, plans):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A", plan="kh-city", year=2025))
    assert not response.context["all_plans"]
    assert listed(response) == ["kh-city"] and response.context["plan"] == plans.city
    export = client.get(reverse("dashboard_xlsx", args=["D-A"]) + "?plan=kh-city&year=2025")
    assert export.status_code == 200


def test_a_plan_that_does_not_apply_to_the_unit_falls_back_to_every_plan(client, world, plans):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A", plan="kh-a1", year=2025))
    assert response.context["all_plans"] and "kh-a1" not in listed(response)


@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        ("superuser", "D-A", 200),
        ("district_admin", "D-A", 200),
        ("viewer", "D-A", 200),
        ("commune_reporter", "C-A1", 200),
        ("unit_reporter", "D-A-GD", 200),
        ("commune_reporter", "D-A", 404),
        ("other_district", "D-A", 404),
        ("no_unit", "D-A", 404),
    ],
)
@pytest.mark.parametrize("query", [{}, {"plan": "kh-city"}, {"plan": "kh-city", "year": 2025}])
def test_every_role_reaches_the_plans_only_inside_its_scope(
    client, world, plans, role, code, status, query
):
    client.force_login(getattr(world.users, role))
    assert client.get(dashboard(code, **query)).status_code == status


def test_every_plan_is_read_in_a_bounded_number_of_queries(
    client, world, plans, django_assert_max_num_queries
):
    client.force_login(world.users.commune_reporter)
    # 4 plans, 6 targets in one evaluation: 30 queries measured, as many as for one plan
    with django_assert_max_num_queries(36):
        assert client.get(dashboard("C-A1", year=2025)).status_code == 200


def test_strive_for_follows_the_milestone_in_force(client, world, plans):
    TargetMilestone.objects.filter(target__code="nat", year=2030).update(aspirational=True)
    client.force_login(world.users.superuser)

    def row(year: int) -> str:
        html = client.get(dashboard("VN", year=year)).content.decode()
        html = html[html.index('data-target="nat"') :]
        return html[: html.index("</tr>")]

    assert "phấn đấu" in row(2026)
    assert "phấn đấu" not in row(2024)


def test_a_bare_export_is_of_the_plan_the_dashboard_lists_first_for_the_year(client, world, plans):
    """Without ?plan=, the export is of the chosen year's first plan (the nearest issuer's in
    that cycle), not of whichever plan sorts first; an unknown plan is a 404."""
    client.force_login(world.users.district_admin)
    url = reverse("dashboard_xlsx", args=["D-A"])
    for year, title in ((2025, "kh-city"), (2020, "kh-a-2020")):
        export = client.get(url, {"year": year})
        assert export.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(export.content))
        texts = " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
        assert Plan.objects.get(code=title).number in texts
    assert client.get(url, {"plan": "no-such-plan", "year": 2025}).status_code == 404
