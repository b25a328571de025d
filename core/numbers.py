"""Read numbers as Vietnamese users type them: decimal comma, dots or spaces between thousands;
and say, before a database does, whether a number fits the column that will store it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# 1.234.567,5 | 1 234 567,5 | 1234567,5 | 99,5 | 1234 | 1234.5 (a point with 1-2 decimals)
_GROUPED = re.compile(r"^-?\d{1,3}([. \u00a0]\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(,\d+)?$")
_POINT_DECIMAL = re.compile(r"^-?\d+\.\d{1,2}$")


class NotANumber(ValueError):
    """Text that is not a number in any way a Vietnamese user writes one."""


class NotStorable(NotANumber):
    """A number the store cannot hold exactly (too large, too many decimals); `message` says
    why, for the user. A NotANumber, so every caller that refuses unreadable text refuses it."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(text)
        self.message = message


@dataclass(frozen=True)
class Bounds:
    """What a decimal column holds: `max_digits` digits, `decimal_places` of them after the
    comma. Read from the model field, never typed twice: see `of`."""

    max_digits: int
    decimal_places: int

    @classmethod
    def of(cls, *fields) -> Bounds:
        """The narrowest bounds of these DecimalFields (a value passing through all of them)."""
        places = min(f.decimal_places for f in fields)
        whole_digits = min(f.max_digits - f.decimal_places for f in fields)
        return cls(whole_digits + places, places)

    @property
    def largest(self) -> Decimal:
        """The largest magnitude stored: 99.999.999.999.999,9999 for 18 digits, 4 decimals."""
        whole_digits = self.max_digits - self.decimal_places
        return Decimal(10) ** whole_digits - Decimal(10) ** -self.decimal_places

    def problem(self, number: Decimal) -> str | None:
        """Why `number` cannot be stored exactly, in the user's language; None if it can.
        A database would refuse the first (a server error) and round the second silently."""
        if not number.is_finite() or abs(number) > self.largest:
            return _("a number of at most %(digits)s digits before the comma") % {
                "digits": self.max_digits - self.decimal_places
            }
        if number != round(number, self.decimal_places):
            return _("a number with at most %(places)s digits after the comma") % {
                "places": self.decimal_places
            }
        return None


def parse_number(text: str, bounds: Bounds | None = None) -> Decimal | None:
    """The number `text` holds (None when empty); raise NotANumber otherwise, and NotStorable
    when `bounds` are given and the number does not fit them.

    A point followed by exactly three digits is a thousands separator ("1.234" = 1234), as
    in Vietnamese; a point followed by one or two digits is read as a decimal point, since
    spreadsheets exported in English write 99.5.
    """
    text = text.strip()
    if not text:
        return None
    if _GROUPED.match(text):
        digits = re.sub(r"[. \u00a0]", "", text)
    elif _POINT_DECIMAL.match(text):
        digits = text.replace(",", "")
    elif _PLAIN.match(text):
        digits = text
    else:
        raise NotANumber(text)
    try:
        number = Decimal(digits.replace(",", "."))
    except InvalidOperation as error:
        raise NotANumber(text) from error
    return fitted(number, bounds, text)


def fitted(number: Decimal, bounds: Bounds | None, text: str = "") -> Decimal:
    """`number` unchanged if it fits `bounds` (or none are given); NotStorable otherwise."""
    problem = bounds.problem(number) if bounds else None
    if problem:
        raise NotStorable(text or f"{number:f}", problem)
    return number
