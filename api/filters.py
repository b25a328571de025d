"""Query parameters of the API, read and checked in one place.

Every helper raises a DRF ValidationError keyed by the parameter's name, so a bad
request gets a 400 whose body names what is wrong, in the user's language.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from units.maps import Map, as_map

YEAR_RANGE = (1900, 2200)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def require(request: Request, *names: str) -> dict[str, str]:
    """The named parameters, all present and non-empty; otherwise 400 naming each one missing."""
    values = {name: request.query_params.get(name, "").strip() for name in names}
    missing = {
        name: [_("The parameter “%(name)s” is required.") % {"name": name}]
        for name, value in values.items()
        if not value
    }
    if missing:
        raise ValidationError(missing)
    return values


def as_int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError(
            {name: [_("The parameter “%(name)s” must be a whole number.") % {"name": name}]}
        ) from None


def as_year(name: str, value: str) -> int:
    year = as_int(name, value)
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise ValidationError(
            {
                name: [
                    _("The parameter “%(name)s” must be a year between %(low)s and %(high)s.")
                    % {"name": name, "low": low, "high": high}
                ]
            }
        )
    return year


def as_date(name: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: [_("The parameter “%(name)s” must be a date YYYY-MM-DD.") % {"name": name}]}
        ) from None


def optional_int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "").strip()
    return as_int(name, value) if value else None


def optional_year(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "").strip()
    return as_year(name, value) if value else None


def map_of(request: Request, name: str = "map") -> Map:
    """The map figures roll up by: as_was (the default, also when empty) or as_is."""
    found = as_map(request.query_params.get(name, "").strip())
    if found is None:
        choices = ", ".join(Map.values)
        raise ValidationError(
            {name: [_("The parameter “%(name)s” must be one of: %(choices)s.")
                    % {"name": name, "choices": choices}]}
        )  # fmt: skip
    return found


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").strip().lower() in TRUE_WORDS


def check_characters(request: Request) -> None:
    """No query parameter may hold a NUL character: PostgreSQL refuses to compare text with
    one (a server error), SQLite would just find nothing. A 400 names each such parameter."""
    message = _("The parameter “%(name)s” contains a character that is not allowed.")
    bad = {
        name: [message % {"name": name}]
        for name, values in request.query_params.lists()
        if any("\x00" in value for value in values)
    }
    if bad:
        raise ValidationError(bad)
