"""Which units stand for a unit in a past year, by the map of that year or by today's."""

from __future__ import annotations

import datetime

import pytest

from units.maps import (
    Lineage,
    Map,
    as_map,
    children_on_map,
    communes_on_map,
    standing_for,
    successors_note,
)
from units.models import OrgUnit, UnitSuccession
from units.testing import add_special_zone, build_tree

END_2020 = datetime.date(2020, 12, 31)
SPLIT_DAY = datetime.date(2025, 7, 1)


@pytest.fixture
def tree(db):
    return build_tree()


def split_b1(tree) -> tuple[OrgUnit, OrgUnit]:
    """Commune B1 ends on 30/06/2025 and is split between two new communes of district B."""
    OrgUnit.objects.filter(pk=tree.commune_b1.pk).update(valid_to=SPLIT_DAY - datetime.timedelta(1))
    tree.commune_b1.refresh_from_db()
    new = []
    for code in ("C-N1", "C-N2"):
        tree.district_b.refresh_from_db()
        unit = OrgUnit.objects.add_child(
            tree.district_b,
            {"code": code, "name": f"Xã {code}", "level": tree.levels["commune"],
             "valid_from": SPLIT_DAY},
        )  # fmt: skip
        UnitSuccession.objects.create(
            predecessor=tree.commune_b1, successor=unit, kind="split", effective_on=SPLIT_DAY
        )
        new.append(unit)
    return new[0], new[1]


def test_the_map_parameter_defaults_to_as_it_was_and_refuses_anything_else():
    assert as_map(None) == as_map("") == Map.AS_WAS
    assert as_map("as_is") == Map.AS_IS
    assert as_map("today") is None


def test_the_special_zone_stands_through_its_district_on_either_map(tree):
    zone = add_special_zone(tree)
    for map in Map:
        standing = standing_for(zone, END_2020, map)
        assert standing.roots == [tree.district_a]
        assert standing.shared == []


def test_a_province_breaks_down_into_that_years_children_or_todays(tree):
    zone = add_special_zone(tree)
    as_was = children_on_map(tree.province, END_2020, Map.AS_WAS)
    as_is = children_on_map(tree.province, END_2020, Map.AS_IS)
    assert [u.code for u in as_was] == ["D-A", "D-B"]
    assert sorted(u.code for u in as_is) == ["D-B", zone.code]


def test_todays_communes_leave_out_those_under_a_unit_that_ended(tree):
    add_special_zone(tree)  # communes A1 and A2 stay valid under the district that ended
    assert sorted(u.code for u in communes_on_map(tree.province, "commune")) == ["C-B1", "DK-A"]


def test_a_split_commune_is_attributed_to_none_of_its_successors(tree):
    n1, n2 = split_b1(tree)
    for map in Map:
        standing = standing_for(n1, END_2020, map)
        assert standing.roots == []
        [shared] = standing.shared
        assert shared.predecessor == tree.commune_b1
        assert {u.code for u in shared.successors} == {"C-N1", "C-N2"}
    # Both successors lie inside district B: there it is counted once, as a whole.
    assert standing_for(tree.district_b, END_2020, Map.AS_IS).roots == [tree.district_b]


def test_a_unit_that_ended_names_where_its_later_figures_are(tree):
    zone = add_special_zone(tree)
    assert successors_note(tree.district_a, datetime.date(2026, 12, 31)) == [zone]
    assert successors_note(tree.district_a, END_2020) == []
    assert successors_note(zone, END_2020) == []


def test_a_lineage_sees_a_link_added_after_an_earlier_read(db):
    """The links are shared between reads while the map is unchanged, and read again once it
    changes: a reorganisation is seen by the next page."""
    root = OrgUnit.objects.add_root({"code": "R", "name": "Gốc"})
    old = OrgUnit.objects.add_child(root, {"code": "O", "name": "Cũ"})
    new = OrgUnit.objects.add_child(OrgUnit.objects.get(pk=root.pk), {"code": "N", "name": "Mới"})
    assert Lineage().predecessors(new) == []
    UnitSuccession.objects.create(
        predecessor=old, successor=new, kind="merged", effective_on=datetime.date(2025, 7, 1)
    )
    assert Lineage().predecessors(new) == [old]
    UnitSuccession.objects.filter(predecessor=old).delete()
    assert Lineage().predecessors(new) == []
