"""The map of Việt Nam before and after 1 July 2025 as rows: the published lists in, units and
successions out (pure: plain data, no ORM; units/mapload.py writes the rows).

Two lists and one mapping, each from a published package (units/mapsource.py reads them):

- before the reform, the provinces, districts and communes as they stood on 30/06/2025, and
  the mapping of every old commune to the new unit(s) it went to (`vietnamadminunits`);
- after it, the 34 provinces and 3,321 commune-level units with their codes and names
  (`vietnam-provinces`), joined to the mapping by province code and the unit's name.

A unit is named by its key, (code, valid_from): a code is unique only within its period.
A province that keeps its code and its name across the reform is one unit (Hải Phòng, 31);
every other change is a new unit and a succession. A commune split between several new
units gets a succession to each of them, and nothing is apportioned.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from core.text import fold, nfc

REFORM_DAY = datetime.date(2025, 7, 1)
LAST_OLD_DAY = datetime.date(2025, 6, 30)
PROVINCE_ACT = "Nghị quyết 202/2025/QH15 ngày 12/06/2025"
# The resolution that set each province's commune-level units, where it has been checked;
# the others are cited generically (docs/map-data.md).
COMMUNE_ACTS = {"31": "Nghị quyết 1669/NQ-UBTVQH15 ngày 16/06/2025"}
COMMUNE_ACT = "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã của tỉnh, năm 2025"
COUNTRY = ("VN", None)

Key = tuple[str, "datetime.date | None"]


def name_key(name: str) -> str:
    """A name as both lists can be matched on: "Xã Chân Mây - Lăng Cô" -> "xachanmaylangco"."""
    return re.sub(r"[^0-9a-z]", "", fold(name))


@dataclass(frozen=True)
class OldUnit:
    """One row of the list before the reform: a commune with its district and province, or
    an island district that had no commune (`code` empty)."""

    province_code: str
    province: str
    province_short: str
    province_key: str
    district_code: str
    district: str
    district_short: str
    district_key: str
    code: str
    name: str
    short_name: str
    key: str


@dataclass(frozen=True)
class NewUnit:
    """A unit of the list after the reform: a province (`province_code` empty) or a
    commune-level unit."""

    code: str
    name: str
    province_code: str = ""


@dataclass(frozen=True)
class MappedUnit:
    """A new unit as the mapping names it: its keys, province code, name and short name."""

    province_key: str
    key: str
    province_code: str
    name: str
    short_name: str
    code: str = ""  # the code this package gives it, compared with the list's own


@dataclass(frozen=True)
class Sources:
    old: list[OldUnit]
    new: list[NewUnit]
    mapped: list[MappedUnit]
    provinces: dict[str, list[str]]  # new province key -> old province keys
    undivided: dict[str, dict[str, list[str]]]  # new province key -> new key -> old keys
    divided: dict[str, dict[str, list[str]]]  # new province key -> old key -> new keys
    old_label: str
    new_label: str


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    level: str
    parent: Key | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    source: str

    @property
    def key(self) -> Key:
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: Key
    successor: Key
    kind: str  # merged, split or renamed (units.models.UnitSuccession.Kind)
    effective_on: datetime.date
    legal_act: str


@dataclass
class MapRows:
    units: list[UnitRow] = field(default_factory=list)  # a parent before its children
    successions: list[SuccessionRow] = field(default_factory=list)
    # (province code, name, code in the mapping's list, code used) where the lists differ
    code_differences: list[tuple[str, str, str, str]] = field(default_factory=list)


class MapDataError(ValueError):
    """The published lists do not fit together; `problems` says where."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


def build(src: Sources) -> MapRows:
    """Every unit and succession of both periods, checked to fit together."""
    rows = MapRows()
    country = UnitRow("VN", "Việt Nam", "", "country", None, None, None, "ISO 3166-1 alpha-2")
    rows.units.append(country)
    old_provinces = _old_provinces(src)
    new_provinces, province_of_key = _new_provinces(src, old_provinces, rows)
    _old_districts_and_communes(src, rows)
    new_units = _new_communes(src, new_provinces, rows)
    _province_successions(src, old_provinces, new_provinces, province_of_key, rows)
    _commune_successions(src, new_units, rows)
    return rows


