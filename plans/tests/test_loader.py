"""Tests for loading plan 08/KH-BCĐ from its YAML file: content, refusals, idempotence."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.datafile import DataFileError
from indicators.catalog import load_catalog
from plans.loader import load_plan_file
from plans.models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanStatement,
    ResponsibilityClause,
    Target,
    Task,
    TaskGroup,
)
from units.models import OrgUnit, UnitGroup

BASE = Path(settings.BASE_DIR)
PLAN_FILE = BASE / "data" / "plans" / "08-KH-BCD-2020-cat-hai.yaml"
CATALOG = BASE / "data" / "indicators" / "learning-society.yaml"
SOURCE_TEXT = BASE.parent / "shared" / "seed" / "ke-hoach-08-KH-BCD-2020-cat-hai.txt"
TEXT = PLAN_FILE.read_text(encoding="utf-8")

BODIES = {
    "317-PGDDT": OrgUnit.Kind.DEPARTMENT,
    "317-HKH": OrgUnit.Kind.ASSOCIATION,
    "317-LDTBXH": OrgUnit.Kind.DEPARTMENT,
    "317-VHTT": OrgUnit.Kind.DEPARTMENT,
    "317-KTHT": OrgUnit.Kind.DEPARTMENT,
    "317-NNPTNT": OrgUnit.Kind.DEPARTMENT,
    "317-NV": OrgUnit.Kind.DEPARTMENT,
    "317-TCKH": OrgUnit.Kind.DEPARTMENT,
    "317-TNMT": OrgUnit.Kind.DEPARTMENT,
    "317-DPT": OrgUnit.Kind.MEDIA,
    "317-HDTN": OrgUnit.Kind.ASSOCIATION,
    "317-HLHPN": OrgUnit.Kind.ASSOCIATION,
    "317-HCGC": OrgUnit.Kind.ASSOCIATION,
    "317-HCCB": OrgUnit.Kind.ASSOCIATION,
    "317-HND": OrgUnit.Kind.ASSOCIATION,
    "317-HNCT": OrgUnit.Kind.ASSOCIATION,
    "317-MTTQ": OrgUnit.Kind.ASSOCIATION,
    "317-LDLD": OrgUnit.Kind.ASSOCIATION,
    "317-GDNN": OrgUnit.Kind.CENTRE,
}
GROUPS = {
    "317-G-OTHER": "Các phòng, ban, ngành khác",
    "317-G-ASSOC": "Hội Cựu giáo chức, Hội Cựu chiến binh, Hội Nông dân, Hội Người cao tuổi",
    "317-G-COMMUNES": "UBND các xã, thị trấn",
}

# Section V: number → (the body or group it binds, how many bullets the text gives it).
CLAUSES = {
    "1": ("317-PGDDT", 9),
    "2": ("317-HKH", 5),
    "3": ("317-LDTBXH", 3),
    "4": ("317-VHTT", 5),
    "5": ("317-KTHT", 3),
    "6": ("317-NNPTNT", 2),
    "7": ("317-NV", 2),
    "8": ("317-TCKH", 2),
    "9": ("317-TNMT", 2),
    "10": ("317-DPT", 2),
    "11": ("317-G-OTHER", 3),
    "12": ("317-HDTN", 2),
    "13": ("317-HLHPN", 4),
    "14": ("317-G-ASSOC", 1),
    "15": ("317-G-COMMUNES", 4),
    "16": ("317-MTTQ", 2),
    "17": ("317-LDLD", 4),
}

# Section II: code → (indicator, comparator, value).
TARGETS = {
    "lit-15-60": ("literacy_rate_15_60", "gt", Decimal("99")),
    "lit-15-35": ("literacy_rate_15_35", "gt", Decimal("99.5")),
    "lit-gender-parity": ("literacy_gpi_15_60", "parity", Decimal("0.97")),
    "newly-literate-retention": ("newly_literate_retention_rate", "gt", Decimal("90")),
    "commune-literacy-level-2": ("literacy_level", "gte", Decimal("2")),
    "commune-preschool5": ("preschool5_level", "gte", Decimal("1")),
    "commune-primary-level-3": ("primary_level", "gte", Decimal("3")),
    "district-lower-secondary-level-3": ("lower_secondary_level", "gte", Decimal("3")),
    "officials-it-programme": ("officials_it_programme_rate", "gte", Decimal("100")),
    "officials-fl-level-2": ("officials_fl_level2_rate", "gt", Decimal("55")),
    "officials-fl-level-3": ("officials_fl_level3_rate", "gte", Decimal("30")),
    "workers-it-fl-rises": ("industrial_workers_it_fl_rate", "rises", None),
    "district-officials-qualified": ("district_officials_qualified_rate", "eq", Decimal("100")),
    "district-leaders-trained": ("district_leaders_trained_rate", "gte", Decimal("100")),
    "district-officials-mandatory-training": (
        "district_officials_mandatory_training_rate",
        "gte",
        Decimal("90"),
    ),
    "commune-officials-management-trained": (
        "commune_officials_management_trained_rate",
        "eq",
        Decimal("100"),
    ),
    "commune-officials-qualified": ("commune_officials_qualified_rate", "gte", Decimal("97")),
    "commune-officials-mandatory-training": (
        "commune_officials_mandatory_training_rate",
        "gt",
        Decimal("95"),
    ),
    "rural-workers-clc": ("rural_workers_clc_rate", "gte", Decimal("70")),
    "workers-upper-secondary": ("industrial_workers_upper_secondary_rate", "gte", Decimal("85")),
    "workers-high-skill-rises": ("industrial_workers_high_skill_rate", "rises", None),
    "workers-vocational": ("industrial_workers_vocational_rate", "gte", Decimal("95")),
    "life-skills-rises": ("life_skills_participation_rate", "rises", None),
    "life-skills-80": ("life_skills_participation_rate", "gte", Decimal("80")),
    "students-life-skills-89": ("students_life_skills_rate", "gte", Decimal("89")),
}
ASPIRATIONAL = {
    "district-lower-secondary-level-3",
    "district-officials-mandatory-training",
    "workers-vocational",
    "life-skills-80",
    "students-life-skills-89",
}
EVERY_COMMUNE = {"commune-literacy-level-2", "commune-preschool5", "commune-primary-level-3"}
WORKER_TARGETS = {
    "workers-it-fl-rises",
    "workers-upper-secondary",
    "workers-high-skill-rises",
    "workers-vocational",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> OrgUnit:
    """The country, the city, the district, the bodies its plan names and its three groups."""
    country = OrgUnit.objects.add_root({"code": "VN", "name": "Việt Nam"})
    city = OrgUnit.objects.add_child(country, {"code": "31", "name": "Thành phố Hải Phòng"})
    district = OrgUnit.objects.add_child(city, {"code": "317", "name": "Huyện Cát Hải"})
    for code, kind in BODIES.items():
        parent = OrgUnit.objects.get(pk=district.pk)
        OrgUnit.objects.add_child(parent, {"code": code, "name": code, "kind": kind})
    for code, name in GROUPS.items():
        UnitGroup.objects.create(code=code, name=name, owner=district)
    return district


@pytest.fixture
def catalog() -> None:
    load_catalog(CATALOG)


@pytest.fixture
def above(units) -> None:
    """The plans above plan 08, held by their headers: QĐ 89 and the city's KH 300."""
    for name in ("89-QD-TTg-2013.yaml", "300-KH-UBND-2019-hai-phong.yaml"):
        load_plan_file(PLAN_FILE.parent / name)


