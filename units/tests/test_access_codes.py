"""The access policy reads a unit code for a day: today's holder, or a past year's."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from units.access import get_unit_or_404
from units.models import Membership, OrgUnit, UnitCodeAlias

pytestmark = pytest.mark.django_db
REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def units():
    city = OrgUnit.objects.add_root({"code": "31", "name": "Thành phố Hải Phòng"})
    district = OrgUnit.objects.add_child(
        city, {"code": "317", "name": "Huyện Cát Hải", "valid_to": datetime.date(2025, 6, 30)}
    )
    town = OrgUnit.objects.add_child(
        district, {"code": "11914", "name": "Thị trấn Cát Bà", "valid_to": district.valid_to}
    )
    zone = OrgUnit.objects.add_child(
        OrgUnit.objects.get(pk=city.pk),
        {"code": "11914", "name": "Đặc khu Cát Hải", "valid_from": REFORM},
    )
    other = OrgUnit.objects.add_root({"code": "99", "name": "Tỉnh khác"})
    UnitCodeAlias.objects.create(code="12337", unit=town)
    return {"town": town, "zone": zone, "city": city, "other": other}


@pytest.fixture
def viewer(units, django_user_model):
    user = django_user_model.objects.create_user("viewer")
    Membership.objects.create(user=user, unit=units["city"], role=Membership.Role.VIEWER)
    return user


def test_a_code_reaches_todays_holder_by_default(units, viewer):
    assert get_unit_or_404(viewer, "11914") == units["zone"]


def test_a_code_reaches_the_holder_of_a_past_day(units, viewer):
    assert get_unit_or_404(viewer, "11914", on=datetime.date(2020, 12, 31)) == units["town"]


def test_a_former_code_reaches_its_unit(units, viewer):
    assert get_unit_or_404(viewer, "12337") == units["town"]


def test_a_unit_outside_scope_or_unknown_is_404(units, viewer):
    with pytest.raises(Http404):
        get_unit_or_404(viewer, "99")
    with pytest.raises(Http404):
        get_unit_or_404(viewer, "00000")


def test_a_bare_code_names_the_holder_the_user_may_see(units, django_user_model):
    reporter = django_user_model.objects.create_user("xa_11914")
    Membership.objects.create(user=reporter, unit=units["town"], role=Membership.Role.VIEWER)
    assert get_unit_or_404(reporter, "11914") == units["town"]
    with pytest.raises(Http404):
        get_unit_or_404(reporter, "11914@2025-07-01")


def test_a_former_code_now_held_by_another_province_still_reaches_its_unit(units, viewer):
    """With the national map loaded, the demo's former codes 12337… are real codes of other
    communes: a user who may not see that commune still reaches the unit the alias names,
    while a user of that province reaches its commune."""
    other = OrgUnit.objects.get(pk=units["other"].pk)
    elsewhere = OrgUnit.objects.add_child(other, {"code": "12337", "name": "Xã khác"})
    assert get_unit_or_404(viewer, "12337") == units["town"]
    local = type(viewer).objects.create_user("local")
    Membership.objects.create(user=local, unit=other, role=Membership.Role.VIEWER)
    assert get_unit_or_404(local, "12337") == elsewhere