def _old_provinces(src: Sources) -> dict[str, UnitRow]:
    seen: dict[str, UnitRow] = {}
    for u in src.old:
        if u.province_code not in seen:
            seen[u.province_code] = UnitRow(
                u.province_code, u.province, u.province_short, "province", COUNTRY,
                None, LAST_OLD_DAY, src.old_label,
            )  # fmt: skip
    return seen


def _new_provinces(
    src: Sources, old: dict[str, UnitRow], rows: MapRows
) -> tuple[dict[str, Key], dict[str, str]]:
    """Adds the provinces of both periods; a province keeping its code and name continues."""
    keys: dict[str, Key] = {}
    for p in (n for n in src.new if not n.province_code):
        before = old.get(p.code)
        if before is not None and name_key(before.name) == name_key(p.name):
            old[p.code] = _continued(before, src)
            keys[p.code] = before.key
        else:
            short = p.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
            row = UnitRow(
                p.code, p.name, short, "province", COUNTRY, REFORM_DAY, None, src.new_label
            )
            rows.units.append(row)
            keys[p.code] = row.key
    rows.units[1:1] = list(old.values())
    province_of_key = {m.province_key: m.province_code for m in src.mapped}
    return keys, province_of_key


def _continued(row: UnitRow, src: Sources) -> UnitRow:
    source = f"{row.source}; {src.new_label}"
    return UnitRow(row.code, row.name, row.short_name, row.level, row.parent, None, None, source)


def _old_districts_and_communes(src: Sources, rows: MapRows) -> None:
    districts: set[str] = set()
    for u in src.old:
        province = (u.province_code, None)
        if u.district_code not in districts:
            districts.add(u.district_code)
            rows.units.append(
                UnitRow(u.district_code, u.district, u.district_short, "district", province,
                        None, LAST_OLD_DAY, src.old_label)
            )  # fmt: skip
    for u in src.old:
        if u.code:
            rows.units.append(
                UnitRow(u.code, u.name, u.short_name, "commune", (u.district_code, None),
                        None, LAST_OLD_DAY, src.old_label)
            )  # fmt: skip


def _new_communes(src: Sources, provinces: dict[str, Key], rows: MapRows) -> dict[tuple, Key]:
    """Adds the commune-level units; returns {(new province key, mapping key): unit key}.

    The lists are joined by province and name: the exact name first (Xã Văn Lang and Xã Văn
    Lăng are two units), then, for the few spelt differently ("Thủy" / "Thuỷ", "Đắk song"),
    the name without diacritics where it names one unit only in both lists."""
    communes = [n for n in src.new if n.province_code]
    match = _Matcher(communes)
    keys: dict[tuple, Key] = {}
    short: dict[str, str] = {}
    problems = []
    for m in src.mapped:
        n = match.find(m.province_code, m.name)
        if n is None:
            problems.append(f"{m.province_code} {m.name}: not in the list after the reform")
            continue
        keys[(m.province_key, m.key)] = (n.code, REFORM_DAY)
        short[n.code] = m.short_name
        if m.code and m.code != n.code:
            rows.code_differences.append((m.province_code, n.name, m.code, n.code))
    unmapped = len(communes) - len(set(keys.values()))
    if unmapped or len(keys) != len(src.mapped):
        problems.append(f"{unmapped} unit(s) of the new list are not mapped, or mapped twice")
    if problems:
        raise MapDataError(problems)
    for n in communes:
        rows.units.append(
            UnitRow(n.code, n.name, short[n.code], "commune", provinces[n.province_code],
                    REFORM_DAY, None, src.new_label)
        )  # fmt: skip
    return keys


