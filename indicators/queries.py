"""Read paths for target evaluation: sums over subtrees in SQL, statuses from evaluation.py.

A unit's figure for a year is taken over the tree as it was at the end of that year:
a unit that did not exist yet (đặc khu Cát Hải in 2020) is measured through the units
it came from. Each query is set-based: one grouped query per kind of sum, never one
per unit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from core.access import subtree_filter
from plans.models import Plan, Target
from units.models import OrgUnit
from units.tree import outermost, units_for_period, valid_on

from .aggregate import Figure, IndicatorSpec, Part, Totals, figure, values_only
from .evaluation import (
    CommuneCount,
    Comparator,
    Rule,
    Status,
    count_communes,
    evaluate,
    share_rule,
)
from .models import DataElement, DataValue, Indicator, Period, SubtreeTotal

COMMUNE_LEVEL = "commune"

STATUS_LABELS = {
    Status.MET: _("Met"),
    Status.NOT_MET: _("Not met"),
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.NO_DATA: _("No data"),
}


@dataclass(frozen=True)
class Evaluated:
    """One target × unit × year: the figure shown, what it is made of, and its status."""

    target: Target
    unit: OrgUnit
    year: int
    value: Decimal | None
    num: Decimal | None
    den: Decimal | None
    status: str
    trend: tuple[tuple[int, Decimal | None], ...]


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


def target_rule(target: Target) -> Rule:
    return Rule(
        comparator=Comparator(target.comparator),
        value=target.value,
        value_max=target.value_max,
        due_year=target.due_year,
    )


def to_decimal(value: Fraction | None, places: int = 6) -> Decimal | None:
    if value is None:
        return None
    quantum = Decimal(10) ** -places
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum)


# --- the tree of a year -----------------------------------------------------------------


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def roots_for_year(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The units that stood for `unit` at the end of `year` (itself, or its predecessors)."""
    return units_for_period(unit, year_end(year))


def _year_groups(unit: OrgUnit, years: Iterable[int]) -> list[tuple[list[OrgUnit], list[int]]]:
    """Years grouped by the set of root units that measure `unit` in them."""
    groups: dict[tuple[int, ...], tuple[list[OrgUnit], list[int]]] = {}
    for year in years:
        roots = roots_for_year(unit, year)
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


def years_with_data(plan: Plan, unit: OrgUnit) -> list[int]:
    """The years in which any element of the plan's indicators has a value for the unit."""
    element_ids = _element_ids(plan.targets.select_related("indicator"))
    years = set()
    for year in Period.objects.values_list("year", flat=True).distinct():
        roots = roots_for_year(unit, year)
        if roots and _values(roots, element_ids, [year]).exists():
            years.add(year)
    return sorted(years)


# --- set-based sums ---------------------------------------------------------------------


def _element_ids(targets: Iterable[Target]) -> set[int]:
    ids: set[int] = set()
    for target in targets:
        ids |= indicator_spec(target.indicator).element_ids
    return ids


def _own_value_element_ids(element_ids: Iterable[int]) -> set[int]:
    """Elements read on the unit itself (a level a unit holds is not summed up the tree)."""
    return set(
        DataElement.objects.filter(
            pk__in=list(element_ids), aggregation=DataElement.Aggregation.NONE
        ).values_list("pk", flat=True)
    )


def _values(roots: Sequence[OrgUnit], element_ids: Iterable[int], years: Iterable[int]):
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


def unit_totals(unit: OrgUnit, years: Sequence[int], element_ids: set[int]) -> Totals:
    """Sums over the unit's subtree (own values only for non-summed elements), every year."""
    own_ids = _own_value_element_ids(element_ids)
    rows: list[tuple] = []
    for roots, group_years in _year_groups(unit, years):
        for per_root in subtree_sums(roots, element_ids - own_ids, group_years).values():
            rows += per_root
        rows += _grouped(
            DataValue.objects.filter(
                unit__in=roots, element_id__in=own_ids, period__year__in=group_years
            )
        )
    return Totals(rows)


def totals_per_unit(
    units: Sequence[OrgUnit],
    years: Sequence[int],
    element_ids: set[int],
    within: Sequence[OrgUnit] | None = None,
) -> dict[int, Totals]:
    """Sums over each unit's own subtree, for many units at once (see subtree_sums)."""
    own_ids = _own_value_element_ids(element_ids)
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
    return {pk: Totals(r) for pk, r in merged.items()}


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


