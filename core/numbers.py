"""Read numbers as Vietnamese users type them: decimal comma, dots or spaces between thousands."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# 1.234.567,5 | 1 234 567,5 | 1234567,5 | 99,5 | 1234 | 1234.5 (a point with 1-2 decimals)
_GROUPED = re.compile(r"^-?\d{1,3}([. \u00a0]\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(,\d+)?$")
_POINT_DECIMAL = re.compile(r"^-?\d+\.\d{1,2}$")


class NotANumber(ValueError):
    """Text that is not a number in any way a Vietnamese user writes one."""


def parse_number(text: str) -> Decimal | None:
    """The number `text` holds (None when empty); raise NotANumber otherwise.

    A point followed by exactly three digits is a thousands separator ("1.234" = 1234), as
    in Vietnamese; a point followed by one or two digits is read as a decimal point, since
    spreadsheets exported in English write 99.5.
    """
    text = text.strip()
    if not text:
        return None
    if _GROUPED.match(text):
        text = re.sub(r"[. \u00a0]", "", text)
    elif _POINT_DECIMAL.match(text):
        return Decimal(text)
    elif not _PLAIN.match(text):
        raise NotANumber(text)
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise NotANumber(text) from error
