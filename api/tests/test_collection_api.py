"""/api/v1/collection/submissions/: read, save, submit, return, approve and reopen, with the
forms' scope, validation and version check."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from collection import services
from collection.models import Entry, Submission
from collection.testing import build_collection
from indicators.models import DataValue

BASE = "/api/v1/collection/submissions/"
GOOD = [
    {"element": "persons", "age_band": "15-60", "value": "1.100"},
    {"element": "literate_persons", "sex": "", "age_band": "15-60", "value": 1099},
]


@pytest.fixture
def collection(world):
    return build_collection(world)


@pytest.fixture
def english(api):
    with translation.override("en"):
        yield


def lang(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(submission: Submission, action: str = "") -> str:
    return f"{BASE}{submission.pk}/" + (f"{action}/" if action else "")


def put(client, submission, values, version=1):
    return client.put(url(submission, "entries"), {"version": version, "values": values},
                      format="json")  # fmt: skip


@pytest.fixture
def a1(collection) -> Submission:
    return collection.submissions["C-A1"]


@pytest.fixture
def a2(collection) -> Submission:
    return collection.submissions["C-A2"]


# --- Reading ---


def test_the_list_is_scoped_to_the_user(api, collection):
    codes = {
        role: [row["unit"] for row in api(role).get(BASE, {"round": "bc-2020"}).json()["results"]]
        for role in ("district_admin", "viewer", "commune_reporter", "unit_reporter",
                     "other_district")
    }  # fmt: skip
    assert codes == {"district_admin": ["C-A1", "C-A2"], "viewer": ["C-A1", "C-A2"],
                     "commune_reporter": ["C-A1"], "unit_reporter": [],
                     "other_district": []}  # fmt: skip


def test_the_list_needs_a_round(api, collection):
    assert api("viewer").get(BASE).status_code == 400


def test_a_submission_lists_every_cell_its_problems_version_and_status(api, a1):
    body = api("commune_reporter").get(url(a1)).json()
    assert (body["status"], body["version"], body["unit"]) == ("draft", 1, "C-A1")
    assert {"element": "persons", "sex": "", "age_band": "15-60", "value": None,
            "explanation": ""} in body["values"]  # fmt: skip
    assert len(body["values"]) == 4
    required = {(p["element"], p["rule"], p["severity"]) for p in body["problems"]}
    assert required == {("persons", "required", "hard"), ("literate_persons", "required", "hard")}


def test_an_anonymous_client_gets_401(anonymous, a1):
    assert anonymous.get(url(a1)).status_code == 401
    assert put(anonymous, a1, GOOD).status_code == 401


# --- Writing ---


def test_a_commune_reporter_saves_values_typed_or_numbers(api, a1):
    response = put(api("commune_reporter"), a1, GOOD)
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    values = services.current_values(a1)
    assert values == {("persons", "", "15-60"): Decimal("1100"),
                      ("literate_persons", "", "15-60"): Decimal("1099")}  # fmt: skip


def test_a_saved_draft_may_break_rules_and_lists_the_problems(api, a1):
    values = [{"element": "persons", "age_band": "15-60", "value": 10},
              {"element": "literate_persons", "age_band": "15-60", "value": 11}]  # fmt: skip
    body = put(api("commune_reporter"), a1, values).json()
    assert "literate-le-persons" in {p["rule"] for p in body["problems"]}


def test_text_that_is_no_number_saves_nothing_and_answers_400(api, a1, english):
    values = [*GOOD, {"element": "officials", "value": "abc"}]
    response = put(lang(api("commune_reporter")), a1, values)
    assert response.status_code == 400
    assert response.json()["unreadable"][0]["value"] == "abc"
    assert Entry.objects.count() == 0
    assert Submission.objects.get(pk=a1.pk).version == 1


def test_an_unknown_cell_answers_400(api, a1):
    response = put(api("commune_reporter"), a1, [{"element": "ghosts", "value": 1}])
    assert response.status_code == 400 and Entry.objects.count() == 0


def test_the_second_of_two_clients_on_the_same_version_gets_409(api, a1, english):
    first, second = api("commune_reporter"), lang(api("district_admin"))
    assert put(first, a1, GOOD, version=1).status_code == 200
    response = put(second, a1, [{"element": "persons", "age_band": "15-60", "value": 5}], 1)
    assert response.status_code == 409
    assert "Someone else saved this form" in response.json()["detail"]
    assert services.current_values(a1)[("persons", "", "15-60")] == Decimal("1100")


def test_the_whole_workflow_through_the_api(api, a1):
    reporter, office = api("commune_reporter"), api("district_admin")
    assert put(reporter, a1, GOOD).status_code == 200
    assert reporter.post(url(a1, "submit"), {"version": 2}, format="json").json()["status"] == (
        "submitted"
    )
    returned = office.post(url(a1, "return"), {"comment": "Kiểm tra lại"}, format="json")
    assert (returned.json()["status"], returned.json()["comment"]) == ("returned", "Kiểm tra lại")
    version = returned.json()["version"]
    assert reporter.post(url(a1, "submit"), {"version": version}, format="json").status_code == 200
    assert office.post(url(a1, "approve")).json()["status"] == "approved"
    assert DataValue.objects.filter(unit__code="C-A1", element__code="persons").exists()
    assert put(reporter, a1, GOOD, version=99).status_code == 400  # approved: locked
    reopened = office.post(url(a1, "reopen"), {"reason": "Sai số liệu"}, format="json")
    assert reopened.json()["status"] == "returned"


def test_a_submission_with_a_hard_problem_is_refused_with_the_problems(api, a1, english):
    reporter = lang(api("commune_reporter"))
    values = [{"element": "persons", "age_band": "15-60", "value": 10},
              {"element": "literate_persons", "age_band": "15-60", "value": 11}]  # fmt: skip
    put(reporter, a1, values)
    response = reporter.post(url(a1, "submit"), {"version": 2}, format="json")
    assert response.status_code == 400
    assert "literate-le-persons" in {p["rule"] for p in response.json()["problems"]}
    assert Submission.objects.get(pk=a1.pk).status == "draft"


def test_a_return_needs_a_comment(api, a1, world):
    services.save_entries(a1, {("persons", "", "15-60"): "1100",
                               ("literate_persons", "", "15-60"): "1099"},
                          actor=world.users.commune_reporter)  # fmt: skip
    services.submit(a1, actor=world.users.commune_reporter)
    assert api("district_admin").post(url(a1, "return"), {}, format="json").status_code == 400


# --- Scope ---


def test_a_commune_reporter_cannot_read_or_write_another_commune(api, a2):
    client = api("commune_reporter")
    assert client.get(url(a2)).status_code == 404
    assert put(client, a2, GOOD).status_code == 404
    assert client.post(url(a2, "submit"), {"version": 1}, format="json").status_code == 404
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("role", ["unit_reporter", "commune_reporter", "viewer"])
def test_only_the_office_may_approve_return_or_reopen(api, a1, world, role):
    services.save_entries(a1, {("persons", "", "15-60"): "1100",
                               ("literate_persons", "", "15-60"): "1099"},
                          actor=world.users.commune_reporter)  # fmt: skip
    services.submit(a1, actor=world.users.commune_reporter)
    client = api(role)
    assert client.post(url(a1, "approve")).status_code == 404
    assert client.post(url(a1, "return"), {"comment": "x"}, format="json").status_code == 404
    assert Submission.objects.get(pk=a1.pk).status == "submitted"


def test_a_viewer_may_read_but_not_write(api, a1):
    client = api("viewer")
    assert client.get(url(a1)).status_code == 200
    assert put(client, a1, GOOD).status_code == 404
    assert Entry.objects.count() == 0


def test_another_district_gets_404_everywhere(api, a1):
    client = api("other_district")
    assert client.get(url(a1)).status_code == 404
    assert put(client, a1, GOOD).status_code == 404
    assert client.post(url(a1, "approve")).status_code == 404


def test_the_schema_lists_the_collection_endpoints(api):
    paths = set(api("viewer").get("/api/v1/schema/", {"format": "json"}).json()["paths"])
    assert {
        "/api/v1/collection/submissions/",
        "/api/v1/collection/submissions/{id}/",
        "/api/v1/collection/submissions/{id}/entries/",
        "/api/v1/collection/submissions/{id}/submit/",
        "/api/v1/collection/submissions/{id}/approve/",
        "/api/v1/collection/submissions/{id}/return/",
        "/api/v1/collection/submissions/{id}/reopen/",
    } <= paths
