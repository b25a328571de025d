"""The published lists become units and successions (pure: no database)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from units.mapdata import LAST_OLD_DAY, REFORM_DAY, MapDataError, build, exact_key, name_key
from units.tests.map_fixture import sources

NEW = REFORM_DAY


def _rows():
    rows = build(sources())
    return {u.key: u for u in rows.units}, rows


def test_a_province_keeping_its_code_and_name_stays_one_unit():
    units, _ = _rows()
    assert [k for k in units if k[0] == "31"] == [("31", None)]
    assert units[("31", None)].valid_to is None


def test_an_absorbed_province_ends_and_is_succeeded_by_the_one_it_joined():
    units, rows = _rows()
    assert units[("30", None)].valid_to == LAST_OLD_DAY
    links = [
        (s.predecessor, s.successor, s.kind) for s in rows.successions if s.predecessor[0] == "30"
    ]
    assert links == [(("30", None), ("31", None), "merged")]


def test_one_code_names_the_old_commune_and_the_new_unit_in_two_periods():
    units, _ = _rows()
    old, new = units[("11914", None)], units[("11914", NEW)]
    assert (old.name, old.valid_to, old.parent) == ("Thị trấn Cát Bà", LAST_OLD_DAY, ("317", None))
    assert (new.name, new.valid_from, new.parent) == ("Đặc khu Cát Hải", NEW, ("31", None))


def test_the_dac_khu_has_every_old_commune_and_its_district_as_predecessors():
    _, rows = _rows()
    into = {s.predecessor: s.kind for s in rows.successions if s.successor == ("11914", NEW)}
    assert into == {("11914", None): "merged", ("11917", None): "merged", ("317", None): "merged"}


def test_an_island_district_without_communes_is_succeeded_by_its_dac_khu():
    _, rows = _rows()
    into = [(s.predecessor, s.kind) for s in rows.successions if s.successor == ("11948", NEW)]
    assert into == [(("318", None), "renamed")]


def test_a_split_commune_records_every_successor_and_nothing_else():
    _, rows = _rows()
    out = {s.successor: s.kind for s in rows.successions if s.predecessor == ("10002", None)}
    assert out == {("10005", NEW): "split", ("10008", NEW): "split"}
    assert all(not hasattr(s, "share") for s in rows.successions)


def test_every_unit_names_its_source_and_parents_come_first():
    units, rows = _rows()
    seen = set()
    for u in rows.units:
        assert u.parent is None or u.parent in seen
        assert u.source
        seen.add(u.key)
    assert units[("11914", NEW)].source == "new-list 2025.1"
    assert units[("11914", None)].source == "old-list 1.0"


def test_codes_that_differ_between_the_lists_are_reported_and_the_new_list_wins():
    units, rows = _rows()
    assert rows.code_differences == [("31", "Xã Thanh Hà", "10006", "10005")]
    assert ("10005", NEW) in units


def test_a_unit_missing_from_the_new_list_stops_the_build():
    src = sources()
    broken = dataclasses.replace(src, new=[n for n in src.new if n.code != "10008"])
    with pytest.raises(MapDataError, match="Xã Hà Bắc"):
        build(broken)


def test_an_old_commune_without_successor_stops_the_build():
    src = sources()
    divided = {k: {} for k in src.divided}
    with pytest.raises(MapDataError, match="no successor"):
        build(dataclasses.replace(src, divided=divided))


def test_names_match_with_diacritics_first_then_without():
    assert exact_key("Xã Văn Lang") != exact_key("Xã Văn Lăng")
    assert name_key("Xã Thanh Thủy") == name_key("Xã Thanh Thuỷ")
    assert name_key("Xã Chân Mây - Lăng Cô") == name_key("Xã Chân Mây-Lăng Cô")


def test_the_reform_day_follows_the_last_old_day():
    assert LAST_OLD_DAY + datetime.timedelta(days=1) == REFORM_DAY
