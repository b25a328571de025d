"""Sums of data values over subtrees, year by year, by the map of each year or today's.

By default (as it was) a unit's figure for a year is taken over the tree as it was at the
end of that year: a unit that did not exist yet (đặc khu Cát Hải in 2020) is measured
through the units it came from. As it is now, today's units are measured through the units
they came from, and a unit split between several of them is attributed to none
(units.maps). Every read is set-based: a few queries whatever the number of units.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from core.reading import memo
from units.access import subtree_filter
from units.maps import Lineage, Map, standing_for
from units.models import OrgUnit

from .aggregate import IndicatorSpec, Part, Totals
from .models import DataElement, DataValue, Indicator, Period, SubtreeTotal
from .provisional import Overlay


def indicator_spec(indicator: Indicator) -> IndicatorSpec:
    den = None
    if indicator.denominator_id is not None:
        den = Part(
            indicator.denominator_id, indicator.denominator_sex, indicator.denominator_age_band
        )
    return IndicatorSpec(
        kind=indicator.kind,
        numerator=Part(
            indicator.numerator_id, indicator.numerator_sex, indicator.numerator_age_band
        ),
        denominator=den,
        factor=indicator.factor,
    )


# --- the tree of a year -----------------------------------------------------------------


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def roots_for_year(unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> list[OrgUnit]:
    """The units that stood for `unit` at the end of `year` (itself, or its predecessors)
    on the chosen map."""
    return standing_for(unit, year_end(year), map).roots


def year_groups(
    unit: OrgUnit, years: Iterable[int], map: Map = Map.AS_WAS
) -> list[tuple[list[OrgUnit], list[int]]]:
    """Years grouped by the set of root units that measure `unit` in them."""
    groups: dict[tuple[int, ...], tuple[list[OrgUnit], list[int]]] = {}
    lineage = Lineage()
    for year in years:
        roots = standing_for(unit, year_end(year), map, lineage=lineage).roots
        key = tuple(r.pk for r in roots)
        groups.setdefault(key, (roots, []))[1].append(year)
    return [g for g in groups.values() if g[0]]


def years_up_to(year: int) -> list[int]:
    """The yearly periods up to `year` (for trends), always including `year` itself."""
    years = set(
        Period.objects.filter(kind=Period.Kind.YEAR, year__lte=year).values_list("year", flat=True)
    )
    years.add(year)
    return sorted(years)


# --- set-based sums ---------------------------------------------------------------------


def element_ids_of(indicators: Iterable[Indicator]) -> set[int]:
    """The data elements that the indicators' formulas read."""
    ids: set[int] = set()
    for indicator in indicators:
        ids |= indicator_spec(indicator).element_ids
    return ids


def own_value_element_ids(element_ids: Iterable[int]) -> set[int]:
    """Elements read on the unit itself (a level a unit holds is not summed up the tree)."""
    held_on_units = memo("indicators.own_value_elements", _own_value_elements)
    return held_on_units.intersection(element_ids)


def _own_value_elements() -> frozenset[int]:
    # Every such element of the catalogue (a few dozen ids), so that one reading asks once.
    return frozenset(
        DataElement.objects.filter(aggregation=DataElement.Aggregation.NONE).values_list(
            "pk", flat=True
        )
    )


def values_in(roots: Sequence[OrgUnit], element_ids: Iterable[int], years: Iterable[int]):
    return DataValue.objects.filter(
        subtree_filter(roots, "unit__"),
        element_id__in=list(element_ids),
        period__year__in=list(years),
    )


_KEYS = ("element_id", "sex", "age_band", "period__year")


def _grouped(qs: QuerySet, *extra: str) -> Iterable[tuple]:
    return (
        qs.order_by()
        .values(*extra, *_KEYS)
        .annotate(total=Sum("value"))
        .values_list(*extra, *_KEYS, "total")
    )


def subtree_sums(
    units: Sequence[OrgUnit],
    element_ids: set[int],
    years: Sequence[int],
    within: Sequence[OrgUnit] | None = None,
) -> dict[int, list[tuple]]:
    """Per unit, (element, sex, age band, year, total) over the unit's subtree.

    A unit's own values plus its SubtreeTotal rows (the sums of everything below it):
    two reads of indexed rows, whatever the size of the subtrees. `within` (subtrees holding all the
    units) keeps the filter short when there are thousands of units.
    """
    if not units or not element_ids:
        return {}
    wanted = {u.pk for u in units}
    if within is not None and len(units) > _FEW_UNITS:
        where = subtree_filter(within, "unit__") & Q(unit__depth__in={u.depth for u in units})
    else:
        where = Q(unit__in=list(wanted))
    where &= Q(element_id__in=list(element_ids), period__year__in=list(years))
    fields = ("unit_id", "element_id", "sex", "age_band", "period__year")
    sums: dict[int, dict[tuple, Decimal]] = defaultdict(dict)
    for unit_id, *key, value in DataValue.objects.filter(where).values_list(*fields, "value"):
        if unit_id in wanted:
            sums[unit_id][tuple(key)] = value
    for unit_id, *key, total in SubtreeTotal.objects.filter(where).values_list(*fields, "total"):
        if unit_id in wanted:
            by_key = sums[unit_id]
            by_key[tuple(key)] = by_key.get(tuple(key), Decimal(0)) + total
    return {pk: [(*key, total) for key, total in by_key.items()] for pk, by_key in sums.items()}


