"""A code names one unit at a time: resolved for a day, with aliases behind official codes."""

from __future__ import annotations

import datetime

import pytest

from units.codes import CodeClash, check_free, overlaps, resolve, resolve_many
from units.models import OrgUnit, UnitCodeAlias

pytestmark = pytest.mark.django_db

OLD_DAY = datetime.date(2020, 12, 31)
NEW_DAY = datetime.date(2026, 1, 1)


@pytest.fixture
def units():
    city = OrgUnit.objects.add_root(dict(code="31", name="Thành phố Hải Phòng"))
    district = OrgUnit.objects.add_child(
        city, dict(code="317", name="Huyện Cát Hải", valid_to=datetime.date(2025, 6, 30))
    )
    town = OrgUnit.objects.add_child(
        district, dict(code="11914", name="Thị trấn Cát Bà", valid_to=datetime.date(2025, 6, 30))
    )
    zone = OrgUnit.objects.add_child(
        city, dict(code="11914", name="Đặc khu Cát Hải", valid_from=datetime.date(2025, 7, 1))
    )
    UnitCodeAlias.objects.create(code="12337", unit=town, note="demo code")
    UnitCodeAlias.objects.create(code="31-DK-CATHAI", unit=zone)
    return {"town": town, "zone": zone, "district": district}


def test_a_code_resolves_to_its_holder_on_the_day(units):
    assert resolve("11914", OLD_DAY) == units["town"]
    assert resolve("11914", NEW_DAY) == units["zone"]


def test_today_is_the_default_day(units):
    assert resolve("11914") == units["zone"]


def test_a_code_no_longer_held_reaches_its_last_holder(units):
    assert resolve("317", NEW_DAY) == units["district"]


def test_an_alias_reaches_its_unit(units):
    assert resolve("12337") == units["town"]
    assert resolve("31-DK-CATHAI", OLD_DAY) == units["zone"]


def test_an_official_code_comes_before_an_alias(units):
    other = OrgUnit.objects.add_root(dict(code="12337", name="Thị trấn Vương"))
    assert resolve("12337") == other


def test_an_unknown_code_resolves_to_nothing(units):
    assert resolve("99999") is None


def test_many_codes_resolve_in_two_queries(units, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = resolve_many(["11914", "12337", "99999"], OLD_DAY)
    assert found == {"11914": units["town"], "12337": units["town"]}


def test_periods_overlap_when_they_share_a_day():
    d = datetime.date
    assert overlaps(None, d(2025, 6, 30), d(2025, 6, 30), None)
    assert not overlaps(None, d(2025, 6, 30), d(2025, 7, 1), None)
    assert overlaps(None, None, d(2030, 1, 1), None)


def test_a_code_is_free_only_outside_its_holders_periods(units):
    check_free("11914", datetime.date(2031, 1, 1), None, exclude=units["zone"].pk)
    with pytest.raises(CodeClash, match="11914"):
        check_free("11914", datetime.date(2031, 1, 1), None)


def test_in_bulk_by_code_gives_each_codes_holder_today(units):
    found = OrgUnit.objects.in_bulk(["11914", "12337"], field_name="code")
    assert found == {"11914": units["zone"], "12337": units["town"]}
    assert OrgUnit.objects.filter(valid_to__isnull=True).in_bulk(["12337"], field_name="code") == {}


def test_a_code_with_a_day_names_that_days_holder(units):
    assert resolve("11914@2025-06-30") == units["town"]
    assert resolve("11914@2025-07-01", OLD_DAY) == units["zone"]
    assert resolve("11914@not-a-day") is None


def test_a_units_ref_names_it_unambiguously(units):
    assert (units["town"].ref, units["zone"].ref) == ("11914@2025-06-30", "11914@2025-07-01")
    assert resolve(units["town"].ref, NEW_DAY) == units["town"]
    assert OrgUnit.objects.get(code="31").ref == "31"
