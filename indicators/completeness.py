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
indicators.coverage holds the rule (`count`, the plain reference); Expectations.coverage
counts it with set operations.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from core.aggregates import IdList
from core.aggregates import ids as unit_ids
from units.access import subtree_filter
from units.maps import Standing
from units.models import OrgUnit
from units.tree import valid_on

from .coverage import Coverage
from .models import DataValue, Period
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
    """For a year and some elements inside some roots: who is expected, who holds what.

    Unit sets are frozensets shared between elements with the same expected units (the
    communes of a province owe all its rate elements), so a figure's coverage is a few set
    operations, not a loop over every unit and element (docs/benchmarks.md).
    """

    expected: dict[int, frozenset[int]] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    own_ids: set[int] = field(default_factory=set)
    held: dict[int, frozenset[int]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    _within: dict = field(default_factory=dict, repr=False, compare=False)

    def coverage(self, roots: Sequence[OrgUnit], element_ids: set[int]) -> Coverage:
        """The coverage of a figure over the roots' subtrees made of these elements.

        A unit is expected when some element is expected of it, and has reported when it
        holds every element expected of it: the units failing are, for each set of units
        expected of some elements, those of the set missing one of those elements.
        """
        prefixes = tuple(sorted(r.path for r in roots))
        own = frozenset(r.pk for r in roots)
        groups: dict[frozenset[int], list[int]] = defaultdict(list)
        for element_id in element_ids:
            units = (
                own if element_id in self.own_ids else self._expected_within(element_id, prefixes)
            )
            if units:
                groups[units].append(element_id)
        expected: set[int] = set()
        failing: set[int] = set()
        for units, elements in groups.items():
            expected |= units
            holding = reduce(operator.and_, (self.held.get(e, _NOBODY) for e in elements))
            failing |= units - holding
        return Coverage(reported=len(expected) - len(failing), expected=len(expected))

    def coverage_of(self, standing: Standing, element_ids: set[int]) -> Coverage:
        """The coverage of a figure over what stands for a unit: a unit of the year shared
        with other successors (never apportioned) counts as expected and not reported, so
        the figure's status says that part is missing."""
        found = self.coverage(standing.roots, element_ids)
        return Coverage(found.reported, found.expected + len(standing.shared))

    def _expected_within(self, element_id: int, prefixes: tuple[str, ...]) -> frozenset[int]:
        units = self.expected.get(element_id, _NOBODY)
        if prefixes == self.prefixes or not units:
            return units  # the roots the expectations were read for: nothing to cut
        key = (id(units), prefixes)
        if key not in self._within:
            # Cut once per unit set and roots (a breakdown asks for each child), by the
            # materialised path: a subtree is a range of the sorted paths.
            ordered = self._sorted(units)
            keys = [path for path, _ in ordered]
            inside = set()
            for prefix in prefixes:
                low = bisect.bisect_left(keys, prefix)
                high = bisect.bisect_left(keys, prefix + _AFTER_EVERY_STEP)
                inside.update(pk for _, pk in ordered[low:high])
            self._within[key] = frozenset(inside)
        return self._within[key]

    def _sorted(self, units: frozenset[int]) -> list[tuple[str, int]]:
        key = ("sorted", id(units))
        if key not in self._within:
            self._within[key] = sorted((self.paths[pk], pk) for pk in units)
        return self._within[key]


_NOBODY: frozenset[int] = frozenset()
# Greater than any step character of a path (0-9, A-Z), so prefix + this bounds a subtree.
_AFTER_EVERY_STEP = "~"


def expectations(
    roots: Sequence[OrgUnit], year: int, element_ids: set[int], overlay: Overlay | None = None
) -> Expectations:
    """What coverage needs for figures inside the roots in `year`: a few queries."""
    if not roots or not element_ids:
        return Expectations()
    own_ids = own_value_element_ids(element_ids)
    summed = element_ids - own_ids
    subtree = _Subtree.of(roots, year)
    # The year's periods by id, not by a join: the index then hands over its rows in order.
    periods = list(Period.objects.filter(year=year).values_list("pk", flat=True))
    holding = subtree.holding(
        DataValue.objects.filter(element_id__in=list(element_ids), period_id__in=periods)
    )
    by_element, paths = _holders(subtree, summed, holding)
    for source in _sources:
        for element_id, units in source(roots, year, summed).items():
            for unit_id, (path, done) in units.items():
                by_element[element_id].add(unit_id)
                paths[unit_id] = path
                if done:
                    holding[element_id].add(unit_id)
    if overlay:
        for p in overlay.pending:
            if p.year == year:
                holding[p.element_id].add(p.unit_id)
    return Expectations(
        expected=_shared(by_element),
        paths=paths,
        own_ids=own_ids,
        held={e: frozenset(units) for e, units in holding.items()},
        prefixes=tuple(sorted(r.path for r in roots)),
    )


def _shared(by_element: dict[int, set[int]]) -> dict[int, frozenset[int]]:
    """Each element's units as one frozenset object per distinct set of units."""
    interned: dict[frozenset[int], frozenset[int]] = {}
    result = {}
    for element_id, units in by_element.items():
        frozen = frozenset(units)
        result[element_id] = interned.setdefault(frozen, frozen)
    return result


# Unit ids per query when values are read unit by unit (under SQLite's and PostgreSQL's
# limits on bound parameters, with room to spare).
_UNITS_PER_QUERY = 2000


@dataclass
class _Subtree:
    """The units inside the roots (any day), and how to read their values cheaply.

    A small subtree (a commune, a province) reads its values unit by unit through the
    value table's unique index; the whole tree reads them with no unit condition, straight
    from the (element, period, unit) index; a large part of it joins the units by path.
    Joining the nation's units to its values would hash a quarter of a million rows a year
    (docs/benchmarks.md).
    """

    roots: Sequence[OrgUnit]
    day: datetime.date
    units: list[tuple[int, str, int | None, bool]]  # pk, path, level id, standing on `day`
    whole_tree: bool

    @classmethod
    def of(cls, roots: Sequence[OrgUnit], year: int) -> _Subtree:
        day = year_end(year)
        # Whether each unit stands on the day is asked of the database: turning a nation's
        # dates into Python dates cost more than the query.
        units = list(
            OrgUnit.objects.filter(subtree_filter(roots))
            .annotate(standing=ExpressionWrapper(valid_on(day), output_field=BooleanField()))
            .values_list("pk", "path", "level_id", "standing")
        )
        whole = len(units) > _UNITS_PER_QUERY and len(units) == OrgUnit.objects.count()
        return cls(roots, day, units, whole)

    def holding(self, values: QuerySet[DataValue], units=None) -> dict[int, set[int]]:
        """Element id → the ids of the units among `values` inside the subtree (or of
        `units`) holding a value of it."""
        ids = [pk for pk, *_ in (self.units if units is None else units)]
        per_element = (
            values.order_by().values("element_id").annotate(units=IdList("unit_id")).order_by()
        )
        if units is None and self.whole_tree:
            queries = [per_element]
        elif units is None and len(ids) > _UNITS_PER_QUERY:
            queries = [per_element.filter(subtree_filter(self.roots, "unit__"))]
        else:
            queries = [
                per_element.filter(unit_id__in=ids[start : start + _UNITS_PER_QUERY])
                for start in range(0, len(ids), _UNITS_PER_QUERY)
            ]
        found: dict[int, set[int]] = defaultdict(set)
        for query in queries:
            for row in query:
                found[row["element_id"]].update(unit_ids(row["units"]))
        return found


def _holders(
    subtree: _Subtree, element_ids: set[int], holding: dict[int, set[int]]
) -> tuple[dict[int, set[int]], dict[int, str]]:
    """For elements no round asks for: every unit of the administrative level that holds
    them (every commune, if communes report it), and the very bodies that held them (a
    department is not every department), valid at the end of the year; with their paths.

    `holding` is who holds what in the year: a level is asked about the other years only
    for the elements none of its units holds this year, and only when some of its units
    stand at the year's end (districts after 1 July 2025 expect nothing).
    """
    if not element_ids:
        return {}, {}
    by_level: dict[int | None, list[tuple[int, str, int | None, bool]]] = defaultdict(list)
    for unit in subtree.units:
        by_level[unit[2]].append(unit)
    result: dict[int, set[int]] = defaultdict(set)
    paths: dict[int, str] = {}
    for level_id, units in by_level.items():
        standing = {pk: path for pk, path, _, now in units if now}
        if level_id is None or not standing:
            continue  # bodies below; a level with no unit at the year's end expects nobody
        ids = [pk for pk, *_ in units]
        members = set(ids)
        held = {e for e in element_ids if not members.isdisjoint(holding.get(e, ()))}
        if held != element_ids:
            held |= _elements_held_by(ids, element_ids - held)
        if held:
            paths.update(standing)
            for element_id in held:
                result[element_id].update(standing)
    bodies = [unit for unit in by_level.get(None, []) if unit[3]]
    if bodies:
        path_of = {pk: path for pk, path, *_ in bodies}
        for element_id, pks in subtree.holding(
            DataValue.objects.filter(element_id__in=list(element_ids)), bodies
        ).items():
            result[element_id].update(pks)
            paths.update((pk, path_of[pk]) for pk in pks)
    return result, paths


def _elements_held_by(unit_ids: list[int], wanted: set[int]) -> set[int]:
    """Which of the wanted elements these units hold a value of, in any year.

    Asked by unit ids alone, so that both databases walk the value table's unit index: a
    few provinces' or districts' rows. With an element condition too, PostgreSQL hashed
    every value of the elements (0.23 s for 696 districts holding none) and SQLite walked
    the element index (docs/benchmarks.md).
    """
    found: set[int] = set()
    for start in range(0, len(unit_ids), _UNITS_PER_QUERY):
        found.update(
            DataValue.objects.filter(unit_id__in=unit_ids[start : start + _UNITS_PER_QUERY])
            .order_by()
            .values_list("element_id", flat=True)
            .distinct()
        )
        if wanted <= found:
            break
    return found & wanted
