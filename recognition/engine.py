"""The recognition engine: a criteria set and a unit's indicator values in, every indicator's,
criterion's and level's status out, in the exchange format of `recognition_evaluate`.

Pure: no Django, no database; plain dicts in and out. Comparisons are exact: a rate meets T
when `num * 100 >= T * den` with T a Fraction, never on a rounded percentage. A value of the
wrong shape is `no_data`, as a missing one; an indicator code the set does not have is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .criteria import CriteriaSetDef, IndicatorDef, Part

MET, NOT_MET, NO_DATA, NOT_APPLICABLE = "met", "not_met", "no_data", "not_applicable"
STATUSES = (MET, NOT_MET, NO_DATA, NOT_APPLICABLE)


def combine(statuses: Iterable[str]) -> str:
    """not_met if any is, else no_data if any is, else met; not_applicable ones drop out (so
    nothing left, or only not applicable, is met)."""
    seen = set(statuses)
    if NOT_MET in seen:
        return NOT_MET
    return NO_DATA if NO_DATA in seen else MET


def evaluate(definition: CriteriaSetDef, unit: Mapping) -> dict:
    """The result for one unit: `{"level": 0|1|2|None, "levels": {"1": L, ...}}`."""
    values = unit.get("indicators") or {}
    if not isinstance(values, Mapping):
        values = {}
    levels = {str(level): _level(definition, unit, values, level) for level in definition.levels}
    return {"level": reached(definition.levels, levels), "levels": levels}


def reached(set_levels: Iterable[int], levels: Mapping[str, Mapping]) -> int | None:
    """The highest level met; 0 when the lowest is not met; None when that is undecidable."""
    ordered = sorted(set_levels)
    for level in reversed(ordered):
        if levels[str(level)]["status"] == MET:
            return level
    return 0 if levels[str(ordered[0])]["status"] == NOT_MET else None


def _level(definition: CriteriaSetDef, unit: Mapping, values: Mapping, level: int) -> dict:
    criteria = {}
    total = Decimal(0)
    missing = Decimal(0)  # what the lines without a value could still add (points sets)
    for criterion in definition.criteria:
        statuses = {}
        points = Decimal(0)
        for indicator in criterion.indicators:
            if level not in indicator.levels:
                continue
            status = indicator_status(indicator, unit, values.get(indicator.code), level, values)
            statuses[indicator.code] = status
            if indicator.kind == "points" and status != NOT_APPLICABLE:
                scored = _points(indicator, values.get(indicator.code))
                points += scored or 0
                if scored is None:
                    missing += indicator.max_points or 0
        criteria[criterion.code] = {"status": combine(statuses.values()), "indicators": statuses}
        if definition.method == "points":
            criteria[criterion.code]["points"] = str(points)
            total += points
    if definition.method != "points":
        return {"status": combine(c["status"] for c in criteria.values()), "criteria": criteria}
    return {
        "status": _pass(definition.pass_mark, total, missing),
        "criteria": criteria,
        "points": str(total),
    }


def _pass(pass_mark: Decimal | None, total: Decimal, missing: Decimal) -> str:
    """A missing line scores 0, never its maximum: undecided only while the missing lines'
    maxima could still carry the total to the pass mark. No pass mark: undecidable."""
    if pass_mark is None:
        return NO_DATA
    if total >= pass_mark:
        return MET
    return NO_DATA if total + missing >= pass_mark else NOT_MET


def indicator_status(
    indicator: IndicatorDef, unit: Mapping, value: Any, level: int, values: Mapping | None = None
) -> str:
    """One indicator's status at `level` (`values`: the unit's other indicators, for `also`)."""
    if not indicator.applies(unit, level):
        return NOT_APPLICABLE
    check = _CHECKS[indicator.kind]
    status = check(indicator, unit, value, level)
    extra = [
        _rate(value_of(values, part.input), part.threshold.at(unit, level))
        for part in indicator.also
        if part.when.holds(unit)
    ]
    return combine([status, *extra])


def value_of(values: Mapping | None, key: str) -> Any:
    return (values or {}).get(key)


# --- the kinds -------------------------------------------------------------------------------


def _count(value: Any) -> int | None:
    """A whole number ≥ 0 (1.0 counts as 1); None for anything else, booleans included."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    if isinstance(value, Decimal) and (not value.is_finite() or value != value.to_integral()):
        return None
    value = int(value)
    return value if value >= 0 else None


def _number(value: Any) -> Fraction | None:
    """A finite number (a figure such as an income), exactly; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return Fraction(number) if number.is_finite() else None


def _counts(value: Any, keys: Iterable[str]) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    counts = {key: _count(value.get(key)) for key in keys}
    return None if None in counts.values() else counts


def _share(num: int, den: int, threshold: Fraction | None) -> str:
    if den == 0 or threshold is None:
        return NO_DATA
    return MET if num * 100 >= threshold * den else NOT_MET


def _rate(value: Any, threshold: Fraction | None) -> str:
    counts = _counts(value, ("num", "den"))
    if counts is None:
        return NO_DATA
    return _share(counts["num"], counts["den"], threshold)


def _check_rate(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    return _rate(value, indicator.threshold.at(unit, level))


def _check_compound(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    """Every part must meet its share of the one denominator; the parts combine like the
    indicators of a criterion, so a share known to fall short is not met even when another
    part is missing (as U3.1's members and learners do)."""
    if not isinstance(value, Mapping):
        return NO_DATA
    den = _count(value.get("den"))

    def part(p: Part) -> str:
        num = _count(value.get(p.input))
        if num is None or den is None:
            return NO_DATA
        return _share(num, den, p.threshold.at(unit, level))

    return combine(part(p) for p in indicator.parts)


def _check_boolean(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    if not isinstance(value, bool):
        return NO_DATA
    return MET if value else NOT_MET


def _check_ordinal(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    minimum = indicator.threshold.at(unit, level)
    if indicator.scale:
        scale = list(indicator.scale)
        if isinstance(value, bool) or value not in scale:
            return NO_DATA
        return MET if scale.index(value) >= scale.index(minimum) else NOT_MET
    number = _count(value)
    if number is None:
        return NO_DATA
    return MET if number >= minimum else NOT_MET


def _check_count(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    number = _count(value)
    if number is None:
        return NO_DATA
    return MET if number >= indicator.threshold.at(unit, level) else NOT_MET


def _check_trend(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    if not isinstance(value, Mapping):
        return NO_DATA
    now, before = _number(value.get("value")), _number(value.get("previous"))
    if now is None or before is None:
        return NO_DATA
    rose = now > before if indicator.direction == "up" else now < before
    return MET if rose else NOT_MET


def _points(indicator: IndicatorDef, value: Any) -> Decimal | None:
    """The points a line scored, or None when missing or not within 0..max."""
    number = _number(value)
    if number is None or number < 0 or number > (indicator.max_points or 0):
        return None
    return Decimal(number.numerator) / Decimal(number.denominator)


def _check_points(indicator: IndicatorDef, unit: Mapping, value: Any, level: int) -> str:
    return NO_DATA if _points(indicator, value) is None else MET


_CHECKS = {
    "boolean": _check_boolean,
    "rate": _check_rate,
    "share_recognised": _check_rate,
    "compound_rate": _check_compound,
    "ordinal": _check_ordinal,
    "count": _check_count,
    "trend": _check_trend,
    "points": _check_points,
}
