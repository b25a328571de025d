"""Every API route that takes an object's id or code (submission, data value and its
history, unit, plan) answers 404 outside the user's scope, for every role, and a write there
changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from collection.models import Entry, Submission
from collection.services import open_round
from collection.testing import build_collection
from indicators.models import DataValue
from units.models import Membership
from units.testing import add_special_zone

ROLES = ["no_unit", "district_admin", "viewer", "commune_reporter", "unit_reporter",
         "other_district", "zone_viewer", "superuser"]  # fmt: skip
OFFICE_A = {"district_admin", "viewer", "zone_viewer", "superuser"}
OFFICE_B = {"other_district", "superuser"}


@pytest.fixture
def objects(world, plan_b):
    """Submissions of communes A1 (district A's round) and B1 (district B's round), values of
    both communes, both districts' plans, and a viewer of the special zone after district A."""
    collection = build_collection(world)
    round_b = open_round(
        owner=world.tree.district_b, period=world.ind.periods[2020], code="bc-b-2020",
        name="Báo cáo huyện B", opens_on=datetime.date(2020, 12, 1),
        due_on=datetime.date(2021, 1, 15), data_sets=[collection.data_set],
        actor=world.users.other_district,
    )  # fmt: skip
    zone = add_special_zone(world.tree)
    viewer = get_user_model().objects.create_user("viewer_dk", password="x")
    Membership.objects.create(user=viewer, unit=zone, role=Membership.Role.VIEWER)
    world.users.zone_viewer = viewer
    return {
        "sub_a1": collection.submissions["C-A1"].pk,
        "sub_b1": round_b.submissions.get().pk,
        "value_a1": DataValue.objects.filter(unit__code="C-A1").order_by("pk").first().pk,
        "value_b1": DataValue.objects.filter(unit__code="C-B1").order_by("pk").first().pk,
        "plan_a": world.plan.plan.pk,
        "plan_b": plan_b.pk,
    }


def client_as(world, role: str) -> APIClient:
    client = APIClient()
    client.force_login(getattr(world.users, role))
    return client


def reads(o: dict) -> dict[str, tuple[str, set[str]]]:
    """Route: (address, roles that may read it); every other role gets 404."""
    commune_a = OFFICE_A | {"commune_reporter"}
    base = "/api/v1/"
    return {
        "submission A1": (f"{base}collection/submissions/{o['sub_a1']}/", commune_a),
        "submission B1": (f"{base}collection/submissions/{o['sub_b1']}/", OFFICE_B),
        "value A1": (f"{base}values/{o['value_a1']}/", commune_a),
        "value A1 history": (f"{base}values/{o['value_a1']}/history/", commune_a),
        "value B1": (f"{base}values/{o['value_b1']}/", OFFICE_B),
        "value B1 history": (f"{base}values/{o['value_b1']}/history/", OFFICE_B),
        "unit C-A1": (f"{base}units/C-A1/", commune_a),
        "unit C-B1": (f"{base}units/C-B1/", OFFICE_B),
        "plan A": (f"{base}plans/{o['plan_a']}/", commune_a | {"unit_reporter"}),
        "plan B": (f"{base}plans/{o['plan_b']}/", OFFICE_B),
    }


def writes(o: dict) -> dict[str, tuple[str, str, dict, set[str]]]:
    """Route: (method, address, body, roles whose write is taken)."""
    entries = {"version": 1, "values": [{"element": "persons", "age_band": "15-60",
                                         "value": 1000}]}  # fmt: skip
    routes = {}
    for name, pk, reporters, office in [
        ("A1", o["sub_a1"], {"commune_reporter", "district_admin", "superuser"},
         {"district_admin", "superuser"}),
        ("B1", o["sub_b1"], OFFICE_B, OFFICE_B),
    ]:  # fmt: skip
        url = f"/api/v1/collection/submissions/{pk}/"
        routes |= {
            f"entries {name}": ("put", f"{url}entries/", entries, reporters),
            f"submit {name}": ("post", f"{url}submit/", {"version": 1}, reporters),
            f"approve {name}": ("post", f"{url}approve/", {}, office),
            f"return {name}": ("post", f"{url}return/", {"comment": "Sai"}, office),
            f"reopen {name}": ("post", f"{url}reopen/", {"reason": "Sửa"}, office),
        }
    return routes


def state() -> tuple:
    return (
        list(Submission.objects.order_by("pk").values_list("pk", "status", "version")),
        Entry.objects.count(), DataValue.objects.count(), Submission.history.count(),
    )  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_the_objects_of_its_scope(world, objects, role):
    client = client_as(world, role)
    wrong = []
    for name, (url, allowed) in reads(objects).items():
        expected = 200 if role in allowed else 404
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{name}: {status}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_a_write_outside_the_scope_is_404_and_changes_nothing(world, objects, role):
    client = client_as(world, role)
    wrong = []
    for name, (method, url, body, allowed) in writes(objects).items():
        before = state()
        status = getattr(client, method)(url, body, format="json").status_code
        if role in allowed:
            if status == 404 or status >= 500:
                wrong.append(f"{name}: {status}, expected the write to be taken or refused")
            continue
        if status != 404:
            wrong.append(f"{name}: {status}, expected 404")
        if state() != before:
            wrong.append(f"{name}: something was written")
    assert wrong == []


def test_an_anonymous_client_gets_401_on_every_object(anonymous, world, objects):
    for url, _allowed in reads(objects).values():
        assert anonymous.get(url).status_code == 401, url
    before = state()
    for method, url, body, _allowed in writes(objects).values():
        assert getattr(anonymous, method)(url, body, format="json").status_code == 401, url
    assert state() == before