def commune_figures(unit: OrgUnit, years: Sequence[int], element_ids: set[int]) -> CommuneFigures:
    """The commune-level units standing for or inside `unit` at the end of each year.

    One query for the communes of all years and one grouped sum per tree depth.
    """
    roots_by_year = {year: roots_for_year(unit, year) for year in years}
    all_roots = units_for_period_union(roots_by_year.values())
    if not all_roots:
        return CommuneFigures({year: [] for year in years}, {})
    candidates = list(
        OrgUnit.objects.filter(subtree_filter(all_roots), level__code=COMMUNE_LEVEL)
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
    totals = totals_per_unit(list(everyone.values()), years, element_ids, within=all_roots)
    return CommuneFigures(communes_by_year, totals)


def units_for_period_union(root_lists: Iterable[list[OrgUnit]]) -> list[OrgUnit]:
    """The outermost of several lists of roots: subtrees that cover all of them."""
    return outermost({r.pk: r for roots in root_lists for r in roots}.values())


# --- evaluation -------------------------------------------------------------------------


def _evaluated(target, unit, year, figures: dict[int, Figure], status) -> Evaluated:
    current = figures.get(year, Figure(value=None))
    return Evaluated(
        target=target,
        unit=unit,
        year=year,
        value=to_decimal(current.value),
        num=current.num,
        den=current.den,
        status=str(status),
        trend=tuple((y, to_decimal(f.value)) for y, f in sorted(figures.items())),
    )


def _unit_scope(
    target: Target, unit: OrgUnit, year: int, totals: Totals, years: Sequence[int]
) -> Evaluated:
    """The target on the unit's own sums; the trend covers every period up to `year`."""
    spec = indicator_spec(target.indicator)
    figures = {y: figure(spec, totals, y) for y in years}
    status = evaluate(target_rule(target), values_only(figures), year)
    return _evaluated(target, unit, year, figures, status)


def _count_figure(counted: CommuneCount) -> Figure:
    return Figure(value=counted.share, num=Decimal(counted.met), den=Decimal(counted.counted))


def _share_figures(rule: Rule, values_by_year) -> dict[int, Figure]:
    return {y: _count_figure(count_communes(rule, values)) for y, values in values_by_year.items()}


# Comparators SQL can apply to a commune's own level value, exactly (decimals, no rounding).
_SQL_LOOKUPS = {"gt": "gt", "gte": "gte", "eq": "exact", "lte": "lte", "lt": "lt"}


def _counted_in_sql(target: Target) -> bool:
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
    unit: OrgUnit, years: Sequence[int], targets: Sequence[Target]
) -> dict[tuple[int, int], CommuneCount]:
    """(target id, year) → communes meeting the target, counted, and with a figure.

    Two small grouped queries per tree of the years, whatever the number of communes:
    the nation's 10,600 communes come back as a dozen numbers, not 127,000 rows.
    """
    counts: dict[tuple[int, int], CommuneCount] = {}
    for roots, group_years in _year_groups(unit, years):
        communes = OrgUnit.objects.filter(subtree_filter(roots), level__code=COMMUNE_LEVEL)
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
            for row in _values(roots, _element_ids(targets), group_years)
            .filter(alive, unit__level__code=COMMUNE_LEVEL)
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


class _Communes:
    """What every-commune targets need for one unit, computed once and only when asked."""

    def __init__(self, unit: OrgUnit, years: Sequence[int], targets: Sequence[Target]) -> None:
        self.unit, self.years, self.targets = unit, years, targets

    @cached_property
    def figures(self) -> CommuneFigures:
        return commune_figures(self.unit, self.years, _element_ids(self.targets))

    @cached_property
    def counts(self) -> dict[tuple[int, int], CommuneCount]:
        return commune_counts(
            self.unit, self.years, [t for t in self.targets if _counted_in_sql(t)]
        )


def _every_commune(target: Target, unit: OrgUnit, year: int, communes: _Communes) -> Evaluated:
    rule = target_rule(target)
    if _is_commune(unit) and unit.is_valid_on(year_end(year)):
        # A commune's own dashboard judges the commune itself, not a share of one. (A
        # special zone of 2026 looking at 2020 still sees its 12 predecessor communes.)
        values_by_year = communes.figures.values(indicator_spec(target.indicator))
        figures = {y: _own_figure(values.get(unit)) for y, values in values_by_year.items()}
        return _evaluated(target, unit, year, figures, evaluate(rule, values_only(figures), year))
    if _counted_in_sql(target):
        empty = CommuneCount(0, 0, 0)
        figures = {
            y: _count_figure(communes.counts.get((target.pk, y), empty)) for y in communes.years
        }
    else:
        figures = _share_figures(rule, communes.figures.values(indicator_spec(target.indicator)))
    status = evaluate(share_rule(rule, target.commune_share), values_only(figures), year)
    return _evaluated(target, unit, year, figures, status)


def evaluate_plan(plan: Plan, unit: OrgUnit, year: int) -> list[Evaluated]:
    """Every target of the plan for one unit and year, in the plan's order."""
    targets = list(plan.targets.select_related("indicator", "group").order_by("order"))
    return evaluate_targets(targets, unit, year)


