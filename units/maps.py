"""Which units stand for a unit in a past year, by the map of that year or by today's map.

"As it was" (the default) measures a unit in a year over the tree as it stood at the end
of that year: its children and communes are those of that year. "As it is now" measures
today's units: each one's figure for a past year is the sum over the subtrees, in that year,
of the units it came from (UnitSuccession, transitively). A unit that was split between
several of today's units is never apportioned: it is attributed to none of its successors
(`Standing.shared`) unless all of them lie inside the unit being measured.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.reading import memo
from units.models import OrgUnit, UnitSuccession
from units.tree import outermost, subtree, units_for_period


class Map(models.TextChoices):
    """The map a figure is rolled up by."""

    AS_WAS = "as_was", _("by the year of the figures")
    AS_IS = "as_is", _("as it is now")


def as_map(value: str | None) -> Map | None:
    """The map named by `value` (None or empty: the default, as it was); None if unknown."""
    if not value:
        return Map.AS_WAS
    try:
        return Map(value)
    except ValueError:
        return None


def today() -> datetime.date:
    """The day today's map is taken on."""
    return timezone.localdate()


@dataclass(frozen=True)
class Shared:
    """A unit of a past year whose successors split it: its figure belongs to none of them."""

    predecessor: OrgUnit
    successors: tuple[OrgUnit, ...]


@dataclass(frozen=True)
class Standing:
    """The units whose subtrees, on a day, make up what a unit covers on the chosen map."""

    roots: list[OrgUnit]
    shared: list[Shared] = field(default_factory=list)


Links = tuple[dict[int, list[int]], dict[int, list[int]]]

# The links as last read, with the fingerprint of the table they were read from. A page
# builds several Lineages (one per figure it asks for); with the whole country's ten thousand
# links, reading them each time cost most of a dashboard (the real-tree benchmark: 1.1 s,
# against 0.23 s read once). Only their fingerprint is read now, unless the map changed.
_cache: dict[str, tuple[tuple, Links]] = {}


def _fingerprint() -> tuple:
    """What changes whenever a link is added, removed or changed: their number, the sums of
    both ends, and the newest history row (every write through the ORM or the loader adds one)."""
    newest = UnitSuccession.history.order_by("-history_id").values("history_id")[:1]
    links = UnitSuccession.objects.aggregate(
        n=models.Count("pk"),
        before=models.Sum("predecessor_id"),
        after=models.Sum("successor_id"),
        newest=models.Max(models.Subquery(newest)),
    )
    return (links["n"], links["before"], links["after"], links["newest"])


def _shared_links() -> Links:
    """Successor → predecessors and predecessor → successors, read again only when the links
    changed since the last read (in this process, on this database); within one reading
    (core.reading), their fingerprint is checked once."""
    return memo("units.maps.links", _read_links)


def _read_links() -> Links:
    key = UnitSuccession.objects.db
    fingerprint = _fingerprint()
    cached = _cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    before: dict[int, list[int]] = defaultdict(list)
    after: dict[int, list[int]] = defaultdict(list)
    for pred, succ in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
        before[succ].append(pred)
        after[pred].append(succ)
    links = (dict(before), dict(after))
    _cache[key] = (fingerprint, links)
    return links


