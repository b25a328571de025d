"""Reading the procedure: scope of applications (404 outside), a unit's decisions, due items."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.http import Http404

from recognition import criteria, queries, services, testing

D = datetime.date


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return testing.build_world()


def test_applications_are_visible_to_the_applicant_and_the_office_only(world):
    users = world.users
    app = services.register(unit=world.tree.commune_a1, model="cdht_commune", year=2024,
                            level=1, actor=users.commune_reporter)  # fmt: skip
    assert list(queries.applications_visible_to(users.commune_reporter)) == [app]
    assert list(queries.applications_visible_to(users.district_admin)) == [app]
    assert list(queries.applications_visible_to(users.other_district)) == []
    assert list(queries.applications_visible_to(users.no_unit)) == []
    assert queries.get_application_or_404(users.viewer, app.pk) == app
    with pytest.raises(Http404):
        queries.get_application_or_404(users.other_district, app.pk)
    with pytest.raises(Http404):
        queries.get_application_or_404(users.viewer, app.pk, "edit")
    with pytest.raises(Http404):  # a step not open now is a 404 too
        queries.get_application_or_404(users.district_admin, app.pk, "decide")


def test_another_communes_reporter_gets_404(world):
    app = services.register(unit=world.tree.commune_a2, model="cdht_commune", year=2024,
                            level=1, actor=world.users.district_admin)  # fmt: skip
    with pytest.raises(Http404):
        queries.get_application_or_404(world.users.commune_reporter, app.pk)


def test_unit_recognitions_newest_first(world, monkeypatch):

    root = world.users.superuser
    older = testing.application(world.tree.commune_a1, root, year=2023, upto="recognised")
    newer = testing.application(world.tree.commune_a1, root, year=2024, upto="recognised")
    decisions = list(queries.unit_recognitions(world.tree.commune_a1))
    assert [d.application_id for d in decisions] == [newer.pk, older.pk]
    assert list(queries.unit_recognitions(world.tree.commune_a2)) == []


def test_due_items_of_an_application(world):
    app = services.register(unit=world.tree.commune_a1, model="cdht_commune", year=2024,
                            level=1, actor=world.users.commune_reporter)  # fmt: skip
    rows = queries.due_items(world.users.commune_reporter, D(2025, 2, 28))
    assert [(r.application, r.step, r.date, r.state) for r in rows] == [
        (app, "file", D(2025, 2, 28), "due"), (app, "decide", D(2025, 3, 31), "due"),
    ]  # fmt: skip
    rows = queries.due_items(world.users.district_admin, D(2025, 3, 1))
    assert [r.state for r in rows] == ["late", "due"]
    assert queries.due_items(world.users.other_district, D(2025, 3, 1)) == []


def test_a_unit_not_yet_registered_is_reminded_when_the_set_has_a_register_day(world, monkeypatch):
    real = criteria.definition

    def with_register_day(criteria_set):
        set_def = real(criteria_set)
        day = criteria.Deadline("register", "Đăng ký", 3, 31, 0)
        # and a decider after the reform of 2025, so that 2025 can be registered
        deciders = tuple(dataclasses.replace(d, valid_to=None) for d in set_def.deciders)
        return dataclasses.replace(set_def, deadlines=(day, *set_def.deadlines), deciders=deciders)

    monkeypatch.setattr(criteria, "definition", with_register_day)
    rows = queries.due_items(world.users.commune_reporter, D(2025, 3, 31))
    reminders = [(r.unit, r.model, r.date, r.state) for r in rows if r.application is None]
    commune = world.tree.commune_a1
    assert (commune, "cdht_commune", D(2025, 3, 31), "due") in reminders
    services.register(unit=commune, model="cdht_commune", year=2025, level=1,
                      actor=world.users.commune_reporter)  # fmt: skip
    rows = queries.due_items(world.users.commune_reporter, D(2025, 4, 1))
    reminders = [(r.model, r.state) for r in rows if r.application is None]
    assert ("cdht_commune", "late") not in reminders
