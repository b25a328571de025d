"""GET /api/v1/values/ and /api/v1/values/<id>/history/: the value store, inside the scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import DataValue
from indicators.services import record_value

COUNTS = {
    "district_admin": 12,
    "viewer": 12,
    "commune_reporter": 5,
    "unit_reporter": 2,
    "other_district": 2,
    "superuser": 14,
    "no_unit": 0,
}
UNITS = {
    "commune_reporter": {"C-A1"},
    "unit_reporter": {"D-A-GD"},
    "other_district": {"C-B1"},
}


@pytest.mark.parametrize("role", COUNTS)
def test_each_role_lists_only_the_values_of_its_scope(api, role):
    response = api(role).get("/api/v1/values/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == COUNTS[role]
    if role in UNITS:
        assert {r["unit"] for r in body["results"]} == UNITS[role]
    if role in ("district_admin", "viewer"):
        assert not {r["unit"] for r in body["results"]} & {"C-B1"}


def test_a_value_names_its_unit_period_and_element_by_code(api, world):
    params = {"unit": "C-A2", "year": 2020, "element": "literate_persons"}
    (row,) = api("viewer").get("/api/v1/values/", params).json()["results"]
    stored = DataValue.objects.get(unit__code="C-A2", element__code="literate_persons")
    assert row | {"updated_at": None} == {
        "id": stored.pk, "unit": "C-A2", "period": "2020", "element": "literate_persons",
        "sex": "", "age_band": "15-60", "value": 498.0, "source": "entered", "origin": "",
        "rule_set": "", "updated_at": None,
    }  # fmt: skip


def test_the_year_and_element_filters_narrow_the_list(api):
    client = api("commune_reporter")
    assert client.get("/api/v1/values/", {"year": 2019}).json()["count"] == 2
    assert client.get("/api/v1/values/", {"element": "literacy_level"}).json()["count"] == 1


def test_a_unit_outside_the_scope_is_404(api):
    assert api("viewer").get("/api/v1/values/", {"unit": "C-B1"}).status_code == 404
    assert api("commune_reporter").get("/api/v1/values/", {"unit": "C-A2"}).status_code == 404


def test_a_year_that_is_not_a_number_is_400(api):
    response = api("viewer").get("/api/v1/values/", {"year": "2020a"})
    assert response.status_code == 400
    assert response.json() == {"year": ["Tham số “year” phải là một số nguyên."]}


def value_of(code: str, element: str, year: int = 2020) -> DataValue:
    return DataValue.objects.get(unit__code=code, element__code=element, period__year=year)


def test_a_value_outside_the_scope_is_404(api, world):
    value = value_of("C-B1", "persons")
    assert api("viewer").get(f"/api/v1/values/{value.pk}/").status_code == 404
    assert api("other_district").get(f"/api/v1/values/{value.pk}/").status_code == 200


@pytest.fixture
def changed_value(world):
    """A1's literate persons of 2020, corrected by the district admin from 995 to 996."""
    value = value_of("C-A1", "literate_persons")
    return record_value(
        unit=value.unit, period=value.period, element=value.element, age_band="15-60",
        value=Decimal(996), source=DataValue.Source.ENTERED, actor=world.users.district_admin,
    )  # fmt: skip


def test_the_history_of_a_value_lists_every_change_newest_first(api, changed_value):
    response = api("commune_reporter").get(f"/api/v1/values/{changed_value.pk}/history/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["history_type"], r["value"], r["history_user"]) for r in rows] == [
        ("~", 996.0, "admin_a"),
        ("+", 995.0, None),
    ]
    assert set(rows[0]) == {
        "history_id",
        "history_date",
        "history_user",
        "history_type",
        "value",
        "source",
        "origin",
        "rule_set",
        "change_reason",
    }


@pytest.mark.parametrize("role", ["unit_reporter", "other_district", "no_unit"])
def test_the_history_of_a_value_outside_the_scope_is_404(api, changed_value, role):
    assert api(role).get(f"/api/v1/values/{changed_value.pk}/history/").status_code == 404


def test_the_history_of_an_unknown_value_is_404(api, world):
    assert api("superuser").get("/api/v1/values/999999/history/").status_code == 404


def test_long_lists_come_in_pages_of_one_hundred(api, world):
    DataValue.objects.bulk_create(
        DataValue(
            unit=world.tree.commune_a1,
            period=world.ind.periods[2020],
            element=world.ind.persons,
            age_band=f"b{i:03}",
            value=Decimal(i),
        )  # fmt: skip
        for i in range(101)
    )
    client = api("commune_reporter")
    first = client.get("/api/v1/values/").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (106, 100, None)
    assert first["next"].endswith("/api/v1/values/?page=2")
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (6, None)
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 106
