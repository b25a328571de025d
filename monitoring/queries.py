"""Target evaluation over the database: each target's figure, status and breakdown.

The sums come from sums.py and communes.py (set-based SQL); the rules from evaluation.py
(pure). The dashboard, the API and the benchmarks all read through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.reading import one_reading
from indicators.aggregate import Figure, Totals, figure, values_only
from indicators.completeness import Expectations, expectations
from indicators.coverage import Coverage, of_communes
from indicators.models import DataValue, Period
from indicators.provisional import Overlay, forms_awaiting, pending_under
from indicators.sums import (
    indicator_spec,
    roots_for_year,
    totals_on_map,
    unit_totals,
    values_in,
    year_end,
    years_up_to,
)
from plans.models import Plan, Target
from units.access import subtree_filter
from units.maps import (
    Map,
    children_on_map,
    effective_map,
    standing_each,
    standing_for,
    today,
)
from units.models import OrgUnit

from .communes import (
    COMMUNE_LEVEL,
    CommuneFigures,
    commune_counts,
    commune_figures,
    counted_in_sql,
    elements_behind,
    units_for_period_union,
)
from .evaluation import (
    CommuneCount,
    Comparator,
    Milestone,
    Rule,
    Status,
    count_communes,
    evaluate,
    is_void,
    rule_for_year,
    share_rule,
)

STATUS_LABELS = {
    Status.MET: _("Met"),
    Status.NOT_MET: _("Not met"),
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.NO_DATA: _("No data"),
    Status.VOID: _("Void"),
}


def coverage_text(coverage: Coverage) -> str:
    """ "2/12 đơn vị báo cáo": how many of the units expected to report did."""
    return _("%(reported)s/%(expected)s units reported") % {
        "reported": coverage.reported,
        "expected": coverage.expected,
    }


def status_text(row: Evaluated) -> str:
    """The status in words, never bare on partial coverage: "Đạt — 2/12 đơn vị báo cáo"."""
    label = str(STATUS_LABELS.get(Status(row.status), row.status))
    if row.status == Status.VOID:
        return _("Void since %(day)s: %(reason)s") % {
            "day": f"{row.target.void_from:%d/%m/%Y}",
            "reason": row.target.void_reason,
        }
    if row.partial:
        return f"{label} — {coverage_text(row.coverage)}"
    return label


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
    provisional: bool = False  # values awaiting approval enter this year's figure
    # How many of the units expected to report for this year's figure did (None: not known)
    coverage: Coverage | None = None
    # The year of the milestone that judged this year (the target's due year for plan 08's)
    milestone_year: int | None = None

    @property
    def partial(self) -> bool:
        """Whether some unit expected to report has not: the status is not shown bare."""
        return self.coverage is not None and self.coverage.partial


def target_rule(target: Target, year: int | None = None) -> Rule:
    """The rule a figure is held to in `year` (for a share of units: what each unit must
    reach); without a year or milestones, the target's last milestone as plan 08 wrote it."""
    return rule_in_force(target, year)[0]


def rule_in_force(target: Target, year: int | None) -> tuple[Rule, Decimal]:
    """(rule, share of units required in %) for `year`, from the milestone in force: the
    first due in or after the year, else the last (milestones are prefetched by
    plan_targets). The share is 100 for a target on one unit's figure."""
    milestones = [Milestone(m.year, m.value, m.value_max) for m in target.milestones.all()]
    share = share_level(target) is not None
    condition = (target.value, target.value_max) if share else None
    found = rule_for_year(target.comparator, milestones, year or 0, condition=condition)
    if year is None or found is None:
        legacy = Rule(Comparator(target.comparator), target.value, target.due_year,
                      target.value_max)  # fmt: skip
        return legacy, target.commune_share
    rule, required = found
    return rule, required if required is not None else Decimal(100)


def share_level(target: Target) -> str | None:
    """The level whose units a share-of-units target counts (communes for plan 08's "every
    commune"), or None for a target on the unit's own figure."""
    if target.scope == Target.Scope.EVERY_COMMUNE:
        return target.subject or COMMUNE_LEVEL
    if target.measure == Target.Measure.SHARE_OF_UNITS and target.subject:
        return target.subject
    return None


def to_decimal(value: Fraction | None, places: int = 6) -> Decimal | None:
    if value is None:
        return None
    quantum = Decimal(10) ** -places
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum)


def years_with_data(plan: Plan, unit: OrgUnit) -> list[int]:
    """The years in which any element of the plan's indicators has a value for the unit."""
    return years_with_values(elements_behind(plan.targets.select_related("indicator")), unit)