def exact_key(name: str) -> str:
    """A name with its diacritics, without case, spaces or punctuation."""
    return re.sub(r"[\W_]", "", nfc(name).casefold())


class _Matcher:
    def __init__(self, units: list[NewUnit]):
        self.exact = {(n.province_code, exact_key(n.name)): n for n in units}
        folded = defaultdict(list)
        for n in units:
            folded[(n.province_code, name_key(n.name))].append(n)
        self.folded = {k: v[0] for k, v in folded.items() if len(v) == 1}
        self.ambiguous = {k for k, v in folded.items() if len(v) > 1}

    def find(self, province: str, name: str) -> NewUnit | None:
        found = self.exact.get((province, exact_key(name)))
        if found is not None:
            return found
        return self.folded.get((province, name_key(name)))


def _province_successions(
    src: Sources,
    old: dict[str, UnitRow],
    new: dict[str, Key],
    province_of_key: dict[str, str],
    rows: MapRows,
) -> None:
    old_code = {u.province_key: u.province_code for u in src.old}
    for new_key, old_keys in src.provinces.items():
        successor = new[province_of_key[new_key]]
        for ok in old_keys:
            predecessor = old[old_code[ok]]
            if predecessor.key == successor:
                continue  # the province continues: one unit
            kind = "merged" if len(old_keys) > 1 else "renamed"
            rows.successions.append(
                SuccessionRow(predecessor.key, successor, kind, REFORM_DAY, PROVINCE_ACT)
            )


def _commune_successions(src: Sources, new_units: dict[tuple, Key], rows: MapRows) -> None:
    """Old commune (or island district) -> every new unit it went to; then a district wholly
    become one new unit (huyện Cát Hải -> đặc khu Cát Hải) links to it as well."""
    old_by_key = {u.key: u for u in src.old}
    links: dict[str, set[Key]] = defaultdict(set)  # old key -> new units
    for new_pkey, wards in src.undivided.items():
        for new_key, old_keys in wards.items():
            for ok in old_keys:
                links[ok].add(new_units[(new_pkey, new_key)])
    for new_pkey, olds in src.divided.items():
        for ok, new_keys in olds.items():
            links[ok].update(new_units[(new_pkey, k)] for k in new_keys)
    problems = [f"{k}: not in the list before the reform" for k in links if k not in old_by_key]
    problems += [f"{k}: no successor" for k in old_by_key if k not in links]
    if problems:
        raise MapDataError(problems)
    sources: dict[Key, set[str]] = defaultdict(set)
    for ok, successors in links.items():
        for s in successors:
            sources[s].add(ok)
    for ok, successors in sorted(links.items()):
        u = old_by_key[ok]
        pred = (u.code, None) if u.code else (u.district_code, None)
        act = COMMUNE_ACTS.get(u.province_code, COMMUNE_ACT)
        for s in sorted(successors):
            kind = _kind(len(successors), len(sources[s]))
            rows.successions.append(SuccessionRow(pred, s, kind, REFORM_DAY, act))
    _whole_districts(src, links, sources, rows)


def _kind(successors: int, predecessors: int) -> str:
    """Split when the old unit went to several new ones; renamed when a new unit came from it
    alone (a new unit with the same territory); merged otherwise."""
    if successors > 1:
        return "split"
    return "renamed" if predecessors == 1 else "merged"


def _whole_districts(
    src: Sources, links: dict[str, set[Key]], sources: dict[Key, set[str]], rows: MapRows
) -> None:
    by_district: dict[str, list[OldUnit]] = defaultdict(list)
    for u in src.old:
        if u.code:
            by_district[u.district_code].append(u)
    for district, communes in by_district.items():
        targets = set().union(*(links[u.key] for u in communes))
        if len(targets) != 1:
            continue
        (target,) = targets
        if sources[target] == {u.key for u in communes}:
            act = COMMUNE_ACTS.get(communes[0].province_code, COMMUNE_ACT)
            rows.successions.append(
                SuccessionRow((district, None), target, "merged", REFORM_DAY, act)
            )
