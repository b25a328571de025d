"""GET /api/v1/evaluations/: exactly what the dashboard shows, for a unit in the user's scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring.queries import breakdown, evaluate_plan, evaluate_target

URL = "/api/v1/evaluations/"


def as_api_rows(results) -> list[dict]:
    """What the API must answer for these rows of monitoring.queries."""

    def number(value):
        return None if value is None else float(value)

    return [
        {
            "target": r.target.pk, "clause": r.target.clause, "unit": r.unit.code,
            "year": r.year, "value": number(r.value), "num": number(r.num),
            "den": number(r.den), "status": r.status, "milestone_year": r.milestone_year,
            "provisional": r.provisional,
            "coverage": {"reported": r.coverage.reported, "expected": r.coverage.expected},
            "map": "as_was", "unattributed": [],
        }
        for r in results
    ]  # fmt: skip


@pytest.mark.parametrize(
    "code, year", [("D-A", 2020), ("D-A", 2019), ("C-A1", 2020), ("C-A2", 2020), ("D-A-GD", 2020)]
)
def test_the_api_answers_exactly_what_evaluate_plan_returns(api, world, code, year):
    plan = world.plan.plan
    response = api("superuser").get(URL, {"plan": plan.pk, "unit": code, "year": year})
    assert response.status_code == 200
    unit = next(u for u in vars(world.tree).values() if getattr(u, "code", None) == code)
    assert response.json()["results"] == as_api_rows(evaluate_plan(plan, unit, year))


def test_values_are_json_numbers_and_missing_figures_are_null(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020}
    rows = api("viewer").get(URL, params).json()["results"]
    literacy, level, officials = rows
    assert (literacy["num"], literacy["den"], literacy["status"]) == (1493, 1500, "met")
    assert Decimal(str(literacy["value"])) == Decimal("99.533333")
    assert (level["value"], level["status"]) == (50, "not_met")
    assert officials["status"] == "not_met"
    no_data = api("viewer").get(URL, params | {"unit": "D-A-NV"}).json()["results"]
    assert {(r["value"], r["status"]) for r in no_data} == {(None, "no_data")}


@pytest.mark.parametrize(
    "role, code",
    [
        ("district_admin", "D-A"),
        ("viewer", "C-A2"),
        ("commune_reporter", "C-A1"),
        ("unit_reporter", "D-A-GD"),
        ("superuser", "D-A"),
    ],
)
def test_each_role_of_district_a_evaluates_a_unit_of_its_scope(api, world, role, code):
    params = {"plan": world.plan.plan.pk, "unit": code, "year": 2020}
    response = api(role).get(URL, params)
    assert response.status_code == 200
    assert {r["unit"] for r in response.json()["results"]} == {code}
    assert response.json()["count"] == 3


def test_the_other_districts_admin_evaluates_their_own_plan(api, plan_b):
    params = {"plan": plan_b.pk, "unit": "D-B", "year": 2020}
    (row,) = api("other_district").get(URL, params).json()["results"]
    assert (row["unit"], row["num"], row["den"], row["status"]) == ("D-B", 700, 800, "not_met")


def test_a_commune_reporter_gets_404_for_another_communes_evaluations(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "C-A2", "year": 2020}
    assert api("commune_reporter").get(URL, params).status_code == 404


def test_a_unit_of_another_district_is_404(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "C-B1", "year": 2020}
    assert api("viewer").get(URL, params).status_code == 404


@pytest.mark.parametrize("role", ["other_district", "no_unit"])
def test_a_plan_outside_the_scope_is_404(api, world, role):
    params = {"plan": world.plan.plan.pk, "unit": "D-B", "year": 2020}
    assert api(role).get(URL, params).status_code == 404


def test_a_plan_of_another_district_is_404_even_for_a_unit_in_scope(api, plan_b):
    params = {"plan": plan_b.pk, "unit": "D-A", "year": 2020}
    assert api("district_admin").get(URL, params).status_code == 404


def test_a_plan_that_does_not_apply_to_the_unit_is_400(api, world, plan_b):
    params = {"plan": world.plan.plan.pk, "unit": "D-B", "year": 2020}
    response = api("superuser").get(URL, params)
    assert response.status_code == 400
    assert response.json() == {"plan": ["Kế hoạch này không áp dụng cho đơn vị đã chọn."]}


@pytest.mark.parametrize("missing", ["plan", "unit", "year"])
def test_each_missing_parameter_is_named_in_a_400(api, world, missing):
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020}
    del params[missing]
    response = api("viewer").get(URL, params)
    assert response.status_code == 400
    assert response.json() == {missing: [f"Thiếu tham số bắt buộc “{missing}”."]}


def test_all_missing_parameters_are_named_at_once(api):
    response = api("viewer").get(URL)
    assert response.status_code == 400
    assert set(response.json()) == {"plan", "unit", "year"}


@pytest.mark.parametrize("year", ["2020.5", "năm 2020", "99999"])
def test_a_year_that_is_not_a_whole_number_of_a_year_is_400(api, world, year):
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": year}
    response = api("viewer").get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_one_target_gives_one_row_equal_to_evaluate_target(api, world):
    target = world.plan.officials_it
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020, "target": target.pk}
    rows = api("viewer").get(URL, params).json()["results"]
    assert rows == as_api_rows([evaluate_target(target, world.tree.district_a, 2020)])


def test_a_target_of_another_plan_is_400(api, world, plan_b):
    other = plan_b.targets.get()
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020, "target": other.pk}
    response = api("superuser").get(URL, params)
    assert response.status_code == 400
    assert response.json() == {"target": ["Chỉ tiêu này không thuộc kế hoạch đã chọn."]}


@pytest.mark.parametrize("target_name", ["literacy", "level", "officials_it"])
def test_the_breakdown_of_a_target_is_exactly_that_of_the_breakdown_page(api, world, target_name):
    target = getattr(world.plan, target_name)
    params = {
        "plan": world.plan.plan.pk, "unit": "D-A", "year": 2020,
        "target": target.pk, "breakdown": "1",
    }  # fmt: skip
    rows = api("viewer").get(URL, params).json()["results"]
    assert rows
    assert rows == as_api_rows(breakdown(target, world.tree.district_a, 2020))


def test_the_breakdown_of_a_plan_covers_every_target_in_order(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020, "breakdown": "1"}
    rows = api("viewer").get(URL, params).json()["results"]
    a = world.tree.district_a
    expected = [
        r for t in evaluate_plan(world.plan.plan, a, 2020) for r in breakdown(t.target, a, 2020)
    ]
    assert rows == as_api_rows(expected)


def test_a_commune_reporters_breakdown_stays_inside_their_commune(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "C-A1", "year": 2020, "breakdown": "1"}
    response = api("commune_reporter").get(URL, params)
    assert response.status_code == 200
    assert {r["unit"] for r in response.json()["results"]} <= {"C-A1"}


def test_each_row_names_the_milestone_that_judged_it(api, world):
    plan = world.plan.plan
    rows = api("superuser").get(URL, {"plan": plan.pk, "unit": "D-A", "year": 2019}).json()
    assert {r["milestone_year"] for r in rows["results"]} == {2020}
