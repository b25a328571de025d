"""Which units are expected to report a figure's elements in a year, and which of them did.

The units expected for an element in a year, inside the figure's subtree, are:
1. the units a reporting round of that year owes a form holding the element (a registered
   source: data collection registers its rounds);
2. together with the units, valid at the end of the year, of the administrative level that
   holds the element's values anywhere in the subtree (in any year): if communes report it,
   every commune is expected to; and the bodies (no level) that have held it in some year;
3. but an element a unit holds for itself (not summed up the tree) only of the unit itself.

A unit has reported an element when the value store holds a value of it for the year, or
when its form of a round holding the element is approved (a blank optional figure is a
report); with provisional figures, a value awaiting approval counts too.
indicators.coverage counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from units.access import subtree_filter
from units.maps import Standing
from units.models import OrgUnit
from units.tree import valid_on

from .coverage import Coverage, count
from .models import DataValue
from .provisional import Overlay
from .sums import own_value_element_ids, year_end

# (roots, year, element ids) → {element id: {unit id: (unit path, approved)}} for the
# elements a reporting round of that year asks of units inside the roots; `approved` when
# the unit's form is approved.
ExpectedSource = Callable[
    [Sequence[OrgUnit], int, set[int]], dict[int, dict[int, tuple[str, bool]]]
]
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
        prefixes = tuple(r.path for r in roots)  # built once: this runs per unit and target
        expected = {}
        for element_id in element_ids:
            if element_id in self.own_ids:
                expected[element_id] = {r.pk for r in roots}
                continue
            units = self.by_element.get(element_id, {})
            expected[element_id] = {
                unit_id for unit_id, path in units.items() if path.startswith(prefixes)
            }
        return count(expected, self.held)

    def coverage_of(self, standing: Standing, element_ids: set[int]) -> Coverage:
        """The coverage of a figure over what stands for a unit: a unit of the year shared
        with other successors (never apportioned) counts as expected and not reported, so
        the figure's status says that part is missing."""
        found = self.coverage(standing.roots, element_ids)
        return Coverage(found.reported, found.expected + len(standing.shared))


def expectations(
    roots: Sequence[OrgUnit], year: int, element_ids: set[int], overlay: Overlay | None = None
) -> Expectations:
    """What coverage needs for figures inside the roots in `year`: a few queries."""
    if not roots or not element_ids:
        return Expectations()
    own_ids = own_value_element_ids(element_ids)
    by_element: dict[int, dict[int, str]] = defaultdict(dict)
    approved: set[tuple[int, int]] = set()
    for element_id, units in _holders(roots, year, element_ids - own_ids).items():
        by_element[element_id].update(units)
    for source in _sources:
        for element_id, units in source(roots, year, element_ids - own_ids).items():
            for unit_id, (path, done) in units.items():
                by_element[element_id][unit_id] = path
                if done:
                    approved.add((unit_id, element_id))
    held = approved | set(
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
    """For elements no round asks for: every unit of the administrative level that holds
    them (every commune, if communes report it), and the very bodies that held them (a
    department is not every department), valid at the end of the year."""
    if not element_ids:
        return {}
    values = DataValue.objects.filter(
        subtree_filter(roots, "unit__"), element_id__in=list(element_ids)
    ).order_by()
    levels: dict[int, set[int]] = defaultdict(set)
    for element_id, level_id in (
        values.filter(unit__level__isnull=False)
        .values_list("element_id", "unit__level_id")
        .distinct()
    ):
        levels[level_id].add(element_id)
    day = year_end(year)
    result: dict[int, dict[int, str]] = defaultdict(dict)
    units = OrgUnit.objects.filter(subtree_filter(roots), valid_on(day), level_id__in=list(levels))
    for pk, path, level_id in units.values_list("pk", "path", "level_id"):
        for element_id in levels[level_id]:
            result[element_id][pk] = path
    bodies = values.filter(unit__level__isnull=True).filter(valid_on(day, "unit__"))
    rows = bodies.values_list("element_id", "unit_id", "unit__path").distinct()
    for element_id, pk, path in rows:
        result[element_id][pk] = path
    return result
