"""Tests of units.tree: the tree as it stood on a given day."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from units.loader import load_units
from units.models import OrgUnit
from units.tree import outermost, subtree, units_for_period, units_on, valid_on

DATA = Path(__file__).resolve().parents[2] / "data" / "units" / "hai-phong-cat-hai.yaml"
BEFORE, AFTER = datetime.date(2020, 1, 3), datetime.date(2025, 7, 1)


@pytest.fixture
def units(db):
    load_units(DATA)
    units = {u.code: u for u in OrgUnit.objects.filter(valid_from__isnull=True)}
    # 11914 names thị trấn Cát Bà until 30/06/2025 and the special zone from 01/07/2025.
    units["zone"] = OrgUnit.objects.get(code="11914", valid_from=AFTER)
    return units


def test_on_3_january_2020_the_district_and_its_12_communes_exist(units):
    on_day = units_on(BEFORE, under=units["31"])
    assert on_day.filter(level__code="commune").count() == 12
    assert on_day.filter(code="317").exists()
    assert not on_day.filter(pk=units["zone"].pk).exists()


def test_on_1_july_2025_only_the_special_zone_remains(units):
    on_day = units_on(AFTER, under=units["31"])
    assert list(on_day) == [units["31"], units["zone"]]


def test_on_30_june_2025_the_old_map_still_stands(units):
    last_day = datetime.date(2025, 6, 30)
    assert units_on(last_day).filter(code="317").exists()
    assert not units_on(last_day).filter(pk=units["zone"].pk).exists()
    assert units_on(last_day).get(code="11914").name == "Thị trấn Cát Bà"


def test_the_subtree_of_the_district_is_found_by_its_path(units):
    pks = set(subtree(units["317"]).values_list("pk", flat=True))
    assert len(pks) == 1 + 12 + 19
    assert units["zone"].pk not in pks
    assert "317" not in set(
        subtree(units["317"], include_self=False).values_list("code", flat=True)
    )


def test_the_subtree_of_the_city_holds_both_maps(units):
    pks = set(subtree(units["31"]).values_list("pk", flat=True))
    assert {units["317"].pk, units["11914"].pk, units["zone"].pk} <= pks


def test_valid_on_filters_rows_through_a_foreign_key(units):
    q = valid_on(BEFORE, prefix="unit__")
    assert "unit__valid_to__gte" in str(q)


def test_the_special_zone_in_2020_is_the_district(units):
    assert units_for_period(units["zone"], datetime.date(2020, 12, 31)) == [units["317"]]


def test_a_unit_valid_on_the_day_is_itself(units):
    assert units_for_period(units["zone"], AFTER) == [units["zone"]]
    assert units_for_period(units["11914"], BEFORE) == [units["11914"]]


def test_a_unit_without_predecessors_before_it_existed_covers_nothing(units):
    assert units_for_period(units["11914"], AFTER) == []


def test_outermost_drops_units_inside_another_ones_subtree(units):
    kept = outermost([units["11914"], units["317"], units["11917"], units["zone"]])
    assert kept == [units["317"], units["zone"]]


def test_the_subtree_range_holds_every_descendant_and_no_sibling():
    from units.models import OrgUnit
    from units.tree import subtree_q

    def matches(path: str, root: str) -> bool:
        q = subtree_q(root)
        low, high = dict(q.children)["path__gte"], dict(q.children)["path__lte"]
        return low <= path <= high

    deepest = "0001" + "Z" * (OrgUnit._meta.get_field("path").max_length - 4)
    assert matches("0001", "0001")
    assert matches("00010001", "0001")
    assert matches(deepest, "0001")
    assert not matches("0002", "0001")
    assert not matches("0000ZZZZ", "0001")
    assert not matches("00020001", "0001")


def test_ancestor_paths_list_the_units_above_top_first():
    from units.tree import ancestor_paths

    assert ancestor_paths("000100020003") == ["0001", "00010002"]
    assert ancestor_paths("000100020003", include_self=True)[-1] == "000100020003"
    assert ancestor_paths("0001") == []