def evaluate_targets(targets: Sequence[Target], unit: OrgUnit, year: int) -> list[Evaluated]:
    """The targets for one unit and year: one set of sums for all of them."""
    years = years_up_to(year)
    unit_targets = [t for t in targets if t.scope == Target.Scope.UNIT]
    commune_targets = [t for t in targets if t.scope == Target.Scope.EVERY_COMMUNE]
    totals = unit_totals(unit, years, _element_ids(unit_targets)) if unit_targets else Totals()
    communes = _Communes(unit, years, commune_targets)
    return [
        _every_commune(t, unit, year, communes)
        if t.scope == Target.Scope.EVERY_COMMUNE
        else _unit_scope(t, unit, year, totals, years)
        for t in targets
    ]


def evaluate_target(target: Target, unit: OrgUnit, year: int) -> Evaluated:
    return evaluate_targets([target], unit, year)[0]


def children_in(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The direct children, at the end of `year`, of the units standing for `unit`."""
    day = year_end(year)
    children = []
    for root in roots_for_year(unit, year):
        kids = OrgUnit.objects.get_children(root).select_related("level")
        children += [c for c in kids if c.is_valid_on(day)]
    return children


def breakdown(target: Target, unit: OrgUnit, year: int) -> list[Evaluated]:
    """The target evaluated on each child unit that has data (communes, bodies, districts)."""
    return breakdown_targets([target], unit, year)[target.pk]


def breakdown_targets(
    targets: Sequence[Target], unit: OrgUnit, year: int
) -> dict[int, list[Evaluated]]:
    """Each target evaluated on each child unit with data for it, keyed by target id.

    The children, the periods and the sums are read once for all the targets.
    """
    years = years_up_to(year)
    children = children_in(unit, year)
    unit_targets = [t for t in targets if t.scope == Target.Scope.UNIT]
    commune_targets = [t for t in targets if t.scope == Target.Scope.EVERY_COMMUNE]
    per_child = {}
    if unit_targets:
        within = roots_for_year(unit, year)
        per_child = totals_per_unit(children, years, _element_ids(unit_targets), within=within)
    communes = (
        commune_figures(unit, years, _element_ids(commune_targets)) if commune_targets else None
    )
    results = {}
    for target in targets:
        spec = indicator_spec(target.indicator)
        if target.scope == Target.Scope.EVERY_COMMUNE:
            results[target.pk] = _every_commune_breakdown(
                target, year, children, communes.values(spec)
            )
        else:
            results[target.pk] = [
                _unit_scope(target, child, year, per_child[child.pk], years)
                for child in children
                if child.pk in per_child and per_child[child.pk].element_ids & spec.element_ids
            ]
    return results


def _every_commune_breakdown(target, year, children, values_by_year) -> list[Evaluated]:
    """Each commune judged on its own value; each larger child by its share of communes."""
    rule = target_rule(target)
    child_by_path = {c.path: c for c in children}
    inside: dict[OrgUnit, dict[int, dict]] = defaultdict(lambda: {y: {} for y in values_by_year})
    for y, values in values_by_year.items():
        for commune, value in values.items():
            for depth in {c.depth for c in children}:
                child = child_by_path.get(commune.path[: depth * OrgUnit.steplen])
                if child is not None:
                    inside[child][y][commune] = value
    results = []
    for child in children:
        by_year = inside.get(child)
        if not by_year or all(v is None for vals in by_year.values() for v in vals.values()):
            continue
        if _is_commune(child):
            figures = {y: _own_figure(vals.get(child)) for y, vals in by_year.items()}
            status = evaluate(rule, values_only(figures), year)
        else:
            figures = _share_figures(rule, by_year)
            status = evaluate(share_rule(rule, target.commune_share), values_only(figures), year)
        results.append(_evaluated(target, child, year, figures, status))
    return results


def _is_commune(unit: OrgUnit) -> bool:
    return unit.level_id is not None and unit.level.code == COMMUNE_LEVEL


def _own_figure(value: Fraction | None) -> Figure:
    return Figure(value=value, num=to_decimal(value, 2))


def values_behind(target: Target, unit: OrgUnit, year: int) -> QuerySet[DataValue]:
    """The data values a figure is made of, each with its unit, element and source."""
    spec = indicator_spec(target.indicator)
    parts = [spec.numerator] + ([spec.denominator] if spec.denominator else [])
    match = Q(pk__in=[])
    for part in parts:
        q = Q(element_id=part.element_id)
        if part.sex:
            q &= Q(sex=part.sex)
        if part.age_band:
            q &= Q(age_band=part.age_band)
        match |= q
    roots = roots_for_year(unit, year)
    qs = DataValue.objects.filter(subtree_filter(roots, "unit__"), match, period__year=year)
    if spec.kind == "level" and target.scope == Target.Scope.UNIT:
        qs = qs.filter(unit__in=roots)
    return qs.select_related("unit", "element", "period", "updated_by").order_by(
        "unit__path", "element__code", "age_band", "sex"
    )
