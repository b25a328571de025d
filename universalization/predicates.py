"""The small language of person conditions in a rule set, compiled to Python and to SQL (Q).

A condition is a dict with one key: an atom (`studying`, `studying_any`, `preschool_completed`,
`done`, `grade_at_least`, `stage_at_least`, `disability`, `literate`) or a combinator (`any`,
`all`, `not`). Both compilers read the same definition, so the register's SQL counts and the
exchange files' Python counts cannot drift apart; a property test checks that they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.db.models import Q

# The year fields a `done` atom may name: each holds the year something was completed.
YEAR_FIELDS = ("grade1_entry_year", "primary_completed_year", "lower_secondary_diploma_year")
ATOMS = (
    "studying",
    "studying_any",
    "preschool_completed",
    "done",
    "grade_at_least",
    "stage_at_least",
    "disability",
    "literate",
)
COMBINATORS = ("any", "all", "not")
# The values the exchange format and the register allow for the coded atoms.
KNOWN_VALUES = {
    "studying": ("none", "preschool", "primary", "lower_secondary", "upper_secondary",
                 "continuing", "vocational"),
    "disability": ("none", "can_learn", "cannot_learn"),
}  # fmt: skip


class PersonLike(Protocol):
    studying: str
    disability: str
    preschool_completed: bool | None
    grade1_entry_year: int | None
    primary_completed_year: int | None
    lower_secondary_diploma_year: int | None
    highest_grade_completed: int | None
    literacy_stage_completed: int | None


PersonTest = Callable[[PersonLike, int], bool]
Condition = Mapping[str, Any]


class ConditionError(ValueError):
    """A condition the language does not know; the message names what is wrong."""


def _split(condition: Condition) -> tuple[str, Any]:
    if not isinstance(condition, Mapping) or len(condition) != 1:
        raise ConditionError(f"a condition has exactly one key, not {condition!r}")
    ((key, arg),) = condition.items()
    if key not in ATOMS + COMBINATORS:
        raise ConditionError(f"unknown condition {key!r}")
    if key == "done" and arg not in YEAR_FIELDS:
        raise ConditionError(f"`done` takes one of {', '.join(YEAR_FIELDS)}, not {arg!r}")
    if key in KNOWN_VALUES:
        unknown = sorted(set(arg) - set(KNOWN_VALUES[key])) if isinstance(arg, list) else [arg]
        if unknown:
            raise ConditionError(f"`{key}` takes a list of {', '.join(KNOWN_VALUES[key])}, "
                                 f"not {', '.join(map(str, unknown))}")  # fmt: skip
    return key, arg


def check(
    condition: Condition, literacy: Mapping[str, Condition], naming: tuple[str, ...] = ()
) -> None:
    """Raise ConditionError if `condition` (or a literacy level it names) is malformed.

    `naming` holds the literacy levels being expanded, so levels that name each other
    are refused here rather than recursing without end when compiled.
    """
    key, arg = _split(condition)
    if key in ("any", "all"):
        if not isinstance(arg, list) or not arg:
            raise ConditionError(f"`{key}` takes a non-empty list, not {arg!r}")
        for part in arg:
            check(part, literacy, naming)
    elif key == "not":
        check(arg, literacy, naming)
    elif key == "literate":
        level = str(arg)
        if level not in literacy:
            raise ConditionError(f"no literacy level {arg!r} is defined")
        if level in naming:
            raise ConditionError(f"literacy levels name each other: {' -> '.join(naming)}")
        check(literacy[level], literacy, (*naming, level))


def to_python(condition: Condition, literacy: Mapping[str, Condition]) -> PersonTest:
    """A function (person, year) -> bool; unknown (None or empty) never satisfies an atom."""
    key, arg = _split(condition)
    if key in ("any", "all"):
        parts = [to_python(part, literacy) for part in arg]
        combine = any if key == "any" else all
        return lambda p, year: combine(part(p, year) for part in parts)
    if key == "not":
        inner = to_python(arg, literacy)
        return lambda p, year: not inner(p, year)
    if key == "literate":
        return to_python(literacy[str(arg)], literacy)
    return _python_atom(key, arg)


def _python_atom(key: str, arg: Any) -> PersonTest:
    if key == "studying":
        values = frozenset(arg)
        return lambda p, year: p.studying in values
    if key == "studying_any":
        return lambda p, year: p.studying not in ("", "none")
    if key == "preschool_completed":
        return lambda p, year: p.preschool_completed is True
    if key == "done":
        return lambda p, year: (v := getattr(p, arg)) is not None and v <= year
    if key == "grade_at_least":
        return lambda p, year: (v := p.highest_grade_completed) is not None and v >= arg
    if key == "stage_at_least":
        return lambda p, year: (v := p.literacy_stage_completed) is not None and v >= arg
    values = frozenset(arg)  # disability
    return lambda p, year: p.disability in values


def to_q(condition: Condition, literacy: Mapping[str, Condition], year: int) -> Q:
    """The same condition over the register's Person rows, for an evaluation year.

    Django negates a lookup on a nullable column as "not (x and x is not null)", so `not`
    of an unknown year is true here just as in `to_python`.
    """
    key, arg = _split(condition)
    if key in ("any", "all"):
        parts = [to_q(part, literacy, year) for part in arg]
        result = parts[0]
        for part in parts[1:]:
            result = (result | part) if key == "any" else (result & part)
        return result
    if key == "not":
        return ~to_q(arg, literacy, year)
    if key == "literate":
        return to_q(literacy[str(arg)], literacy, year)
    return _q_atom(key, arg, year)


def _q_atom(key: str, arg: Any, year: int) -> Q:
    if key == "studying":
        return Q(studying__in=list(arg))
    if key == "studying_any":
        return ~Q(studying__in=["", "none"])
    if key == "preschool_completed":
        return Q(preschool_completed=True)
    if key == "done":
        return Q(**{f"{arg}__lte": year})
    if key == "grade_at_least":
        return Q(highest_grade_completed__gte=arg)
    if key == "stage_at_least":
        return Q(literacy_stage_completed__gte=arg)
    return Q(disability__in=list(arg))
