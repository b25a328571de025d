"""Tests for the plan tree as data: QĐ 89 → KH 300 → plan 08, QĐ 1373 → KH 254, milestones,
parents, void targets and the refusals of the loader."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from core.datafile import DataFileError
from indicators.catalog import load_catalog
from plans.loader import load_plan_file
from plans.models import Plan, PlanSection, Target, milestone_in_force
from units.loader import load_units

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
PLANS = BASE / "data" / "plans"
TREE = [
    "89-QD-TTg-2013.yaml",
    "300-KH-UBND-2019-hai-phong.yaml",
    "08-KH-BCD-2020-cat-hai.yaml",
    "1373-QD-TTg-2021.yaml",
    "254-KH-UBND-2021-hai-phong.yaml",
]


@pytest.fixture
def tree() -> dict[str, Plan]:
    load_units(BASE / "data" / "units" / "hai-phong-cat-hai.yaml")
    load_catalog(BASE / "data" / "indicators" / "learning-society.yaml")
    plans = [load_plan_file(PLANS / name).plan for name in TREE]
    return {p.number: p for p in plans}


def variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (PLANS / name).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_each_plan_names_the_plans_it_implements(tree):
    implemented = {
        number: sorted(p.number for p in plan.implements.all()) for number, plan in tree.items()
    }
    assert implemented == {
        "89/QĐ-TTg": [],
        "300/KH-UBND": ["89/QĐ-TTg"],
        "08/KH-BCĐ": ["300/KH-UBND"],
        "1373/QĐ-TTg": [],
        "254/KH-UBND": ["1373/QĐ-TTg"],
    }


def test_1373_succeeds_89_and_the_header_nodes_say_so(tree):
    assert tree["1373/QĐ-TTg"].succeeds == tree["89/QĐ-TTg"]
    assert tree["89/QĐ-TTg"].headers_only and tree["300/KH-UBND"].headers_only
    assert not tree["89/QĐ-TTg"].targets.exists()
    assert (tree["1373/QĐ-TTg"].owner.code, tree["254/KH-UBND"].owner.code) == ("VN", "31")
    assert tree["1373/QĐ-TTg"].kind == Plan.Kind.SCHEME


def test_every_1373_target_has_its_2025_milestone_and_most_a_2030_one(tree):
    targets = tree["1373/QĐ-TTg"].targets.prefetch_related("milestones")
    years = {t.code: [m.year for m in t.milestones.all()] for t in targets}
    assert len(years) == 15
    assert all(y[0] == 2025 for y in years.values())
    assert [c for c, y in years.items() if y == [2025]] == ["a4"]


def test_phan_dau_milestones_are_aspirational(tree):
    aspirational = {
        (m.target.code, m.year)
        for t in tree["1373/QĐ-TTg"].targets.all()
        for m in t.milestones.select_related("target")
        if m.aspirational
    }
    assert aspirational == {("a2", 2030), ("a4", 2025)}


def test_shares_of_provinces_hold_the_condition_and_the_share(tree):
    a1 = tree["1373/QĐ-TTg"].targets.get(code="a1")
    assert (a1.measure, a1.subject, a1.comparator, a1.value) == (
        "share_of_units",
        "province",
        "gte",
        Decimal(2),
    )
    assert [(m.year, m.value) for m in a1.milestones.all()] == [
        (2025, Decimal(70)),
        (2030, Decimal(90)),
    ]


def test_d2_is_void_from_the_end_of_districts_with_its_reason(tree):
    d2 = tree["1373/QĐ-TTg"].targets.get(code="d2")
    assert d2.void_from == datetime.date(2025, 7, 1)
    assert "202/2025/QH15" in d2.void_reason
    assert d2.is_void_on(datetime.date(2026, 1, 1))
    assert not d2.is_void_on(datetime.date(2025, 6, 30))


def test_254_targets_localise_1373_with_their_relation_and_are_marked_secondary(tree):
    targets = tree["254/KH-UBND"].targets.select_related("parent_target")
    links = {t.code: (t.parent_target and t.parent_target.code, t.parent_relation) for t in targets}
    assert links["commune-literacy-level-2"] == ("a1", "rebased")
    assert links["city-highest-level"] == ("a1", "collapsed")
    assert links["working-age-information"] == ("b1", "stricter")
    assert links["lit-15-60"] == (None, "")
    assert {t.reading for t in targets} == {"secondary"}
    assert tree["254/KH-UBND"].reading == "secondary"


def test_of_which_targets_are_parts_of_their_whole(tree):
    b4 = tree["1373/QĐ-TTg"].targets.get(code="b4")
    assert b4.part_of.code == "b3"
    assert tree["254/KH-UBND"].targets.get(code="university-15-plus").part_of.code == (
        "trained-15-plus"
    )


def test_plan_08_reads_as_before_with_one_milestone_per_target(tree):
    plan = tree["08/KH-BCĐ"]
    for target in plan.targets.prefetch_related("milestones"):
        (milestone,) = target.milestones.all()
        assert milestone.year == target.due_year == 2020
        if target.scope == Target.Scope.EVERY_COMMUNE:
            assert (target.measure, target.subject) == ("share_of_units", "commune")
            assert milestone.value == target.commune_share
        else:
            assert milestone.value == target.value
    sections = list(PlanSection.objects.filter(plan=plan).values_list("key", "number"))
    assert ("implementation", "V") in sections and ("targets", "II") in sections
    assert set(plan.clauses.values_list("section", flat=True)) == {"V"}


def test_the_milestone_in_force_is_the_first_due_in_or_after_the_year_else_the_last(tree):
    a1 = tree["1373/QĐ-TTg"].targets.get(code="a1")
    milestones = list(a1.milestones.all())
    assert [milestone_in_force(milestones, y).year for y in (2022, 2025, 2026, 2030, 2031)] == [
        2025,
        2025,
        2030,
        2030,
        2030,
    ]
    assert milestone_in_force([], 2025) is None


def test_reloading_the_tree_writes_nothing(tree):
    assert [load_plan_file(PLANS / name).written for name in TREE] == [0] * len(TREE)


def test_a_plan_whose_parent_is_not_loaded_is_refused(tree, tmp_path):
    path = variant(tmp_path, "254-KH-UBND-2021-hai-phong.yaml", "target: b1,", "target: b9,")
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    assert [e.message for e in caught.value.errors] == [
        "không có chỉ tiêu 'b9' trong kế hoạch đã nạp '1373-QD-TTg-2021'"
    ]


def test_an_unknown_implemented_plan_is_refused(tree, tmp_path):
    path = variant(
        tmp_path, "254-KH-UBND-2021-hai-phong.yaml", '["1373-QD-TTg-2021"]', '["1374-QD-TTg"]'
    )
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    assert [e.message for e in caught.value.errors] == [
        "chưa nạp kế hoạch nào khác có mã '1374-QD-TTg'"
    ]


def test_an_unknown_subject_is_refused(tree, tmp_path):
    path = variant(tmp_path, "1373-QD-TTg-2021.yaml", "subject: clc", "subject: hamlet")
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    assert [e.message for e in caught.value.errors] == [
        "'hamlet' không phải cấp đơn vị cũng không phải đối tượng đã biết"
    ]


def test_a_void_target_without_its_reason_is_refused(tree, tmp_path):
    path = variant(tmp_path, "1373-QD-TTg-2021.yaml", "        void_reason: ", "        why: ")
    with pytest.raises(DataFileError):
        load_plan_file(path)


def test_milestones_out_of_order_are_refused(tree, tmp_path):
    path = variant(
        tmp_path,
        "1373-QD-TTg-2021.yaml",
        "[{year: 2025, value: 70}, {year: 2030, value: 90}]",
        "[{year: 2030, value: 90}, {year: 2025, value: 70}]",
    )
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    assert [e.message for e in caught.value.errors] == ["các mốc phải xếp theo năm"]


def test_the_page_of_1373_lists_each_milestone_and_says_d2_is_void(tree, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    html = client.get("/plans/1373-QD-TTg-2021/").content.decode()
    assert "2025: 70% tỉnh, thành phố: ≥ 2" in html and "2030: 90% tỉnh, thành phố: ≥ 2" in html
    assert "2030: 100% tỉnh, thành phố: ≥ 1 (phấn đấu)" in html
    assert "2025: ≥ 50%" in html
    assert "hết đối tượng từ 01/07/2025" in html
