"""The round's pages: what is due, the entry form, the office's round, review and reminders."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from collection import services
from collection.models import ReportingRound, Submission
from core.print_testing import assert_numbers, assert_print_ready, header_row, table
from indicators.models import Period

P, L = ("persons", "", "15-60"), ("literate_persons", "", "15-60")
P_NAME, L_NAME = "value:persons::15-60", "value:literate_persons::15-60"


def form_url(submission) -> str:
    return f"/collection/submissions/{submission.pk}/"


def review_url(submission) -> str:
    return f"/collection/submissions/{submission.pk}/review/"


def post_form(client, submission, values: dict, *, submit=False, version=None, **extra):
    data = {"version": submission.version if version is None else version, **values, **extra}
    data["submit" if submit else "save"] = "1"
    return client.post(form_url(submission), data)


def submitted(world, collection, code="C-A1", persons="1.000", literate="990"):
    """A submission the reporter has filled in and sent."""
    submission = collection.submissions[code]
    actor = world.users.commune_reporter if code == "C-A1" else world.users.district_admin
    services.save_entries(submission, {P: persons, L: literate}, actor=actor)
    return services.submit(submission, actor=actor)


# --- who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/collection/", "/collection/rounds/new/?unit=D-A"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, collection, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_anonymous_visitor_cannot_open_a_form(client, collection):
    response = client.get(form_url(collection.submissions["C-A1"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_commune_reporter_sees_only_their_communes_report_due(client, world, collection):
    client.force_login(world.users.commune_reporter)
    response = client.get("/collection/")
    assert response.status_code == 200
    assert f'data-submission="{collection.submissions["C-A1"].pk}"' in response.text
    assert f'data-submission="{collection.submissions["C-A2"].pk}"' not in response.text
    assert "15/01/2021" in response.text


def test_a_commune_reporter_lands_on_the_reports_due_on_login(client, world, collection):
    client.force_login(world.users.commune_reporter)
    assert client.get("/")["Location"] == "/collection/"
    assert client.get("/")["Location"] == "/units/C-A1/dashboard/"  # only once per session


def test_the_office_lands_on_its_dashboard(client, world, collection):
    client.force_login(world.users.district_admin)
    assert client.get("/")["Location"] == "/units/D-A/dashboard/"


def test_the_office_sees_its_rounds_with_counts_per_status(client, world, collection):
    submitted(world, collection)
    client.force_login(world.users.district_admin)
    response = client.get("/collection/")
    assert 'data-round="bc-2020"' in response.text
    assert "?unit=D-A" in response.text  # the link to open a round


def test_a_commune_reporter_edits_their_form(client, world, collection):
    client.force_login(world.users.commune_reporter)
    response = client.get(form_url(collection.submissions["C-A1"]))
    assert response.status_code == 200
    assert f'name="{P_NAME}"' in response.text and 'inputmode="decimal"' in response.text
    assert 'name="version"' in response.text


def test_a_commune_reporter_cannot_read_or_write_another_communes_form(client, world, collection):
    client.force_login(world.users.commune_reporter)
    other = collection.submissions["C-A2"]
    assert client.get(form_url(other)).status_code == 404
    assert post_form(client, other, {P_NAME: "1"}).status_code == 404
    assert client.get(review_url(other)).status_code == 404
    assert not other.entries.exists()


@pytest.mark.parametrize("role", ["unit_reporter", "other_district", "no_unit"])
def test_users_outside_the_commune_get_404_on_its_form(client, world, collection, role):
    client.force_login(getattr(world.users, role))
    submission = collection.submissions["C-A1"]
    assert client.get(form_url(submission)).status_code == 404
    assert post_form(client, submission, {P_NAME: "1"}).status_code == 404
    assert client.get(review_url(submission)).status_code == 404


@pytest.mark.parametrize("role", ["other_district", "commune_reporter", "unit_reporter"])
def test_users_outside_the_office_get_404_on_its_round_pages(client, world, collection, role):
    client.force_login(getattr(world.users, role))
    round_ = collection.round
    assert client.get(f"/collection/rounds/{round_.pk}/").status_code == 404
    assert client.get(f"/collection/rounds/{round_.pk}/reminders.xlsx").status_code == 404
    assert client.get("/collection/rounds/new/?unit=D-A").status_code == 404


def test_a_viewer_reads_the_form_but_cannot_change_it(client, world, collection):
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1.000"}, actor=world.users.commune_reporter)
    client.force_login(world.users.viewer)
    response = client.get(form_url(submission))
    assert response.status_code == 200
    assert f'name="{P_NAME}"' not in response.text and "1.000" in response.text
    assert post_form(client, submission, {P_NAME: "5"}, version=2).status_code == 404
    assert client.get(review_url(submission)).status_code == 404


def test_a_submitted_form_is_read_only_for_its_reporter(client, world, collection):
    submission = submitted(world, collection)
    client.force_login(world.users.commune_reporter)
    response = client.get(form_url(submission))
    assert f'name="{P_NAME}"' not in response.text
    assert 'data-status="submitted"' in response.text


# --- the entry form ----------------------------------------------------------------------


def test_the_form_shows_last_years_value_and_the_related_target(client, world, collection):
    client.force_login(world.users.commune_reporter)
    response = client.get(form_url(collection.submissions["C-A1"]))
    assert "985" in response.text  # literate persons in 2019
    assert world.plan.literacy.clause in response.text
    assert world.plan.literacy.text in response.text


def test_a_clean_draft_is_saved_and_the_page_reloads(client, world, collection):
    client.force_login(world.users.commune_reporter)
    submission = collection.submissions["C-A1"]
    response = post_form(client, submission, {P_NAME: "1.000", L_NAME: "990"})
    assert response.status_code == 302
    assert services.current_values(submission) == {P: Decimal("1000"), L: Decimal("990")}


def test_a_hard_error_keeps_exactly_what_the_user_typed(client, world, collection):
    client.force_login(world.users.commune_reporter)
    submission = collection.submissions["C-A1"]
    typed = {P_NAME: "1.000", L_NAME: "1.001", "value:officials::": "mười"}
    response = post_form(client, submission, typed, submit=True)
    assert response.status_code == 200
    assert 'value="1.000"' in response.text and 'value="1.001"' in response.text
    assert 'value="mười"' in response.text
    assert 'data-rule="literate-le-persons"' in response.text
    assert 'data-rule="number"' in response.text
    assert "problem-hard" in response.text
    assert Submission.objects.get(pk=submission.pk).status == "draft"


def test_a_warning_asks_for_an_explanation_and_then_the_form_is_submitted(
    client, world, collection
):
    client.force_login(world.users.commune_reporter)
    submission = collection.submissions["C-A1"]
    response = post_form(client, submission, {P_NAME: "1.500", L_NAME: "1.400"}, submit=True)
    assert response.status_code == 200
    assert 'name="explain:persons::15-60"' in response.text
    assert "problem-soft" in response.text
    submission.refresh_from_db()
    response = post_form(
        client, submission, {P_NAME: "1.500", L_NAME: "1.400",
                             "explain:persons::15-60": "Sáp nhập thôn mới"}, submit=True,
    )  # fmt: skip
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert submission.entries.get(element__code="persons").explanation == "Sáp nhập thôn mới"


def test_a_stale_save_is_refused_and_shows_both_the_typed_and_the_saved_values(
    client, world, collection
):
    submission = collection.submissions["C-A1"]
    reporter = world.users.commune_reporter
    services.save_entries(submission, {P: "1.000"}, actor=reporter)  # the first session
    client.force_login(reporter)
    response = post_form(client, submission, {P_NAME: "1.234"}, version=1)  # the second
    assert response.status_code == 200
    assert 'class="refusal stale"' in response.text
    assert 'value="1.234"' in response.text
    assert 'class="num saved-now">1.000<' in response.text
    assert services.current_values(submission)[P] == Decimal("1000")


def test_the_history_lists_every_step_and_every_change(client, world, collection):
    submission = collection.submissions["C-A1"]
    reporter, office = world.users.commune_reporter, world.users.district_admin
    services.save_entries(submission, {P: "1.000", L: "990"}, actor=reporter)
    services.submit(submission, actor=reporter)
    services.return_submission(submission, actor=office, comment="Kiểm tra lại số biết chữ")
    services.save_entries(submission, {L: "995"}, actor=reporter)
    client.force_login(reporter)
    response = client.get(form_url(submission))
    history = response.text.split('id="history-title"')[1]
    assert "Kiểm tra lại số biết chữ" in history
    assert 'class="num old-value">990<' in history and 'class="num new-value">995<' in history
    assert "admin_a" in history and "reporter_a1" in history


# --- the office --------------------------------------------------------------------------


def test_the_office_returns_with_a_comment_and_approves_the_resubmission(client, world, collection):
    submission = submitted(world, collection)
    client.force_login(world.users.district_admin)
    response = client.post(review_url(submission), {"action": "return", "comment": " "})
    assert response.status_code == 200 and "refusal" in response.text
    response = client.post(review_url(submission), {"action": "return", "comment": "Sai số"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "returned" and submission.comment == "Sai số"
    services.submit(submission, actor=world.users.commune_reporter)
    assert client.post(review_url(submission), {"action": "approve"}).status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == "approved"


def test_the_office_reopens_an_approved_form_with_a_reason(client, world, collection):
    submission = services.approve(submitted(world, collection), actor=world.users.district_admin)
    client.force_login(world.users.district_admin)
    refused = client.post(review_url(submission), {"action": "reopen", "comment": ""})
    assert refused.status_code == 200
    response = client.post(review_url(submission), {"action": "reopen", "comment": "Sửa số"})
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == "returned"


def test_a_unit_reporter_cannot_approve(client, world, collection):
    submission = submitted(world, collection)
    client.force_login(world.users.unit_reporter)
    assert client.post(review_url(submission), {"action": "approve"}).status_code == 404
    assert Submission.objects.get(pk=submission.pk).status == "submitted"


def test_the_office_opens_a_round_through_the_page(client, world, collection):
    client.force_login(world.users.district_admin)
    page = client.get("/collection/rounds/new/?unit=D-A")
    assert page.status_code == 200 and "Xã A1" in page.text  # the units that will owe it
    response = client.post(
        "/collection/rounds/new/?unit=D-A",
        {"code": "bc-2019", "name": "Báo cáo năm 2019", "year": "2019",
         "opens_on": "01/12/2019", "due_on": "15/01/2020",
         "data_sets": [collection.data_set.pk]},
    )  # fmt: skip
    round_ = ReportingRound.objects.get(code="bc-2019")
    assert response["Location"] == f"/collection/rounds/{round_.pk}/"
    assert {s.unit.code for s in round_.submissions.all()} == {"C-A1", "C-A2"}
    again = client.post("/collection/rounds/new/?unit=D-A", {"code": "bc-2019"})
    assert again.status_code == 200 and ReportingRound.objects.count() == 2


def test_the_office_opens_a_round_for_a_year_the_system_has_no_period_for(
    client, world, collection
):
    year = timezone.localdate().year + 1
    client.force_login(world.users.district_admin)
    page = client.get("/collection/rounds/new/?unit=D-A")
    assert f'<option value="{year}">' in page.text and '<option value="2010">' in page.text
    response = client.post(
        "/collection/rounds/new/?unit=D-A",
        {"code": f"bc-{year}", "name": f"Báo cáo năm {year}", "year": str(year),
         "opens_on": f"01/12/{year}", "due_on": f"15/01/{year + 1}",
         "data_sets": [collection.data_set.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    period = ReportingRound.objects.get(code=f"bc-{year}").period
    assert (period.code, period.start_date, period.end_date) == (
        str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))  # fmt: skip


def test_a_refused_round_leaves_no_new_period_behind(client, world, collection):
    client.force_login(world.users.district_admin)
    response = client.post(
        "/collection/rounds/new/?unit=D-A",
        {"code": "bc-2024", "name": "Báo cáo năm 2024", "year": "2024",
         "opens_on": "15/01/2025", "due_on": "01/12/2024", "data_sets": [collection.data_set.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Period.objects.filter(code="2024").exists()


@pytest.mark.parametrize("year", ["1990", "3000", "năm nay"])
def test_a_year_outside_the_range_is_refused(client, world, collection, year):
    client.force_login(world.users.district_admin)
    response = client.post(
        "/collection/rounds/new/?unit=D-A",
        {"code": "bc-x", "name": "X", "year": year, "opens_on": "01/12/2020",
         "due_on": "15/01/2021", "data_sets": [collection.data_set.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["year"]
    assert not ReportingRound.objects.filter(code="bc-x").exists()


def test_the_round_page_counts_states_timeliness_and_missing_figures(client, world, collection):
    submitted(world, collection)
    services.save_entries(
        collection.submissions["C-A2"], {P: "500"}, actor=world.users.district_admin
    )
    client.force_login(world.users.district_admin)
    response = client.get(f"/collection/rounds/{collection.round.pk}/")
    assert response.status_code == 200
    text = response.text
    assert '<li data-status="submitted"><span class="count">1</span>' in text
    assert '<li data-status="draft"><span class="count">1</span>' in text
    assert 'data-chart="round-data"' in text and "chart.umd.min.js" in text
    a2_row = text.split('data-unit="C-A2"')[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in a2_row  # literate persons still missing
    assert "dashboard-note" in text


def test_a_viewer_follows_the_round_without_review_links(client, world, collection):
    client.force_login(world.users.viewer)
    response = client.get(f"/collection/rounds/{collection.round.pk}/")
    assert response.status_code == 200 and "/review/" not in response.text


def test_the_reminder_list_opens_in_openpyxl(client, world, collection):
    submitted(world, collection)
    client.force_login(world.users.district_admin)
    response = client.get(f"/collection/rounds/{collection.round.pk}/reminders.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = table(sheet)  # below the title block and the header
    assert [row[0] for row in rows] == ["C-A2"]  # C-A1 has submitted
    assert rows[0][4].strftime("%d/%m/%Y") == "15/01/2021"
    assert rows[0][5] >= 0
    assert_print_ready(sheet, "portrait", demo=False,
                       texts=("Năm 2020", "Chưa có số liệu được duyệt"))  # fmt: skip
    due, late = sheet.cell(header_row(sheet) + 1, 5), sheet.cell(header_row(sheet) + 1, 6)
    assert due.number_format == "DD/MM/YYYY" and due.is_date
    assert_numbers([late], "#,##0")
