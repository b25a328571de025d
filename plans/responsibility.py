"""Who leads and who partners in what: a plan's duties as plain data.

Pure: rows in, roles and a matrix out; no ORM. A party is a key such as "unit:D-A-GD"
or "group:D-A-XA".

A duty belongs to its clause's party with the duty's role. The other parties a duty
names take the opposite role: a body named in "chủ trì, phối hợp với X" (the clause's
body leads) is a partner there; a body named in "phối hợp với X" (the clause's body
partners) leads there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

LEAD = "lead"
PARTNER = "partner"

OPPOSITE = {LEAD: PARTNER, PARTNER: LEAD}


@dataclass(frozen=True)
class DutyRow:
    duty_id: int
    party: str
    role: str
    named: frozenset[str] = frozenset()
    task_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Involvement:
    """One duty a party takes part in, with the party's role there and how it is reached."""

    duty_id: int
    role: str
    own: bool
    via: str | None = None


@dataclass(frozen=True)
class Matrix:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def cell(self, row: str, column: str) -> str:
        return self.cells.get(row, {}).get(column, "")


def involvements(
    party: str,
    duties: Iterable[DutyRow],
    groups_of: Mapping[str, Iterable[str]] | None = None,
) -> list[Involvement]:
    """Every duty `party` takes part in: its own, those that name it, and, through
    `groups_of` (party → groups it belongs to), those of and naming its groups."""
    via_groups = list((groups_of or {}).get(party, ()))
    found: list[Involvement] = []
    for duty in duties:
        for key, via in [(party, None), *((g, g) for g in via_groups)]:
            if duty.party == key:
                found.append(Involvement(duty.duty_id, duty.role, own=True, via=via))
                break
            if key in duty.named:
                found.append(Involvement(duty.duty_id, OPPOSITE[duty.role], own=False, via=via))
                break
    return found


def matrix_rows(clause_parties: Sequence[str], duties: Iterable[DutyRow]) -> tuple[str, ...]:
    """Every clause's party in clause order, then every other party a duty names."""
    rows = list(dict.fromkeys(clause_parties))
    seen = set(rows)
    for duty in duties:
        for key in sorted(duty.named):
            if key not in seen:
                rows.append(key)
                seen.add(key)
    return tuple(rows)


def responsibility_matrix(
    clause_parties: Sequence[str], duties: Sequence[DutyRow], task_groups: Sequence[str]
) -> Matrix:
    """Rows: parties; columns: task groups; a cell is "lead" if the party leads any duty
    serving that task group, else "partner" if it partners in one, else empty.

    Each row shows the party's direct roles; a group's duties stay on the group's row.
    """
    rows = matrix_rows(clause_parties, duties)
    cells: dict[str, dict[str, str]] = {row: {} for row in rows}
    for duty in duties:
        holders = [(duty.party, duty.role)] + [(n, OPPOSITE[duty.role]) for n in duty.named]
        for party, role in holders:
            row = cells.setdefault(party, {})
            for column in duty.task_groups:
                if row.get(column) != LEAD:
                    row[column] = role
    return Matrix(rows=rows, columns=tuple(task_groups), cells=cells)
