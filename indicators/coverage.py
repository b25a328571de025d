"""How complete a figure is: of the units expected to report for it, how many did.

Pure: unit and element ids in, counts out; no ORM. The rule (docs/plan-data.md, "How
complete a figure is"): a unit expected to report some elements of a figure has reported
when the value store holds a value of every one of those elements for it in the year. A
figure is complete when every expected unit has reported, or when no unit is expected of
it; otherwise its status is shown with its coverage ("Đạt — 2/12 đơn vị báo cáo"), never bare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Coverage:
    """`reported` of the `expected` units have reported for a figure."""

    reported: int
    expected: int

    @property
    def complete(self) -> bool:
        """Every unit expected has reported (true when none is expected: nothing is missing)."""
        return self.reported >= self.expected

    @property
    def partial(self) -> bool:
        """Some expected unit has not reported: the figure's status must say so."""
        return not self.complete


def count(expected: Mapping[int, Iterable[int]], held: set[tuple[int, int]]) -> Coverage:
    """The coverage of a figure whose element ids map to the units expected to report them;
    `held` is the (unit id, element id) pairs the store has a value for in the year.

    A unit counts once, however many of the figure's elements it is expected to report, and
    has reported only when it holds all of them: a numerator without its denominator is half
    a report.
    """
    owed: dict[int, set[int]] = defaultdict(set)
    for element_id, unit_ids in expected.items():
        for unit_id in unit_ids:
            owed[unit_id].add(element_id)
    reported = sum(
        1 for unit_id, elements in owed.items() if all((unit_id, e) in held for e in elements)
    )
    return Coverage(reported=reported, expected=len(owed))


def of_communes(with_data: int, counted: int) -> Coverage:
    """The coverage of an every-commune figure: the communes with a figure of the communes
    counted (a commune without one counts against the target, and is missing here)."""
    return Coverage(reported=with_data, expected=counted)