def years_with_values(element_ids: set[int], unit: OrgUnit) -> list[int]:
    """The years in which any of the elements has a value for the unit."""
    years = set()
    for year in Period.objects.values_list("year", flat=True).distinct():
        roots = roots_for_year(unit, year)
        if roots and values_in(roots, element_ids, [year]).exists():
            years.add(year)
    return sorted(years)


# --- evaluation -------------------------------------------------------------------------


def _evaluated(
    target,
    unit,
    year,
    figures: dict[int, Figure],
    status,
    overlay: Overlay | None = None,
    coverage: Coverage | None = None,
) -> Evaluated:
    current = figures.get(year, Figure(value=None))
    provisional = bool(overlay) and overlay.touches(
        indicator_spec(target.indicator).element_ids, year
    )
    return Evaluated(
        target=target,
        unit=unit,
        year=year,
        value=to_decimal(current.value),
        num=current.num,
        den=current.den,
        status=str(status),
        trend=tuple((y, to_decimal(f.value)) for y, f in sorted(figures.items())),
        provisional=provisional,
        coverage=coverage,
        milestone_year=rule_in_force(target, year)[0].due_year,
    )


def _void(target: Target, unit: OrgUnit, year: int) -> Evaluated:
    """A target with nothing left to count: no figure, never a 0%."""
    return Evaluated(target=target, unit=unit, year=year, value=None, num=None, den=None,
                     status=str(Status.VOID), trend=(),
                     milestone_year=rule_in_force(target, year)[0].due_year)  # fmt: skip


def _is_void(target: Target, year: int) -> bool:
    return is_void(target.void_from, year_end(year))


def _no_figure(target: Target, unit: OrgUnit, year: int) -> Evaluated:
    """A target no indicator measures yet (a status written in words): no data, said so."""
    return Evaluated(target=target, unit=unit, year=year, value=None, num=None, den=None,
                     status=str(Status.NO_DATA), trend=(),
                     milestone_year=rule_in_force(target, year)[0].due_year)  # fmt: skip


def _measured(target: Target, year: int) -> bool:
    return target.indicator_id is not None and not _is_void(target, year)


def _unit_scope(
    target: Target,
    unit: OrgUnit,
    year: int,
    totals: Totals,
    years: Sequence[int],
    overlay: Overlay | None = None,
    coverage: Coverage | None = None,
) -> Evaluated:
    """The target on the unit's own sums; the trend covers every period up to `year`."""
    spec = indicator_spec(target.indicator)
    figures = {y: figure(spec, totals, y) for y in years}
    status = evaluate(target_rule(target, year), values_only(figures), year)
    return _evaluated(target, unit, year, figures, status, overlay, coverage)


def _count_figure(counted: CommuneCount) -> Figure:
    return Figure(value=counted.share, num=Decimal(counted.met), den=Decimal(counted.counted))


# Comparators SQL can apply to a commune's own level value, exactly (decimals, no rounding).
class _Communes:
    """What share-of-units targets of one level need for one unit (every commune, a share
    of provinces), computed once and only when asked."""

    def __init__(
        self,
        unit: OrgUnit,
        years: Sequence[int],
        targets: Sequence[Target],
        overlay: Overlay | None = None,
        level: str = COMMUNE_LEVEL,
        map: Map = Map.AS_WAS,
    ) -> None:
        self.unit, self.years, self.targets, self.overlay = unit, years, targets, overlay
        self.level = level
        self.map = effective_map(unit, map)

    @cached_property
    def figures(self) -> CommuneFigures:
        elements = elements_behind(self.targets)
        return commune_figures(self.unit, self.years, elements, self.overlay, self.level, self.map)

    def counted_in_sql(self, target: Target) -> bool:
        # Pending values are not in the database's counts: provisional figures count in
        # Python; so do today's communes, measured through the units they came from.
        return not self.overlay and self.map == Map.AS_WAS and counted_in_sql(target)

    @cached_property
    def counts(self) -> dict[tuple[int, int], CommuneCount]:
        in_sql = [t for t in self.targets if self.counted_in_sql(t)]
        return commune_counts(self.unit, self.years, in_sql, self.level)


