"""GET /api/v1/pcgd/standards/ and /api/v1/pcgd/persons/: the pages' engine, scoped and audited."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from units.models import OrgUnit
from universalization.exchange import PERSON_COLUMNS
from universalization.models import PersonAccess, RuleSet
from universalization.queries import current_rules, persons_behind, unit_standards
from universalization.rules import default_rules
from universalization.standards import as_json
from universalization.testing import YEAR, build_register

STANDARDS = "/api/v1/pcgd/standards/"
PERSONS = "/api/v1/pcgd/persons/"


@pytest.fixture
def register(world):
    return build_register(world)


def engine_json(code: str, year: int = YEAR) -> dict:
    """What the API must answer for this unit: the engine's JSON and the rule set used."""
    rules = current_rules()
    evaluation = unit_standards(OrgUnit.objects.get(code=code), year, rules).evaluation
    return as_json(evaluation) | {"rule_set": {"code": rules.code, "version": rules.version}}


# --- standards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, code",
    [
        ("district_admin", "D-A"),
        ("viewer", "D-A"),
        ("viewer", "C-A2"),
        ("commune_reporter", "C-A1"),
        ("unit_reporter", "D-A-GD"),
        ("other_district", "D-B"),
        ("superuser", "VN"),
        ("superuser", "C-B1"),
    ],
)
def test_the_standards_equal_the_engines_json_for_a_unit_in_scope(api, register, role, code):
    response = api(role).get(STANDARDS, {"unit": code, "year": YEAR})
    assert response.status_code == 200
    assert response.json() == engine_json(code)


def test_the_standards_of_a_district_hold_its_communes_and_the_district_itself(api, register):
    body = api("district_admin").get(STANDARDS, {"unit": "D-A", "year": YEAR}).json()
    assert body["year"] == YEAR
    assert body["rule_set"] == {"code": "nd20-2014", "version": "2014.1"}
    assert set(body["communes"]) == {"C-A1", "C-A2"}
    assert set(body["districts"]) == {"D-A"}
    preschool = body["communes"]["C-A1"]["preschool5"]
    assert preschool["rates"]["attending_5"] == {"num": 19, "den": 20}
    assert preschool["levels"] == {"1": "met"}
    assert preschool["level"] == 1
    assert body["districts"]["D-A"]["preschool5"]["1"] == {"met": 1, "of": 2, "status": "not_met"}


def test_a_commune_alone_gets_no_summary_of_its_district(api, register):
    body = api("commune_reporter").get(STANDARDS, {"unit": "C-A1", "year": YEAR}).json()
    assert set(body["communes"]) == {"C-A1"}
    assert body["districts"] == {}


def test_a_body_without_communes_gets_empty_standards(api, register):
    body = api("unit_reporter").get(STANDARDS, {"unit": "D-A-GD", "year": YEAR}).json()
    assert (body["communes"], body["districts"]) == ({}, {})


@pytest.mark.parametrize(
    "role, code",
    [
        ("commune_reporter", "C-A2"),
        ("commune_reporter", "C-B1"),
        ("commune_reporter", "D-A"),
        ("unit_reporter", "C-A1"),
        ("unit_reporter", "D-A"),
        ("other_district", "D-A"),
        ("other_district", "C-A1"),
        ("viewer", "D-B"),
        ("district_admin", "C-B1"),
        ("no_unit", "C-A1"),
        ("superuser", "NO-SUCH-UNIT"),
    ],
)
def test_the_standards_of_a_unit_outside_the_scope_are_404(api, register, role, code):
    assert api(role).get(STANDARDS, {"unit": code, "year": YEAR}).status_code == 404


