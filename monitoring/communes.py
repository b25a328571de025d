"""The units of one level under a unit (communes by default; provinces, districts for a
national share), year by year: their own figures, or counts of those meeting a level."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q

from indicators.aggregate import IndicatorSpec, Part, Totals, figure
from indicators.models import Indicator
from indicators.provisional import Overlay
from indicators.sums import (
    element_ids_of,
    indicator_spec,
    roots_for_year,
    totals_on_map,
    totals_per_unit,
    values_in,
    year_end,
    year_groups,
)
from plans.models import Target
from units.access import subtree_filter
from units.maps import Map, communes_on_map, effective_map
from units.models import OrgUnit, UnitLevel
from units.tree import outermost, valid_on

from .evaluation import CommuneCount

# The level code of commune-level units (xã, phường, thị trấn, đặc khu): levels are data,
# but "every commune" targets need to know which level is the commune's.
COMMUNE_LEVEL = "commune"

# --- communes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneFigures:
    """The communes of a unit year by year, with the sums over each commune's subtree."""

    communes_by_year: dict[int, list[OrgUnit]]
    totals: dict[int, Totals]

    def values(self, spec: IndicatorSpec) -> dict[int, dict[OrgUnit, Fraction | None]]:
        """Each commune's own indicator value, year by year."""
        empty = Totals()
        return {
            year: {c: figure(spec, self.totals.get(c.pk, empty), year).value for c in communes}
            for year, communes in self.communes_by_year.items()
        }


def commune_figures(
    unit: OrgUnit,
    years: Sequence[int],
    element_ids: set[int],
    overlay: Overlay | None = None,
    level: str = COMMUNE_LEVEL,
    map: Map = Map.AS_WAS,
) -> CommuneFigures:
    """The commune-level units standing for or inside `unit` at the end of each year (with
    an overlay, their sums include the pending values); as it is now, today's communes
    inside `unit`, every year, each measured through the units it came from.

    One query for the communes of all years and one grouped sum per tree depth.
    """
    if effective_map(unit, map) == Map.AS_IS:
        communes = communes_on_map(unit, level)
        totals = totals_on_map(communes, years, element_ids, map, overlay=overlay)
        return CommuneFigures({year: communes for year in years}, totals)
    roots_by_year = {year: roots_for_year(unit, year) for year in years}
    all_roots = units_for_period_union(roots_by_year.values())
    if not all_roots:
        return CommuneFigures({year: [] for year in years}, {})
    candidates = list(
        OrgUnit.objects.filter(subtree_filter(all_roots), level__code=level)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=year_end(max(years))))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year_end(min(years))))
        .select_related("level")
        .order_by("path")
    )
    communes_by_year = {
        year: [
            c
            for c in candidates
            if c.is_valid_on(year_end(year)) and any(c.path.startswith(r.path) for r in roots)
        ]
        for year, roots in roots_by_year.items()
    }
    everyone = {c.pk: c for cs in communes_by_year.values() for c in cs}
    totals = totals_per_unit(
        list(everyone.values()), years, element_ids, within=all_roots, overlay=overlay
    )
    return CommuneFigures(communes_by_year, totals)


def units_for_period_union(root_lists: Iterable[list[OrgUnit]]) -> list[OrgUnit]:
    """The outermost of several lists of roots: subtrees that cover all of them."""
    return outermost({r.pk: r for roots in root_lists for r in roots}.values())


_SQL_LOOKUPS = {"gt": "gt", "gte": "gte", "eq": "exact", "lte": "lte", "lt": "lt"}


def counted_in_sql(target: Target) -> bool:
    """A target on a level each commune holds is counted by the database, not in Python."""
    return target.indicator.kind == Indicator.Kind.LEVEL and (
        target.comparator in _SQL_LOOKUPS or target.comparator == Target.Comparator.PARITY
    )


def _meets(target: Target) -> Q:
    if target.comparator == Target.Comparator.PARITY:
        return Q(value__gte=target.value, value__lte=target.value_max)
    return Q(**{f"value__{_SQL_LOOKUPS[target.comparator]}": target.value})


def _part_q(part: Part) -> Q:
    q = Q(element_id=part.element_id)
    if part.sex:
        q &= Q(sex=part.sex)
    if part.age_band:
        q &= Q(age_band=part.age_band)
    return q


def commune_counts(
    unit: OrgUnit, years: Sequence[int], targets: Sequence[Target], level: str = COMMUNE_LEVEL
) -> dict[tuple[int, int], CommuneCount]:
    """(target id, year) → communes meeting the target, counted, and with a figure.

    Two small grouped queries per tree of the years, whatever the number of communes:
    the nation's 10,600 communes come back as a dozen numbers, not 127,000 rows.
    """
    counts: dict[tuple[int, int], CommuneCount] = {}
    none = CommuneCount(met=0, counted=0, with_data=0)
    levels = list(UnitLevel.objects.values_list("pk", "rank", "code"))
    ranks = {pk: rank for pk, rank, _ in levels}
    # The level by id, not by a join on its code: the planner then knows how few provinces
    # there are and reads their values through the unit index, not every level value.
    level_id = next((pk for pk, _, code in levels if code == level), None)
    for roots, group_years in year_groups(unit, years):
        if level_id is None or _all_below(roots, ranks[level_id], ranks):
            # Provinces under a commune: none, and no need to ask the database.
            counts.update(((t.pk, y), none) for t in targets for y in group_years)
            continue
        communes = OrgUnit.objects.filter(subtree_filter(roots), level_id=level_id)
        counted = communes.aggregate(
            **{f"y{y}": Count("pk", filter=valid_on(year_end(y))) for y in group_years}
        )
        annotations = {}
        for t in targets:
            has = _part_q(indicator_spec(t.indicator).numerator)
            # A level element is never disaggregated (the catalog refuses it), so the
            # unique (unit, period, element, sex, age band) gives one row per commune.
            annotations[f"met_{t.pk}"] = Count("pk", filter=has & _meets(t))
            annotations[f"data_{t.pk}"] = Count("pk", filter=has)
        alive = Q(pk__in=[])
        for y in group_years:
            alive |= Q(period__year=y) & valid_on(year_end(y), "unit__")
        rows = {
            row.pop("period__year"): row
            for row in values_in(roots, elements_behind(targets), group_years)
            .filter(alive, unit__level_id=level_id)
            .order_by()
            .values("period__year")
            .annotate(**annotations)
        }
        for t in targets:
            for y in group_years:
                row = rows.get(y, {})
                counts[(t.pk, y)] = CommuneCount(
                    met=row.get(f"met_{t.pk}", 0),
                    counted=counted[f"y{y}"],
                    with_data=row.get(f"data_{t.pk}", 0),
                )
    return counts


def _all_below(roots: Sequence[OrgUnit], rank: int, ranks: dict[int, int]) -> bool:
    """Whether every root lies below the level of `rank` (a commune, for a share of
    provinces), so that no unit of that level can be inside them. A unit without a level (a
    body) is not known to be below anything."""
    return bool(roots) and all(
        r.level_id is not None and ranks.get(r.level_id, -1) > rank for r in roots
    )


def elements_behind(targets: Iterable[Target]) -> set[int]:
    """The data elements that the targets' indicators read."""
    return element_ids_of(target.indicator for target in targets if target.indicator_id)
