"""Write the map's rows (units/mapdata.py) into the tree: all or nothing, upserted by
(code, valid_from), in bulk, with history.

Materialised paths are computed here rather than by treebeard's add_child (three queries a
unit; a national tree is 14,000 units): a new unit takes the next free step under its
parent, and a parent's child count is raised by the number it gains. A unit already loaded
is updated in place but never moved.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import add_creation_history, insert_rows
from units.codes import overlaps
from units.mapdata import Key, MapRows, UnitRow
from units.models import OrgUnit, UnitLevel, UnitSuccession

# The levels the map uses, created when missing (their names are data: an existing level
# keeps the name it has).
LEVELS = [
    ("country", "Quốc gia", 0),
    ("province", "Cấp tỉnh", 1),
    ("district", "Cấp huyện", 2),
    ("commune", "Cấp xã", 3),
]
FIELDS = ["name", "short_name", "level_id", "kind", "valid_to", "official_code_source"]
REASON = "load_map"


class MapLoadError(ValueError):
    """The rows do not fit the units already loaded; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@dataclass
class _Steps:
    """The last step used under each parent path, from the units already in the tree."""

    last: dict[str, int]

    @classmethod
    def of(cls, paths: list[str]) -> _Steps:
        last: dict[str, int] = defaultdict(int)
        step = OrgUnit.steplen
        for path in paths:
            parent, own = path[:-step], OrgUnit._str2int(path[-step:])
            last[parent] = max(last[parent], own)
        return cls(last)

    def next_path(self, parent_path: str) -> str:
        self.last[parent_path] = self.last.get(parent_path, 0) + 1
        depth = len(parent_path) // OrgUnit.steplen + 1
        return OrgUnit._get_path(parent_path, depth, self.last[parent_path])


def load_map(rows: MapRows, *, user=None) -> Counter:
    """Upsert every unit and succession of `rows`; returns rows written, by kind."""
    counts: Counter = Counter()
    with transaction.atomic():
        levels = _levels()
        existing = {(u.code, u.valid_from): u for u in OrgUnit.objects.all()}
        problems = _code_clashes(rows.units, existing)
        if problems:
            raise MapLoadError(problems)
        units = _write_units(rows.units, existing, levels, user, counts)
        _write_successions(rows, units, user, counts)
    return +counts  # drops the zero counts


def _levels() -> dict[str, int]:
    found = {lv.code: lv.pk for lv in UnitLevel.objects.all()}
    for code, name, rank in LEVELS:
        if code not in found:
            found[code] = UnitLevel.objects.create(code=code, name=name, rank=rank).pk
    return found


def _code_clashes(rows: list[UnitRow], existing: dict[Key, OrgUnit]) -> list[str]:
    """Two units holding one code on a common day, counting the units already loaded."""
    periods: dict[str, dict] = defaultdict(dict)
    for key, unit in existing.items():
        periods[key[0]][key] = (unit.valid_from, unit.valid_to, unit.name)
    for row in rows:
        periods[row.code][row.key] = (row.valid_from, row.valid_to, row.name)
    problems = []
    for code, held in periods.items():
        spans = list(held.values())
        for i, a in enumerate(spans):
            for b in spans[i + 1 :]:
                if overlaps(a[0], a[1], b[0], b[1]):
                    msg = _("Code %(code)s would name both %(a)s and %(b)s on a common day.")
                    problems.append(msg % {"code": code, "a": a[2], "b": b[2]})
    return problems


