"""api.collection answers from one read of the form: the entries it lists are the values it
checks, and a submission's answer lists the warnings it was submitted with."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api import collection as submission_api
from collection.testing import build_collection

BASE = "/api/v1/collection/submissions/"
EXPLAINED = [
    {"element": "persons", "age_band": "15-60", "value": 1100},
    {"element": "literate_persons", "age_band": "15-60", "value": 1099},
    {"element": "officials", "value": 10},
    {"element": "officials_it_programme", "value": 12, "explanation": "Tính cả cán bộ hợp đồng"},
]


@pytest.fixture
def collection(world):
    return build_collection(world)


@pytest.fixture
def reporter(world) -> APIClient:
    client = APIClient()
    client.force_login(world.users.commune_reporter)
    return client


@pytest.fixture
def a1(collection):
    return collection.submissions["C-A1"]


def _entry_reads(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and
               'FROM "collection_entry"' in q["sql"])  # fmt: skip


def test_a_submission_is_answered_from_one_read_of_its_entries(reporter, a1):
    body = {"version": 1, "values": EXPLAINED}
    assert reporter.put(f"{BASE}{a1.pk}/entries/", body, format="json").status_code == 200
    with CaptureQueriesContext(connection) as read:
        response = reporter.get(f"{BASE}{a1.pk}/")
    assert response.status_code == 200
    assert "it-rate-le-100" in {p["rule"] for p in response.json()["problems"]}
    assert _entry_reads(read.captured_queries) == 1


def test_a_submit_answers_with_the_warnings_it_was_submitted_with(reporter, a1):
    body = {"version": 1, "values": EXPLAINED}
    assert reporter.put(f"{BASE}{a1.pk}/entries/", body, format="json").status_code == 200
    submitted = reporter.post(f"{BASE}{a1.pk}/submit/", {"version": 2}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert [p["rule"] for p in submitted.json()["problems"]] == ["it-rate-le-100"]
    assert submitted.json() == reporter.get(f"{BASE}{a1.pk}/").json()


@pytest.mark.parametrize("action", ["submit", "approve"])
def test_a_step_reads_and_checks_the_submission_once(reporter, world, a1, monkeypatch, action):
    body = {"version": 1, "values": EXPLAINED}
    assert reporter.put(f"{BASE}{a1.pk}/entries/", body, format="json").status_code == 200
    client = reporter
    if action == "approve":
        assert reporter.post(f"{BASE}{a1.pk}/submit/", {"version": 2}).status_code == 200
        client = APIClient()
        client.force_login(world.users.district_admin)
    reads = []
    real = submission_api.submission_or_404
    monkeypatch.setattr(
        submission_api, "submission_or_404", lambda *args: reads.append(args) or real(*args)
    )
    answer = client.post(f"{BASE}{a1.pk}/{action}/", {"version": 2}, format="json")
    assert answer.status_code == 200, answer.json()
    assert len(reads) == 1
    monkeypatch.undo()
    assert answer.json() == client.get(f"{BASE}{a1.pk}/").json()
