"""GET /api/v1/schema/: an OpenAPI 3 document of every route and its query parameters."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def schema(api):
    response = api("viewer").get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3")
    assert schema["info"]["title"] == "XHHT API"


def test_the_schema_lists_every_route(schema):
    assert {
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/targets/",
        "/api/v1/evaluations/",
        "/api/v1/values/",
        "/api/v1/values/{value_id}/history/",
    } <= set(schema["paths"])


def test_the_schema_documents_required_and_optional_query_parameters(schema):
    params = {
        p["name"]: p.get("required", False)
        for p in schema["paths"]["/api/v1/evaluations/"]["get"]["parameters"]
    }
    assert params == {
        "plan": True, "unit": True, "year": True, "target": False, "breakdown": False,
        "provisional": False, "map": False, "page": False,
    }  # fmt: skip
    units = schema["paths"]["/api/v1/units/"]["get"]["parameters"]
    assert {p["name"] for p in units} == {"parent", "level", "valid_on", "page"}


def test_the_schema_names_both_ways_to_authenticate(schema):
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}


def test_the_schema_is_valid_and_generated_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3")