def _write_units(
    rows: list[UnitRow], existing: dict[Key, OrgUnit], levels: dict[str, int], user, counts
) -> dict[Key, OrgUnit]:
    units = dict(existing)
    steps = _Steps.of([u.path for u in existing.values()])
    gained: Counter = Counter()
    created, updated, problems = [], [], []
    for row in rows:
        parent = units[row.parent] if row.parent else None
        parent_path = parent.path if parent else ""
        values = {
            "name": row.name,
            "short_name": row.short_name,
            "level_id": levels[row.level],
            "kind": OrgUnit.Kind.ADMINISTRATIVE,
            "valid_to": row.valid_to,
            "official_code_source": row.source,
        }
        unit = units.get(row.key)
        if unit is None:
            path = steps.next_path(parent_path)
            unit = OrgUnit(code=row.code, valid_from=row.valid_from, path=path,
                           depth=len(path) // OrgUnit.steplen, numchild=0, **values)  # fmt: skip
            units[row.key] = unit
            created.append(unit)
            gained[parent_path] += 1
            continue
        if unit.path[: -OrgUnit.steplen] != parent_path:
            msg = _("unit %(code)s already exists elsewhere in the tree; units are never moved")
            problems.append(msg % {"code": row.code})
        changed = [f for f, v in values.items() if getattr(unit, f) != v]
        for f in changed:
            setattr(unit, f, values[f])
        if changed:
            updated.append(unit)
    if problems:
        raise MapLoadError(problems)
    for unit in created:
        unit.numchild = gained.pop(unit.path, 0)
    _insert_units(created, user)
    if updated:
        OrgUnit.objects.bulk_update(updated, FIELDS, batch_size=2000)
        OrgUnit.history.bulk_history_create(
            updated, update=True, default_user=user, default_change_reason=REASON
        )
    _raise_child_counts(gained)
    counts["units"] += len(created) + len(updated)
    return units


UNIT_COLUMNS = [
    "path", "depth", "numchild", "code", "name", "short_name", "level_id", "kind",
    "valid_from", "valid_to", "official_code_source",
]  # fmt: skip


def _insert_units(created: list[OrgUnit], user) -> None:
    """Plain INSERTs and one INSERT … SELECT of their history (core/bulk.py): the ORM's
    bulk_create spent most of a national load preparing fields. Ids are read back by path."""
    day = connection.ops.adapt_datefield_value
    rows = [
        (u.path, u.depth, u.numchild, u.code, u.name, u.short_name, u.level_id, u.kind,
         day(u.valid_from), day(u.valid_to), u.official_code_source)
        for u in created
    ]  # fmt: skip
    last = _last_id(OrgUnit)
    insert_rows(OrgUnit, UNIT_COLUMNS, rows)
    by_path = {u.path: u for u in created}
    for path, pk in OrgUnit.objects.filter(pk__gt=last).values_list("path", "pk"):
        if path in by_path:
            by_path[path].pk = pk
    _history_since(OrgUnit, last, user)


def _last_id(model) -> int:
    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def _history_since(model, last: int, user) -> None:
    """Creation history of the rows this load inserted (ids above `last`, in this transaction)."""
    user_id = getattr(user, "pk", None)
    add_creation_history(model, '"id" > %s', [last], user_id=user_id, moment=timezone.now())


def _raise_child_counts(gained: Counter) -> None:
    """Existing parents' child counts (treebeard's `numchild`), raised by what they gained."""
    if not gained:
        return
    parents = list(OrgUnit.objects.filter(path__in=list(gained)))
    for parent in parents:
        parent.numchild += gained[parent.path]
    OrgUnit.objects.bulk_update(parents, ["numchild"])


def _write_successions(rows: MapRows, units: dict[Key, OrgUnit], user, counts: Counter) -> None:
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    created, updated = [], []
    for row in rows.successions:
        pred, succ = units[row.predecessor], units[row.successor]
        values = {"kind": row.kind, "effective_on": row.effective_on, "legal_act": row.legal_act}
        link = existing.get((pred.pk, succ.pk))
        if link is None:
            created.append(UnitSuccession(predecessor=pred, successor=succ, **values))
            continue
        changed = [f for f, v in values.items() if getattr(link, f) != v]
        for f in changed:
            setattr(link, f, values[f])
        if changed:
            updated.append(link)
    day = connection.ops.adapt_datefield_value
    last = _last_id(UnitSuccession)
    insert_rows(
        UnitSuccession,
        ["predecessor_id", "successor_id", "kind", "effective_on", "legal_act"],
        [(s.predecessor_id, s.successor_id, s.kind, day(s.effective_on), s.legal_act)
         for s in created],
    )  # fmt: skip
    _history_since(UnitSuccession, last, user)
    if updated:
        UnitSuccession.objects.bulk_update(updated, ["kind", "effective_on", "legal_act"])
        UnitSuccession.history.bulk_history_create(
            updated, update=True, default_user=user, default_change_reason=REASON
        )
    counts["successions"] += len(created) + len(updated)
