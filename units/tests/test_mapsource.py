"""The installed packages give the whole map of both periods, and Cát Hải's official codes."""

from __future__ import annotations

from collections import Counter

import pytest

from units.mapdata import LAST_OLD_DAY, REFORM_DAY, build
from units.mapsource import read_sources

CAT_HAI_COMMUNES = {
    "11914": "Thị trấn Cát Bà", "11917": "Thị trấn Cát Hải", "11920": "Xã Nghĩa Lộ",
    "11923": "Xã Đồng Bài", "11926": "Xã Hoàng Châu", "11929": "Xã Văn Phong",
    "11932": "Xã Phù Long", "11935": "Xã Gia Luận", "11938": "Xã Hiền Hào",
    "11941": "Xã Trân Châu", "11944": "Xã Việt Hải", "11947": "Xã Xuân Đám",
}  # fmt: skip


@pytest.fixture(scope="module")
def rows():
    return build(read_sources())


def test_both_periods_have_their_published_counts(rows):
    old = Counter(u.level for u in rows.units if u.valid_to == LAST_OLD_DAY)
    new = Counter(u.level for u in rows.units if u.valid_from == REFORM_DAY)
    provinces_now = [u for u in rows.units if u.level == "province" and u.valid_to is None]
    provinces_then = [u for u in rows.units if u.level == "province" and u.valid_from is None]
    assert (len(provinces_then), old["district"], old["commune"]) == (63, 696, 10035)
    assert (len(provinces_now), new["commune"]) == (34, 3321)


def test_the_12_communes_of_cat_hai_carry_their_official_codes(rows):
    communes = {u.code: u.name for u in rows.units if u.parent == ("317", None)}
    assert communes == CAT_HAI_COMMUNES


def test_the_dac_khu_holds_11914_and_has_all_12_communes_as_predecessors(rows):
    zone = next(u for u in rows.units if u.key == ("11914", REFORM_DAY))
    assert (zone.name, zone.parent) == ("Đặc khu Cát Hải", ("31", None))
    into = {s.predecessor[0] for s in rows.successions if s.successor == zone.key}
    assert into == set(CAT_HAI_COMMUNES) | {"317"}


def test_hai_phong_continues_and_hai_duong_joins_it(rows):
    city = [u for u in rows.units if u.code == "31"]
    assert [(u.valid_from, u.valid_to) for u in city] == [(None, None)]
    joined = [(s.predecessor, s.kind) for s in rows.successions if s.successor == ("31", None)]
    assert joined == [(("30", None), "merged")]


def test_every_old_commune_has_a_successor_and_splits_are_kept_whole(rows):
    out = Counter(s.predecessor for s in rows.successions if len(s.predecessor[0]) == 5)
    assert len(out) == 10035
    assert sum(1 for s in rows.successions if s.kind == "split") > 1000


def test_the_cat_hai_file_agrees_with_the_packages(rows):
    """data/units/hai-phong-cat-hai.yaml carries the packages' codes, names and sources, so
    loading the whole map over it changes none of its administrative units."""
    import datetime
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "data" / "units" / "hai-phong-cat-hai.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    packaged = {u.key: u for u in rows.units}
    administrative = [u for u in data["units"] if "kind" not in u]
    for unit in administrative:
        start = unit.get("valid_from")
        key = (unit["code"], start and datetime.date.fromisoformat(start))
        row = packaged[key]
        assert (unit["name"], unit.get("code_source")) == (row.name, row.source), key
    assert len(administrative) == 1 + 1 + 1 + 12 + 1  # VN, city, district, communes, zone
