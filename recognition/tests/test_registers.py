"""Tests of the registers' write path (save_tallies) and its reads (tallies_for, summary)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from django.http import Http404

from recognition import registers
from recognition.models import Tally
from recognition.registers import Figures, TallyError, save_tallies, summary, tallies_for
from units.testing import add_special_zone, build_tree, build_users

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def world(monkeypatch):
    published = []
    monkeypatch.setattr(
        "recognition.publishing.publish_tallies",
        lambda commune, year, *, actor=None: published.append((commune.code, year)),
    )
    tree = build_tree()
    users = build_users(tree)
    return tree, users, published


def row(village="Thôn 1", model="family", **figures):
    return {"village": village, "model": model, **figures}


def test_it_creates_rows_with_history_and_publishes(world):
    tree, users, published = world
    saved = save_tallies(
        tree.commune_a1, YEAR, [row(total=100, registered=80, recognised=60, note="ghi chú")],
        actor=users.commune_reporter,
    )  # fmt: skip
    tally = Tally.objects.get()
    assert (tally.total, tally.registered, tally.recognised, tally.version) == (100, 80, 60, 1)
    assert tally.updated_by == users.commune_reporter
    assert tally.history.get().history_user == users.commune_reporter
    assert len(saved.created) == 1 and published == [("C-A1", YEAR)]


def test_a_blank_never_erases_a_saved_value_and_a_no_change_publishes_nothing(world):
    tree, users, published = world
    actor = users.commune_reporter
    save_tallies(tree.commune_a1, YEAR, [row(total=100, registered=80, note="a")], actor=actor)
    saved = save_tallies(
        tree.commune_a1, YEAR, [row(total=None, registered="", recognised=5, note="", version=1)],
        actor=actor,
    )  # fmt: skip
    tally = Tally.objects.get()
    assert (tally.total, tally.registered, tally.recognised, tally.note) == (100, 80, 5, "a")
    assert tally.version == 2 and len(saved.updated) == 1
    again = save_tallies(tree.commune_a1, YEAR, [row(total=100, version=2)], actor=actor)
    assert again.unchanged == 1 and not again.changed and len(published) == 2


def test_a_stale_version_refuses_the_whole_save(world):
    tree, users, _published = world
    actor = users.commune_reporter
    save_tallies(tree.commune_a1, YEAR, [row(total=100)], actor=actor)
    save_tallies(tree.commune_a1, YEAR, [row(total=120, version=1)], actor=users.district_admin)
    with pytest.raises(TallyError) as refused:
        save_tallies(
            tree.commune_a1, YEAR, [row("Thôn 2", total=5, version=0), row(total=90, version=1)],
            actor=actor,
        )  # fmt: skip
    assert refused.value.stale and "Người khác đã lưu" in str(refused.value)
    assert [p.index for p in refused.value.problems] == [1]
    assert list(Tally.objects.values_list("village", "total")) == [("Thôn 1", 120)]


def test_a_new_row_expected_absent_is_stale_when_someone_created_it(world):
    tree, users, _published = world
    save_tallies(tree.commune_a1, YEAR, [row(total=10)], actor=users.district_admin)
    with pytest.raises(TallyError) as refused:
        save_tallies(tree.commune_a1, YEAR, [row(total=11, version=0)],
                     actor=users.commune_reporter)  # fmt: skip
    assert refused.value.stale


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"total": 10, "registered": 11}, "registered"),
        ({"total": 10, "registered": 8, "recognised": 9}, "recognised"),
        ({"total": 10, "recognised": 11}, "recognised"),
        ({"total": -1}, "total"),
        ({"total": "2,5"}, "total"),
        ({"total": True}, "total"),
        ({"registered": 1.5}, "registered"),
    ],
)
def test_row_checks_refuse_and_name_the_field(world, figures, field):
    tree, users, _published = world
    with pytest.raises(TallyError) as refused:
        save_tallies(tree.commune_a1, YEAR, [row(**figures)], actor=users.commune_reporter)
    assert [(p.index, p.field) for p in refused.value.problems] == [(0, field)]
    assert not Tally.objects.exists()


def test_the_edges_pass_registered_equal_total_recognised_equal_registered(world):
    tree, users, _published = world
    save_tallies(tree.commune_a1, YEAR, [row(total=10, registered=10, recognised=10)],
                 actor=users.commune_reporter)  # fmt: skip
    assert Tally.objects.get().recognised == 10


def test_a_later_blank_total_still_bounds_the_saved_figures(world):
    tree, users, _published = world
    actor = users.commune_reporter
    save_tallies(tree.commune_a1, YEAR, [row(total=10)], actor=actor)
    with pytest.raises(TallyError):
        save_tallies(tree.commune_a1, YEAR, [row(registered=11, version=1)], actor=actor)


def test_village_names_are_nfc_and_matched_ignoring_case_and_spaces(world):
    tree, users, _published = world
    actor = users.commune_reporter
    decomposed = unicodedata.normalize("NFD", "Thôn  Đông")
    save_tallies(tree.commune_a1, YEAR, [row(decomposed, total=3)], actor=actor)
    assert Tally.objects.get().village == "Thôn Đông"
    save_tallies(tree.commune_a1, YEAR, [row("thôn đông", total=4, version=1)], actor=actor)
    assert list(Tally.objects.values_list("village", "total")) == [("Thôn Đông", 4)]
    with pytest.raises(TallyError) as refused:
        save_tallies(tree.commune_a1, YEAR, [row("A", total=1), row("a", total=2)], actor=actor)
    assert refused.value.problems[0].field == "village"


def test_outside_scope_is_404_and_viewers_cannot_write(world):
    tree, users, _published = world
    for actor, commune in [(users.commune_reporter, tree.commune_a2),
                           (users.viewer, tree.commune_a1),
                           (users.other_district, tree.commune_a1)]:  # fmt: skip
        with pytest.raises(Http404):
            save_tallies(commune, YEAR, [row(total=1)], actor=actor)
    save_tallies(tree.commune_a1, YEAR, [row(total=1)], actor=users.district_admin)


def test_only_a_commune_standing_at_the_year_end_keeps_a_register(world):
    tree, users, _published = world
    with pytest.raises(TallyError):
        save_tallies(tree.district_a, YEAR, [row(total=1)], actor=users.district_admin)
    with pytest.raises(TallyError):
        save_tallies(tree.commune_a1, YEAR, [row(model="cdht_commune", total=1)],
                     actor=users.district_admin)  # fmt: skip
    zone = add_special_zone(tree)
    with pytest.raises(TallyError):
        save_tallies(zone, 2024, [row(total=1)], actor=users.superuser)
    save_tallies(zone, 2025, [row(total=1)], actor=users.superuser)


def test_summary_sums_the_communes_standing_that_year(world):
    tree, users, _published = world
    admin = users.superuser
    save_tallies(tree.commune_a1, YEAR, [row(total=100, registered=80, recognised=70),
                                         row("Thôn 2", total=50, registered=40, recognised=20),
                                         row(model="clan", total=4)], actor=admin)  # fmt: skip
    save_tallies(tree.commune_a2, YEAR, [row(total=50, registered=10, recognised=10)], actor=admin)
    save_tallies(tree.commune_b1, YEAR, [row(total=1000, recognised=0)], actor=admin)
    district = summary(tree.district_a, YEAR)
    assert district["family"] == Figures(200, 130, 100)
    assert district["family"].share == Decimal(50)
    assert district["clan"] == Figures(4, None, None) and district["clan"].share is None
    assert district["citizen"] == Figures()
    assert summary(tree.commune_a2, YEAR)["family"] == Figures(50, 10, 10)
    assert summary(tree.province, YEAR)["family"].total == 1200
    assert [t.commune.code for t in tallies_for(tree.district_a, YEAR)] == ["C-A1"] * 3 + ["C-A2"]
    zone = add_special_zone(tree)  # 2024 of the đặc khu: the district it came from
    assert summary(zone, YEAR)["family"] == Figures(200, 130, 100)


def test_villages_of_a_new_year_are_last_years(world):
    tree, users, _published = world
    save_tallies(tree.commune_a1, 2023, [row("Thôn 2", total=1), row("Thôn 1", total=1),
                                         row("", model="unit", total=3)],
                 actor=users.superuser)  # fmt: skip
    assert registers.villages_of(tree.commune_a1, 2024) == ["Thôn 1", "Thôn 2", ""]
    assert registers.villages_of(tree.commune_a2, 2024) == []
