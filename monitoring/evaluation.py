"""Target evaluation: a status for one target, unit and year, from plain figures.

Pure: numbers in, statuses out; no ORM. Values are exact fractions, so a threshold is
never compared against a rounded figure (exactly 99 % is not "above 99 %").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"


class Comparator(StrEnum):
    GT = "gt"
    GTE = "gte"
    EQ = "eq"
    LTE = "lte"
    LT = "lt"
    RISES = "rises"
    PARITY = "parity"


@dataclass(frozen=True)
class Rule:
    """What a target asks: `comparator` against `value` (`value_max` for parity) by `due_year`."""

    comparator: Comparator
    value: Decimal | None
    due_year: int
    value_max: Decimal | None = None


Number = Fraction | Decimal | int


def compare(rule: Rule, value: Fraction) -> bool:
    """Whether one value satisfies the rule's comparator (not used for "rises")."""
    threshold = Fraction(rule.value) if rule.value is not None else None
    match rule.comparator:
        case Comparator.GT:
            return value > threshold
        case Comparator.GTE:
            return value >= threshold
        case Comparator.EQ:
            return value == threshold
        case Comparator.LTE:
            return value <= threshold
        case Comparator.LT:
            return value < threshold
        case Comparator.PARITY:
            return threshold <= value <= Fraction(rule.value_max)
    raise ValueError(f"comparator {rule.comparator!r} compares two years, not one value")


def project(series: Mapping[int, Fraction | None], year: int, due_year: int) -> Fraction | None:
    """The value expected at `due_year` if the last yearly change continues (linear trend)."""
    current = series.get(year)
    earlier = [y for y, v in series.items() if y < year and v is not None]
    if current is None or not earlier:
        return None
    last = max(earlier)
    slope = (current - series[last]) / (year - last)
    return current + slope * (due_year - year)


def evaluate(rule: Rule, series: Mapping[int, Fraction | None], year: int) -> Status:
    """The status in `year` of a target whose values by year are `series`.

    From the due year on: met or not met. Before it: on track when the value already
    satisfies the target or the trend reaches it by the due year, else at risk.
    "Rises every year" is due every year: met when the value is above last year's.
    """
    current = series.get(year)
    if rule.comparator == Comparator.RISES:
        previous = series.get(year - 1)
        if current is None or previous is None:
            return Status.NO_DATA
        return Status.MET if current > previous else Status.NOT_MET
    if current is None:
        return Status.NO_DATA
    satisfied = compare(rule, current)
    if year >= rule.due_year:
        return Status.MET if satisfied else Status.NOT_MET
    if satisfied:
        return Status.ON_TRACK
    projected = project(series, year, rule.due_year)
    if projected is not None and compare(rule, projected):
        return Status.ON_TRACK
    return Status.AT_RISK


@dataclass(frozen=True)
class CommuneCount:
    """How many communes meet a target in one year, of how many communes there are."""

    met: int
    counted: int
    with_data: int

    @property
    def share(self) -> Fraction | None:
        """The percentage of communes meeting; None when no commune has a figure."""
        if self.with_data == 0 or self.counted == 0:
            return None
        return Fraction(self.met * 100, self.counted)


def count_communes(rule: Rule, values: Mapping[object, Fraction | None]) -> CommuneCount:
    """Count the communes whose own value satisfies the rule.

    A commune without a figure counts against the target: "every commune" has to be shown.
    """
    met = sum(1 for v in values.values() if v is not None and compare(rule, v))
    with_data = sum(1 for v in values.values() if v is not None)
    return CommuneCount(met=met, counted=len(values), with_data=with_data)


def share_rule(rule: Rule, required_share: Decimal) -> Rule:
    """The rule on the share of communes: at least `required_share` % must meet `rule`."""
    return Rule(comparator=Comparator.GTE, value=required_share, due_year=rule.due_year)
