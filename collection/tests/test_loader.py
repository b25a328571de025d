"""Tests for loading data sets and their rules from YAML: content, refusals, idempotence."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from collection.loader import load_datasets_file
from collection.models import DataSet, DataSetElement, ValidationRule
from core.datafile import DataFileError
from indicators.catalog import load_catalog
from indicators.models import DataElement
from units.models import UnitLevel

BASE = Path(settings.BASE_DIR)
DATASETS_FILE = BASE / "data" / "collection" / "learning-society.yaml"
CATALOG = BASE / "data" / "indicators" / "learning-society.yaml"
TEXT = DATASETS_FILE.read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> None:
    """The shipped indicator catalog and the commune level the commune data set names."""
    load_catalog(CATALOG)
    UnitLevel.objects.create(code="commune", name="Cấp xã", rank=3)


@pytest.fixture
def loaded(catalog):
    return load_datasets_file(DATASETS_FILE)


def snapshot() -> list:
    models = [
        DataSet,
        DataSet.history.model,
        DataSetElement,
        ValidationRule,
        ValidationRule.history.model,
    ]
    return [list(m.objects.order_by("pk").values()) for m in models]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def variant(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in TEXT, old
    text = TEXT.replace(old, new, 1)
    path = tmp_path / "datasets.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


# --- what the shipped file holds ----------------------------------------------------------------


def test_the_shipped_file_loads_against_the_shipped_catalog(loaded):
    assert [d.code for d in loaded.data_sets] == [
        "commune-annual", "body-annual", "industrial-workers-annual", "students-annual",
    ]  # fmt: skip
    assert loaded.counts["elements"] == DataSetElement.objects.count()
    assert loaded.counts["rules"] == ValidationRule.objects.count()


def test_the_commune_data_set_has_its_sections_in_order_and_persons_required(loaded):
    commune = DataSet.objects.get(code="commune-annual")
    assert commune.unit_level == "commune"
    members = list(commune.members.select_related("element"))
    sections = list(dict.fromkeys(m.section for m in members))
    assert sections == [
        "Xóa mù chữ", "Cán bộ, công chức, viên chức", "Lao động nông thôn", "Kỹ năng sống",
    ]  # fmt: skip
    assert members[0].element.code == "persons" and members[0].required
    assert [m.element.code for m in members if m.required] == ["persons"]
    assert [m.order for m in members] == list(range(len(members)))


def test_the_bodies_data_set_is_owed_by_kinds_and_the_two_others_by_named_units(loaded):
    kinds = dict(DataSet.objects.values_list("code", "unit_kinds"))
    levels = dict(DataSet.objects.values_list("code", "unit_level"))
    assert kinds["body-annual"] == ["department", "association", "centre", "media"]
    for code in ("industrial-workers-annual", "students-annual"):
        assert (kinds[code], levels[code]) == ([], "")


def test_every_part_is_at_most_its_whole_as_a_hard_rule(loaded):
    pairs = {
        (r.data_set.code, r.element.code, r.other.code)
        for r in ValidationRule.objects.filter(kind="at_most").select_related(
            "data_set", "element", "other"
        )
    }
    assert ("commune-annual", "literate_persons", "persons") in pairs
    assert ("commune-annual", "newly_literate_continuing", "newly_literate_persons") in pairs
    assert ("body-annual", "district_leaders_trained", "district_leaders") in pairs
    assert ("students-annual", "students_life_skills", "students") in pairs
    parts = {p for _d, p, _w in pairs}
    for code in DataElement.objects.values_list("code", flat=True):
        is_part = code.startswith(("officials_", "district_officials_", "commune_officials_"))
        is_part |= code.startswith("industrial_workers_") or code.endswith("_at_clc")
        if is_part:
            assert code in parts, code
    assert set(
        ValidationRule.objects.filter(kind="at_most").values_list("severity", flat=True)
    ) == {"hard"}


def test_the_change_rules_warn_at_twenty_percent_on_the_denominators(loaded):
    rules = ValidationRule.objects.filter(kind="change_within").select_related("element")
    assert {r.element.code for r in rules} >= {
        "persons", "officials", "rural_workers", "industrial_workers", "students",
    }  # fmt: skip
    assert {(r.severity, r.share) for r in rules} == {("soft", Decimal("0.2"))}
    assert all(r.message for r in ValidationRule.objects.all())


def test_reloading_the_same_file_writes_nothing(loaded):
    before = snapshot()
    result = load_datasets_file(DATASETS_FILE)
    assert result.written == 0
    assert snapshot() == before


def test_a_changed_share_is_updated_in_place_and_a_removed_rule_is_removed(loaded, tmp_path):
    rule = ValidationRule.objects.get(data_set__code="students-annual", code="students-change")
    text = TEXT.replace(
        "      - code: students-change\n        severity: soft\n        kind: change_within\n"
        "        element: students\n        share: *default_share\n",
        "      - code: students-change\n        severity: soft\n        kind: change_within\n"
        "        element: students\n        share: 0.3\n",
    ).replace(
        "      - code: workers-change\n        severity: soft\n        kind: change_within\n"
        "        element: industrial_workers\n        share: *default_share\n"
        '        message: "Số công nhân lao động thay đổi nhiều so với năm trước."\n',
        "",
    )
    path = tmp_path / "datasets.yaml"
    path.write_text(text, encoding="utf-8")
    result = load_datasets_file(path)
    assert result.written == 2
    rule.refresh_from_db()
    assert rule.share == Decimal("0.3")
    assert not ValidationRule.objects.filter(code="workers-change").exists()


# --- refusals -------------------------------------------------------------------------------

# name: (text replaced, replacement, marker of the line the error names, its pointer's tail)
MALFORMED = {
    "unknown-element": (
        "- {element: newly_literate_continuing}",
        "- {element: newly_literate_contiuing}",
        "- {element: newly_literate_contiuing}",
        "/data_sets/0/sections/0/elements/3/element",
    ),
    "duplicate-data-set": (
        "  - code: students-annual\n",
        "  - code: commune-annual\n",
        '  - code: commune-annual\n    name: "Báo cáo năm về giáo dục',
        "/data_sets/3/code",
    ),
    "duplicate-rule": (
        "      - code: continuing-le-newly-literate\n",
        "      - code: literate-le-persons\n",
        "      - code: literate-le-persons\n        severity: hard\n        kind: at_most\n"
        "        element: newly_literate_continuing",
        "/data_sets/0/rules/1/code",
    ),
    "duplicate-element": (
        "          - {element: officials_fl_level3}\n          - {element: commune_officials}",
        "          - {element: officials_fl_level2}\n          - {element: commune_officials}",
        "          - {element: officials_fl_level2}\n          - {element: commune_officials}",
        "/data_sets/0/sections/1/elements/3/element",
    ),
    "at-most-without-whole": (
        "        element: students_life_skills\n        other: students\n",
        "        element: students_life_skills\n",
        "      - code: life-skills-le-students",
        "/data_sets/3/rules/0",
    ),
    "change-without-share": (
        "        element: students\n        share: *default_share\n",
        "        element: students\n",
        "      - code: students-change",
        "/data_sets/3/rules/1",
    ),
    "rule-on-an-element-outside-the-data-set": (
        "        element: students_life_skills\n        other: students\n",
        "        element: students_life_skills\n        other: industrial_workers\n",
        '        other: industrial_workers\n        message: "Số học sinh học',
        "/data_sets/3/rules/0/other",
    ),
    "parts-broken-down-unlike-their-whole": (
        "        element: literate_persons\n        other: persons\n",
        "        element: literate_persons\n        other: newly_literate_persons\n",
        "        other: newly_literate_persons\n",
        "/data_sets/0/rules/0/other",
    ),
    "bad-severity": (
        "        severity: hard\n        kind: at_most\n        element: literate_persons\n",
        "        severity: fatal\n        kind: at_most\n        element: literate_persons\n",
        "        severity: fatal\n",
        "/data_sets/0/rules/0/severity",
    ),
    "level-and-kinds": (
        "    unit_level: commune\n",
        "    unit_level: commune\n    unit_kinds: [department]\n",
        "    unit_kinds: [department]\n",
        "/data_sets/0/unit_kinds",
    ),
    "unknown-level": (
        "    unit_level: commune\n",
        "    unit_level: comune\n",
        "    unit_level: comune\n",
        "/data_sets/0/unit_level",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_a_malformed_file_is_refused_with_its_line_and_leaves_the_database_unchanged(
    loaded, tmp_path, case
):
    old, new, marker, pointer = MALFORMED[case]
    path, text = variant(tmp_path, old, new)
    before = snapshot()
    with pytest.raises(DataFileError) as caught:
        load_datasets_file(path)
    assert caught.value.path == path
    found = [(e.line, e.pointer) for e in caught.value.errors]
    assert (line_of(text, marker), pointer) in found, found
    assert all(line.startswith(f"{path}:") for line in caught.value.lines())
    assert snapshot() == before


def test_an_unknown_element_is_named_in_the_message(catalog, tmp_path):
    path, _text = variant(tmp_path, "{element: rural_workers}", "{element: rural_worker}")
    with pytest.raises(DataFileError) as caught:
        load_datasets_file(path)
    catalog_errors = [e for e in caught.value.errors if e.pointer.endswith("/elements/0/element")]
    assert len(catalog_errors) == 1
    assert "'rural_worker'" in catalog_errors[0].message


def test_a_malformed_file_writes_nothing_into_an_empty_database(catalog, tmp_path):
    path, _text = variant(tmp_path, "{element: rural_workers}", "{element: rural_worker}")
    with pytest.raises(DataFileError):
        load_datasets_file(path)
    assert snapshot() == [[], [], [], [], []]


# --- the command -------------------------------------------------------------------------------


def test_the_command_loads_the_file_and_reports_counts(catalog):
    out = StringIO()
    call_command("load_datasets", str(DATASETS_FILE), stdout=out)
    assert DataSet.objects.count() == 4
    assert f" {ValidationRule.objects.count()} " in out.getvalue()


def test_the_command_prints_file_and_line_and_exits_non_zero(catalog, tmp_path):
    path, text = variant(tmp_path, "{element: rural_workers}", "{element: rural_worker}")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_datasets", str(path), stderr=err)
    assert f"{path}:{line_of(text, '{element: rural_worker}')}: " in err.getvalue()
    assert DataSet.objects.count() == 0


def test_the_command_can_check_a_file_without_writing(catalog):
    out = StringIO()
    call_command("load_datasets", str(DATASETS_FILE), "--check", stdout=out)
    assert str(DATASETS_FILE) in out.getvalue()
    assert DataSet.objects.count() == 0


# --- the admin ---------------------------------------------------------------------------------


def test_the_admin_shows_data_sets_rounds_submissions_and_entries(client, collection, world):
    client.force_login(world.users.superuser)
    submission = collection.submissions["C-A1"]
    pages = [
        "/admin/collection/dataset/",
        f"/admin/collection/dataset/{collection.data_set.pk}/change/",
        "/admin/collection/validationrule/",
        "/admin/collection/reportinground/",
        f"/admin/collection/reportinground/{collection.round.pk}/change/",
        "/admin/collection/submission/",
        f"/admin/collection/submission/{submission.pk}/change/",
        "/admin/collection/entry/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_the_admin_does_not_let_anyone_change_a_submission_by_hand(client, collection, world):
    client.force_login(world.users.superuser)
    submission = collection.submissions["C-A1"]
    page = f"/admin/collection/submission/{submission.pk}/change/"
    response = client.post(page, {"status": "approved"})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == "draft"
    assert client.get("/admin/collection/submission/add/").status_code == 403
