"""Two issues at once never get one number, and neither fails: on PostgreSQL, where requests
really run side by side (run with DATABASE_URL=postgres://…; SQLite's IMMEDIATE transactions
serialise writers, and its in-memory test database has one connection)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from plans.testing import build_world
from reports import services
from reports.models import IssuedReport, RegisterCounter

from .conftest import YEAR, signed

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)

ISSUES = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers_and_none_fails():
    world = build_world()
    plan, unit = world.plan.plan, world.tree.district_a
    services.save_draft(plan, unit, YEAR, signed(), actor=world.users.district_admin)
    barrier = threading.Barrier(ISSUES)
    numbers, errors = [], []

    def issue():
        try:
            barrier.wait()
            report = services.issue(plan, unit, YEAR, actor=world.users.district_admin)
            numbers.append(report.number)
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(ISSUES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, ISSUES + 1))
    assert IssuedReport.objects.count() == ISSUES
    assert RegisterCounter.objects.get().last_number == ISSUES


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_a_draft_make_one_draft_and_one_conflict():
    world = build_world()
    plan, unit = world.plan.plan, world.tree.district_a
    barrier = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            barrier.wait()
            changes = services.DraftChanges(narrative={"direction": text})
            services.save_draft(plan, unit, YEAR, changes, actor=world.users.district_admin,
                                expected_version=0)  # fmt: skip
            outcomes.append("saved")
        except services.ReportRefused as refused:
            outcomes.append("stale" if refused.stale else str(refused))
        except Exception as error:  # noqa: BLE001
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("Một", "Hai")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_of_one_series_are_distinct_from_its_first_use():
    """Reports of two plans (two drafts, no common lock) by one issuer share its register:
    here the counter row alone, created by whichever request comes first, keeps them apart."""
    world = build_world()
    unit = world.tree.district_a
    barrier = threading.Barrier(ISSUES)
    numbers, errors = [], []

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(services.take_number(unit, "BC-UBND", 2021))
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(ISSUES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, ISSUES + 1))
