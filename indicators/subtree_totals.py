"""Keeping SubtreeTotal in step with the values: by delta on each write, or by recompute.

Only the value store's services call this, inside their transactions; nothing else
writes values, so the totals cannot drift (the admin shows values read-only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Substr

from units.access import subtree_filter
from units.models import OrgUnit
from units.tree import ancestor_paths

from .models import DataValue, SubtreeTotal

# Above this many ancestors a recompute scans the periods' and elements' values once
# instead of OR-ing one path range per ancestor.
_MANY_ANCESTORS = 50


def ancestor_ids(path: str) -> list[int]:
    """The ids of the units strictly above the unit at `path`."""
    above = ancestor_paths(path)
    return list(OrgUnit.objects.filter(path__in=above).values_list("pk", flat=True))


def add_to_ancestors(value: DataValue, delta: Decimal, *, new: bool = False) -> None:
    """Add `delta` (a value's change) to the totals of every unit above the value's unit.

    A new value creates the totals it lacks even when it is zero: a district whose
    communes reported 0 has a figure of 0, not "no data".
    """
    if delta == 0 and not new:
        return
    key = {
        "period_id": value.period_id,
        "element_id": value.element_id,
        "sex": value.sex,
        "age_band": value.age_band,
    }
    above = ancestor_ids(value.unit.path)
    _hold(above)
    for unit_id in above:
        _add(unit_id, key, delta)


def hold_units_and_ancestors(unit_ids: Iterable[int]) -> None:
    """Hold the units a write touches, and every unit above them, in path order, before the
    write reads what exists: two writers of the same new value would otherwise both find
    nothing and both insert (a duplicate key on PostgreSQL). Path order is the order `_hold`
    takes, so writers that also recompute totals never wait on each other in a circle."""
    paths = OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
    wanted = {p for path in paths for p in ancestor_paths(path, include_self=True)}
    units = OrgUnit.objects.filter(path__in=wanted).order_by("path")
    list(units.select_for_update(no_key=True).values_list("pk", flat=True))


def _hold(unit_ids: Iterable[int] | None) -> None:
    """Hold the units whose totals this transaction writes (all parents if None) until it
    ends, in path order. On PostgreSQL two writers over a shared ancestor would otherwise run
    side by side: both recomputes delete and re-insert the same totals (a duplicate key), or
    take their rows in opposite orders (a deadlock). A NO KEY lock, so rows that merely refer
    to these units are still written meanwhile; SQLite runs one writer at a time anyway."""
    units = (
        OrgUnit.objects.filter(numchild__gt=0)
        if unit_ids is None
        else OrgUnit.objects.filter(pk__in=list(unit_ids))
    )
    list(units.order_by("path").select_for_update(no_key=True).values_list("pk", flat=True))


def _add(unit_id: int, key: dict, delta: Decimal) -> None:
    rows = SubtreeTotal.objects.filter(unit_id=unit_id, **key)
    if rows.update(total=F("total") + delta):
        return
    try:
        with transaction.atomic():
            SubtreeTotal.objects.create(unit_id=unit_id, total=delta, **key)
    except IntegrityError:  # another writer created the row meanwhile
        rows.update(total=F("total") + delta)


@transaction.atomic
def recompute(
    *,
    unit_ids: Iterable[int] | None = None,
    period_ids: Iterable[int] | None = None,
    element_ids: Iterable[int] | None = None,
) -> int:
    """Recompute the totals above the given units (all units if None) for the given
    periods and elements (all if None). Returns the number of total rows written."""
    ancestors = _ancestors_of(unit_ids)
    _hold(None if ancestors is None else [a.pk for a in ancestors])
    periods = None if period_ids is None else set(period_ids)
    elements = None if element_ids is None else set(element_ids)
    stale = SubtreeTotal.objects.all()
    if ancestors is not None:
        stale = stale.filter(unit_id__in=[a.pk for a in ancestors])
    if periods is not None:
        stale = stale.filter(period_id__in=periods)
    if elements is not None:
        stale = stale.filter(element_id__in=elements)
    stale.delete()
    rows = list(_sums(ancestors, periods, elements))
    SubtreeTotal.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _ancestors_of(unit_ids: Iterable[int] | None) -> list[OrgUnit] | None:
    if unit_ids is None:
        return None
    paths = OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
    prefixes = {above for p in paths for above in ancestor_paths(p)}
    return list(OrgUnit.objects.filter(path__in=prefixes))


def _sums(ancestors, periods, elements) -> Iterable[SubtreeTotal]:
    """Grouped sums for each depth: a value counts for its ancestor at that depth."""
    if ancestors is None:
        depths = OrgUnit.objects.filter(numchild__gt=0).values_list("depth", flat=True)
        by_depth: dict[int, dict[str, int] | None] = {d: None for d in set(depths)}
    else:
        by_depth = defaultdict(dict)
        for a in ancestors:
            by_depth[a.depth][a.path] = a.pk
    for depth, wanted in by_depth.items():
        values = DataValue.objects.filter(unit__depth__gt=depth)
        if periods is not None:
            values = values.filter(period_id__in=periods)
        if elements is not None:
            values = values.filter(element_id__in=elements)
        if wanted is not None and len(wanted) <= _MANY_ANCESTORS:
            values = values.filter(subtree_filter([OrgUnit(path=p) for p in wanted], "unit__"))
        yield from _rows(values, depth, wanted)


def _rows(values, depth: int, wanted: dict[str, int] | None) -> Iterable[SubtreeTotal]:
    grouped = (
        values.annotate(ancestor=Substr("unit__path", 1, depth * OrgUnit.steplen))
        .order_by()
        .values("ancestor", "period_id", "element_id", "sex", "age_band")
        .annotate(total=Sum("value"))
    )
    ids = wanted
    if ids is None:
        ids = dict(OrgUnit.objects.filter(depth=depth).values_list("path", "pk"))
    for row in grouped:
        unit_id = ids.get(row.pop("ancestor"))
        if unit_id is not None:
            yield SubtreeTotal(unit_id=unit_id, **row)
