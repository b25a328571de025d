"""GET /api/v1/reports/: the issued reports in the caller's scope, filters, and the file."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports import services

YEAR = 2020
ROLES = ["district_admin", "viewer", "commune_reporter", "unit_reporter", "other_district",
         "superuser", "no_unit"]  # fmt: skip
SEES_DISTRICT = {"district_admin", "viewer", "superuser"}
SEES_A1 = SEES_DISTRICT | {"commune_reporter"}


def _signed(position: str, *authority: str) -> services.DraftChanges:
    """Signed by the committee in its own series (the test plan's drafts start in BC-BCĐ)."""
    return services.DraftChanges(fields={"symbol": "BC-UBND", "signer_name": "Nguyễn Văn A",
                                         "signer_position": position,
                                         "signer_authority": list(authority)})  # fmt: skip


@pytest.fixture
def issued(world):
    """District A's report and commune A1's short report, both on 2020."""
    plan, users = world.plan.plan, world.users
    out = {}
    for unit, actor in ((world.tree.district_a, users.district_admin),
                        (world.tree.commune_a1, users.commune_reporter)):  # fmt: skip
        services.save_draft(plan, unit, YEAR, _signed("CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"),
                            actor=actor)  # fmt: skip
        out[unit.code] = services.issue(plan, unit, YEAR, actor=actor)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_the_list_holds_the_reports_in_scope(api, issued, role):
    response = api(role).get("/api/v1/reports/")
    assert response.status_code == 200
    units = {row["unit"] for row in response.json()["results"]}
    expected = set()
    if role in SEES_DISTRICT:
        expected = {"D-A", "C-A1"}
    elif role in SEES_A1:
        expected = {"C-A1"}
    assert units == expected


def test_a_row_says_what_was_issued_by_whom_and_where_its_file_is(api, issued, world):
    row = next(r for r in api("district_admin").get("/api/v1/reports/").json()["results"]
               if r["unit"] == "D-A")  # fmt: skip
    report = issued["D-A"]
    assert row["plan"] == world.plan.plan.pk and row["plan_code"] == "kh-a-2020"
    assert row["year"] == YEAR and row["number"] == 1 and row["number_symbol"] == "01/BC-UBND"
    assert row["issued_by"] == "admin_a" and row["sha256"] == report.sha256
    assert row["file"].endswith(f"/api/v1/reports/{report.pk}/file/")


def test_filters_by_plan_unit_and_year(api, issued, world):
    client = api("district_admin")
    plan = world.plan.plan.pk

    def units(**params):
        return {r["unit"] for r in client.get("/api/v1/reports/", params).json()["results"]}

    assert units(unit="C-A1") == {"C-A1"}
    assert units(plan=plan, year=YEAR) == {"D-A", "C-A1"}
    assert units(year=2019) == set()
    assert units(plan=plan + 1000) == set()
    assert client.get("/api/v1/reports/", {"unit": "C-B1"}).status_code == 404
    assert client.get("/api/v1/reports/", {"year": "abc"}).status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_the_file_is_the_issued_bytes_in_scope_and_404_outside(api, issued, role):
    report = issued["D-A"]
    response = api(role).get(f"/api/v1/reports/{report.pk}/file/")
    detail = api(role).get(f"/api/v1/reports/{report.pk}/")
    if role not in SEES_DISTRICT:
        assert (response.status_code, detail.status_code) == (404, 404)
        return
    assert response.status_code == 200 and detail.status_code == 200
    assert response.content == bytes(report.docx)
    assert hashlib.sha256(response.content).hexdigest() == report.sha256
    assert response["Content-Type"].endswith("wordprocessingml.document")


def test_a_token_client_asking_for_the_docx_type_gets_it(issued, world):
    token = Token.objects.create(user=world.users.viewer).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    report = issued["D-A"]
    accept = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = client.get(f"/api/v1/reports/{report.pk}/file/", HTTP_ACCEPT=accept)
    assert response.status_code == 200 and response.content == bytes(report.docx)
    missing = client.get("/api/v1/reports/999999/file/", HTTP_ACCEPT=accept)
    assert missing.status_code == 404


def test_without_credentials_the_list_is_401(anonymous, issued):
    assert anonymous.get("/api/v1/reports/").status_code == 401
