"""The map's rows are written in bulk, all or nothing, and a re-run writes nothing."""

from __future__ import annotations

import dataclasses

import pytest

from units.mapdata import REFORM_DAY, UnitRow, build
from units.mapload import MapLoadError, load_map
from units.models import OrgUnit, UnitSuccession
from units.tests.map_fixture import sources

pytestmark = pytest.mark.django_db


def test_the_map_loads_into_a_sound_tree():
    counts = load_map(build(sources()))
    assert counts == {"units": 14, "successions": 8}
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    zone = OrgUnit.objects.get(code="11914", valid_from=REFORM_DAY)
    assert OrgUnit.objects.get_parent(zone).code == "31"
    assert zone.official_code_source == "new-list 2025.1"
    assert OrgUnit.objects.get(code="31").numchild == 6  # 2 districts, 4 units since 2025
    assert zone.history.count() == 1


def test_a_second_run_writes_nothing():
    load_map(build(sources()))
    assert load_map(build(sources())) == {}
    assert OrgUnit.objects.count() == 14
    assert UnitSuccession.objects.count() == 8


def test_a_changed_name_is_updated_in_place_with_history():
    load_map(build(sources()))
    rows = build(sources())
    rows.units = [
        dataclasses.replace(u, name="Xã Hà Bắc mới") if u.code == "10008" else u for u in rows.units
    ]
    assert load_map(rows) == {"units": 1}
    unit = OrgUnit.objects.get(code="10008")
    assert unit.name == "Xã Hà Bắc mới"
    assert unit.history.first().history_type == "~"


def test_the_map_adds_to_units_already_in_the_tree_without_moving_them():
    root = OrgUnit.objects.add_root(dict(code="VN", name="Việt Nam"))
    body = OrgUnit.objects.add_child(
        root, dict(code="VN-BODY", name="Một cơ quan", kind=OrgUnit.Kind.DEPARTMENT)
    )
    load_map(build(sources()))
    root.refresh_from_db()
    assert root.numchild == 3  # the body, Hải Phòng, Hải Dương
    assert OrgUnit.objects.get(pk=body.pk).path == body.path
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


def test_a_unit_loaded_under_another_parent_stops_the_load():
    root = OrgUnit.objects.add_root(dict(code="VN", name="Việt Nam"))
    OrgUnit.objects.add_child(
        root, dict(code="11917", name="Thị trấn Cát Hải")
    )  # not under its district
    with pytest.raises(MapLoadError, match="11917"):
        load_map(build(sources()))
    assert OrgUnit.objects.count() == 2


def test_a_code_held_twice_on_one_day_stops_the_load():
    rows = build(sources())
    clash = UnitRow("11914", "Xã Trùng Mã", "", "commune", ("31", None), None, None, "x")
    rows.units.append(clash)
    with pytest.raises(MapLoadError, match="11914"):
        load_map(rows)
    assert not OrgUnit.objects.exists()