_FEW_UNITS = 50


def unit_totals(
    unit: OrgUnit,
    years: Sequence[int],
    element_ids: set[int],
    overlay: Overlay | None = None,
    map: Map = Map.AS_WAS,
) -> Totals:
    """Sums over the unit's subtree (own values only for non-summed elements), every year,
    on the chosen map; with an overlay, the pending values are added (provisional figures)."""
    own_ids = own_value_element_ids(element_ids)
    rows: list[tuple] = []
    for roots, group_years in year_groups(unit, years, map):
        for per_root in subtree_sums(roots, element_ids - own_ids, group_years).values():
            rows += per_root
        rows += _grouped(
            DataValue.objects.filter(
                unit__in=roots, element_id__in=own_ids, period__year__in=group_years
            )
        )
        if overlay:
            for pending in overlay.rows_for(roots, group_years, element_ids, own_ids).values():
                rows += pending
    return Totals(rows)


def totals_per_unit(
    units: Sequence[OrgUnit],
    years: Sequence[int],
    element_ids: set[int],
    within: Sequence[OrgUnit] | None = None,
    overlay: Overlay | None = None,
) -> dict[int, Totals]:
    """Sums over each unit's own subtree, for many units at once (see subtree_sums); with an
    overlay, the pending values are added."""
    rows = _rows_per_unit(units, years, element_ids, within, overlay)
    return {pk: Totals(r) for pk, r in rows.items()}


def _rows_per_unit(
    units: Sequence[OrgUnit],
    years: Sequence[int],
    element_ids: set[int],
    within: Sequence[OrgUnit] | None = None,
    overlay: Overlay | None = None,
) -> dict[int, list[tuple]]:
    own_ids = own_value_element_ids(element_ids)
    rows = subtree_sums(units, element_ids - own_ids, years, within)
    wanted = {u.pk for u in units}
    where = Q(unit__in=list(wanted))
    if within is not None and len(units) > _FEW_UNITS:
        where = subtree_filter(within, "unit__") & Q(unit__depth__in={u.depth for u in units})
    own = DataValue.objects.filter(
        where, element_id__in=list(own_ids), period__year__in=list(years)
    ).values_list("unit_id", "element_id", "sex", "age_band", "period__year", "value")
    merged: dict[int, list[tuple]] = defaultdict(list, rows)
    for unit_id, *row in own:
        if unit_id in wanted:
            merged[unit_id].append(tuple(row))
    if overlay:
        for unit_id, pending in overlay.rows_for(units, years, element_ids, own_ids).items():
            merged[unit_id] += pending
    return merged


def totals_on_map(
    units: Sequence[OrgUnit],
    years: Sequence[int],
    element_ids: set[int],
    map: Map = Map.AS_WAS,
    within: Sequence[OrgUnit] | None = None,
    overlay: Overlay | None = None,
) -> dict[int, Totals]:
    """Each unit's sums on the chosen map, for many units at once.

    As it was, each unit's own subtree (totals_per_unit: the units are those of the year).
    As it is now, each of today's units is the sum, year by year, over the subtrees of the
    units standing for it that year (units.maps.standing_for): the sums of all those roots
    are read at once, then each root's rows of a year go to the unit it stands for.
    """
    if map != Map.AS_IS:
        return totals_per_unit(units, years, element_ids, within, overlay)
    lineage = Lineage()
    lineage.preload(units)
    roots_of: dict[int, dict[int, list[OrgUnit]]] = {}
    everyone: dict[int, OrgUnit] = {}
    for unit in units:
        roots_of[unit.pk] = {}
        for year in years:
            roots = standing_for(unit, year_end(year), map, lineage=lineage).roots
            roots_of[unit.pk][year] = roots
            everyone.update((r.pk, r) for r in roots)
    per_root = _rows_per_unit(list(everyone.values()), years, element_ids, None, overlay)
    result = {}
    for unit in units:
        rows = [
            row
            for year, roots in roots_of[unit.pk].items()
            for root in roots
            for row in per_root.get(root.pk, ())
            if row[3] == year
        ]
        if rows:
            result[unit.pk] = Totals(rows)
    return result
