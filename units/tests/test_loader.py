"""Tests of units.loader and the load_units command."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from units.codes import resolve
from units.loader import DataFileError, load_units
from units.models import OrgUnit, UnitGroup, UnitLevel, UnitSuccession

DATA = Path(__file__).resolve().parents[2] / "data" / "units" / "hai-phong-cat-hai.yaml"
COMMUNES = [str(c) for c in range(11914, 11948, 3)]  # official codes, 11914 to 11947
BEFORE, AFTER = datetime.date(2020, 1, 3), datetime.date(2025, 7, 1)

SMALL = """\
version: "t"
levels:
  - {code: province, name: "Cấp tỉnh", rank: 1}
  - {code: commune, name: "Cấp xã", rank: 3}
units:
  - {code: "P", name: "Tỉnh P", level: province}
  - {code: "C1", name: "Xã C1", level: commune, parent: "P"}
  - {code: "C2", name: "Xã C2", level: commune, parent: "P"}
"""


@pytest.fixture
def loaded(db):
    load_units(DATA)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_the_levels_with_their_vietnamese_names(loaded):
    names = dict(UnitLevel.objects.values_list("code", "name"))
    assert names == {
        "country": "Quốc gia",
        "province": "Cấp tỉnh",
        "district": "Cấp huyện",
        "commune": "Cấp xã",
        "village": "Thôn, tổ dân phố",
    }


def test_it_puts_the_12_communes_and_19_bodies_under_the_district(loaded):
    district = OrgUnit.objects.get(code="317")
    children = OrgUnit.objects.get_children(district)
    assert sorted(c.code for c in children.filter(level__code="commune")) == COMMUNES
    assert children.exclude(kind=OrgUnit.Kind.ADMINISTRATIVE).count() == 19
    parent = OrgUnit.objects.get_parent(district)
    assert parent.code == "31"
    assert OrgUnit.objects.get_parent(parent).code == "VN"


def test_the_special_zone_sits_directly_under_the_city(loaded):
    zone = OrgUnit.objects.get(code="11914", valid_from=AFTER)
    assert OrgUnit.objects.get_parent(zone).code == "31"
    assert zone.level.code == "commune"
    assert zone.official_code_source.startswith("vietnam-provinces ")


def test_11914_is_thi_tran_cat_ba_until_the_reform_and_the_special_zone_after(loaded):
    assert resolve("11914", BEFORE).name == "Thị trấn Cát Bà"
    assert resolve("11914", AFTER).name == "Đặc khu Cát Hải"


def test_the_codes_the_demo_used_so_far_still_reach_their_units(loaded):
    assert resolve("12337").name == "Thị trấn Cát Bà"
    assert resolve("12370").name == "Xã Xuân Đám"
    assert resolve("31-DK-CATHAI") == OrgUnit.objects.get(code="11914", valid_from=AFTER)


def test_the_district_and_its_communes_are_valid_before_the_reform_only(loaded):
    for code in ["317", *COMMUNES]:
        unit = OrgUnit.objects.get(code=code, valid_from=None)
        assert unit.is_valid_on(BEFORE) and not unit.is_valid_on(AFTER), code
    zone = OrgUnit.objects.get(code="11914", valid_from=AFTER)
    assert zone.is_valid_on(AFTER) and not zone.is_valid_on(BEFORE)


def test_the_district_and_every_commune_merged_into_the_special_zone(loaded):
    links = UnitSuccession.objects.filter(successor__code="11914", successor__valid_from=AFTER)
    assert sorted(links.values_list("predecessor__code", flat=True)) == sorted(["317", *COMMUNES])
    assert {(link.kind, link.effective_on) for link in links} == {("merged", AFTER)}
    assert all("1669/NQ-UBTVQH15" in link.legal_act for link in links)


def test_it_loads_the_groups_named_by_the_plan(loaded):
    groups = {g.code: g for g in UnitGroup.objects.all()}
    assert groups["317-G-OTHER"].open_membership and not groups["317-G-OTHER"].members.exists()
    assert sorted(groups["317-G-ASSOC"].members.values_list("code", flat=True)) == [
        "317-HCCB",
        "317-HCGC",
        "317-HNCT",
        "317-HND",
    ]
    members = groups["317-G-COMMUNES"].members.values_list("code", flat=True)
    assert sorted(members) == COMMUNES
    assert {g.owner.code for g in groups.values()} == {"317"}


def test_a_reload_changes_nothing(loaded):
    before = (OrgUnit.history.count(), UnitGroup.history.count(), UnitSuccession.history.count())
    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    assert load_units(DATA) == {}
    after = (OrgUnit.history.count(), UnitGroup.history.count(), UnitSuccession.history.count())
    assert after == before
    assert dict(OrgUnit.objects.values_list("pk", "path")) == paths


def test_a_reload_updates_a_name_in_place(db, tmp_path):
    load_units(write(tmp_path, SMALL))
    path = OrgUnit.objects.get(code="C2").path
    counts = load_units(write(tmp_path, SMALL.replace("Xã C2", "Phường C2")))
    assert counts == {"units": 1}
    unit = OrgUnit.objects.get(code="C2")
    assert (unit.name, unit.path) == ("Phường C2", path)


def test_it_refuses_to_move_an_existing_unit(db, tmp_path):
    load_units(write(tmp_path, SMALL))
    moved = SMALL.replace(
        '  - {code: "C2", name: "Xã C2", level: commune, parent: "P"}\n',
        '  - {code: "C2", name: "Xã C2", level: commune, parent: "C1"}\n',
    )
    with pytest.raises(DataFileError, match=r"units\.yaml:8: .*C2"):
        load_units(write(tmp_path, moved))
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="C2")).code == "P"


def test_a_file_with_one_bad_reference_is_refused_whole(db, tmp_path):
    text = SMALL + 'groups:\n  - {code: "G", name: "Nhóm", owner: "P", members: ["C1", "C9"]}\n'
    path = write(tmp_path, text)
    with pytest.raises(DataFileError, match=r"units\.yaml:10: .*C9"):
        load_units(path)
    assert not OrgUnit.objects.exists()
    assert not UnitLevel.objects.exists()


def test_a_unit_whose_parent_comes_later_is_refused_with_its_line(db, tmp_path):
    text = SMALL.replace('parent: "P"}\n  - {code: "C2"', 'parent: "C2"}\n  - {code: "C2"')
    with pytest.raises(DataFileError, match=r"units\.yaml:7: .*C1"):
        load_units(write(tmp_path, text))
    assert not OrgUnit.objects.exists()


def test_a_file_that_breaks_the_schema_is_refused(db, tmp_path):
    with pytest.raises(DataFileError, match="units.yaml"):
        load_units(write(tmp_path, SMALL.replace("rank: 3", 'rank: "three"')))
    assert not UnitLevel.objects.exists()


def test_the_command_reports_a_bad_file_as_a_command_error(db, tmp_path):
    path = write(tmp_path, SMALL.replace('level: commune, parent: "P"}', "level: hamlet}", 1))
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("load_units", str(path), stderr=stderr)
    assert "units.yaml:7: " in stderr.getvalue() and "hamlet" in stderr.getvalue()
    assert not OrgUnit.objects.exists()


REFORM = """\
version: "t"
levels:
  - {code: province, name: "Cấp tỉnh", rank: 1}
  - {code: commune, name: "Cấp xã", rank: 3}
