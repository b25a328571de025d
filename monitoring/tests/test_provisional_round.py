"""Provisional figures: submitted, not yet approved values laid over the approved ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collection import services
from collection.models import DataSetElement
from collection.provisional import forms_awaiting, pending_values
from indicators.models import DataValue
from monitoring.queries import (
    breakdown_targets,
    evaluate_targets,
    plan_targets,
    provisional_overlay,
)

P, L = ("persons", "", "15-60"), ("literate_persons", "", "15-60")
OFFICIALS, IT = ("officials", "", ""), ("officials_it_programme", "", "")
LEVEL = ("literacy_level", "", "")


@pytest.fixture
def targets(world):
    return plan_targets(world.plan.plan)


@pytest.fixture
def with_level(world, collection):
    """The commune form also carries the literacy level, to exercise every-commune targets."""
    DataSetElement.objects.create(data_set=collection.data_set, element=world.ind.level, order=9)
    return collection


def send(submission, typed, actor):
    """Save with an explanation for every figure (soft rules then never block) and submit."""
    services.save_entries(submission, typed, {k: "Đã kiểm tra" for k in typed}, actor=actor)
    services.submit(submission, actor=actor)


def shown(rows):
    return [(r.target.code, r.unit.code, r.value, r.num, r.den, r.status, r.trend) for r in rows]


def test_only_submitted_forms_are_pending_each_as_its_change_from_the_store(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    a1, a2 = collection.submissions["C-A1"], collection.submissions["C-A2"]
    send(a1, {P: "1000", L: "990", OFFICIALS: "12"}, reporter)
    services.approve(a1, actor=office)
    services.reopen(a1, actor=office, reason="Kiểm tra lại")
    send(a1, {L: "995", OFFICIALS: ""}, reporter)  # one figure changed, one cleared
    services.save_entries(a2, {P: "500"}, actor=world.users.district_admin)  # a draft only
    ids = {world.ind.persons.pk, world.ind.literate.pk, world.ind.officials.pk}
    pending = pending_values([world.tree.district_a], [2020], ids)
    changes = {(p.unit_id, p.element_id): p.delta for p in pending}
    a1_id = world.tree.commune_a1.pk
    assert changes == {
        (a1_id, world.ind.persons.pk): Decimal(0),
        (a1_id, world.ind.literate.pk): Decimal(5),
        (a1_id, world.ind.officials.pk): Decimal(-12),
    }
    assert pending_values([world.tree.district_b], [2020], ids) == []  # outside the roots
    assert forms_awaiting([world.tree.district_a], 2020, ids) == 1  # A2's draft is not counted
    assert forms_awaiting([world.tree.district_a], 2019, ids) == 0
    assert forms_awaiting([world.tree.district_a], 2020, {world.ind.level.pk}) == 0


counts = st.integers(min_value=0, max_value=3000)


@st.composite
def commune_forms(draw):
    """The figures one commune sends, and which of them it leaves blank."""
    persons = draw(counts)
    typed = {
        P: persons,
        L: draw(st.integers(min_value=0, max_value=persons)),
        OFFICIALS: draw(counts),
        IT: draw(counts),
        LEVEL: draw(st.integers(min_value=0, max_value=3)),
    }
    return {k: str(v) for k, v in typed.items()}, draw(st.sets(st.sampled_from(sorted(typed))))


def stored_keys(unit) -> set:
    rows = DataValue.objects.filter(unit=unit, period__year=2020)
    return set(rows.values_list("element__code", "sex", "age_band"))


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forms=st.lists(commune_forms(), min_size=2, max_size=2), approve_first=st.booleans())
def test_provisional_figures_are_the_figures_approval_would_give(
    world, with_level, targets, forms, approve_first
):
    """Whatever the figures, what the dashboard shows as provisional before approval is
    exactly what it shows as approved after: same values, parts, statuses and trends, for
    the district, its breakdown (SQL counts of communes replaced by the overlay) and each
    commune. A blank is only left where nothing is stored: clearing a stored figure reads
    0, not "no data", until approved (see collection.provisional)."""
    reporter, office = world.users.district_admin, world.users.district_admin
    district = world.tree.district_a
    with transaction.atomic():
        submissions = [with_level.submissions["C-A1"], with_level.submissions["C-A2"]]
        if approve_first:  # one form approved before, so the overlay must subtract from it
            send(submissions[0], {P: "800", L: "790", OFFICIALS: "7", LEVEL: "1"}, reporter)
            services.approve(submissions[0], actor=office)
            services.reopen(submissions[0], actor=office, reason="Sửa")
        for submission, (typed, blank) in zip(submissions, forms, strict=True):
            kept = stored_keys(submission.unit)
            typed = {k: "" if k in blank and k not in kept else v for k, v in typed.items()}
            send(submission, typed, reporter)
        units = [district, world.tree.commune_a1, world.tree.commune_a2]
        provisional = {
            u.pk: shown(evaluate_targets(targets, u, 2020, provisional_overlay(targets, u, 2020)))
            for u in units
        }
        overlay = provisional_overlay(targets, district, 2020)
        by_unit = breakdown_targets(targets, district, 2020, overlay)
        provisional_breakdown = {t: shown(rows) for t, rows in by_unit.items()}
        for submission in submissions:
            services.approve(submission, actor=office)
        for u in units:
            assert provisional[u.pk] == shown(evaluate_targets(targets, u, 2020))
        approved_breakdown = breakdown_targets(targets, district, 2020)
        assert provisional_breakdown == {t: shown(r) for t, r in approved_breakdown.items()}
        assert not provisional_overlay(targets, district, 2020)  # nothing pending any more
        transaction.set_rollback(True)


def test_the_dashboard_offers_provisional_figures_clearly_marked(client, world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    send(collection.submissions["C-A1"], {P: "1000", L: "995", OFFICIALS: "10", IT: "10"}, reporter)
    client.force_login(office)
    url = "/units/D-A/dashboard/?year=2020"
    page = client.get(url).content.decode()
    assert "data-provisional-notice" in page and "data-provisional>" not in page
    assert "1 báo cáo năm 2020 đã nộp và đang chờ duyệt" in page
    page = client.get(url + "&provisional=1").content.decode()
    assert "Đang hiện số liệu tạm tính." in page
    row = page[page.index('data-target="officials-it"') :]
    row = row[: row.index("</tr>")]
    assert "Tạm tính:" in row and 'data-provisional><span class="provisional-label">' in row
    other = page[page.index('data-target="literacy-level"') :]
    assert "Tạm tính:" not in other[: other.index("</tr>")]  # not on the pending form
    services.approve(collection.submissions["C-A1"], actor=office)
    page = client.get(url + "&provisional=1").content.decode()
    assert "data-provisional-notice" not in page and "Tạm tính:" not in page


def test_the_breakdown_marks_the_commune_whose_figures_await_approval(client, world, collection):
    reporter = world.users.commune_reporter
    send(collection.submissions["C-A1"], {P: "1000", L: "995", OFFICIALS: "10", IT: "5"}, reporter)
    client.force_login(world.users.district_admin)
    target = world.plan.plan.targets.get(code="officials-it")
    url = f"/units/D-A/targets/{target.pk}/?year=2020&provisional=1"
    page = client.get(url).content.decode()
    assert "data-provisional-total" in page
    row = page[page.index('data-unit="C-A1"') :]
    assert "Tạm tính:" in row[: row.index("</tr>")] and "50%" in row[: row.index("</tr>")]


def test_a_reporter_sees_no_pending_figures_outside_their_scope(client, world, collection):
    office = world.users.district_admin
    send(collection.submissions["C-A2"], {P: "500", L: "498", OFFICIALS: "10", IT: "10"}, office)
    client.force_login(world.users.commune_reporter)  # reports for commune A1 only
    page = client.get("/units/C-A1/dashboard/?year=2020&provisional=1").content.decode()
    assert "data-provisional-notice" not in page


def test_the_api_gives_provisional_figures_when_asked(client, world, collection):
    send(collection.submissions["C-A1"], {P: "1000", L: "995", OFFICIALS: "10", IT: "5"},
         world.users.commune_reporter)  # fmt: skip
    client.force_login(world.users.district_admin)
    target = world.plan.plan.targets.get(code="officials-it")
    url = f"/api/v1/evaluations/?plan={world.plan.plan.pk}&unit=D-A&year=2020&target={target.pk}"
    [approved] = client.get(url).json()["results"]
    [provisional] = client.get(url + "&provisional=1").json()["results"]
    assert approved["provisional"] is False and provisional["provisional"] is True
    assert (provisional["num"], provisional["den"]) == (
        approved["num"] + 5,
        approved["den"] + 10,
    )
