"""GET /api/v1/targets/?plan=ID: the targets of a plan the user may see."""

from __future__ import annotations

import pytest


def test_the_targets_of_a_plan_come_in_the_plans_order_with_every_field(api, world):
    p = world.plan
    response = api("viewer").get("/api/v1/targets/", {"plan": p.plan.pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [p.literacy.pk, p.level.pk, p.officials_it.pk]
    assert rows[0] == {
        "id": p.literacy.pk, "plan": p.plan.pk, "clause": "II.1.a", "code": "literacy-15-60",
        "text": "Trên 99% người 15-60 tuổi biết chữ", "indicator": "literacy_15_60",
        "measure": "rate", "subject": None,
        "comparator": "gt", "value": 99.0, "value_max": None, "scope": "unit",
        "population_group": "", "due_year": 2020,
        "milestones": [{"year": 2020, "value": 99.0, "value_max": None, "aspirational": False}],
        "parent_target": None, "parent_relation": "", "part_of": None,
        "void_from": None, "void_reason": "", "reading": "confirmed",
    }  # fmt: skip
    assert rows[1]["scope"] == "every_commune"
    assert (rows[1]["measure"], rows[1]["subject"]) == ("share_of_units", "commune")
    assert rows[1]["milestones"] == [
        {"year": 2020, "value": 100.0, "value_max": None, "aspirational": False}
    ]


@pytest.mark.parametrize(
    "role", ["district_admin", "viewer", "commune_reporter", "unit_reporter", "superuser"]
)
def test_each_role_of_district_a_reads_the_targets_of_its_plan(api, world, role):
    response = api(role).get("/api/v1/targets/", {"plan": world.plan.plan.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_the_other_districts_admin_reads_the_targets_of_their_plan(api, plan_b):
    response = api("other_district").get("/api/v1/targets/", {"plan": plan_b.pk})
    assert [r["plan"] for r in response.json()["results"]] == [plan_b.pk]


@pytest.mark.parametrize("role", ["other_district", "no_unit"])
def test_the_targets_of_a_plan_outside_the_scope_are_404(api, world, role):
    response = api(role).get("/api/v1/targets/", {"plan": world.plan.plan.pk})
    assert response.status_code == 404


def test_a_commune_reporter_gets_404_for_another_districts_targets(api, plan_b):
    response = api("commune_reporter").get("/api/v1/targets/", {"plan": plan_b.pk})
    assert response.status_code == 404


def test_without_a_plan_the_answer_is_400_in_vietnamese(api):
    response = api("viewer").get("/api/v1/targets/")
    assert response.status_code == 400
    assert response.json() == {"plan": ["Thiếu tham số bắt buộc “plan”."]}


def test_a_plan_that_is_not_a_number_is_400(api):
    response = api("viewer").get("/api/v1/targets/", {"plan": "kh-a-2020"})
    assert response.status_code == 400
    assert response.json() == {"plan": ["Tham số “plan” phải là một số nguyên."]}
