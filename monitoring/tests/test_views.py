"""The indicator pages: dashboard, breakdown, values behind a figure and value history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import DataValue
from indicators.services import record_value
from units.models import OrgUnit
from units.testing import add_special_zone


def dashboard(code: str, **query) -> str:
    url = reverse("dashboard", args=[code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def breakdown_url(code: str, target) -> str:
    return reverse("target_breakdown", args=[code, target.pk]) + "?year=2020"


def values_url(code: str, target) -> str:
    return reverse("target_values", args=[code, target.pk]) + "?year=2020"


def a_value_of(unit) -> DataValue:
    return DataValue.objects.filter(unit=unit).order_by("pk").first()


def pages_of(world, code: str, value_unit) -> list[str]:
    target = world.plan.literacy
    return [
        dashboard(code),
        breakdown_url(code, target),
        values_url(code, target),
        reverse("value_history", args=[a_value_of(value_unit).pk]),
    ]


@pytest.mark.parametrize("page", range(4))
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world, page):
    url = pages_of(world, "D-A", world.tree.commune_a1)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "unit", "value_unit"),
    [
        ("district_admin", "district_a", "commune_a1"),
        ("viewer", "district_a", "commune_a2"),
        ("commune_reporter", "commune_a1", "commune_a1"),
        ("unit_reporter", "education", "education"),
        ("superuser", "district_a", "commune_b1"),
    ],
)
def test_every_role_sees_every_page_inside_its_scope(client, world, role, unit, value_unit):
    client.force_login(getattr(world.users, role))
    code = getattr(world.tree, unit).code
    for url in pages_of(world, code, getattr(world.tree, value_unit)):
        assert client.get(url).status_code == 200, url


def test_a_user_of_another_district_sees_its_own_dashboard_and_values(client, world):
    client.force_login(world.users.other_district)
    response = client.get(dashboard("D-B"))
    assert response.status_code == 200
    assert response.context["plan"] is None  # district A's plan does not apply to B
    history = reverse("value_history", args=[a_value_of(world.tree.commune_b1).pk])
    assert client.get(history).status_code == 200


def test_a_target_is_404_where_its_plan_does_not_apply(client, world):
    client.force_login(world.users.superuser)
    assert client.get(breakdown_url("D-B", world.plan.literacy)).status_code == 404
    assert client.get(values_url("P31", world.plan.literacy)).status_code == 404


@pytest.mark.parametrize(
    ("role", "unit", "value_unit"),
    [
        ("other_district", "district_a", "commune_a1"),
        ("commune_reporter", "commune_a2", "commune_a2"),
        ("commune_reporter", "district_a", "commune_b1"),
        ("unit_reporter", "association", "association"),
        ("district_admin", "district_b", "commune_b1"),
        ("no_unit", "district_a", "commune_a1"),
    ],
)
def test_a_user_outside_the_unit_gets_404_on_every_page(client, world, role, unit, value_unit):
    client.force_login(getattr(world.users, role))
    code = getattr(world.tree, unit).code
    for url in pages_of(world, code, getattr(world.tree, value_unit)):
        assert client.get(url).status_code == 404, url


def test_an_unknown_unit_or_target_is_404(client, world):
    client.force_login(world.users.superuser)
    assert client.get(dashboard("NO-SUCH-UNIT")).status_code == 404
    assert client.get(reverse("target_breakdown", args=["D-A", 999999])).status_code == 404


def test_the_dashboard_shows_each_targets_clause_figure_and_status(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A", year=2020))
    html = response.content.decode()
    statuses = {
        ev.target.code: ev.status for _g, rows in response.context["groups"] for ev, _p in rows
    }
    assert statuses == {
        "literacy-15-60": "met",
        "literacy-level": "not_met",
        "officials-it": "not_met",
    }
    for clause in ("II.1.a", "II.1.c", "II.2.a"):
        assert clause in html
    assert 'data-status="met"' in html and 'data-status="not_met"' in html
    assert "99,5%" in html  # 1493 / 1500 = 99.53 %, one decimal, decimal comma
    assert "1/2" in html and "(50%)" in html  # one of two communes at level 2


def test_the_dashboard_counts_targets_by_status(client, world):
    client.force_login(world.users.viewer)
    counts = {s: n for s, _label, n in client.get(dashboard("D-A")).context["counts"]}
    assert counts["met"] == 1
    assert counts["not_met"] == 2
    assert counts["no_data"] == 0


def test_the_dashboard_defaults_to_the_latest_year_with_data(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A"))
    assert response.context["year"] == 2020
    assert response.context["years"] == [2019, 2020]


def test_an_earlier_year_is_judged_against_the_later_due_year(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(dashboard("D-A", year=2019))
    rows = {ev.target.code: ev for _g, rs in response.context["groups"] for ev, _p in rs}
    assert rows["literacy-15-60"].status == "at_risk"


def test_a_commune_dashboard_shows_the_district_plan(client, world):
    client.force_login(world.users.commune_reporter)
    response = client.get(dashboard("C-A1"))
    assert response.context["plan"] == world.plan.plan
    assert "Xã A1" in response.content.decode()


def test_the_dashboard_of_a_unit_without_plan_lists_the_plans_below_it(client, world):
    client.force_login(world.users.superuser)
    response = client.get(dashboard("P31"))
    assert response.context["plan"] is None
    assert reverse("dashboard", args=["D-A"]) in response.content.decode()


def test_the_demo_banner_shows_while_demo_values_exist(client, world):
    client.force_login(world.users.viewer)
    assert "demo-banner" not in client.get(dashboard("D-A")).content.decode()
    DataValue.objects.filter(unit=world.tree.commune_a1).update(source=DataValue.Source.DEMO)
    assert "demo-banner" in client.get(dashboard("D-A")).content.decode()


def test_the_breakdown_lists_each_commune_with_its_status_and_chart_data(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(breakdown_url("D-A", world.plan.level))
    by_unit = {row.unit.code: row.status for row in response.context["rows"]}
    assert by_unit == {"C-A1": "met", "C-A2": "not_met"}
    chart = response.context["chart"]
    assert chart["labels"] == ["Xã A1", "Thị trấn A2"]
    assert chart["goals"] == [2.0, 2.0]
    assert 'id="breakdown-data"' in response.content.decode()


def test_the_breakdown_links_to_a_childs_breakdown_only_when_it_has_children(client, world):
    client.force_login(world.users.district_admin)
    a1_breakdown = breakdown_url("C-A1", world.plan.literacy)
    html = client.get(breakdown_url("D-A", world.plan.literacy)).content.decode()
    assert a1_breakdown not in html
    assert values_url("C-A1", world.plan.literacy) in html
    OrgUnit.objects.add_child(
        OrgUnit.objects.get(code="C-A1"), {"code": "C-A1-T1", "name": "Thôn 1"}
    )
    html = client.get(breakdown_url("D-A", world.plan.literacy)).content.decode()
    assert a1_breakdown in html


def test_the_values_page_lists_the_values_with_links_to_their_history(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(values_url("D-A", world.plan.literacy))
    values = list(response.context["values"])
    assert {v.unit.code for v in values} == {"C-A1", "C-A2"}
    assert all(v.period.year == 2020 for v in values)
    html = response.content.decode()
    for v in values:
        assert reverse("value_history", args=[v.pk]) in html
    assert "1.000" in html  # thousands with a dot


def test_the_history_shows_the_old_and_the_new_value_after_a_change(client, world):
    value = a_value_of(world.tree.commune_a1)
    old = value.value
    record_value(
        unit=value.unit, period=value.period, element=value.element, age_band=value.age_band,
        value=Decimal("1234"), source=value.source, actor=world.users.commune_reporter,
        comment="Sửa theo biên bản kiểm tra",
    )  # fmt: skip
    client.force_login(world.users.commune_reporter)
    response = client.get(reverse("value_history", args=[value.pk]))
    latest = response.context["changes"][0]
    assert (latest["old"], latest["new"]) == (old, Decimal("1234"))
    html = response.content.decode()
    assert "1.234" in html  # thousands with a dot
    assert f'<td class="num old-value">{old:,.0f}</td>'.replace(",", ".") in html
    assert "Sửa theo biên bản kiểm tra" in html
    assert len(response.context["changes"]) == 2


def test_a_successors_dashboard_says_which_units_its_past_figures_come_from(client, world):

    tree = world.tree
    add_special_zone(tree)
    client.force_login(world.users.superuser)
    response = client.get(reverse("dashboard", args=["DK-A"]), {"year": 2020})
    assert response.context["measured_through"] == [tree.district_a]
    assert "Huyện A" in response.content.decode()
    own = client.get(reverse("dashboard", args=["D-A"]), {"year": 2020})
    assert own.context["measured_through"] == []


def test_an_approved_values_history_names_the_form_the_unit_the_typist_and_the_approver(
    client, world
):
    from collection import services as collection
    from collection.testing import build_collection

    submission = build_collection(world).submissions["C-A1"]
    typed = {("persons", "", "15-60"): "1000", ("literate_persons", "", "15-60"): "997"}
    collection.save_entries(submission, typed, actor=world.users.commune_reporter)
    collection.submit(submission, actor=world.users.commune_reporter)
    collection.approve(submission, actor=world.users.district_admin)
    value = DataValue.objects.get(unit=world.tree.commune_a1, period__year=2020,
                                  element__code="literate_persons")  # fmt: skip
    client.force_login(world.users.viewer)
    html = client.get(reverse("value_history", args=[value.pk])).content.decode()
    assert f"Biểu mẫu số {submission.pk} “Báo cáo số liệu năm của xã” của Xã A1" in html
    assert "người nhập: reporter_a1" in html and "người duyệt: admin_a" in html
    assert "nhập qua biểu mẫu" in html and "nhập trực tiếp" not in html
    api = client.get(f"/api/v1/values/{value.pk}/history/").json()["results"][0]
    assert api["origin"].startswith(f"Biểu mẫu số {submission.pk}")
    assert api["history_user"] == "admin_a"
    assert api["change_reason"] == f"Duyệt biểu mẫu số {submission.pk}"


def test_a_computed_values_history_shows_the_rule_set_that_produced_it(client, world):
    from indicators.services import NewValue, publish_values

    value = a_value_of(world.tree.commune_a1)
    new = NewValue(value.unit_id, value.period_id, value.element_id, Decimal("990"),
                   sex=value.sex, age_band=value.age_band)  # fmt: skip
    publish_values([new], source="computed", rule_set="nd20-2014@2014.1")
    client.force_login(world.users.viewer)
    html = client.get(reverse("value_history", args=[value.pk])).content.decode()
    assert "Bộ quy tắc: nd20-2014@2014.1" in html
    api = client.get(f"/api/v1/values/{value.pk}/history/").json()["results"]
    assert [r["rule_set"] for r in api] == ["nd20-2014@2014.1", ""]