class Lineage:
    """Every succession link, read once (a nation holds some ten thousand): who became whom.

    Built once per page or request, so that standing for hundreds of units costs two queries,
    not a walk of the links per unit.
    """

    def __init__(self) -> None:
        self._links: Links | None = None
        self._units: dict[int, OrgUnit] = {}

    def _load(self) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        # Read on first use: most units of a page have no lineage and never need it.
        if self._links is None:
            self._links = _shared_links()
        return self._links

    @property
    def before(self) -> dict[int, list[int]]:
        """Successor id → the ids of the units that became it."""
        return self._load()[0]

    @property
    def after(self) -> dict[int, list[int]]:
        """Predecessor id → the ids of the units it became."""
        return self._load()[1]

    def units(self, ids: Iterable[int]) -> list[OrgUnit]:
        ids = list(dict.fromkeys(ids))
        missing = [pk for pk in ids if pk not in self._units]
        if missing:
            for unit in OrgUnit.objects.filter(pk__in=missing).select_related("level"):
                self._units[unit.pk] = unit
        return [self._units[pk] for pk in ids if pk in self._units]

    def preload(self, units: Iterable[OrgUnit]) -> None:
        """Read at once every unit linked to these, backward and then forward: standing for
        a nation's communes then costs a few queries, not one per commune."""
        behind = {p for u in units if u.pk in self.before for p in self._reach(u.pk, self.before)}
        ahead = {s for p in behind for s in self._reach(p, self.after)}
        wanted = list((behind | ahead) - self._units.keys())
        for i in range(0, len(wanted), 2000):
            self.units(wanted[i : i + 2000])

    def _reach(self, start: int, links: dict[int, list[int]]) -> list[int]:
        seen, frontier, found = {start}, [start], []
        while frontier:
            nxt = []
            for pk in frontier:
                for other in links.get(pk, ()):
                    if other not in seen:
                        seen.add(other)
                        found.append(other)
                        nxt.append(other)
            frontier = nxt
        return found

    def predecessors(self, unit: OrgUnit) -> list[OrgUnit]:
        """Every unit that became `unit`, transitively (any validity)."""
        return self.units(self._reach(unit.pk, self.before))

    def predecessors_on(self, unit: OrgUnit, day: datetime.date) -> list[OrgUnit]:
        """The units existing on `day` that became `unit`, searched back through the links
        until one existed then; outermost first (units.tree.units_for_period, from the
        links read once rather than a query per step)."""
        found: dict[int, OrgUnit] = {}
        seen, frontier = {unit.pk}, [unit.pk]
        while frontier:
            earlier = [p for pk in frontier for p in self.before.get(pk, ()) if p not in seen]
            seen.update(earlier)
            frontier = []
            for pred in self.units(earlier):
                if pred.is_valid_on(day):
                    found[pred.pk] = pred
                else:
                    frontier.append(pred.pk)
        return outermost(found.values())

    def successors_on(self, unit: OrgUnit, day: datetime.date) -> list[OrgUnit]:
        """The units existing on `day` that `unit` is (itself, if it still exists) or became."""
        found = [unit] if unit.is_valid_on(day) else []
        if unit.pk in self.after:
            found += [u for u in self.units(self._reach(unit.pk, self.after)) if u.is_valid_on(day)]
        return found


def _inside(unit: OrgUnit, container: OrgUnit) -> bool:
    return unit.path.startswith(container.path)


def standing_for(
    unit: OrgUnit,
    day: datetime.date,
    map: Map = Map.AS_WAS,
    *,
    lineage: Lineage | None = None,
    now: datetime.date | None = None,
) -> Standing:
    """The units whose subtrees held, on `day`, what `unit` covers on the chosen map.

    As it was: the unit itself if it existed on `day`, else its predecessors then
    (units.tree.units_for_period). As it is now, for a unit on today's map: the unit (if it
    existed on `day`) and every unit of that day it came from, transitively, outermost
    first. A unit no longer on today's map is measured as it was.

    On either map a predecessor that also became a unit outside `unit` (a split) is shared:
    left out, never apportioned, and named with its successors (as it was, its successors
    on the day `unit` was created; as it is now, today's).
    """
    now = now or today()
    key = ("units.maps.standing", unit.pk, unit.valid_from, unit.valid_to, day, map, now)
    # Within a reading, one Lineage keeps the units it has read for every year asked.
    lineage = lineage or memo("units.maps.lineage", Lineage)
    return memo(key, lambda: _standing_for(unit, day, map, lineage, now))


