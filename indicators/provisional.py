"""Values not yet approved, laid over the approved sums when a user asks for provisional figures.

The value store holds approved values only. A domain app that holds values awaiting approval
(data collection: submitted forms) registers a source here; a source returns, for the units
under some roots, each pending value as its difference from the approved one. Sums add those
differences to the approved sums, so a provisional figure is computed by the same rules as
the approved one and never written anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from units.models import OrgUnit


@dataclass(frozen=True)
class PendingValue:
    """A value awaiting approval: the unit it is for and its change from the approved value."""

    unit_id: int
    unit_path: str
    element_id: int
    sex: str
    age_band: str
    year: int
    delta: Decimal


@dataclass(frozen=True)
class Source:
    """Where pending values come from (an app's AppConfig.ready registers one)."""

    # (roots, years, element ids) → the pending values of units inside the roots
    values: Callable[[Sequence[OrgUnit], Sequence[int], set[int]], Iterable[PendingValue]]
    # (roots, year, element ids) → how many forms (or batches) of that year await approval:
    # a cheap count, so every page can offer provisional figures without computing them
    forms: Callable[[Sequence[OrgUnit], int, set[int]], int]


_sources: list[Source] = []


def register_source(source: Source) -> Source:
    if source not in _sources:
        _sources.append(source)
    return source


class Overlay:
    """Pending values to add to the approved sums, found by the units they fall under."""

    def __init__(self, pending: Iterable[PendingValue] = ()) -> None:
        self.pending = list(pending)

    def __bool__(self) -> bool:
        return bool(self.pending)

    def within(self, unit: OrgUnit) -> Overlay:
        """The pending values of units inside the unit's subtree."""
        return Overlay(p for p in self.pending if p.unit_path.startswith(unit.path))

    def touches(self, element_ids: set[int], year: int) -> bool:
        """Whether a pending value of `year` enters a figure made of these elements."""
        return any(p.element_id in element_ids and p.year == year for p in self.pending)

    def rows_for(
        self,
        units: Sequence[OrgUnit],
        years: Iterable[int],
        element_ids: set[int],
        own_ids: set[int],
    ) -> dict[int, list[tuple]]:
        """Per unit, Totals rows (element, sex, age band, year, delta) of the pending values
        inside its subtree, or on the unit itself for elements not summed up the tree.

        Each pending value is matched through its ancestors' paths, so the cost grows with
        the pending values, not with units × values.
        """
        by_path = {u.path: u.pk for u in units}
        wanted_years = set(years)
        rows: dict[int, list[tuple]] = defaultdict(list)
        for p in self.pending:
            if p.year not in wanted_years or p.element_id not in element_ids:
                continue
            row = (p.element_id, p.sex, p.age_band, p.year, p.delta)
            if p.element_id in own_ids:
                if p.unit_path in by_path:
                    rows[by_path[p.unit_path]].append(row)
                continue
            for end in range(OrgUnit.steplen, len(p.unit_path) + 1, OrgUnit.steplen):
                unit_id = by_path.get(p.unit_path[:end])
                if unit_id is not None:
                    rows[unit_id].append(row)
        return rows


def pending_under(roots: Sequence[OrgUnit], years: Sequence[int], element_ids: set[int]) -> Overlay:
    """Every registered source's pending values for units inside the roots."""
    if not roots or not element_ids:
        return Overlay()
    return Overlay(p for source in _sources for p in source.values(roots, years, element_ids))


def forms_awaiting(roots: Sequence[OrgUnit], year: int, element_ids: set[int]) -> int:
    """How many forms of `year` inside the roots, holding any of the elements, await approval."""
    if not roots or not element_ids:
        return 0
    return sum(source.forms(roots, year, element_ids) for source in _sources)
