"""`manage.py reorganise_units` calls the reorganisation services."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from units.models import OrgUnit, UnitSuccession

pytestmark = pytest.mark.django_db
ACT = "Nghị quyết 9/NQ-UBTVQH15"


@pytest.fixture
def tree():
    city = OrgUnit.objects.add_root({"code": "31", "name": "Thành phố"})
    for code in ("A", "B", "C"):
        OrgUnit.objects.add_child(OrgUnit.objects.get(pk=city.pk), {"code": code, "name": code})


def run(*args) -> str:
    out = io.StringIO()
    call_command("reorganise_units", *args, stdout=out)
    return out.getvalue()


def test_it_merges_units_named_by_code(tree):
    out = run("merge", "--on", "2026-01-01", "--act", ACT, "--units", "A", "B",
              "--code", "AB", "--name", "Xã AB")  # fmt: skip
    assert "AB" in out
    assert sorted(UnitSuccession.objects.values_list("predecessor__code", flat=True)) == ["A", "B"]


def test_it_splits_a_unit(tree):
    run(
        "split", "--on", "2026-01-01", "--act", ACT, "--unit", "C", "--into", "C1=Xã C1", "C2=Xã C2"
    )
    assert UnitSuccession.objects.filter(kind="split").count() == 2


def test_it_renames_and_closes(tree):
    run(
        "rename", "--on", "2026-01-01", "--act", ACT, "--unit", "A", "--code", "A", "--name", "P. A"
    )
    run("close", "--on", "2026-01-01", "--act", ACT, "--unit", "B")
    assert OrgUnit.objects.get(code="B").valid_to == datetime.date(2025, 12, 31)
    assert OrgUnit.objects.filter(code="A").count() == 2


def test_a_refused_change_is_a_command_error(tree):
    with pytest.raises(CommandError):
        run("merge", "--on", "2026-01-01", "--act", ACT, "--units", "A", "B", "--code", "C",
            "--name", "Xã C")  # fmt: skip
    assert not UnitSuccession.objects.exists()
