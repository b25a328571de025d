"""The pages and exports by the map of the figure's year or by today's, and saying which."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from plans.models import ObjectiveGroup, Plan, Target
from units.testing import add_special_zone
from units.tests.test_maps import split_b1


def add_city_plan(world) -> Plan:
    """A plan of the province with one literacy target, so the province can be broken down."""
    plan = Plan.objects.create(
        code="kh-p-2020", number="300/KH-UBND", title="Kế hoạch của thành phố",
        issued_on=datetime.date(2020, 1, 1), issuer="UBND thành phố",
        owner=world.tree.province, start_year=2020, end_year=2020,
    )  # fmt: skip
    group = ObjectiveGroup.objects.create(plan=plan, number="1", title="Xóa mù chữ", order=1)
    Target.objects.create(
        plan=plan, group=group, code="literacy", clause="1", text="Trên 99% biết chữ",
        indicator=world.ind.literacy_rate, comparator="gt", value=Decimal("99"),
        due_year=2020, order=1,
    )  # fmt: skip
    return plan


def test_the_dashboard_offers_both_maps_and_says_which_it_shows(client, world):
    add_special_zone(world.tree)
    client.force_login(world.users.superuser)
    url = reverse("dashboard", args=["DK-A"])
    default = client.get(url, {"year": 2020})
    assert default.context["map"] == "as_was"
    html = default.content.decode()
    assert "Bản đồ hành chính" in html and "theo năm của số liệu" in html
    assert "theo hiện nay" in html  # the other choice
    now = client.get(url, {"year": 2020, "map": "as_is"})
    assert now.context["map"] == "as_is"
    html = now.content.decode()
    assert "Bản đồ hành chính: theo hiện nay." in html
    assert "&amp;map=as_is" in html  # kept in the links and the export
    literacy = world.plan.literacy.pk
    rows = {ev.target.pk: ev for _, pairs in now.context["groups"] for ev, _ in pairs}
    assert (rows[literacy].num, rows[literacy].den) == (Decimal(1493), Decimal(1500))


def test_a_bad_map_on_a_page_falls_back_to_the_map_of_the_year(client, world):
    client.force_login(world.users.superuser)
    response = client.get(reverse("dashboard", args=["D-A"]), {"year": 2020, "map": "x"})
    assert response.status_code == 200 and response.context["map"] == "as_was"


def test_the_province_breaks_down_into_that_years_units_or_todays(client, world):
    add_special_zone(world.tree)
    plan = add_city_plan(world)
    target = plan.targets.get()
    client.force_login(world.users.superuser)
    url = reverse("target_breakdown", args=["P31", target.pk])
    as_was = client.get(url, {"year": 2020})
    as_is = client.get(url, {"year": 2020, "map": "as_is"})
    assert {r.unit.code for r in as_was.context["rows"]} == {"D-A", "D-B"}
    assert {r.unit.code for r in as_is.context["rows"]} == {"DK-A", "D-B"}
    assert 'data-unit="DK-A"' in as_is.content.decode()


def test_a_split_commune_is_named_on_the_breakdown_by_todays_map(client, world):
    split_b1(world.tree)
    plan = add_city_plan(world)
    target = plan.targets.get()
    client.force_login(world.users.superuser)
    url = reverse("target_breakdown", args=["D-B", target.pk])
    html = client.get(url, {"year": 2020, "map": "as_is"}).content.decode()
    assert 'data-shared="C-B1"' in html
    assert "không được tính cho đơn vị nào" in html
    assert "Xã C-N1" in html and "Xã C-N2" in html


def test_a_unit_that_ended_points_to_its_successor_for_later_years(client, world):
    add_special_zone(world.tree)
    client.force_login(world.users.superuser)
    response = client.get(reverse("dashboard", args=["D-A"]), {"year": 2026})
    assert [u.code for u in response.context["successors"]] == ["DK-A"]
    html = response.content.decode()
    assert "không còn tồn tại vào cuối năm 2026" in html
    assert "Số liệu năm đó của địa bàn này được thể hiện tại" in html
    # A user of the old district alone is told it ended, not shown a unit outside its scope.
    client.force_login(world.users.viewer)
    response = client.get(reverse("dashboard", args=["D-A"]), {"year": 2026})
    assert response.context["successors"] == []
    html = response.content.decode()
    assert "không còn tồn tại vào cuối năm 2026" in html and "Đặc khu A" not in html


def test_the_exports_heading_says_which_map(client, world):
    add_special_zone(world.tree)
    plan = add_city_plan(world)
    client.force_login(world.users.superuser)
    for map, label in (("as_was", "theo năm của số liệu"), ("as_is", "theo hiện nay")):
        for url in (
            reverse("dashboard_xlsx", args=["P31"]) + f"?plan={plan.code}&year=2020&map={map}",
            reverse("target_breakdown_xlsx", args=["P31", plan.targets.get().pk])
            + f"?year=2020&map={map}",
        ):
            book = load_workbook(io.BytesIO(client.get(url).content))
            cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
            assert f"Bản đồ hành chính: {label}" in cells
    book = load_workbook(io.BytesIO(client.get(
        reverse("target_breakdown_xlsx", args=["P31", plan.targets.get().pk])
        + "?year=2020&map=as_is").content))  # fmt: skip
    units = {row[0] for row in book.active.iter_rows(values_only=True)}
    assert "Đặc khu A" in units and "Huyện A" not in units
