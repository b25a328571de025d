"""GET /api/v1/plans/ and /api/v1/plans/<id>/: plans of the user's units and those above."""

from __future__ import annotations

import pytest

VISIBLE = {
    "district_admin": {"kh-a-2020"},
    "viewer": {"kh-a-2020"},
    "commune_reporter": {"kh-a-2020"},
    "unit_reporter": {"kh-a-2020"},
    "other_district": {"kh-b-2020"},
    "superuser": {"kh-a-2020", "kh-b-2020"},
    "no_unit": set(),
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_lists_exactly_the_plans_it_may_see(api, plan_b, role):
    response = api(role).get("/api/v1/plans/")
    assert response.status_code == 200
    assert {p["code"] for p in response.json()["results"]} == VISIBLE[role]


def test_a_plan_in_the_list_has_its_header(api, world):
    (row,) = api("viewer").get("/api/v1/plans/").json()["results"]
    assert row == {
        "id": world.plan.plan.pk, "code": "kh-a-2020", "number": "08/KH-BCĐ",
        "title": "Kế hoạch xây dựng xã hội học tập huyện A", "issued_on": "2020-01-03",
        "issuer": "Ban Chỉ đạo huyện A", "place": "Huyện A", "owner": "D-A",
        "kind": "plan", "issuer_unit": "D-A", "implements": [],
        "start_year": 2020, "end_year": 2020, "headers_only": False, "reading": "confirmed",
    }  # fmt: skip


def test_a_plan_names_the_plans_it_implements_by_code(api, world):
    from plans.models import Plan
    from units.models import OrgUnit

    city = list(OrgUnit.objects.get_ancestors(world.plan.plan.owner))[-1]
    above = Plan.objects.create(
        code="kh-city-2019", number="300/KH-UBND", title="Kế hoạch của thành phố",
        issued_on="2019-04-24", issuer="UBND thành phố", owner=city,
        start_year=2019, end_year=2020, headers_only=True,
    )  # fmt: skip
    world.plan.plan.implements.add(above)
    rows = {r["code"]: r for r in api("viewer").get("/api/v1/plans/").json()["results"]}
    assert rows["kh-a-2020"]["implements"] == ["kh-city-2019"]
    assert rows["kh-city-2019"]["issuer_unit"] == above.owner.code


@pytest.mark.parametrize(
    "role", ["district_admin", "viewer", "commune_reporter", "unit_reporter", "superuser"]
)
def test_each_role_of_district_a_reads_its_plan(api, world, role):
    response = api(role).get(f"/api/v1/plans/{world.plan.plan.pk}/")
    assert response.status_code == 200
    assert response.json()["code"] == "kh-a-2020"


@pytest.mark.parametrize("role", ["district_admin", "commune_reporter", "unit_reporter"])
def test_another_districts_plan_is_404(api, plan_b, role):
    assert api(role).get(f"/api/v1/plans/{plan_b.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["other_district", "no_unit"])
def test_district_as_plan_is_404_outside_its_scope(api, world, role):
    assert api(role).get(f"/api/v1/plans/{world.plan.plan.pk}/").status_code == 404


def test_the_other_districts_admin_reads_their_own_plan(api, plan_b):
    assert api("other_district").get(f"/api/v1/plans/{plan_b.pk}/").status_code == 200


def test_a_plan_holds_its_references_objectives_tasks_budget_and_duties(api, world):
    p = world.plan
    doc = api("viewer").get(f"/api/v1/plans/{p.plan.pk}/").json()
    assert [r["number"] for r in doc["references"]] == ["89/QĐ-TTg", "300/KH-UBND"]
    assert doc["references"][1]["relation"] == "implements"
    assert [s["kind"] for s in doc["statements"]][:2] == ["purpose", "requirement"]
    assert [(g["number"], g["targets"]) for g in doc["objective_groups"]] == [
        ("1", [p.literacy.pk, p.level.pk]),
        ("2", [p.officials_it.pk]),
    ]
    assert [[t["code"] for t in g["tasks"]] for g in doc["task_groups"]] == [
        ["1.1", "1.2"],
        ["2.1"],
    ]
    assert [b["kind"] for b in doc["budget_sources"]] == ["state_budget", "other"]
    clauses = {c["number"]: c for c in doc["clauses"]}
    assert (clauses["1"]["unit"], clauses["1"]["group"]) == ("D-A-GD", None)
    assert (clauses["3"]["unit"], clauses["3"]["group"]) == (None, "D-A-XA")
    lead = clauses["1"]["duties"][0]
    assert (lead["role"], lead["tasks"], lead["targets"], lead["named_units"]) == (
        "lead",
        [p.tasks[0].pk],
        [p.literacy.pk],
        ["D-A-KH"],
    )


def test_a_plan_is_read_in_a_fixed_number_of_queries(api, world, django_assert_max_num_queries):
    client = api("superuser")
    with django_assert_max_num_queries(20):
        assert client.get(f"/api/v1/plans/{world.plan.plan.pk}/").status_code == 200


def test_an_unknown_plan_is_404(api, world):
    assert api("superuser").get("/api/v1/plans/999999/").status_code == 404