@pytest.fixture
def plan(units, catalog, above) -> Plan:
    return load_plan_file(PLAN_FILE).plan


def snapshot() -> list:
    models = [
        Plan,
        Plan.history.model,
        LegalReference,
        PlanStatement,
        ObjectiveGroup,
        Target,
        Target.history.model,
        TaskGroup,
        Task,
        BudgetSource,
        ResponsibilityClause,
        Duty,
        Duty.tasks.through,
        Duty.targets.through,
        Duty.named_units.through,
        Duty.named_groups.through,
    ]
    return [list(m.objects.order_by("pk").values()) for m in models]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def variant(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


# --- what the plan holds ------------------------------------------------------------------


def test_the_header_is_loaded_with_its_source(plan):
    assert (plan.code, plan.number) == ("08-KH-BCD-2020-cat-hai", "08/KH-BCĐ")
    assert plan.issued_on == datetime.date(2020, 1, 3)
    assert (plan.owner.code, plan.start_year, plan.end_year) == ("317", 2020, 2020)
    assert plan.issuer == "Ban Chỉ đạo xây dựng xã hội học tập huyện Cát Hải"
    assert plan.signer_name == "Hoàng Hồng Luân"
    assert plan.preamble.startswith("Căn cứ Quyết định số 89/QĐ-TTg")
    assert plan.source_file == "data/plans/08-KH-BCD-2020-cat-hai.yaml"
    assert re.fullmatch(r"[0-9a-f]{64}", plan.source_sha256)
    assert plan.data_version == "2020.1"


def test_the_legal_references_are_loaded_with_their_relation(plan):
    found = {(r.relation, r.number, r.issued_on) for r in plan.references.all()}
    assert found == {
        ("basis", "89/QĐ-TTg", datetime.date(2013, 1, 9)),
        ("basis", "822/BCĐQG-XHHT", datetime.date(2013, 1, 30)),
        ("implements", "300/KH-UBND", datetime.date(2019, 4, 24)),
        ("cited", "11-CT/TW", datetime.date(2007, 4, 13)),
        ("cited", "10-CT/TU", datetime.date(2007, 7, 5)),
        ("cited", "02/2008/CT-TTg", datetime.date(2008, 1, 8)),
        ("cited", "20/2014/NĐ-CP", datetime.date(2014, 3, 24)),
        ("cited", "2791/QĐ-UBND", datetime.date(2005, 12, 2)),
    }


def test_purposes_requirements_aims_general_duties_and_closing_are_statements(plan):
    kinds = [(s.section, s.kind) for s in plan.statements.all()]
    assert kinds == (
        [("I.1", "purpose")] * 3
        + [("I.2", "requirement")] * 3
        + [("II.1", "aim")] * 2
        + [("V", "general_duty")] * 6
        + [("V", "closing")]
    )
    general = plan.statements.filter(kind="general_duty").values_list("text", flat=True)
    assert any("trước 15/01/2020" in text for text in general)


def test_every_objective_group_of_section_ii_is_loaded(plan):
    groups = [(g.number, g.targets.count()) for g in plan.objective_groups.all()]
    assert groups == [("1", 8), ("2", 4), ("3", 10), ("4", 3)]


def test_every_target_has_its_indicator_comparator_and_value(plan):
    found = {t.code: (t.indicator.code, t.comparator, t.value) for t in plan.targets.all()}
    assert len(found) >= 25
    assert found == TARGETS


def test_targets_keep_scope_aspiration_range_and_due_year(plan):
    targets = {t.code: t for t in plan.targets.all()}
    assert {c for c, t in targets.items() if t.aspirational} == ASPIRATIONAL
    assert {c for c, t in targets.items() if t.scope == "every_commune"} == EVERY_COMMUNE
    assert all(targets[c].commune_share == 100 for c in EVERY_COMMUNE)
    parity = targets["lit-gender-parity"]
    assert (parity.value, parity.value_max) == (Decimal("0.97"), Decimal("1.03"))
    assert {t.due_year for t in targets.values()} == {2020}
    assert targets["district-officials-qualified"].clause == "II.3, cấp huyện, ý 1"


def test_every_task_group_of_section_iii_is_loaded_with_its_tasks(plan):
    groups = {g.number: [t.code for t in g.tasks.all()] for g in plan.task_groups.all()}
    assert {n: len(codes) for n, codes in groups.items()} == {
        "1": 4,
        "2": 2,
        "3": 5,
        "4": 3,
        "5": 8,
        "6": 4,
        "7": 1,
    }
    assert groups["3"] == ["III.3.1.1", "III.3.1.2", "III.3.2.1", "III.3.2.2", "III.3.3.1"]
    subgroups = Task.objects.filter(group__plan=plan, group__number="3")
    assert [s[:3] for s in subgroups.values_list("subgroup", flat=True)] == ["3.1"] * 2 + [
        "3.2"
    ] * 2 + ["3.3"]


def test_both_budget_sources_are_loaded(plan):
    sources = [(b.number, b.kind) for b in plan.budget_sources.all()]
    assert sources == [("1", "state_budget"), ("2", "other")]


def test_every_clause_of_section_v_has_its_body_and_every_duty(plan):
    found = {
        c.number: ((c.unit or c.group).code, c.duties.count())
        for c in plan.clauses.select_related("unit", "group")
    }
    assert found == CLAUSES
    assert Duty.objects.filter(clause__plan=plan).count() == 55
    assert list(plan.clauses.filter(by_request=True).values_list("number", flat=True)) == ["16"]


def test_every_duty_serves_at_least_one_task(plan):
    assert not Duty.objects.filter(clause__plan=plan, tasks=None).exists()


def test_roles_follow_the_wording_of_each_duty(plan):
    for duty in Duty.objects.filter(clause__plan=plan):
        if duty.text.startswith("Chủ trì"):
            assert duty.role == "lead", duty
        if duty.text.startswith(("Phối hợp", "Tham gia")):
            assert duty.role == "partner", duty


def named(plan: Plan, clause: str, number: int) -> Duty:
    return Duty.objects.get(clause__plan=plan, clause__number=clause, number=number)


def test_duties_name_the_other_bodies_they_work_with(plan):
    assert set(named(plan, "1", 3).named_units.values_list("code", flat=True)) == {"317-HKH"}
    assert set(named(plan, "11", 3).named_units.values_list("code", flat=True)) == {
        "317-PGDDT",
        "317-HKH",
    }
    assert set(named(plan, "3", 2).named_units.values_list("code", flat=True)) == {"317-GDNN"}
    assert named(plan, "4", 1).named_groups.get().code == "317-G-COMMUNES"
    assert named(plan, "9", 1).named_text == "các phòng, ban, ngành liên quan"


def test_duties_link_the_targets_of_the_groups_they_are_in_charge_of(plan):
    workers = set(named(plan, "17", 4).targets.values_list("code", flat=True))
    assert workers == WORKER_TARGETS
    officials = set(named(plan, "7", 1).targets.values_list("code", flat=True))
    assert {"officials-it-programme", "district-officials-qualified"} <= officials
    literacy = set(named(plan, "1", 7).targets.values_list("code", flat=True))
    assert literacy == {
        code
        for code in TARGETS
        if TARGETS[code][0].startswith(("literacy", "newly", "preschool", "primary", "lower"))
    }


@pytest.mark.skipif(not SOURCE_TEXT.exists(), reason="the source text lives in ../shared")
def test_every_text_is_copied_word_for_word_from_the_source(plan):
    source = " ".join(SOURCE_TEXT.read_text(encoding="utf-8").split())
    texts = [plan.title, plan.preamble]
    texts += list(PlanStatement.objects.filter(plan=plan).values_list("text", flat=True))
    texts += list(Target.objects.filter(plan=plan).values_list("text", flat=True))
    texts += list(Task.objects.filter(group__plan=plan).values_list("text", flat=True))
    texts += list(Duty.objects.filter(clause__plan=plan).values_list("text", flat=True))
    texts += list(BudgetSource.objects.filter(plan=plan).values_list("text", flat=True))
    for text in texts:
        for part in text.split("…"):
            assert " ".join(part.split()) in source, part


# --- loading again ----------------------------------------------------------------------------


def test_reloading_the_same_file_writes_nothing(plan):
    before = snapshot()
    assert load_plan_file(PLAN_FILE).written == 0
    assert snapshot() == before


def test_a_changed_target_is_updated_in_place(plan, tmp_path):
    target = Target.objects.get(plan=plan, code="lit-15-60")
    path, _ = variant(
        tmp_path, "comparator: gt\n        value: 99\n", "comparator: gte\n        value: 98\n"
    )
    result = load_plan_file(path)
    target.refresh_from_db()
    assert (target.comparator, target.value) == ("gte", Decimal("98"))
    assert result.plan.pk == plan.pk
    assert Target.objects.filter(plan=plan).count() == 25


def test_a_duty_removed_from_the_file_is_removed_from_the_plan(plan, tmp_path):
    old = '      - number: 4\n        text: "Vận động gây quỹ'
    start = TEXT.index(old)
    end = TEXT.index("  # One paragraph, no bullets", start)
    path, _ = variant(tmp_path, TEXT[start:end], "\n")
    load_plan_file(path)
    assert Duty.objects.filter(clause__plan=plan, clause__number="13").count() == 3


# --- refusals ---------------------------------------------------------------------------------

MALFORMED = {
    "missing-required-field": (
        "        indicator: literacy_rate_15_35\n",
        "",
        "      - code: lit-15-35",
        "thiếu trường bắt buộc 'indicator'",
    ),
    "bad-comparator": (
        "comparator: gt\n        value: 99.5",
        "comparator: above\n        value: 99.5",
        "comparator: above",
        "giá trị 'above' không hợp lệ; chỉ nhận: gt, gte, eq, lte, lt, rises, parity",
    ),
    "unknown-indicator": (
        "indicator: literacy_rate_15_35",
        "indicator: literacy_rate_15_99",
        "indicator: literacy_rate_15_99",
        "không có chỉ số mã 'literacy_rate_15_99' trong danh mục chỉ số",
    ),
    "unknown-unit": (
        'unit: "317-KTHT"',
        'unit: "317-KHCN"',
        'unit: "317-KHCN"',
        "không có đơn vị mã '317-KHCN' trong cơ sở dữ liệu",
    ),
    "unknown-group": (
        'group: "317-G-ASSOC"',
        'group: "317-G-HOI"',
        'group: "317-G-HOI"',
        "không có nhóm đơn vị mã '317-G-HOI' trong cơ sở dữ liệu",
    ),
    "yaml-syntax-error": (
        'place: "Cát Hải"',
        "place: Cát Hải: huyện",
        "place: Cát Hải: huyện",
        "lỗi cú pháp YAML: mapping values are not allowed here",
    ),
    "duplicate-key": (
        'place: "Cát Hải"\n',
        'place: "Cát Hải"\nplace: "Cát Bà"\n',
        'place: "Cát Bà"',
        "khóa 'place' bị lặp (đã có ở dòng 15)",
    ),
    "unknown-task-in-duty": (
        'tasks: ["III.4.3"]',
        'tasks: ["III.4.9"]',
        'tasks: ["III.4.9"]',
        "nhiệm vụ 'III.4.9' không có trong các nhiệm vụ của kế hoạch",
    ),
    "unknown-target-in-duty": (
        "targets: [rural-workers-clc]",
        "targets: [rural-workers]",
        "targets: [rural-workers]",
        "chỉ tiêu 'rural-workers' không có trong các chỉ tiêu của kế hoạch",
    ),
    "duplicate-target-code": (
        "      - code: lit-15-35\n",
        "      - code: lit-15-60\n",
        '      - code: lit-15-60\n        clause: "II.1, ý 1"\n        text: "trên',
        "mã chỉ tiêu 'lit-15-60' bị trùng",
    ),
    "rises-with-a-value": (
        'comparator: rises\n        scope: unit\n        population_group: "Học sinh',
        "comparator: rises\n        value: 5\n        scope: unit\n"
        '        population_group: "Học sinh',
        "      - code: life-skills-rises",
        "chỉ tiêu 'rises' (hằng năm tăng) không có 'value'",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_file_is_refused_with_its_line_and_leaves_the_database_unchanged(
    plan, tmp_path, case
):
    old, new, marker, message = MALFORMED[case]
    path, text = variant(tmp_path, old, new)
    before = snapshot()
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    assert caught.value.path == path
    assert (line_of(text, marker), message) in [(e.line, e.message) for e in caught.value.errors]
    assert snapshot() == before


def test_a_malformed_file_writes_nothing_into_an_empty_database(units, catalog, above, tmp_path):
    path, _ = variant(tmp_path, 'unit: "317-KTHT"', 'unit: "317-KHCN"')
    with pytest.raises(DataFileError):
        load_plan_file(path)
    assert not Plan.objects.filter(code="08-KH-BCD-2020-cat-hai").exists()
    assert Target.objects.count() == 0


def test_a_unit_that_did_not_exist_on_the_issue_date_is_refused(units, catalog, above):
    OrgUnit.objects.filter(code="317-NV").update(valid_from=datetime.date(2021, 1, 1))
    with pytest.raises(DataFileError) as caught:
        load_plan_file(PLAN_FILE)
    assert caught.value.errors[0].message == (
        "đơn vị '317-NV' không tồn tại vào ngày ban hành 03/01/2020"
    )


def test_a_code_is_read_on_the_day_of_issue_not_today(units, catalog, above):
    """Since 1 July 2025 another unit holds the code the plan's owner held in 2020 (as the
    đặc khu holds thị trấn Cát Bà's 11914): the plan still belongs to the unit of 2020."""
    reform = datetime.date(2025, 7, 1)
    OrgUnit.objects.filter(pk=units.pk).update(valid_to=reform - datetime.timedelta(days=1))
    city = OrgUnit.objects.get(code="31")
    OrgUnit.objects.add_child(city, {"code": "317", "name": "Đặc khu mới", "valid_from": reform})
    plan = load_plan_file(PLAN_FILE).plan
    assert plan.owner_id == units.pk


def test_the_command_loads_the_plan_and_reports_counts(units, catalog, above):
    out = StringIO()
    call_command("load_plan", str(PLAN_FILE), stdout=out)
    assert "25 chỉ tiêu" in out.getvalue()
    assert "55 nhiệm vụ được giao" in out.getvalue()


def test_the_command_prints_file_and_line_and_exits_non_zero(units, catalog, above, tmp_path):
    path, text = variant(tmp_path, 'unit: "317-KTHT"', 'unit: "317-KHCN"')
    err = StringIO()
    with pytest.raises(CommandError, match="không ghi gì vào cơ sở dữ liệu"):
        call_command("load_plan", str(path), stderr=err)
    line = line_of(text, 'unit: "317-KHCN"')
    assert f"{path}:{line}: không có đơn vị mã '317-KHCN'" in err.getvalue()
    assert not Plan.objects.filter(code="08-KH-BCD-2020-cat-hai").exists()


def test_the_command_can_check_a_file_without_writing(units, catalog, above):
    out = StringIO()
    call_command("load_plan", str(PLAN_FILE), "--check", stdout=out)
    assert "hợp lệ" in out.getvalue()
    assert not Plan.objects.filter(code="08-KH-BCD-2020-cat-hai").exists()
