"""Prototypes of changes to indicators/queries.py, measured here, not product code.

1. Every-commune targets on level indicators counted in SQL: one grouped query gives,
   per year, how many communes meet each target, instead of fetching every commune's
   own value (127,000 rows for the nation) and comparing exact fractions in Python.
2. A rollup of the sums at each administrative unit (country, province, district),
   keyed like the grouped sums (element, sex, age band, year): a unit's totals become a
   read of about a hundred rows instead of a sum over a million values. Here the rollup
   is built once with INSERT … SELECT; in the product the value-store service would keep
   it current.
3. Path prefixes as an indexable range (path >= p AND path < p + 'ZZZZ…'), not LIKE:
   SQLite cannot use the path index for Django's `LIKE … ESCAPE` (case-insensitive).

Both keep the tree-of-the-year semantics only as far as the synthetic nation needs
(no successions): enough to measure, not a drop-in replacement.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q

from indicators.aggregate import Figure, Totals
from indicators.evaluation import CommuneCount, evaluate, share_rule
from indicators.models import DataValue
from indicators.queries import (
    COMMUNE_LEVEL,
    _element_ids,
    _evaluated,
    _grouped,
    _own_value_element_ids,
    _unit_scope,
    target_rule,
    unit_totals,
    year_end,
    years_up_to,
)
from plans.models import Target
from units.models import OrgUnit
from units.tree import valid_on

ROLLUP = "bench_rollup"
COMPARE = {"gt": "gt", "gte": "gte", "eq": "exact", "lte": "lte", "lt": "lt"}
HIGH = "Z" * 40


def path_range(path: str, prefix: str = "") -> Q:
    """The subtree of `path` as an indexable range on the materialised path."""
    return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lte": path + HIGH})


# --- 1. every-commune counts in SQL ------------------------------------------------------


def commune_counts(
    unit: OrgUnit, years: Sequence[int], targets: Sequence[Target]
) -> dict[tuple[int, int], CommuneCount]:
    """(target pk, year) → communes meeting it, counted, with data: two small queries."""
    communes = OrgUnit.objects.filter(path_range(unit.path), level__code=COMMUNE_LEVEL)
    counted = communes.aggregate(
        **{f"y{y}": Count("pk", filter=valid_on(year_end(y))) for y in years}
    )
    alive = Q(pk__in=[])
    for y in years:
        alive |= Q(period__year=y) & valid_on(year_end(y), "unit__")
    annotations = {}
    for t in targets:
        has = Q(element_id=t.indicator.numerator_id)
        test = Q(**{f"value__{COMPARE[t.comparator]}": t.value})
        annotations[f"met_{t.pk}"] = Count("pk", filter=has & test)
        annotations[f"data_{t.pk}"] = Count("pk", filter=has)
    rows = {
        row.pop("period__year"): row
        for row in DataValue.objects.filter(
            path_range(unit.path, "unit__"),
            alive,
            unit__level__code=COMMUNE_LEVEL,
            element_id__in={t.indicator.numerator_id for t in targets},
            period__year__in=list(years),
        )
        .order_by()
        .values("period__year")
        .annotate(**annotations)
    }
    return {
        (t.pk, y): CommuneCount(
            met=rows.get(y, {}).get(f"met_{t.pk}", 0),
            counted=counted[f"y{y}"],
            with_data=rows.get(y, {}).get(f"data_{t.pk}", 0),
        )
        for t in targets
        for y in years
    }


def _every_commune(target, unit, year, years, counts) -> object:
    figures = {}
    for y in years:
        c = counts[(target.pk, y)]
        figures[y] = Figure(value=c.share, num=Decimal(c.met), den=Decimal(c.counted))
    rule = target_rule(target)
    values = {y: f.value for y, f in figures.items()}
    status = evaluate(share_rule(rule, target.commune_share), values, year)
    return _evaluated(target, unit, year, figures, status)


# --- 2. the rollup ------------------------------------------------------------------------


def build_rollup() -> None:
    """Sums per (administrative ancestor, element, sex, age band, year) for depths 1-3."""
    dv, ou, pe = "indicators_datavalue", "units_orgunit", "indicators_period"
    selects = [
        f"SELECT substr(u.path, 1, {depth * OrgUnit.steplen}) AS ancestor, v.element_id,"
        f" v.sex, v.age_band, p.year, SUM(v.value) AS total"
        f" FROM {dv} v JOIN {ou} u ON u.id = v.unit_id JOIN {pe} p ON p.id = v.period_id"
        f" WHERE u.depth >= {depth} GROUP BY 1, 2, 3, 4, 5"
        for depth in (1, 2, 3)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ROLLUP}")
        cursor.execute(f"CREATE TABLE {ROLLUP} AS {' UNION ALL '.join(selects)}")
        cursor.execute(f"CREATE INDEX {ROLLUP}_key ON {ROLLUP} (ancestor, element_id, year)")
        cursor.execute(f"ANALYZE {ROLLUP}")


def rollup_totals(unit: OrgUnit, years: Sequence[int], element_ids: set[int]) -> Totals:
    """The unit's sums from the rollup (which includes its own values), plus own-value elements."""
    own_ids = _own_value_element_ids(element_ids)
    summed = sorted(element_ids - own_ids)
    marks = ", ".join(["%s"] * len(summed))
    year_marks = ", ".join(["%s"] * len(years))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT element_id, sex, age_band, year, total FROM {ROLLUP}"
            f" WHERE ancestor = %s AND element_id IN ({marks}) AND year IN ({year_marks})",
            [unit.path, *summed, *years],
        )
        rows = [(e, s, a, y, Decimal(t)) for e, s, a, y, t in cursor.fetchall()]
    rows += _grouped(
        DataValue.objects.filter(unit=unit, element_id__in=own_ids, period__year__in=list(years))
    )
    return _merge(rows)


def _merge(rows) -> Totals:
    merged: dict[tuple, Decimal] = {}
    for element, sex, band, year, total in rows:
        key = (element, sex, band, year)
        merged[key] = merged.get(key, Decimal(0)) + Decimal(total)
    return Totals((*key, total) for key, total in merged.items())


# --- the prototype evaluation ----------------------------------------------------------------


def evaluate_targets(
    targets: Sequence[Target], unit: OrgUnit, year: int, *, rollup: bool = True
) -> list:
    """As indicators.queries.evaluate_targets, with changes 1 and (if `rollup`) 2."""
    years = years_up_to(year)
    unit_targets = [t for t in targets if t.scope == Target.Scope.UNIT]
    level_targets = [t for t in targets if t.scope == Target.Scope.EVERY_COMMUNE]
    assert all(t.indicator.kind == "level" for t in level_targets), "prototype: level only"
    element_ids = _element_ids(unit_targets)
    totals = (rollup_totals if rollup else unit_totals)(unit, years, element_ids)
    counts = commune_counts(unit, years, level_targets) if level_targets else {}
    return [
        _every_commune(t, unit, year, years, counts)
        if t.scope == Target.Scope.EVERY_COMMUNE
        else _unit_scope(t, unit, year, totals)
        for t in targets
    ]
