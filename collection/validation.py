"""Validation of a form's values: built-in checks and a data set's rules, as plain data.

Hard problems block a submission; soft ones (warnings) let it through once the user has
written an explanation. Messages name the field as the form shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.numbers import Bounds, NotANumber, NotStorable, fitted, parse_number

HARD, SOFT = "hard", "soft"
AT_MOST, CHANGE_WITHIN = "at_most", "change_within"

# A cell of a form: (data element code, sex, age band); "" when not broken down.
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Field:
    key: Key
    label: str
    whole: bool  # a count: whole numbers only
    required: bool = False
    bounds: Bounds | None = None  # what the value store holds (forms_spec reads the models)


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # HARD or SOFT
    check: str  # AT_MOST: element ≤ other, cell by cell; CHANGE_WITHIN: within share of last year
    element: str
    other: str = ""
    share: Decimal | None = None
    message: str = ""  # shown before the computed explanation, when given


@dataclass(frozen=True)
class Problem:
    key: Key | None
    severity: str
    rule: str
    message: str


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def parse_value(field: Field, text: str) -> Decimal | None:
    """What the user typed in `field` as a number the store can hold exactly; NotANumber (or
    its NotStorable) otherwise. Form, API and import read typed text through this."""
    return parse_number(text, field.bounds)


def expected_of(field: Field, number: Decimal) -> str | None:
    """What a cell should hold, when `number` is not it: too large or too precise for the
    store, negative, or a fraction in a count; None when the number is fine. The import
    refuses the row with this; the form and the API report the same rules."""
    try:
        fitted(number, field.bounds)
    except NotStorable as refused:
        return refused.message
    if number < 0 or (field.whole and number != number.to_integral_value()):
        return _("a whole number, 0 or more") if field.whole else _("0 or more")
    return None


def unreadable_message(field: Field, text: str) -> str:
    """Why the text typed in `field` was not saved, in a sentence that names the field."""
    try:
        parse_value(field, text)
    except NotStorable as refused:
        return _("“%(field)s”: “%(text)s” cannot be stored: type %(expected)s.") % {
            "field": field.label, "text": text, "expected": refused.message,
        }  # fmt: skip
    except NotANumber:
        pass
    return _("“%(field)s”: “%(text)s” is not a number.") % {"field": field.label, "text": text}


def builtin_problems(
    fields: Iterable[Field], values: Mapping[Key, Decimal | None]
) -> list[Problem]:
    """Required fields filled; values not negative; counts whole."""
    problems = []
    for field in fields:
        value = values.get(field.key)
        if value is None:
            if field.required:
                message = _("“%(field)s” is required.") % {"field": field.label}
                problems.append(Problem(field.key, HARD, "required", message))
            continue
        if value < 0:
            message = _("“%(field)s” cannot be negative.") % {"field": field.label}
            problems.append(Problem(field.key, HARD, "non_negative", message))
        elif field.whole and value != value.to_integral_value():
            message = _("“%(field)s” must be a whole number.") % {"field": field.label}
            problems.append(Problem(field.key, HARD, "whole", message))
    return problems


def _at_most(rule: Rule, labels: Mapping[Key, str], values: Mapping[Key, Decimal | None]):
    for key, value in values.items():
        if key[0] != rule.element or value is None:
            continue
        whole_key = (rule.other, key[1], key[2])
        whole = values.get(whole_key)
        if whole is not None and value > whole:
            detail = _("“%(part)s” (%(value)s) is larger than “%(whole)s” (%(whole_value)s).") % {
                "part": labels.get(key, key[0]), "value": _number(value),
                "whole": labels.get(whole_key, rule.other), "whole_value": _number(whole),
            }  # fmt: skip
            yield Problem(key, rule.severity, rule.code, f"{rule.message} {detail}".strip())


def _change_within(
    rule: Rule,
    labels: Mapping[Key, str],
    values: Mapping[Key, Decimal | None],
    last_year: Mapping[Key, Decimal],
):
    for key, value in values.items():
        previous = last_year.get(key)
        if key[0] != rule.element or value is None or not previous:
            continue
        if abs(value - previous) > rule.share * previous:
            detail = _(
                "“%(field)s” changed from %(previous)s last year to %(value)s, more than "
                "%(share)s%%; please explain the change."
            ) % {"field": labels.get(key, key[0]), "previous": _number(previous),
                 "value": _number(value), "share": _number(rule.share * 100)}  # fmt: skip
            yield Problem(key, rule.severity, rule.code, f"{rule.message} {detail}".strip())


def check(
    fields: Iterable[Field],
    rules: Iterable[Rule],
    values: Mapping[Key, Decimal | None],
    last_year: Mapping[Key, Decimal] | None = None,
) -> list[Problem]:
    """Every problem of these values, hard ones first."""
    fields = list(fields)
    labels = {f.key: f.label for f in fields}
    problems = builtin_problems(fields, values)
    for rule in rules:
        if rule.check == AT_MOST:
            problems += _at_most(rule, labels, values)
        elif rule.check == CHANGE_WITHIN and rule.share is not None:
            problems += _change_within(rule, labels, values, last_year or {})
    return sorted(problems, key=lambda p: (p.severity != HARD, p.key or ("", "", ""), p.rule))


def blocking(problems: Iterable[Problem], explanations: Mapping[Key, str]) -> list[Problem]:
    """What keeps values from being submitted: hard problems, and soft ones left unexplained."""
    return [
        p for p in problems if p.severity == HARD or not (explanations.get(p.key) or "").strip()
    ]
