"""Two units' figures published at the same moment keep the totals above them exact, with no
error: on PostgreSQL, where writers of different rows run side by side.

SQLite runs one writer at a time (IMMEDIATE transactions), and the suite's SQLite database
lives in memory, one connection at a time: the race exists on PostgreSQL only, so it runs
there (collection/tests/test_concurrency.py covers SQLite through a real server).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from indicators.models import DataValue
from indicators.services import NewValue, publish_values, record_value
from indicators.subtree_totals import recompute
from indicators.tests.test_subtree_totals import kept_totals, sums_from_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL"),
]
ROUNDS = 15


def side_by_side(*writes) -> list[BaseException]:
    """Run each write in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(writes))
    errors: list[BaseException] = []

    def run(write) -> None:
        try:
            barrier.wait()
            write()
        except BaseException as error:  # noqa: BLE001 - the test reports every error
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_communes_published_at_once_keep_their_districts_totals_exact(world):
    ind, tree = world.ind, world.tree
    period, element = ind.periods[2020].pk, ind.officials.pk

    def publish(unit, value):
        return lambda: publish_values([NewValue(unit.pk, period, element, Decimal(value))],
                                      source="imported")  # fmt: skip

    for n in range(ROUNDS):
        errors = side_by_side(publish(tree.commune_a1, 10 + n), publish(tree.commune_a2, 20 + n))
        assert errors == []
    assert kept_totals() == sums_from_values()


def test_a_publish_beside_a_single_value_keeps_the_totals_exact(world):
    ind, tree = world.ind, world.tree
    period = ind.periods[2020]

    def publish(value):
        return lambda: publish_values(
            [NewValue(tree.commune_a1.pk, period.pk, ind.officials.pk, Decimal(value))],
            source="imported",
        )

    def record(value):
        return lambda: record_value(unit=tree.commune_a2, period=period, element=ind.officials,
                                    value=Decimal(value), source="entered")  # fmt: skip

    for n in range(ROUNDS):
        assert side_by_side(publish(30 + n), record(40 + n)) == []
    assert kept_totals() == sums_from_values()


def test_two_writers_creating_the_same_new_value_at_once_both_succeed(world):
    """Neither row exists, so locking the existing rows holds nothing: both writers would
    insert, and the second would fail on the unique key. The units are held first."""
    ind, tree = world.ind, world.tree
    key = {"unit": tree.commune_a1, "period": ind.periods[2020], "element": ind.officials}

    def publish(value):
        return lambda: publish_values(
            [NewValue(tree.commune_a1.pk, ind.periods[2020].pk, ind.officials.pk, Decimal(value))],
            source="imported",
        )

    for n in range(ROUNDS):
        DataValue.objects.filter(**key).delete()
        recompute()
        assert side_by_side(publish(50 + n), publish(60 + n)) == []
        assert DataValue.objects.get(**key).value in (50 + n, 60 + n)
    assert kept_totals() == sums_from_values()
