"""Tests of the units admin: a unit is edited there but never moved; the map changes through
the reorganisation actions, which call the services."""

from __future__ import annotations

import datetime

import pytest

from units.models import OrgUnit, UnitLevel, UnitSuccession

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    commune = UnitLevel.objects.create(code="commune", name="Cấp xã", rank=3)
    city = OrgUnit.objects.add_root({"code": "31", "name": "Thành phố"})
    units = {"city": city, "commune": commune}
    for code in ("D1", "D2"):
        units[code] = OrgUnit.objects.add_child(
            OrgUnit.objects.get(pk=city.pk), {"code": code, "name": f"Huyện {code}"}
        )
    for code, parent in (("A1", "D1"), ("A2", "D1"), ("B1", "D2")):
        units[code] = OrgUnit.objects.add_child(
            OrgUnit.objects.get(pk=units[parent].pk),
            {"code": code, "name": f"Xã {code}", "level": commune},
        )
    return units


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.vn", "x"))
    return client


def _form_data(unit: OrgUnit, **changes) -> dict:
    data = {
        "code": unit.code, "name": unit.name, "short_name": unit.short_name,
        "level": unit.level_id or "", "kind": unit.kind, "valid_from": "", "valid_to": "",
        "official_code_source": unit.official_code_source,
    }  # fmt: skip
    return data | changes


def _paths() -> dict:
    return dict(OrgUnit.objects.values_list("pk", "path"))


def test_the_change_form_has_no_field_that_places_the_unit_in_the_tree(admin_client, tree):
    response = admin_client.get(f"/admin/units/orgunit/{tree['A1'].pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "treebeard_ref_node" not in form.fields
    assert "treebeard_position" not in form.fields
    assert "chức năng tổ chức lại" in response.content.decode()


def test_a_unit_cannot_be_moved_by_posting_a_new_parent(admin_client, tree):
    before = _paths()
    data = _form_data(
        tree["A1"], name="Xã A1 mới", treebeard_ref_node=tree["D2"].pk,
        treebeard_position="first-child",
    )  # fmt: skip
    response = admin_client.post(f"/admin/units/orgunit/{tree['A1'].pk}/change/", data)
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=tree["A1"].pk).name == "Xã A1 mới"
    assert _paths() == before


def test_a_unit_cannot_be_moved_by_drag_and_drop(admin_client, tree):
    before = _paths()
    response = admin_client.post(
        "/admin/units/orgunit/move/",
        {"node_id": tree["A1"].pk, "parent_id": tree["D2"].pk, "sibling_id": "", "as_child": 1},
    )
    assert response.status_code in (302, 404)
    assert _paths() == before


def test_a_code_held_by_another_unit_on_a_common_day_is_refused(admin_client, tree):
    data = _form_data(tree["A1"], code="B1")
    response = admin_client.post(f"/admin/units/orgunit/{tree['A1'].pk}/change/", data)
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert OrgUnit.objects.get(pk=tree["A1"].pk).code == "A1"


def test_a_new_unit_is_still_added_under_a_parent(admin_client, tree):
    new = OrgUnit(code="C-B2", name="Xã B2", kind="administrative", level=tree["commune"])
    data = _form_data(new, treebeard_ref_node=tree["D2"].pk, treebeard_position="first-child")
    response = admin_client.post("/admin/units/orgunit/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="C-B2")) == tree["D2"]


def _action(client, action: str, units, **form):
    data = {"action": action, "_selected_action": [u.pk for u in units], **form}
    return client.post("/admin/units/orgunit/", data)


def test_the_merge_action_asks_for_the_new_unit_then_calls_the_service(admin_client, tree):
    page = _action(admin_client, "merge_units", [tree["A1"], tree["A2"]])
    assert page.status_code == 200 and "legal_act" in page.context["form"].fields
    before = _paths()
    done = _action(
        admin_client, "merge_units", [tree["A1"], tree["A2"]], apply="1", on="2026-01-01",
        legal_act="Nghị quyết 9/NQ-UBTVQH15", code="A12", name="Xã A12",
    )  # fmt: skip
    assert done.status_code == 302
    new = OrgUnit.objects.get(code="A12")
    assert OrgUnit.objects.get_parent(new) == tree["D1"]
    assert UnitSuccession.objects.filter(successor=new).count() == 2
    assert all(_paths()[pk] == path for pk, path in before.items())
    assert OrgUnit.objects.get(pk=tree["A1"].pk).valid_to == datetime.date(2025, 12, 31)


def test_the_split_action_takes_one_new_unit_a_line(admin_client, tree):
    done = _action(
        admin_client, "split_unit", [tree["B1"]], apply="1", on="2026-01-01",
        legal_act="NQ 9", parts="B1a = Xã B1a\nB1b = Xã B1b\n",
    )  # fmt: skip
    assert done.status_code == 302
    assert UnitSuccession.objects.filter(predecessor=tree["B1"], kind="split").count() == 2


def test_a_refused_reorganisation_shows_why_and_changes_nothing(admin_client, tree):
    page = _action(
        admin_client, "merge_units", [tree["A1"], tree["B1"]], apply="1", on="2026-01-01",
        legal_act="NQ 9", code="X", name="Xã X",
    )  # fmt: skip
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    assert not UnitSuccession.objects.exists()
    assert OrgUnit.objects.get(pk=tree["A1"].pk).valid_to is None


def test_staff_who_may_only_view_units_cannot_change_the_map(client, tree, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_orgunit"))
    client.force_login(viewer)
    page = client.get("/admin/units/orgunit/")
    assert page.status_code == 200 and "merge_units" not in page.content.decode()
    _action(
        client, "merge_units", [tree["A1"], tree["A2"]], apply="1", on="2026-01-01",
        legal_act="NQ 9", code="A12", name="Xã A12",
    )  # fmt: skip
    assert not UnitSuccession.objects.exists()
    assert OrgUnit.objects.get(pk=tree["A1"].pk).valid_to is None
