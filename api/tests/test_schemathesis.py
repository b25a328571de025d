"""Schemathesis over /api/v1/schema/: every operation answers what the schema says, never a 5xx.

The schema is read from the app itself (as a district administrator, with a token), then
each operation gets a bounded number of generated requests sent through WSGI in this
thread, inside the test's transaction. Checks: no server error, a status code the schema
documents, and a body that conforms to the schema of that status.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from collection.testing import build_collection
from indicators.models import DataValue
from reports import services as report_services
from universalization.testing import YEAR, build_register
from xhht.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def token(world) -> str:
    """A district administrator's token, in a world with a round and a register to read."""
    world.collection = build_collection(world)
    build_register(world)
    return Token.objects.create(user=world.users.district_admin).key


@pytest.fixture
def api_schema(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = application
    return schema


@contextlib.contextmanager
def _test_connection_kept():
    """Django closes a connection in a transaction at each request's start and end; its test
    client lifts that for its own requests (and restores it after), this for the WSGI calls
    made here: on PostgreSQL the test's connection would be closed under it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(case, token: str, header: str | None = None):
    with _test_connection_kept():
        headers = {"Authorization": header or f"Token {token}"}
        return case.call_and_validate(headers=headers, checks=CHECKS)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
# Bounded by the number of examples, not by time per example: the suite shares its machine.
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_as_its_schema_says(case, token):
    _call(case, token)


def _answer(api_schema, token, path: str, method: str = "GET", *, header=None, **case) -> int:
    """The status of one request made of `case`, after checking it against the schema."""
    return _call(api_schema[path][method].Case(**case), token, header).status_code


def _issued_report(world) -> int:
    """District A's 2020 report, issued: the register's rows and file have a real object."""
    plan, unit, actor = world.plan.plan, world.tree.district_a, world.users.district_admin
    signer = {"signer_name": "Nguyễn Văn A", "signer_position": "CHỦ TỊCH",
              "signer_authority": ["TM. ỦY BAN NHÂN DÂN"]}  # fmt: skip
    report_services.save_draft(plan, unit, 2020, report_services.DraftChanges(fields=signer),
                               actor=actor)  # fmt: skip
    return report_services.issue(plan, unit, 2020, actor=actor).pk


def test_real_objects_and_every_refusal_answer_as_the_schema_says(world, api_schema, token):
    a1 = world.collection.submissions["C-A1"]
    report = _issued_report(world)
    value = DataValue.objects.filter(unit=world.tree.commune_a1).first().pk
    plan = world.plan.plan.pk
    answers = {
        "units (bodies have no level)": _answer(api_schema, token, "/api/v1/units/"),
        "a body": _answer(
            api_schema, token, "/api/v1/units/{code}/", path_parameters={"code": "D-A-GD"}
        ),
        "a plan (clauses of a group, of a body)": _answer(
            api_schema, token, "/api/v1/plans/{id}/", path_parameters={"id": plan}
        ),
        "targets": _answer(api_schema, token, "/api/v1/targets/", query={"plan": plan}),
        "evaluations": _answer(
            api_schema, token, "/api/v1/evaluations/",
            query={"plan": plan, "unit": "D-A", "year": 2020, "breakdown": "1"},
        ),
        "values": _answer(api_schema, token, "/api/v1/values/", query={"year": 2020}),
        "a value's history": _answer(
            api_schema, token, "/api/v1/values/{value_id}/history/",
            path_parameters={"value_id": value},
        ),
        "standards": _answer(
            api_schema, token, "/api/v1/pcgd/standards/", query={"unit": "D-A", "year": YEAR}
        ),
        "persons": _answer(api_schema, token, "/api/v1/pcgd/persons/", query={"commune": "C-A1"}),
        "submissions": _answer(
            api_schema, token, "/api/v1/collection/submissions/", query={"round": "bc-2020"}
        ),
        "a submission": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/",
            path_parameters={"id": a1.pk},
        ),
        "issued reports": _answer(api_schema, token, "/api/v1/reports/", query={"year": 2020}),
        "an issued report's file": _answer(
            api_schema, token, "/api/v1/reports/{id}/file/", path_parameters={"id": report},
        ),
    }  # fmt: skip
    assert set(answers.values()) == {200}, answers
    refusals = {
        "a token that is not valid": _answer(
            api_schema, token, "/api/v1/plans/", header="Token nope"
        ),
        "a page beyond the last": _answer(api_schema, token, "/api/v1/plans/", query={"page": 9}),
        "a unit of another district": _answer(
            api_schema, token, "/api/v1/units/{code}/", path_parameters={"code": "C-B1"}
        ),
        "a missing parameter": _answer(api_schema, token, "/api/v1/evaluations/"),
        "a NUL character in a parameter": _answer(
            api_schema, token, "/api/v1/values/", query={"unit": "\x00"}
        ),
        "a value that is no number": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/entries/", "PUT",
            path_parameters={"id": a1.pk}, media_type="application/json",
            body={"version": 1, "values": [{"element": "persons", "age_band": "15-60",
                                            "value": "abc"}]},
        ),
        "a body without its version": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/entries/", "PUT",
            path_parameters={"id": a1.pk}, media_type="application/json", body={"values": []},
        ),
        "a stale version": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/entries/", "PUT",
            path_parameters={"id": a1.pk}, media_type="application/json",
            body={"version": 99, "values": []},
        ),
        "a submission with required figures missing": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/submit/", "POST",
            path_parameters={"id": a1.pk}, media_type="application/json", body={},
        ),
        "the approval of a draft": _answer(
            api_schema, token, "/api/v1/collection/submissions/{id}/approve/", "POST",
            path_parameters={"id": a1.pk},
        ),
    }  # fmt: skip
    assert refusals == {
        "a token that is not valid": 401,
        "a page beyond the last": 404,
        "a unit of another district": 404,
        "a missing parameter": 400,
        "a NUL character in a parameter": 400,
        "a value that is no number": 400,
        "a body without its version": 400,
        "a stale version": 409,
        "a submission with required figures missing": 400,
        "the approval of a draft": 400,
    }
