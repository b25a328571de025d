"""Tests of the units admin: a unit is edited there, never moved (its totals would go stale)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from indicators.models import SubtreeTotal
from indicators.subtree_totals import recompute
from indicators.testing import build_indicators, put_values
from units.models import OrgUnit
from units.testing import build_tree, build_users


@pytest.fixture
def world(db):
    tree = build_tree()
    put_values(tree, build_indicators())
    return SimpleNamespace(tree=tree, users=build_users(tree))


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users.superuser)
    return client


def _form_data(unit: OrgUnit, **changes) -> dict:
    data = {
        "code": unit.code, "name": unit.name, "short_name": unit.short_name,
        "level": unit.level_id or "", "kind": unit.kind, "valid_from": "", "valid_to": "",
        "official_code_source": unit.official_code_source,
    }  # fmt: skip
    return data | changes


def test_the_change_form_has_no_field_that_places_the_unit_in_the_tree(admin_client, world):
    unit = world.tree.commune_a1
    response = admin_client.get(f"/admin/units/orgunit/{unit.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "treebeard_ref_node" not in form.fields
    assert "treebeard_position" not in form.fields
    assert "chức năng tổ chức lại" in response.content.decode()


def test_posting_a_new_parent_to_the_change_form_does_not_move_the_unit(admin_client, world):
    unit, elsewhere = world.tree.commune_a1, world.tree.district_b
    totals_before = set(SubtreeTotal.objects.values_list("unit_id", "element_id", "total"))
    data = _form_data(
        unit,
        name="Xã A1 mới",
        treebeard_ref_node=elsewhere.pk,
        treebeard_position="first-child",
    )
    response = admin_client.post(f"/admin/units/orgunit/{unit.pk}/change/", data)
    assert response.status_code == 302
    moved = OrgUnit.objects.get(pk=unit.pk)
    assert moved.name == "Xã A1 mới"
    assert moved.path == unit.path
    assert OrgUnit.objects.get_parent(moved) == world.tree.district_a
    # Nothing moved, so the stored totals are still those a full recompute gives.
    assert set(SubtreeTotal.objects.values_list("unit_id", "element_id", "total")) == totals_before
    recompute()
    assert set(SubtreeTotal.objects.values_list("unit_id", "element_id", "total")) == totals_before


def test_the_admin_offers_no_drag_and_drop_move(admin_client, world):
    unit = world.tree.commune_a1
    response = admin_client.post(
        "/admin/units/orgunit/move/",
        {
            "node_id": unit.pk,
            "parent_id": world.tree.district_b.pk,
            "sibling_id": "",
            "as_child": 1,
        },
    )
    assert response.status_code in (302, 404)
    assert OrgUnit.objects.get(pk=unit.pk).path == unit.path


def test_a_new_unit_is_still_added_under_a_parent(admin_client, world):
    parent = world.tree.district_b
    new = OrgUnit(code="C-B2", name="Xã B2", kind="administrative")
    new.level = world.tree.levels["commune"]
    data = _form_data(new, treebeard_ref_node=parent.pk, treebeard_position="first-child")
    response = admin_client.post("/admin/units/orgunit/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="C-B2")) == parent
