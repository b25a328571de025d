"""Tests of the demo's reporting round: what is due from whom, and forms in each state."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from collection.demo import load_demo_round
from collection.models import ReportingRound, Submission
from collection.services import problems_of
from indicators.demo import read_spec, resolve_selectors
from indicators.models import DataValue

DEMO_FILE = Path(settings.BASE_DIR) / "data" / "demo" / "cat-hai-demo.yaml"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORY = {"11917": "approved", "11920": "submitted", "11923": "returned"}


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module, then flushed."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def round_(demo_database, db) -> ReportingRound:
    return ReportingRound.objects.select_related("owner", "period", "created_by").get(
        code="bc-2021-317"
    )


def test_the_office_of_cat_hai_opened_the_2021_round(round_):
    assert (round_.name, round_.owner.code, round_.period.code) == (
        "Báo cáo năm 2021",
        "317",
        "2021",
    )
    assert (round_.opens_on, round_.due_on) == (
        datetime.date(2021, 12, 1),
        datetime.date(2022, 1, 15),
    )
    assert (round_.period.start_date, round_.period.end_date) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
    )
    assert round_.created_by.username == "pgd_cathai"
    assert round_.status == "open"


def test_every_commune_and_body_of_2021_owes_its_form(round_):
    due = {}
    for data_set, unit in round_.submissions.values_list("data_set__code", "unit__code"):
        due.setdefault(data_set, set()).add(unit)
    assert due["commune-annual"] == {str(c) for c in range(11914, 11948, 3)}
    assert len(due["body-annual"]) == 19
    assert "317-LDLD" in due["body-annual"] and "317-PGDDT" in due["body-annual"]
    assert due["industrial-workers-annual"] == {"317-LDLD"}
    assert due["students-annual"] == {"317-PGDDT"}
    assert set(round_.submissions.values_list("due_on", flat=True)) == {round_.due_on}


def test_one_commune_is_approved_one_submitted_one_returned_and_the_rest_are_drafts(round_):
    statuses = {
        unit: status
        for unit, status in round_.submissions.exclude(status="draft").values_list(
            "unit__code", "status"
        )
    }
    assert statuses == STORY
    returned = round_.submissions.get(unit__code="11923")
    assert "kiểm tra lại" in returned.comment
    drafts = round_.submissions.filter(status="draft")
    assert drafts.count() == round_.submissions.count() - 3
    assert not drafts.filter(entries__isnull=False).exists()


def test_the_forms_in_the_story_are_filled_and_break_no_rule(round_):
    for code in STORY:
        submission = round_.submissions.select_related("data_set", "unit", "round__period").get(
            unit__code=code
        )
        assert submission.entries.count() == 22
        assert problems_of(submission) == [], code


def test_the_figures_stay_close_to_the_units_2020_figures(round_):
    entries = Submission.objects.get(round=round_, unit__code="11920").entries.select_related(
        "element"
    )
    last = {
        (v.element.code, v.sex, v.age_band): v.value
        for v in DataValue.objects.filter(unit__code="11920", period__code="2020").select_related(
            "element"
        )
    }
    for entry in entries:
        previous = last[(entry.element.code, entry.sex, entry.age_band)]
        assert abs(entry.value - previous) <= max(1, previous * 3 / 100), entry


def test_the_approved_form_entered_its_values_in_the_store(round_):
    submission = round_.submissions.get(unit__code="11917")
    values = DataValue.objects.filter(unit__code="11917", period__code="2021")
    stored = {(v.element_id, v.sex, v.age_band): (v.value, v.source) for v in values}
    entered = {
        (e.element_id, e.sex, e.age_band): (e.value, "entered") for e in submission.entries.all()
    }
    # The demo's synthetic 2021 figures (data/demo: 2018-2024) stay on what the form lacks;
    # the commune's learning-model counts come from its registers (recognition/demo.py).
    assert {key: stored[key] for key in entered} == entered
    registers = {"families", "learning_families", "clans", "learning_clans", "villages",
                 "learning_villages", "grassroots_units", "learning_grassroots_units"}  # fmt: skip
    others = values.exclude(element__code__in=registers).exclude(source="entered")
    assert set(others.values_list("source", flat=True)) == {"demo"}


def test_each_step_was_taken_by_the_demo_account_whose_job_it_is(round_):
    returned = round_.submissions.get(unit__code="11923")
    steps = [
        (h.status, h.history_user.username if h.history_user else None)
        for h in returned.history.order_by("history_id")
    ]
    assert steps[-2:] == [("submitted", "xa_11923"), ("returned", "pgd_cathai")]
    approved = round_.submissions.get(unit__code="11917")
    assert approved.history.latest().history_user.username == "pgd_cathai"
    assert approved.entries.first().updated_by.username == "xa_11917"


def test_an_existing_round_is_left_as_it_is(round_):
    spec = read_spec(DEMO_FILE).data
    before = list(Submission.objects.order_by("pk").values_list("pk", "status", "version"))
    assert load_demo_round(spec["collection"], resolve_selectors(spec["selectors"]), "x") is None
    assert list(Submission.objects.order_by("pk").values_list("pk", "status", "version")) == before