def test_the_standards_answer_401_to_an_anonymous_request(anonymous, register):
    response = anonymous.get(STANDARDS, {"unit": "C-A1", "year": YEAR})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "params, field",
    [({"unit": "D-A"}, "year"), ({"year": YEAR}, "unit"), ({"unit": "D-A", "year": "abc"}, "year")],
)
def test_the_standards_need_a_unit_and_a_year(api, register, params, field):
    response = api("district_admin").get(STANDARDS, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_standards_come_from_the_newest_active_rule_set(api, register):
    rules = default_rules()
    content = _raw_rules()
    content["version"] = "2099.1"
    content["standards"]["preschool5"]["levels"]["1"]["conditions"][0]["min"] = 96
    RuleSet.objects.create(code=rules.code, version="2099.1", content=content)
    body = api("district_admin").get(STANDARDS, {"unit": "C-A1", "year": YEAR}).json()
    assert body["rule_set"] == {"code": "nd20-2014", "version": "2099.1"}
    assert body["communes"]["C-A1"]["preschool5"]["levels"] == {"1": "not_met"}  # 19/20 < 96 %
    assert body == engine_json("C-A1")


def _raw_rules() -> dict:
    import yaml

    from universalization.rules import DEFAULT_RULES_PATH

    return yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def test_a_token_reads_the_standards_with_its_users_scope(register, world):
    client = APIClient()
    token = Token.objects.create(user=world.users.commune_reporter)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(STANDARDS, {"unit": "C-A1", "year": YEAR}).status_code == 200
    assert client.get(STANDARDS, {"unit": "C-A2", "year": YEAR}).status_code == 404


def test_the_standards_take_a_few_queries_whatever_the_number_of_communes(
    api, register, django_assert_max_num_queries
):
    client = api("superuser")
    client.get(STANDARDS, {"unit": "VN", "year": YEAR})  # sessions and caches warm
    with django_assert_max_num_queries(12):
        assert client.get(STANDARDS, {"unit": "VN", "year": YEAR}).status_code == 200


# --- persons ----------------------------------------------------------------------------


def _codes(response) -> list[str]:
    return [p["person_id"] for p in response.json()["results"]]


@pytest.mark.parametrize(
    "role, commune, count",
    [
        ("commune_reporter", "C-A1", 40),
        ("district_admin", "C-A1", 40),
        ("district_admin", "C-A2", 2),
        ("viewer", "C-A2", 2),
        ("other_district", "C-B1", 1),
        ("superuser", "C-B1", 1),
    ],
)
def test_a_user_lists_the_persons_of_a_commune_in_scope(api, register, role, commune, count):
    response = api(role).get(PERSONS, {"commune": commune})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"]) == (count, None)
    assert {p["commune_code"] for p in body["results"]} == {commune}


@pytest.mark.parametrize(
    "role, commune",
    [
        ("commune_reporter", "C-A2"),
        ("commune_reporter", "C-B1"),
        ("unit_reporter", "C-A1"),
        ("other_district", "C-A1"),
        ("other_district", "C-A2"),
        ("viewer", "C-B1"),
        ("district_admin", "C-B1"),
        ("no_unit", "C-A1"),
        ("superuser", "NO-SUCH-UNIT"),
    ],
)
def test_the_persons_of_a_commune_outside_the_scope_are_404_and_not_audited(
    api, register, role, commune
):
    assert api(role).get(PERSONS, {"commune": commune}).status_code == 404
    assert api(role).get(
        PERSONS, {"commune": commune, "rate": "attending_5", "year": YEAR}
    ).status_code == 404  # fmt: skip
    assert not PersonAccess.objects.exists()


def test_the_persons_answer_401_to_an_anonymous_request(anonymous, register):
    response = anonymous.get(PERSONS, {"commune": "C-A1"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not PersonAccess.objects.exists()


def test_a_person_has_the_columns_of_the_exchange_format(api, register):
    results = api("commune_reporter").get(PERSONS, {"commune": "C-A1"}).json()["results"]
    assert list(results[0]) == list(PERSON_COLUMNS)
    by_id = {p["person_id"]: p for p in results}
    assert by_id["P19"] == {
        "commune_code": "C-A1", "household_id": "H6", "person_id": "P19", "full_name": "Người 19",
        "sex": "F", "birth_year": 2015, "residence": "permanent", "disability": "none",
        "studying": "none", "preschool_completed": "no", "grade1_entry_year": None,
        "primary_completed_year": None, "lower_secondary_diploma_year": None,
        "highest_grade_completed": None, "literacy_stage_completed": None,
    }  # fmt: skip
    adult = by_id["P20"]
    assert (adult["studying"], adult["preschool_completed"]) == (None, None)
    assert (adult["highest_grade_completed"], adult["primary_completed_year"]) == (9, 2011)


def test_the_persons_are_ordered_by_household_and_person_id(api, register):
    results = api("district_admin").get(PERSONS, {"commune": "C-A1"}).json()["results"]
    keys = [(p["household_id"], p["person_id"]) for p in results]
    assert keys == sorted(keys)


@pytest.mark.parametrize("meeting, expected", [("true", 19), ("false", 1), (None, 19)])
def test_the_persons_behind_a_rate_are_those_of_the_engine(api, register, meeting, expected):
    params = {"commune": "C-A1", "rate": "attending_5", "year": YEAR}
    if meeting is not None:
        params["meeting"] = meeting
    response = api("commune_reporter").get(PERSONS, params)
    assert response.status_code == 200
    commune = OrgUnit.objects.get(code="C-A1")
    wanted = persons_behind(commune, YEAR, "attending_5", meeting=meeting != "false")
    assert _codes(response) == [p.code for p in wanted]
    assert response.json()["count"] == expected


def test_the_persons_missing_from_a_rate_are_the_rates_den_minus_num(api, register):
    body = api("district_admin").get(STANDARDS, {"unit": "C-A1", "year": YEAR}).json()
    rate = body["communes"]["C-A1"]["literacy"]["rates"]["literate2"]
    client = api("commune_reporter")
    params = {"commune": "C-A1", "rate": "literate2", "year": YEAR}
    meeting = client.get(PERSONS, params | {"meeting": "true"}).json()["count"]
    missing = client.get(PERSONS, params | {"meeting": "false"}).json()["count"]
    assert (meeting, meeting + missing) == (rate["num"], rate["den"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "commune"),
        ({"commune": "D-A"}, "commune"),
        ({"commune": "C-A1", "rate": "no_such_rate", "year": YEAR}, "rate"),
        ({"commune": "C-A1", "rate": "attending_5"}, "year"),
        ({"commune": "C-A1", "rate": "attending_5", "year": "20x0"}, "year"),
        ({"commune": "C-A1", "rate": "attending_5", "year": YEAR, "meeting": "maybe"}, "meeting"),
    ],
)
def test_a_bad_persons_request_is_400_and_not_audited(api, register, params, field):
    response = api("district_admin").get(PERSONS, params)
    assert response.status_code == 400
    assert field in response.json()
    assert not PersonAccess.objects.exists()


def test_every_list_of_persons_writes_one_access_row_with_its_row_count(api, register, world):
    client = api("commune_reporter")
    client.get(PERSONS, {"commune": "C-A1"})
    client.get(PERSONS, {"commune": "C-A1", "rate": "attending_5", "meeting": "0", "year": YEAR})
    rows = list(PersonAccess.objects.order_by("pk"))
    assert [(r.user, r.unit.code, r.action, r.rows) for r in rows] == [
        (world.users.commune_reporter, "C-A1", "list", 40),
        (world.users.commune_reporter, "C-A1", "list", 1),
    ]
    assert "attending_5" in rows[1].what and "meeting=false" in rows[1].what


def test_an_empty_list_of_persons_is_audited_too(api, register, world):
    params = {"commune": "C-A2", "rate": "attending_5", "year": YEAR}
    assert api("viewer").get(PERSONS, params).json()["count"] == 0
    access = PersonAccess.objects.get()
    assert (access.user, access.unit.code, access.rows) == (world.users.viewer, "C-A2", 0)


def test_the_persons_take_a_few_queries_whatever_their_number(
    api, register, django_assert_max_num_queries
):
    client = api("commune_reporter")
    client.get(PERSONS, {"commune": "C-A1"})
    with django_assert_max_num_queries(10):
        assert client.get(PERSONS, {"commune": "C-A1"}).json()["count"] == 40


# --- schema -----------------------------------------------------------------------------


def test_the_schema_lists_the_pcgd_routes_and_their_parameters(api, world):
    schema = api("viewer").get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    def params(path: str) -> dict[str, bool]:
        return {p["name"]: p.get("required", False) for p in paths[path]["get"]["parameters"]}

    assert params(STANDARDS) == {"unit": True, "year": True}
    assert params(PERSONS) == {
        "commune": True, "rate": False, "meeting": False, "year": False, "page": False,
    }  # fmt: skip
    standards = paths[STANDARDS]["get"]["responses"]["200"]["content"]["application/json"]
    assert standards["schema"]["$ref"].endswith("/Standards")
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert list(person) == list(PERSON_COLUMNS)


def test_a_special_zone_viewing_2020_gets_the_communes_the_page_lists(api, register, world):
    """The page and the API read one function (unit_standards): the đặc khu of 2025 sees in
    2020 the communes of the district it came from, in both."""
    from django.urls import reverse

    from units.testing import add_special_zone

    add_special_zone(world.tree)
    body = api("superuser").get(STANDARDS, {"unit": "DK-A", "year": YEAR}).json()
    assert set(body["communes"]) == {"C-A1", "C-A2"}
    assert set(body["districts"]) == {"D-A"}
    assert body == engine_json("DK-A")
    client = api("superuser")
    page = client.get(reverse("universalization:standards", args=["DK-A"]), {"year": YEAR})
    assert [r.unit.code for r in page.context["rows"]] == sorted(body["communes"])
    assert [s.code for s in page.context["summaries"]] == sorted(body["districts"])