def _every_commune(target: Target, unit: OrgUnit, year: int, communes: _Communes) -> Evaluated:
    """A share of the units of one level under `unit` meeting the target's condition, held
    to the share of the milestone in force (communes for plan 08's "every commune")."""
    rule, required = rule_in_force(target, year)
    if _is_of_level(unit, communes.level) and unit.is_valid_on(_map_day(year, communes.map)):
        # A commune's own dashboard judges the commune itself, not a share of one. (A
        # special zone of 2026 looking at 2020 as it was still sees its 12 predecessor
        # communes; by today's map it is one commune.)
        values_by_year = communes.figures.values(indicator_spec(target.indicator))
        figures = {y: _own_figure(values.get(unit)) for y, values in values_by_year.items()}
        status = evaluate(rule, values_only(figures), year)
        return _evaluated(target, unit, year, figures, status, communes.overlay,
                          _own_coverage(figures.get(year)))  # fmt: skip
    if communes.counted_in_sql(target):
        empty = CommuneCount(0, 0, 0)
        counts = {y: communes.counts.get((target.pk, y), empty) for y in communes.years}
    else:
        values_by_year = communes.figures.values(indicator_spec(target.indicator))
        counts = {y: count_communes(rule, values) for y, values in values_by_year.items()}
    figures = {y: _count_figure(c) for y, c in counts.items()}
    status = evaluate(share_rule(rule, required), values_only(figures), year)
    return _evaluated(target, unit, year, figures, status, communes.overlay,
                      _communes_coverage(counts.get(year)))  # fmt: skip


def _map_day(year: int, map: Map):
    """The day whose map a unit stands on: the year's end, or today."""
    return today() if map == Map.AS_IS else year_end(year)


def _own_coverage(own: Figure | None) -> Coverage:
    """A commune judged on its own figure: one unit expected, itself."""
    return Coverage(reported=int(own is not None and own.value is not None), expected=1)


def _communes_coverage(counted: CommuneCount | None) -> Coverage:
    if counted is None:
        return Coverage(0, 0)
    return of_communes(counted.with_data, counted.counted)


