"""Self-assessment answers XHHT already knows: read from the value store (and, for a cascade,
from the decisions on the units below), each with a note saying where it comes from."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.templatetags.xhht import vn_number
from indicators.aggregate import Part
from indicators.models import DataElement, DataValue
from indicators.sums import unit_totals
from units.models import OrgUnit
from units.tree import subtree_q, valid_on


@dataclass(frozen=True)
class Prefilled:
    """A value in the shape the engine reads, and where it comes from (shown with the answer;
    a cascade's note ends with the ids of the decisions it counted)."""

    value: object
    source_note: str


def _figures(unit: OrgUnit, year: int, codes: tuple[str, ...]) -> dict[str, Decimal] | None:
    """The unit's figures of `year` for the element codes (own value, or the sum of its
    subtree for a summed element); None when one is missing."""
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    if len(elements) < len(codes):
        return None
    totals = unit_totals(unit, [year], {e.pk for e in elements.values()})
    found = {}
    for code in codes:
        value = totals.part(Part(elements[code].pk, "", ""), year)
        if value is None:
            return None
        found[code] = value
    return found


def _note(unit: OrgUnit, year: int, codes: tuple[str, ...]) -> str:
    """“Element names · year · unit · source”: the source of the unit's own value, or a sum of
    the units below it."""
    names = DataElement.objects.filter(code__in=codes).values_list("name", flat=True)
    own = DataValue.objects.filter(unit=unit, period__year=year, element__code__in=codes)
    sources = sorted({str(DataValue.Source(s).label) for s in own.values_list("source", flat=True)})
    origins = sorted({o for o in own.values_list("origin", flat=True) if o})
    if sources:
        source = ", ".join(sources + origins[:1])
    else:
        source = _("sum of the units below")
    parts = ["; ".join(names), str(year), unit.display_name, source]
    return " · ".join(parts)[:300]


def _int(value: Decimal) -> int:
    return int(value.to_integral_value())


def level_of(code: str) -> Callable[[OrgUnit, int], Prefilled | None]:
    """A PCGD-XMC level held on the unit (the register's computed value)."""

    def read(unit: OrgUnit, year: int) -> Prefilled | None:
        found = _figures(unit, year, (code,))
        if found is None:
            return None
        return Prefilled(_int(found[code]), _note(unit, year, (code,)))

    return read


def met_flag(code: str) -> Callable[[OrgUnit, int], Prefilled | None]:
    """1 if the unit holds a standard (a level ≥ 1), else 0."""

    def read(unit: OrgUnit, year: int) -> Prefilled | None:
        found = _figures(unit, year, (code,))
        if found is None:
            return None
        return Prefilled(1 if found[code] >= 1 else 0, _note(unit, year, (code,)))

    return read


def parts_of(**codes: str) -> Callable[[OrgUnit, int], Prefilled | None]:
    """A dict value ({"num": …, "den": …}) whose parts are the unit's counts."""
    wanted = tuple(codes.values())

    def read(unit: OrgUnit, year: int) -> Prefilled | None:
        found = _figures(unit, year, wanted)
        if found is None:
            return None
        value = {part: _int(found[code]) for part, code in codes.items()}
        return Prefilled(value, _note(unit, year, wanted))

    return read


# The applicant level of the units a cascade model counts (CĐHT xã: communes; huyện: districts).
CASCADE_LEVEL = {"cdht_commune": "commune", "cdht_district": "district"}
COUNTED = re.compile(r"#(\d+)")


def counted_ids(note: str) -> list[int]:
    """The decision ids a cascade's note names (“… QĐ #12, #15”)."""
    marker = note.rfind("[")
    return [int(n) for n in COUNTED.findall(note[marker:])] if marker >= 0 else []


def recognised_below(
    unit: OrgUnit, year: int, *, level: int = 1, model: str = "cdht_commune", policy: str = "valid"
) -> Prefilled | None:
    """Of the units below `unit` standing at the end of `year` at the cascade model's level,
    how many hold a recognition at `level` or above for `model`: one still valid in `year`
    ("valid") or one of `year` itself ("same_year"); the newest such decision is named."""
    from .models import Decision

    day = datetime.date(year, 12, 31)
    below = OrgUnit.objects.filter(
        subtree_q(unit.path), valid_on(day), level__code=CASCADE_LEVEL.get(model, "commune"),
        kind=OrgUnit.Kind.ADMINISTRATIVE,
    ).exclude(pk=unit.pk)  # fmt: skip
    ids = list(below.values_list("pk", flat=True))
    if not ids:
        return None
    # A refusal (of a re-recognition or an upgrade) takes nothing away from a recognition
    # still kept ("bảo lưu") in the year: each unit counts once, by its highest such level.
    decisions = Decision.objects.filter(
        application__unit_id__in=ids, application__model=model, application__year__lte=year,
        outcome=Decision.Outcome.RECOGNISED, level__gte=level,
    ).order_by("application__year", "signed_on", "pk")  # fmt: skip
    if policy == "same_year":
        decisions = decisions.filter(application__year=year)
    best: dict[int, int] = {}
    for decision in decisions.select_related("application"):
        if decision.valid_until is None or decision.valid_until >= year:
            best[decision.application.unit_id] = decision.pk  # the newest wins
    counted = list(best.values())
    counted.sort()
    note = _(
        "%(num)s of %(den)s units below recognised at level %(level)s or above (%(policy)s), "
        "end of %(year)s"
    ) % {
        "num": vn_number(len(counted)), "den": vn_number(len(ids)), "level": level,
        "policy": policy, "year": year,
    }  # fmt: skip
    note += " [" + ",".join(f"#{pk}" for pk in counted) + "]"
    return Prefilled({"num": len(counted), "den": len(ids)}, note[:300])


PREFILL: dict[str, Callable[..., Prefilled | None]] = {
    "pcgd.preschool5": met_flag("preschool5_level"),
    "pcgd.primary": level_of("primary_level"),
    "pcgd.lower_secondary": level_of("lower_secondary_level"),
    "xmc": level_of("literacy_level"),
    "citizens.learning": parts_of(num="learning_citizens", den="citizens"),
    "population.trained": parts_of(
        trained="persons_15_plus_trained",
        university="persons_15_plus_university",
        den="persons_15_plus",
    ),  # fmt: skip
    "communes.recognised": recognised_below,
}
