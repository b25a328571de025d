"""Migration 0004: the folded search keys of a register that existed before them."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.testing import build_world
from universalization.models import Household, Person

BEFORE = [("universalization", "0002_history_change_reason_as_text")]
AFTER = [("universalization", "0004_fill_search_keys")]


@pytest.mark.django_db(transaction=True)
def test_existing_persons_get_search_keys_and_names_in_nfc():
    commune = build_world().tree.commune_a1
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    household = old.get_model("universalization", "Household").objects.create(
        commune_id=commune.pk, code="Hộ Ánh 01", village=unicodedata.normalize("NFD", "Thôn Đông")
    )
    old.get_model("universalization", "Person").objects.create(
        commune_id=commune.pk, household_id=household.pk, code="P1",
        full_name=unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    person = Person.objects.get(code="P1")
    assert (person.full_name, person.search_key) == ("Nguyễn Thị Ánh", "p1 nguyen thi anh")
    assert Household.objects.get(code="Hộ Ánh 01").search_key == "ho anh 01"
    assert Household.objects.get(code="Hộ Ánh 01").village == "Thôn Đông"
