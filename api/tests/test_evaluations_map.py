"""GET /api/v1/evaluations/?map=as_was|as_is: by the map of the figure's year, or today's."""

from __future__ import annotations

import pytest

from monitoring.tests.test_views_map import add_city_plan
from units.testing import add_special_zone
from units.tests.test_maps import split_b1

URL = "/api/v1/evaluations/"


@pytest.fixture
def city_plan(world):
    return add_city_plan(world)


def test_the_province_breaks_down_by_the_map_of_the_year_or_by_todays(api, world, city_plan):
    add_special_zone(world.tree)
    params = {"plan": city_plan.pk, "unit": "P31", "year": 2020, "breakdown": 1}
    client = api("superuser")
    as_was = client.get(URL, params).json()["results"]
    as_is = client.get(URL, params | {"map": "as_is"}).json()["results"]
    assert {r["unit"] for r in as_was} == {"D-A", "D-B"}
    assert {r["unit"] for r in as_is} == {"DK-A", "D-B"}
    assert {r["map"] for r in as_was} == {"as_was"}
    assert {r["map"] for r in as_is} == {"as_is"}
    zone = next(r for r in as_is if r["unit"] == "DK-A")
    district = next(r for r in as_was if r["unit"] == "D-A")
    assert (zone["num"], zone["den"], zone["status"]) == (1493, 1500, "met")
    assert (zone["num"], zone["den"]) == (district["num"], district["den"])


def test_the_zone_is_one_commune_by_todays_map(api, world):
    add_special_zone(world.tree)
    params = {"plan": world.plan.plan.pk, "unit": "DK-A", "year": 2020}
    client = api("superuser")
    by_code = {}
    for map in ("as_was", "as_is"):
        rows = client.get(URL, params | {"map": map}).json()["results"]
        by_code[map] = {r["clause"]: r for r in rows}
    level = world.plan.level.clause
    assert by_code["as_was"][level]["den"] == 2  # the district's two communes of 2020
    assert by_code["as_is"][level]["coverage"]["expected"] == 1  # the zone, one commune


def test_a_split_communes_figure_is_named_and_never_apportioned(api, world, plan_b):
    split_b1(world.tree)
    params = {"plan": plan_b.pk, "unit": "C-N1", "year": 2020, "map": "as_is"}
    [row] = api("superuser").get(URL, params).json()["results"]
    assert (row["value"], row["status"]) == (None, "no_data")
    assert row["unattributed"] == [{"unit": "C-B1", "successors": ["C-N1", "C-N2"]}]
    assert row["coverage"] == {"reported": 0, "expected": 1}


def test_an_unknown_map_is_refused_in_vietnamese(api, world):
    params = {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020, "map": "today"}
    response = api("viewer").get(URL, params)
    assert response.status_code == 400
    assert response.json()["map"] == ["Tham số “map” phải là một trong: as_was, as_is."]
