"""Yearly periods on demand, so that an office may open a round for any year it reports on."""

from __future__ import annotations

import datetime

from django.db import transaction

from indicators.models import Period

FIRST_YEAR = 2010  # the 2012-2020 plan cycle starts after it


def period_for_year(year: int) -> Period:
    """The yearly period "2027" (1 January to 31 December), created the first time it is
    asked for; an existing one is never changed."""
    period, _created = Period.objects.get_or_create(
        code=str(year),
        defaults={
            "kind": Period.Kind.YEAR,
            "year": year,
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
        },
    )
    return period


def year_choices(today: datetime.date) -> list[int]:
    """Years a round may be opened for, newest first: next year back to 2010, or to the
    first year the system holds figures for if that is earlier."""
    first = Period.objects.order_by("year").values_list("year", flat=True).first()
    oldest = min(FIRST_YEAR, first) if first else FIRST_YEAR
    return list(range(today.year + 1, oldest - 1, -1))


def default_year(today: datetime.date) -> int:
    """A round opened in the first half of a year usually collects the year before."""
    return today.year if today.month >= 7 else today.year - 1


@transaction.atomic
def open_round_for_year(*, year: int, **round_fields):
    """Open a round (collection.services.open_round) for a year, creating its period; if the
    round is refused, the period is not kept either."""
    from .services import open_round

    return open_round(period=period_for_year(year), **round_fields)
