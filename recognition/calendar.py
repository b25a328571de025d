"""The deadlines of a criteria set for an evaluation year, and whether each is done, due or late
(pure: the set's definition, the steps reached and today)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DONE, DUE, LATE = "done", "due", "late"

# The application statuses at which each step of the procedure has been taken.
REACHED: dict[str, frozenset[str]] = {
    "register": frozenset(
        {"registered", "reviewed", "submitted", "returned", "in_council", "recognised", "refused"}
    ),
    "file": frozenset({"submitted", "in_council", "recognised", "refused"}),
    "decide": frozenset({"recognised", "refused"}),
    "report": frozenset(),  # the office's yearly report is not recorded in XHHT
}


@dataclass(frozen=True)
class Step:
    step: str
    label: str
    date: datetime.date
    state: str


def state(date: datetime.date, today: datetime.date, done: bool) -> str:
    """Done once taken; otherwise due up to and including the day itself, late after it."""
    if done:
        return DONE
    return LATE if today > date else DUE


def steps_reached(status: str) -> set[str]:
    return {step for step, statuses in REACHED.items() if status in statuses}


def steps(definition, year: int, today: datetime.date, reached: Iterable[str] = ()) -> list[Step]:
    """The set's deadlines for evaluation year `year`, in date order, with their states."""
    reached = set(reached)
    rows = []
    for deadline in definition.deadlines:
        day = datetime.date(year + deadline.year_offset, deadline.month, deadline.day)
        rows.append(Step(deadline.step, deadline.label, day,
                         state(day, today, deadline.step in reached)))  # fmt: skip
    return sorted(rows, key=lambda s: (s.date, s.step))
