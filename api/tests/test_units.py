"""GET /api/v1/units/ and /api/v1/units/<code>/: only units inside the user's scope."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Membership, OrgUnit, UnitSuccession

SUBTREE_A = {"D-A", "C-A1", "C-A2", "D-A-GD", "D-A-KH", "D-A-NV"}
EVERYTHING = SUBTREE_A | {"VN", "P31", "D-B", "C-B1"}
SCOPE = {
    "district_admin": SUBTREE_A,
    "viewer": SUBTREE_A,
    "commune_reporter": {"C-A1"},
    "unit_reporter": {"D-A-GD"},
    "other_district": {"D-B", "C-B1"},
    "superuser": EVERYTHING,
    "no_unit": set(),
}


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", SCOPE)
def test_each_role_lists_exactly_the_units_of_its_scope(api, role):
    response = api(role).get("/api/v1/units/")
    assert response.status_code == 200
    assert codes(response) == SCOPE[role]
    assert response.json()["count"] == len(SCOPE[role])


def test_the_commune_reporters_list_holds_only_their_commune(api):
    assert codes(api("commune_reporter").get("/api/v1/units/")) == {"C-A1"}


def test_the_viewer_of_district_a_sees_its_subtree_and_not_district_b(api):
    found = codes(api("viewer").get("/api/v1/units/"))
    assert "C-A2" in found
    assert not found & {"D-B", "C-B1"}


def test_a_unit_names_its_level_kind_and_parent_by_code(api):
    rows = {r["code"]: r for r in api("superuser").get("/api/v1/units/").json()["results"]}
    assert rows["C-A1"] | {"id": None} == {
        "id": None, "code": "C-A1", "name": "Xã A1", "short_name": "", "level": "commune",
        "kind": "administrative", "parent": "D-A", "valid_from": None, "valid_to": None,
        "predecessors": [], "successors": [],
    }  # fmt: skip
    assert rows["D-A-GD"]["level"] is None
    assert rows["D-A-GD"]["kind"] == "department"
    assert rows["VN"]["parent"] is None


def test_units_are_listed_in_tree_order(api):
    rows = api("superuser").get("/api/v1/units/").json()["results"]
    assert [r["code"] for r in rows[:3]] == ["VN", "P31", "D-A"]


def test_the_parent_filter_lists_the_direct_children(api):
    response = api("viewer").get("/api/v1/units/", {"parent": "D-A"})
    assert codes(response) == SUBTREE_A - {"D-A"}


def test_a_parent_outside_the_scope_is_404(api):
    assert api("commune_reporter").get("/api/v1/units/", {"parent": "D-A"}).status_code == 404
    assert api("viewer").get("/api/v1/units/", {"parent": "D-B"}).status_code == 404


def test_the_level_filter_takes_a_level_code(api):
    response = api("superuser").get("/api/v1/units/", {"level": "commune"})
    assert codes(response) == {"C-A1", "C-A2", "C-B1"}


def test_the_valid_on_filter_leaves_out_units_that_did_not_exist_that_day(api, world):
    OrgUnit.objects.filter(code="C-A2").update(valid_from=datetime.date(2021, 1, 1))
    OrgUnit.objects.filter(code="C-A1").update(valid_to=datetime.date(2019, 12, 31))
    response = api("viewer").get("/api/v1/units/", {"valid_on": "2020-06-30"})
    assert codes(response) == SUBTREE_A - {"C-A1", "C-A2"}
    assert "C-A2" in codes(api("viewer").get("/api/v1/units/", {"valid_on": "2021-01-01"}))


def test_a_bad_valid_on_date_is_400_in_vietnamese(api):
    response = api("viewer").get("/api/v1/units/", {"valid_on": "30/06/2020"})
    assert response.status_code == 400
    assert response.json() == {
        "valid_on": ["Tham số “valid_on” phải là một ngày theo dạng YYYY-MM-DD."]
    }


@pytest.mark.parametrize(
    "role, code",
    [
        ("district_admin", "D-A"),
        ("viewer", "C-A2"),
        ("commune_reporter", "C-A1"),
        ("unit_reporter", "D-A-GD"),
        ("other_district", "C-B1"),
        ("superuser", "VN"),
    ],
)
def test_each_role_reads_a_unit_of_its_scope(api, role, code):
    response = api(role).get(f"/api/v1/units/{code}/")
    assert response.status_code == 200
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "role, code",
    [
        ("district_admin", "C-B1"),
        ("viewer", "D-B"),
        ("commune_reporter", "C-A2"),
        ("unit_reporter", "D-A"),
        ("other_district", "C-A1"),
        ("no_unit", "VN"),
    ],
)
def test_a_unit_outside_the_scope_is_404(api, role, code):
    assert api(role).get(f"/api/v1/units/{code}/").status_code == 404


def test_an_unknown_unit_is_404(api):
    assert api("superuser").get("/api/v1/units/NOPE/").status_code == 404


@pytest.fixture
def special_zone(world):
    """Đặc khu DK-A replaces district A on 1 July 2025; its admin also reaches district A."""
    province = OrgUnit.objects.get(code="P31")
    zone = OrgUnit.objects.add_child(
        province,
        {"code": "DK-A", "name": "Đặc khu A", "level": world.tree.levels["commune"],
         "valid_from": datetime.date(2025, 7, 1)},
    )  # fmt: skip
    OrgUnit.objects.filter(code="D-A").update(valid_to=datetime.date(2025, 6, 30))
    UnitSuccession.objects.create(
        predecessor=world.tree.district_a, successor=zone, kind="renamed",
        effective_on=datetime.date(2025, 7, 1), legal_act="1669/NQ-UBTVQH15",
    )  # fmt: skip
    Membership.objects.create(
        user=world.users.no_unit, unit=zone, role=Membership.Role.DISTRICT_ADMIN
    )
    return zone


def test_a_unit_lists_its_predecessors_and_successors_by_code(api, special_zone):
    assert api("superuser").get("/api/v1/units/D-A/").json()["successors"] == ["DK-A"]
    zone = api("no_unit").get("/api/v1/units/DK-A/").json()
    assert (zone["predecessors"], zone["parent"], zone["valid_from"]) == (
        ["D-A"],
        "P31",
        "2025-07-01",
    )


def test_a_successor_outside_the_scope_is_not_named(api, special_zone):
    district = api("viewer").get("/api/v1/units/D-A/").json()
    assert district["successors"] == []


def test_a_successors_user_reaches_the_predecessors_subtree(api, special_zone):
    assert codes(api("no_unit").get("/api/v1/units/")) == SUBTREE_A | {"DK-A"}


def test_the_list_takes_as_many_queries_for_a_hundred_more_units(api, world):
    client = api("district_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/units/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    district = OrgUnit.objects.get(code="D-A")
    for i in range(100):
        OrgUnit.objects.add_child(
            district, {"code": f"C-A-{i}", "name": f"Xã {i}", "level": world.tree.levels["commune"]}
        )
        district.refresh_from_db()
    assert queries() == before