def evaluate_plan(plan: Plan, unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> list[Evaluated]:
    """Every target of the plan for one unit and year, in the plan's order."""
    return evaluate_targets(plan_targets(plan), unit, year, map=map)


def plan_targets(plan: Plan) -> list[Target]:
    """The plan's targets in its order, with what evaluating and grouping them reads."""
    return list(
        plan.targets.select_related("indicator", "group")
        .prefetch_related("milestones")
        .order_by("order")
    )


@one_reading()
def evaluate_targets(
    targets: Sequence[Target],
    unit: OrgUnit,
    year: int,
    overlay: Overlay | None = None,
    map: Map = Map.AS_WAS,
) -> list[Evaluated]:
    """The targets for one unit and year: one set of sums for all of them. With an overlay
    (see provisional_overlay), the figures are provisional: pending values are included."""
    years = years_up_to(year)
    live = [t for t in targets if _measured(t, year)]
    unit_targets = [t for t in live if share_level(t) is None]
    by_level: dict[str, list[Target]] = defaultdict(list)
    for t in live:
        if share_level(t) is not None:
            by_level[share_level(t)].append(t)
    totals = (
        unit_totals(unit, years, elements_behind(unit_targets), overlay, map)
        if unit_targets
        else Totals()
    )
    shares = {lv: _Communes(unit, years, ts, overlay, lv, map) for lv, ts in by_level.items()}
    standing = standing_for(unit, year_end(year), map)
    roots = standing.roots
    expected = (
        expectations(roots, year, elements_behind(unit_targets), overlay)
        if unit_targets
        else Expectations()
    )
    return [
        _void(t, unit, year)
        if _is_void(t, year)
        else _no_figure(t, unit, year)
        if t.indicator_id is None
        else _every_commune(t, unit, year, shares[share_level(t)])
        if share_level(t) is not None
        else _unit_scope(t, unit, year, totals, years, overlay,
                         expected.coverage_of(standing, indicator_spec(t.indicator).element_ids))
        for t in targets
    ]  # fmt: skip


def provisional_overlay(
    targets: Sequence[Target], unit: OrgUnit, year: int, map: Map = Map.AS_WAS
) -> Overlay:
    """The values awaiting approval that enter the targets' figures for the unit, up to
    `year`, over the tree as it stood each year (or as today's map measures it)."""
    years = years_up_to(year)
    roots = units_for_period_union(roots_for_year(unit, y, map) for y in years)
    return pending_under(roots, years, elements_behind(targets))


def forms_awaiting_approval(targets: Sequence[Target], unit: OrgUnit, year: int) -> int:
    """How many forms of `year` for the unit hold figures of the targets and await approval."""
    return forms_awaiting(roots_for_year(unit, year), year, elements_behind(targets))


def evaluate_target(target: Target, unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> Evaluated:
    return evaluate_targets([target], unit, year, map=map)[0]


def children_in(unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> list[OrgUnit]:
    """The direct children of `unit` on the chosen map: those at the end of `year` of the
    units standing for it, or today's (units.maps.children_on_map)."""
    return children_on_map(unit, year_end(year), map)


def breakdown(
    target: Target,
    unit: OrgUnit,
    year: int,
    overlay: Overlay | None = None,
    map: Map = Map.AS_WAS,
) -> list[Evaluated]:
    """The target evaluated on each child unit that has data (communes, bodies, districts)."""
    return breakdown_targets([target], unit, year, overlay, map)[target.pk]


@one_reading()
def breakdown_targets(
    targets: Sequence[Target],
    unit: OrgUnit,
    year: int,
    overlay: Overlay | None = None,
    map: Map = Map.AS_WAS,
) -> dict[int, list[Evaluated]]:
    """Each target evaluated on each child unit with data for it, keyed by target id (with
    an overlay, provisional figures).

    The children, the periods and the sums are read once for all the targets.
    """
    years = years_up_to(year)
    map = effective_map(unit, map)
    children = children_in(unit, year, map)
    standing = standing_each(children, year_end(year), map)
    live = [t for t in targets if _measured(t, year)]
    unit_targets = [t for t in live if share_level(t) is None]
    by_level: dict[str, list[Target]] = defaultdict(list)
    for t in live:
        if share_level(t) is not None:
            by_level[share_level(t)].append(t)
    per_child, expected = {}, Expectations()
    if unit_targets:
        within = units_for_period_union([roots_for_year(unit, year, map)]
                                        + [s.roots for s in standing.values()])  # fmt: skip
        per_child = totals_on_map(
            children, years, elements_behind(unit_targets), map, within=within, overlay=overlay
        )
        expected = expectations(within, year, elements_behind(unit_targets), overlay)
    levels = {
        lv: commune_figures(unit, years, elements_behind(ts), overlay, lv, map)
        for lv, ts in by_level.items()
    }
    inside = {c.pk: Overlay(p for r in standing[c.pk].roots for p in overlay.within(r).pending)
              for c in children} if overlay else {}  # fmt: skip
    results = {}
    for target in targets:
        if not _measured(target, year):
            results[target.pk] = []
            continue
        spec = indicator_spec(target.indicator)
        if share_level(target) is not None:
            level = share_level(target)
            results[target.pk] = _every_commune_breakdown(
                target, year, children, levels[level].values(spec), inside, level
            )
        else:
            results[target.pk] = [
                _unit_scope(target, child, year, per_child[child.pk], years, inside.get(child.pk),
                            expected.coverage_of(standing[child.pk], spec.element_ids))
                for child in children
                if child.pk in per_child and per_child[child.pk].element_ids & spec.element_ids
            ]  # fmt: skip
    return results


def _every_commune_breakdown(
    target, year, children, values_by_year, overlays: dict[int, Overlay], level=COMMUNE_LEVEL
) -> list[Evaluated]:
    """Each unit of the level judged on its own value; each larger child by its share."""
    rule, required = rule_in_force(target, year)
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
        if _is_of_level(child, level):
            figures = {y: _own_figure(vals.get(child)) for y, vals in by_year.items()}
            status = evaluate(rule, values_only(figures), year)
            coverage = _own_coverage(figures.get(year))
        else:
            counts = {y: count_communes(rule, vals) for y, vals in by_year.items()}
            figures = {y: _count_figure(c) for y, c in counts.items()}
            status = evaluate(share_rule(rule, required), values_only(figures), year)
            coverage = _communes_coverage(counts.get(year))
        results.append(_evaluated(target, child, year, figures, status, overlays.get(child.pk),
                                  coverage))  # fmt: skip
    return results


def _is_of_level(unit: OrgUnit, level: str) -> bool:
    return unit.level_id is not None and unit.level.code == level


def _own_figure(value: Fraction | None) -> Figure:
    return Figure(value=value, num=to_decimal(value, 2))


def values_behind(
    target: Target, unit: OrgUnit, year: int, map: Map = Map.AS_WAS
) -> QuerySet[DataValue]:
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
    roots = roots_for_year(unit, year, map)
    qs = DataValue.objects.filter(subtree_filter(roots, "unit__"), match, period__year=year)
    if spec.kind == "level" and target.scope == Target.Scope.UNIT:
        qs = qs.filter(unit__in=roots)
    return qs.select_related("unit", "element", "period", "updated_by").order_by(
        "unit__path", "element__code", "age_band", "sex"
    )
