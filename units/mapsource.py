"""Read the published lists of administrative units from their installed packages into the
plain data that units/mapdata.py converts (files only: neither package's code is run).

- `vietnam-provinces` (GPL-3.0-or-later): the statistics office's list after 1 July 2025,
  34 provinces and 3,321 commune-level units, codes and names (nested-divisions.json);
- `vietnamadminunits` (MIT): the list before 1 July 2025 (63 provinces, 696 districts,
  10,035 communes; dataset.db, table admin_units_legacy), its own copy of the list after it
  (admin_units), and the mapping of every old commune to its new unit(s)
  (converter_2025.json). Its package imports shapely and geopy on import; reading its files
  directly needs neither.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
from pathlib import Path

from units.mapdata import MappedUnit, NewUnit, OldUnit, Sources

NEW_PACKAGE = "vietnam-provinces"
OLD_PACKAGE = "vietnamadminunits"


def package_dir(module: str) -> Path:
    """Where an installed package's files are, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(module)
    return Path(next(iter(spec.submodule_search_locations)))


def label(package: str, what: str) -> str:
    """The `official_code_source` of a unit: package, version, and which list."""
    return f"{package} {importlib.metadata.version(package)} ({what})"


def read_sources() -> Sources:
    """Both lists and the mapping, as installed."""
    old_dir = package_dir("vietnamadminunits") / "data"
    new_dir = package_dir("vietnam_provinces") / "data"
    with sqlite3.connect(f"file:{old_dir / 'dataset.db'}?mode=ro", uri=True) as db:
        old = [OldUnit(*row) for row in db.execute(_OLD_SQL)]
        mapped = [MappedUnit(*row) for row in db.execute(_MAPPED_SQL)]
    mapping = json.loads((old_dir / "converter_2025.json").read_text(encoding="utf-8"))
    divided = {
        province: {old_key: [n["newWardKey"] for n in news] for old_key, news in olds.items()}
        for province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items()
    }
    return Sources(
        old=old,
        new=_new_units(new_dir / "nested-divisions.json"),
        mapped=mapped,
        provinces=mapping["DICT_PROVINCE"],
        undivided=mapping["DICT_PROVINCE_WARD_NO_DIVIDED"],
        divided=divided,
        old_label=label(OLD_PACKAGE, "danh mục trước 01/07/2025"),
        new_label=label(NEW_PACKAGE, "danh mục từ 01/07/2025"),
    )


def _new_units(path: Path) -> list[NewUnit]:
    units = []
    for p in json.loads(path.read_text(encoding="utf-8")):
        province = f"{p['code']:02d}"
        # This list names a province "Tuyên Quang", a city "Thành phố Hà Nội"; the list
        # before the reform (and the law) say "Tỉnh Tuyên Quang".
        name = p["name"] if p["division_type"] != "tỉnh" else f"Tỉnh {p['name']}"
        units.append(NewUnit(province, name))
        units += [NewUnit(f"{w['code']:05d}", w["name"], province) for w in p["wards"]]
    return units


_OLD_SQL = """
SELECT provinceCode, province, provinceShort, provinceKey,
       districtCode, district, districtShort, districtKey,
       COALESCE(wardCode, ''), COALESCE(ward, ''), COALESCE(wardShort, ''),
       provinceKey || '_' || districtKey || '_' || COALESCE(wardKey, '')
FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode
"""

_MAPPED_SQL = """
SELECT provinceKey, wardKey, provinceCode, ward, wardShort, wardCode
FROM admin_units ORDER BY provinceCode, wardCode
"""
