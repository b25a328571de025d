"""Unit codes over time: which unit a code names on a day, and which periods a code may take.

An official code is unique only within its period of validity (đặc khu Cát Hải is 11914 from
01/07/2025, thị trấn Cát Bà was 11914 until 30/06/2025), so every page, API call or import
that reads a code resolves it for a day: today by default, the period's last day for a
figure of a past year. An alias (`UnitCodeAlias`) is tried only when no unit holds the code
itself, so it never hides an official code.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import OrgUnit, UnitCodeAlias

__all__ = [
    "CodeClash", "check_free", "nearest", "overlaps", "resolve", "resolve_many", "year_end",
]  # fmt: skip


def year_end(year: int) -> datetime.date:
    """The day a code is read on for a figure or a page of `year`: the map at its end."""
    return datetime.date(year, 12, 31)


class CodeClash(ValueError):
    """A code would name two units over a common day."""


def resolve(code: str, on: datetime.date | None = None) -> OrgUnit | None:
    """The unit that holds `code` on `on` (today by default); `CODE@YYYY-MM-DD` names the
    day itself (a link to a unit whose period is bounded: OrgUnit.ref).

    When no unit holds it that day, the holder nearest in time (a commune's page still opens
    after the commune ended), then an alias; None when nothing is known by that code.
    """
    return resolve_many([code], on).get(code)


def resolve_many(
    codes: Iterable[str], on: datetime.date | None = None, *, among: QuerySet | None = None
) -> dict[str, OrgUnit]:
    """`resolve` for many codes in two queries: {code as asked: unit} for the codes that
    resolve, only among the units of `among` when given."""
    default = on or timezone.localdate()
    asked = {str(c): _split(str(c), default) for c in codes}
    units = OrgUnit.objects.all() if among is None else among
    holders: dict[str, list[OrgUnit]] = {}
    bare = {code for code, _day in asked.values()}
    for unit in units.filter(code__in=bare).select_related("level"):
        holders.setdefault(unit.code, []).append(unit)
    found = {
        ref: nearest(holders[code], day) for ref, (code, day) in asked.items() if code in holders
    }
    missing = {code: ref for ref, (code, _day) in asked.items() if ref not in found}
    if missing:
        aliases = UnitCodeAlias.objects.filter(code__in=missing).select_related("unit__level")
        if among is not None:
            aliases = aliases.filter(unit__in=among.values("pk"))
        found.update({missing[a.code]: a.unit for a in aliases})
    return found


def _split(ref: str, default: datetime.date) -> tuple[str, datetime.date]:
    """ "11914@2025-07-01" -> ("11914", 1 July 2025); a bare code is read on `default`."""
    code, sep, day = ref.partition("@")
    if sep:
        try:
            return code, datetime.date.fromisoformat(day)
        except ValueError:
            return ref, default  # not a day: the whole text is the code
    return code, default


def nearest(units: list[OrgUnit], day: datetime.date) -> OrgUnit:
    """The unit valid on `day`, else the one whose period ends or starts closest to it."""

    def distance(unit: OrgUnit) -> int:
        if unit.is_valid_on(day):
            return 0
        if unit.valid_to is not None and unit.valid_to < day:
            return (day - unit.valid_to).days
        return (unit.valid_from - day).days  # starts after `day`

    return min(units, key=lambda u: (distance(u), u.pk))


def overlaps(
    a_from: datetime.date | None,
    a_to: datetime.date | None,
    b_from: datetime.date | None,
    b_to: datetime.date | None,
) -> bool:
    """Whether two validity periods share a day (None: open at that end)."""
    return (a_from is None or b_to is None or a_from <= b_to) and (
        b_from is None or a_to is None or b_from <= a_to
    )


def check_free(
    code: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    *,
    exclude: int | None = None,
) -> None:
    """Raise CodeClash if another unit holds `code` on a day of the given period."""
    others = OrgUnit.objects.filter(code=code).exclude(pk=exclude)
    for other in others.only("code", "name", "valid_from", "valid_to"):
        if overlaps(valid_from, valid_to, other.valid_from, other.valid_to):
            msg = _(
                "Code %(code)s is already held by %(name)s over part of this period; "
                "a code names one unit at a time."
            )
            raise CodeClash(msg % {"code": code, "name": other.name})
