"""Property: on any small tree whose units merge, the root's total is the same by the map of
each year and by today's, and today's units share it out exactly (no unit counted twice)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.aggregate import Part
from indicators.models import DataElement, DataValue, Period
from indicators.services import record_value
from indicators.sums import totals_on_map, unit_totals
from units.maps import Map
from units.models import OrgUnit, UnitLevel, UnitSuccession

REFORM = datetime.date(2025, 7, 1)
YEARS = range(2022, 2028)
_serial = itertools.count()


def _groups(draw, items: list, most: int) -> list[list]:
    """A random partition of `items` into at most `most` non-empty groups."""
    labels = [draw(st.integers(0, most - 1)) for _ in items]
    return [
        g
        for g in ([x for x, k in zip(items, labels, strict=True) if k == i] for i in range(most))
        if g
    ]


@st.composite
def reforms(draw):
    """Old provinces with their communes, the new provinces each old one merges into, and
    the new communes (inside each new province) each old commune merges into."""
    old = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(1, 3)))]
    provinces = _groups(draw, list(range(len(old))), 2)
    communes = []
    for merged in provinces:
        inside = [(p, c) for p in merged for c in range(old[p])]
        communes.append(_groups(draw, inside, 3))
    values = draw(st.lists(st.integers(0, 1000), min_size=64, max_size=64))
    return old, provinces, communes, values


def _child(parent: OrgUnit, **fields) -> OrgUnit:
    parent.refresh_from_db()
    return OrgUnit.objects.add_child(parent, fields)


def _merge(old: list[OrgUnit], new: OrgUnit) -> None:
    for unit in old:
        UnitSuccession.objects.create(
            predecessor=unit, successor=new, kind="merged", effective_on=REFORM
        )


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reform=reforms())
def test_todays_map_shares_out_the_roots_total_exactly(reform):
    old_sizes, new_provinces, new_communes, values = reform
    with transaction.atomic():
        _check(old_sizes, new_provinces, new_communes, values)
        transaction.set_rollback(True)


def _check(old_sizes, new_provinces, new_communes, values):
    level = UnitLevel.objects.get_or_create(code="commune", defaults={"name": "Xã", "rank": 3})[0]
    tag = next(_serial)
    periods = [
        Period.objects.get_or_create(
            code=str(y), defaults={"year": y, "start_date": datetime.date(y, 1, 1),
                                   "end_date": datetime.date(y, 12, 31)},
        )[0]
        for y in YEARS
    ]  # fmt: skip
    element = DataElement.objects.create(code=f"persons-{tag}", name="Số người")
    root = OrgUnit.objects.add_root({"code": f"VN-{tag}", "name": "Việt Nam"})
    end = REFORM - datetime.timedelta(days=1)
    old_provinces, old_communes = [], {}
    for p, size in enumerate(old_sizes):
        province = _child(root, code=f"{tag}-P{p}", name=f"Tỉnh {p}", valid_to=end)
        old_provinces.append(province)
        for c in range(size):
            old_communes[(p, c)] = _child(
                province, code=f"{tag}-P{p}-C{c}", name=f"Xã {c}", level=level, valid_to=end
            )
    today_communes, today_provinces = [], []
    for n, (merged, groups) in enumerate(zip(new_provinces, new_communes, strict=True)):
        province = _child(root, code=f"{tag}-N{n}", name=f"Tỉnh mới {n}", valid_from=REFORM)
        _merge([old_provinces[p] for p in merged], province)
        today_provinces.append(province)
        for k, group in enumerate(groups):
            commune = _child(province, code=f"{tag}-N{n}-C{k}", name=f"Xã mới {k}",
                             level=level, valid_from=REFORM)  # fmt: skip
            _merge([old_communes[key] for key in group], commune)
            today_communes.append(commune)
    numbers = iter(values * 4)
    for period in periods:
        alive = [u for u in OrgUnit.objects.filter(path__startswith=root.path, level=level)
                 if u.is_valid_on(period.end_date)]  # fmt: skip
        for unit in alive:
            record_value(unit=unit, period=period, element=element,
                         value=Decimal(next(numbers)), source=DataValue.Source.ENTERED)  # fmt: skip
    root.refresh_from_db()
    ids, years, part = {element.pk}, list(YEARS), Part(element.pk)
    as_was = unit_totals(root, years, ids, map=Map.AS_WAS)
    as_is = unit_totals(root, years, ids, map=Map.AS_IS)
    by_commune = totals_on_map(today_communes, years, ids, Map.AS_IS)
    by_province = totals_on_map(today_provinces, years, ids, Map.AS_IS)
    for year in years:
        expected = sum(
            DataValue.objects.filter(element=element, period__year=year).values_list(
                "value", flat=True
            ),
            Decimal(0),
        )
        assert as_was.part(part, year) == expected
        assert as_is.part(part, year) == expected
        for shares in (by_commune, by_province):
            assert sum((t.part(part, year) or 0 for t in shares.values()), Decimal(0)) == expected
