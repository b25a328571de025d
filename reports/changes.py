"""What changed in the data since a report was issued: its stored snapshot against a fresh one.

Pure: two snapshots of reports.yearly.compose in, plain rows out. Figures are compared row
by row under their stable keys (part, row); the value store, rule sets and round states are
summarised so that a change that moved no shown figure is still seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Keys of a figure row that name it rather than measure it.
LABEL_KEYS = ("label", "text", "name", "title", "clause")


@dataclass(frozen=True)
class FigureChange:
    """One shown value of one row that differs: `old` None for a row that is new, `new` None
    for a row that is gone."""

    part: str
    row: str
    label: str
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Changed:
    """A code (rule set or round) whose version or state moved; None where it is absent."""

    code: str
    old: object
    new: object


@dataclass
class Comparison:
    figures: list[FigureChange] = field(default_factory=list)
    rule_sets: list[Changed] = field(default_factory=list)
    rounds: list[Changed] = field(default_factory=list)
    values_changed: int = 0
    values_added: int = 0
    values_removed: int = 0
    approved_through: tuple[object, object] = (None, None)

    @property
    def unchanged(self) -> bool:
        return not (self.figures or self.rule_sets or self.rounds or self.values_changed
                    or self.values_added or self.values_removed)  # fmt: skip


def _label(row_key: str, *rows: Mapping | None) -> str:
    for row in rows:
        if isinstance(row, Mapping):
            for key in LABEL_KEYS:
                if row.get(key) not in (None, ""):
                    return str(row[key])
    return row_key


def _row_changes(part: str, key: str, old, new) -> list[FigureChange]:
    label = _label(key, old, new)
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        if old == new:
            return []
        return [FigureChange(part, key, label, "", old, new)]
    changes = []
    for name in [*old, *(n for n in new if n not in old)]:
        if name in LABEL_KEYS and name in old and name in new:
            continue
        if old.get(name) != new.get(name):
            changes.append(FigureChange(part, key, label, name, old.get(name), new.get(name)))
    return changes


def figure_changes(old: Mapping, new: Mapping) -> list[FigureChange]:
    """Every shown value that differs between two snapshots' `figures`, in the old one's
    order (parts, then rows), new parts and rows after."""
    changes: list[FigureChange] = []
    for part in [*old, *(p for p in new if p not in old)]:
        before, after = old.get(part) or {}, new.get(part) or {}
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in after:
                changes.append(FigureChange(part, key, _label(key, before[key]), "",
                                            before[key], None))  # fmt: skip
            elif key not in before:
                changes.append(FigureChange(part, key, _label(key, after[key]), "",
                                            None, after[key]))  # fmt: skip
            else:
                changes.extend(_row_changes(part, key, before[key], after[key]))
    return changes


def _pairs(rows) -> dict[str, object]:
    return {str(row[0]): row[1] for row in rows or ()}


def _moved(old_rows, new_rows) -> list[Changed]:
    old, new = _pairs(old_rows), _pairs(new_rows)
    codes = [*old, *(c for c in new if c not in old)]
    return [Changed(c, old.get(c), new.get(c)) for c in codes if old.get(c) != new.get(c)]


def compare(old: Mapping, new: Mapping) -> Comparison:
    """The issued snapshot `old` against the fresh snapshot `new`."""
    before = {str(row[0]): tuple(row[1:]) for row in old.get("values") or ()}
    after = {str(row[0]): tuple(row[1:]) for row in new.get("values") or ()}
    return Comparison(
        figures=figure_changes(old.get("figures") or {}, new.get("figures") or {}),
        rule_sets=_moved(old.get("rule_sets"), new.get("rule_sets")),
        rounds=_moved(old.get("rounds"), new.get("rounds")),
        values_changed=sum(1 for k in before if k in after and before[k] != after[k]),
        values_added=sum(1 for k in after if k not in before),
        values_removed=sum(1 for k in before if k not in after),
        approved_through=(old.get("approved_through"), new.get("approved_through")),
    )