def _standing_for(
    unit: OrgUnit, day: datetime.date, map: Map, lineage: Lineage, now: datetime.date
) -> Standing:
    if map != Map.AS_IS or not unit.is_valid_on(now):
        if unit.is_valid_on(day):
            return Standing([unit])
        found = lineage.predecessors_on(unit, day)
        now = unit.valid_from or now
    else:
        if unit.pk not in lineage.before:
            return Standing([unit] if unit.is_valid_on(day) else [])
        found = [unit] if unit.is_valid_on(day) else []
        found += outermost(p for p in lineage.predecessors(unit) if p.is_valid_on(day))
    roots, shared = [], []
    for root in outermost(found):
        if root.pk != unit.pk:
            successors = lineage.successors_on(root, now)
            if not all(_inside(s, unit) for s in successors):
                shared.append(Shared(root, tuple(successors)))
                continue
        roots.append(root)
    return Standing(roots, shared)


def on_map(unit: OrgUnit, day: datetime.date) -> list[OrgUnit]:
    """The unit's subtree as it stood on `day`: the units existing then whose ancestors up
    to `unit` existed too (a commune left valid under a district that ended is not on it)."""
    if not unit.is_valid_on(day):
        return []
    kept: dict[str, OrgUnit] = {}
    for u in subtree(unit).select_related("level").order_by("path"):
        if u.pk == unit.pk or (u.is_valid_on(day) and u.path[: -OrgUnit.steplen] in kept):
            kept[u.path] = u
    return list(kept.values())


def children_on_map(
    unit: OrgUnit, day: datetime.date, map: Map = Map.AS_WAS, *, now: datetime.date | None = None
) -> list[OrgUnit]:
    """The direct children of `unit` on the chosen map: those existing on `day`, under the
    units standing for it then (as it was), or today's children (as it is now)."""
    now = now or today()
    if map == Map.AS_IS and unit.is_valid_on(now):
        return [u for u in on_map(unit, now) if u.depth == unit.depth + 1]
    children = []
    for root in units_for_period(unit, day):
        kids = OrgUnit.objects.get_children(root).select_related("level")
        children += [c for c in kids if c.is_valid_on(day)]
    return children


def communes_on_map(
    unit: OrgUnit, level_code: str, *, now: datetime.date | None = None
) -> list[OrgUnit]:
    """The units of a level (the communes) on today's map inside `unit`, itself included."""
    return [u for u in on_map(unit, now or today()) if u.level_id and u.level.code == level_code]


def effective_map(unit: OrgUnit, map: Map, *, now: datetime.date | None = None) -> Map:
    """The map the unit is measured by: a unit no longer on today's map only as it was."""
    if map == Map.AS_IS and not unit.is_valid_on(now or today()):
        return Map.AS_WAS
    return map


def successors_note(unit: OrgUnit, day: datetime.date) -> list[OrgUnit]:
    """For a unit that no longer existed on `day`, the units its area's figures are under
    then (its successors); empty for a unit existing that day or not yet created."""
    if unit.is_valid_on(day) or (unit.valid_from is not None and day < unit.valid_from):
        return []
    return Lineage().successors_on(unit, day)


def standing_each(
    units: Sequence[OrgUnit], day: datetime.date, map: Map, *, now: datetime.date | None = None
) -> dict[int, Standing]:
    """For each unit of a breakdown (by id), what stands for it on `day`: as it was, the unit
    itself (the units are that day's); as it is now, see standing_for."""
    if map != Map.AS_IS:
        return {u.pk: Standing([u]) for u in units}
    lineage = Lineage()
    lineage.preload(units)
    return {u.pk: standing_for(u, day, map, lineage=lineage, now=now) for u in units}


def shared_by(
    units: Sequence[OrgUnit], day: datetime.date, map: Map, *, now: datetime.date | None = None
) -> dict[int, list[Shared]]:
    """For each unit (by id), the units of `day` split between it and units outside it, and
    so left out of its figure."""
    standing = standing_each(units, day, map, now=now) if map == Map.AS_IS else {
        u.pk: standing_for(u, day, map, now=now) for u in units
    }  # fmt: skip
    return {pk: s.shared for pk, s in standing.items() if s.shared}