units:
  - {code: "P", name: "Tỉnh P", level: province}
  - {code: "C1", name: "Xã C1", level: commune, parent: "P", valid_to: "2025-06-30"}
  - {code: "C2", name: "Xã C2", level: commune, parent: "P", valid_to: "2025-06-30"}
  - {code: "C1", name: "Đặc khu C", level: commune, parent: "P", valid_from: "2025-07-01"}
successions:
  - {predecessor: "C1", successor: "C1", kind: merged, effective_on: "2025-07-01"}
  - {predecessor: "C2", successor: "C1", kind: merged, effective_on: "2025-07-01"}
aliases:
  - {code: "OLD-C1", unit: "C1@2025-06-30", note: "mã cũ"}
groups:
  - {code: "G", name: "Các xã", owner: "P", members: ["C1@2020-01-01", "C2"]}
"""


def test_one_code_in_two_periods_is_two_units_linked_by_their_days(db, tmp_path):
    load_units(write(tmp_path, REFORM))
    # NULL (no start) first on both databases: PostgreSQL sorts NULLs last by default.
    first_day = F("valid_from").asc(nulls_first=True)
    old, new = OrgUnit.objects.filter(code="C1").order_by(first_day)
    assert (old.valid_from, new.valid_from) == (None, AFTER)
    links = UnitSuccession.objects.filter(successor=new)
    assert sorted(links.values_list("predecessor__name", flat=True)) == ["Xã C1", "Xã C2"]
    assert set(UnitGroup.objects.get(code="G").members.all()) == {
        old,
        OrgUnit.objects.get(code="C2"),
    }


def test_an_alias_reaches_the_unit_it_names(db, tmp_path):
    from units.codes import resolve

    load_units(write(tmp_path, REFORM))
    assert resolve("OLD-C1").name == "Xã C1"
    assert load_units(write(tmp_path, REFORM)) == {}


def test_a_unit_loaded_under_an_alias_takes_its_official_code(db, tmp_path):
    load_units(write(tmp_path, SMALL.replace('"C1"', '"OLD-C1"')))
    first = OrgUnit.objects.get(code="OLD-C1")
    load_units(write(tmp_path, REFORM))
    first.refresh_from_db()
    assert (first.code, first.name, first.valid_to) == ("C1", "Xã C1", datetime.date(2025, 6, 30))
    assert OrgUnit.objects.filter(name="Xã C1").count() == 1


def test_an_ambiguous_reference_asks_for_a_day(db, tmp_path):
    text = REFORM.replace('unit: "C1@2025-06-30"', 'unit: "C1"')
    with pytest.raises(DataFileError, match="C1@YYYY-MM-DD"):
        load_units(write(tmp_path, text))


def test_one_code_held_twice_on_a_day_is_refused(db, tmp_path):
    text = REFORM.replace('valid_from: "2025-07-01"', 'valid_from: "2025-06-01"')
    with pytest.raises(DataFileError, match="C1"):
        load_units(write(tmp_path, text))
    assert not OrgUnit.objects.exists()


def test_a_database_loaded_with_the_demo_codes_keeps_its_units_under_the_official_codes(
    db, tmp_path
):
    text = DATA.read_text(encoding="utf-8")
    old = text[: text.index("\nsuccessions:")].replace(
        'code: "11914"\n    name: "Đặc khu', 'code: "31-DK-CATHAI"\n    name: "Đặc khu'
    )
    for official, demo in zip(COMMUNES, range(12337, 12371, 3), strict=True):
        old = old.replace(f'code: "{official}"', f'code: "{demo}"')
    load_units(write(tmp_path, old))
    before = {u.code: u.pk for u in OrgUnit.objects.all()}
    load_units(DATA)
    assert OrgUnit.objects.count() == len(before)
    assert resolve("11914", BEFORE).pk == before["12337"]
    assert resolve("11947", BEFORE).pk == before["12370"]
    assert resolve("11914", AFTER).pk == before["31-DK-CATHAI"]
    assert resolve("12337").pk == before["12337"]
