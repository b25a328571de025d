"""A reorganisation of the map keeps every pre-computed subtree total exact: units never move,
values stay on the units they were collected for, and new units start empty."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from indicators.models import DataElement, DataValue, Period, SubtreeTotal
from indicators.services import NewValue, write_values
from units.models import OrgUnit, UnitSuccession
from units.services import NewUnit, merge, split

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 7, 1)
ACT = "Nghị quyết 1669/NQ-UBTVQH15 ngày 16/06/2025"


def _child(parent: OrgUnit, code: str, **fields) -> OrgUnit:
    return OrgUnit.objects.add_child(OrgUnit.objects.get(pk=parent.pk), {"code": code, **fields})


@pytest.fixture
def world():
    nation = OrgUnit.objects.add_root({"code": "VN", "name": "Việt Nam"})
    city = _child(nation, "31", name="Thành phố Hải Phòng")
    district = _child(city, "317", name="Huyện Cát Hải", valid_to=datetime.date(2025, 6, 30))
    communes = {code: _child(district, code, name=f"Xã {code}") for code in ("C1", "C2", "C3")}
    periods = {
        year: Period.objects.create(
            code=str(year),
            year=year,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        )  # fmt: skip
        for year in (2024, 2026)
    }
    element = DataElement.objects.create(code="learners", name="Học viên")
    return {"city": city, "district": district, **communes, "periods": periods, "element": element}


def _write(world, figures: dict[OrgUnit, int], year: int) -> None:
    period, element = world["periods"][year], world["element"]
    values = [NewValue(u.pk, period.pk, element.pk, Decimal(n)) for u, n in figures.items()]
    write_values(values, source=DataValue.Source.ENTERED)


def kept() -> dict[tuple, Decimal]:
    return {
        (t.unit_id, t.period_id, t.element_id, t.sex, t.age_band): t.total
        for t in SubtreeTotal.objects.all()
        if t.total
    }


def from_raw_values() -> dict[tuple, Decimal]:
    """Every unit's total recomputed from the raw values below it (not its own)."""
    sums: dict[tuple, Decimal] = {}
    units = list(OrgUnit.objects.all())
    for v in DataValue.objects.select_related("unit"):
        for unit in units:
            if v.unit.path.startswith(unit.path) and unit.pk != v.unit_id:
                key = (unit.pk, v.period_id, v.element_id, v.sex, v.age_band)
                sums[key] = sums.get(key, Decimal(0)) + v.value
    return {k: s for k, s in sums.items() if s}


def test_merging_and_splitting_communes_keeps_every_subtree_total_exact(world):
    _write(world, {world["C1"]: 100, world["C2"]: 40, world["C3"]: 70}, 2024)
    assert kept() == from_raw_values()

    merged = merge(
        [world["C1"], world["C2"]], NewUnit("C12", "Xã C12", parent=world["city"]),
        on=ON, legal_act=ACT,
    )  # fmt: skip
    parts = split(
        world["C3"], [NewUnit("C3A", "Xã C3A", parent=world["city"]),
                      NewUnit("C3B", "Xã C3B", parent=world["city"])],
        on=ON, legal_act=ACT,
    )  # fmt: skip
    assert kept() == from_raw_values()

    _write(world, {merged: 150, parts[0]: 30, parts[1]: 45}, 2026)
    _write(world, {world["C2"]: 42}, 2024)  # a late correction of a past figure
    assert kept() == from_raw_values()

    city, year_2024, year_2026 = world["city"], world["periods"][2024], world["periods"][2026]
    totals = {t.period_id: t.total for t in SubtreeTotal.objects.filter(unit=city)}
    assert totals == {year_2024.pk: Decimal(212), year_2026.pk: Decimal(225)}
    # The old figures stayed on the old units; the split apportioned nothing.
    assert DataValue.objects.filter(unit=world["C3"]).get().value == Decimal(70)
    assert not DataValue.objects.filter(unit__in=parts, period=year_2024).exists()
    assert UnitSuccession.objects.filter(predecessor=world["C3"]).count() == 2
