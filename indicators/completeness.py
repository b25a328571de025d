"""Which units are expected to report a figure's elements in a year, and which of them did.

The units expected for an element in a year are, in order:
1. where a reporting round of that year asks for the element (a registered source: data
   collection registers its rounds), the units the rounds owe a form to;
2. else the units, valid at the end of the year, of the level and kind that hold the
   element's values anywhere in the subtree (in any year): if communes report it, every
   commune is expected to;
3. an element a unit holds for itself (not summed up the tree) is expected of the unit only.

A unit has reported an element when the value store holds a value of it for the year (with
provisional figures, a value awaiting approval counts too). indicators.coverage counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from core.access import subtree_filter
from units.models import OrgUnit
from units.tree import valid_on

from .coverage import Coverage, count
from .models import DataValue
from .provisional import Overlay
from .sums import own_value_element_ids, year_end

# (roots, year, element ids) → {element id: {unit id: unit path}} for the elements a
# reporting round of that year asks of units inside the roots.
ExpectedSource = Callable[[Sequence[OrgUnit], int, set[int]], dict[int, dict[int, str]]]
_sources: list[ExpectedSource] = []


def register_source(source: ExpectedSource) -> ExpectedSource:
    if source not in _sources:
        _sources.append(source)
    return source


@dataclass
class Expectations:
    """For a year and some elements inside some roots: who is expected, who holds what."""

    by_element: dict[int, dict[int, str]] = field(default_factory=dict)
    own_ids: set[int] = field(default_factory=set)
    held: set[tuple[int, int]] = field(default_factory=set)

    def coverage(self, roots: Sequence[OrgUnit], element_ids: set[int]) -> Coverage:
        """The coverage of a figure over the roots' subtrees made of these elements."""
        paths = [r.path for r in roots]
        expected = {}
        for element_id in element_ids:
            if element_id in self.own_ids:
                expected[element_id] = {r.pk for r in roots}
                continue
            units = self.by_element.get(element_id, {})
            expected[element_id] = {
                unit_id for unit_id, path in units.items() if path.startswith(tuple(paths))
            }
        return count(expected, self.held)


def expectations(
    roots: Sequence[OrgUnit], year: int, element_ids: set[int], overlay: Overlay | None = None
) -> Expectations:
    """What coverage needs for figures inside the roots in `year`: a few queries."""
    if not roots or not element_ids:
        return Expectations()
    own_ids = own_value_element_ids(element_ids)
    by_element: dict[int, dict[int, str]] = defaultdict(dict)
    for source in _sources:
        for element_id, units in source(roots, year, element_ids - own_ids).items():
            by_element[element_id].update(units)
    rest = element_ids - own_ids - set(by_element)
    by_element.update(_holders(roots, year, rest))
    held = set(
        DataValue.objects.filter(
            subtree_filter(roots, "unit__"), element_id__in=list(element_ids), period__year=year
        )
        .order_by()
        .values_list("unit_id", "element_id")
        .distinct()
    )
    if overlay:
        held |= {(p.unit_id, p.element_id) for p in overlay.pending if p.year == year}
    return Expectations(dict(by_element), own_ids, held)


def _holders(roots: Sequence[OrgUnit], year: int, element_ids: set[int]) -> dict:
    """For elements no round asks for: the units of the level and kind that hold them."""
    if not element_ids:
        return {}
    classes = (
        DataValue.objects.filter(subtree_filter(roots, "unit__"), element_id__in=list(element_ids))
        .order_by()
        .values_list("element_id", "unit__level_id", "unit__kind")
        .distinct()
    )
    wanted: dict[tuple, set[int]] = defaultdict(set)
    for element_id, level_id, kind in classes:
        wanted[(level_id, kind)].add(element_id)
    if not wanted:
        return {}
    match = Q(pk__in=[])
    for level_id, kind in wanted:
        match |= Q(level_id=level_id, kind=kind)
    units = OrgUnit.objects.filter(subtree_filter(roots), valid_on(year_end(year)), match)
    result: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, path, level_id, kind in units.values_list("pk", "path", "level_id", "kind"):
        for element_id in wanted[(level_id, kind)]:
            result[element_id][pk] = path
    return result
