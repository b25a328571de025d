"""Reorganisation through the services: new units and successions, never a move."""

from __future__ import annotations

import datetime

import pytest

from units.models import OrgUnit, UnitLevel, UnitSuccession
from units.services import NewUnit, ReorganisationError, close, merge, rename, split

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 1, 1)
EVE = datetime.date(2025, 12, 31)
ACT = "Nghị quyết 9/NQ-UBTVQH15"


@pytest.fixture
def tree():
    commune = UnitLevel.objects.create(code="commune", name="Cấp xã", rank=3)
    city = OrgUnit.objects.add_root({"code": "31", "name": "Thành phố"})
    units = {"city": city}
    for code in ("A", "B", "C"):
        units[code] = OrgUnit.objects.add_child(
            OrgUnit.objects.get(pk=city.pk), {"code": code, "name": f"Xã {code}", "level": commune}
        )
    return units


def _paths():
    return dict(OrgUnit.objects.values_list("pk", "path"))


def test_a_merge_ends_the_units_and_links_them_to_one_new_unit(tree, django_user_model):
    user = django_user_model.objects.create_user("admin")
    before = _paths()
    new = merge([tree["A"], tree["B"]], NewUnit("AB", "Xã AB"), on=ON, legal_act=ACT, actor=user)
    assert (new.valid_from, new.level.code) == (ON, "commune")
    assert OrgUnit.objects.get_parent(new) == tree["city"]
    assert [OrgUnit.objects.get(pk=tree[c].pk).valid_to for c in "AB"] == [EVE, EVE]
    links = UnitSuccession.objects.filter(successor=new)
    assert {(link.predecessor.code, link.kind, link.legal_act) for link in links} == {
        ("A", "merged", ACT),
        ("B", "merged", ACT),
    }
    assert all(_paths()[pk] == path for pk, path in before.items())  # nothing moved
    ended = OrgUnit.objects.get(pk=tree["A"].pk).history.first()
    assert (ended.history_change_reason, ended.history_user) == (ACT, user)


def test_a_split_links_the_old_unit_to_every_new_one(tree):
    news = split(tree["C"], [NewUnit("C1", "Xã C1"), NewUnit("C2", "Xã C2")], on=ON, legal_act=ACT)
    links = UnitSuccession.objects.filter(predecessor=tree["C"])
    assert sorted((link.successor.code, link.kind) for link in links) == [
        ("C1", "split"),
        ("C2", "split"),
    ]
    assert [OrgUnit.objects.get_parent(n) for n in news] == [tree["city"]] * 2
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


def test_a_rename_is_a_new_unit_that_may_keep_the_code(tree):
    new = rename(tree["A"], NewUnit("A", "Phường A"), on=ON, legal_act=ACT)
    assert new.pk != tree["A"].pk
    assert UnitSuccession.objects.get(successor=new).kind == "renamed"
    assert OrgUnit.objects.filter(code="A").count() == 2


def test_close_ends_a_unit_without_successor(tree):
    close(tree["B"], on=ON, legal_act=ACT)
    assert OrgUnit.objects.get(pk=tree["B"].pk).valid_to == EVE
    assert not UnitSuccession.objects.exists()


def test_a_code_held_by_another_unit_is_refused_and_nothing_is_written(tree):
    with pytest.raises(ReorganisationError, match="B"):
        merge([tree["A"], tree["C"]], NewUnit("B", "Xã B mới"), on=ON, legal_act=ACT)
    assert OrgUnit.objects.get(pk=tree["A"].pk).valid_to is None
    assert not UnitSuccession.objects.exists()


def test_a_unit_that_has_ended_cannot_be_reorganised_again(tree):
    close(tree["A"], on=ON, legal_act=ACT)
    with pytest.raises(ReorganisationError, match="Xã A"):
        close(tree["A"], on=datetime.date(2027, 1, 1), legal_act=ACT)


def test_a_unit_with_living_units_under_it_cannot_end(tree):
    with pytest.raises(ReorganisationError, match="Thành phố"):
        close(tree["city"], on=ON, legal_act=ACT)


def test_a_change_needs_its_legal_act(tree):
    with pytest.raises(ReorganisationError):
        close(tree["A"], on=ON, legal_act=" ")


def test_a_code_taken_by_a_change_made_at_the_same_moment_is_refused_not_a_crash(tree, monkeypatch):
    """Between the check that a code is free and the insert, another change may take it:
    the database's uniqueness then answers, and the reorganisation is refused whole."""
    from units import services

    city = OrgUnit.objects.get(pk=tree["city"].pk)
    OrgUnit.objects.add_child(city, {"code": "AB", "name": "Xã AB", "valid_from": ON})
    monkeypatch.setattr(services, "check_free", lambda *args: None)  # the other change's race
    with pytest.raises(ReorganisationError, match="AB"):
        merge([tree["A"], tree["B"]], NewUnit("AB", "Xã AB 2"), on=ON, legal_act=ACT)
    assert [OrgUnit.objects.get(pk=tree[c].pk).valid_to for c in "AB"] == [None, None]
    assert not UnitSuccession.objects.exists()
