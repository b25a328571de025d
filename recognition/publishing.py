"""Publish recognition's figures to the value store: a commune's tallies summed per model
(behind QĐ 387's shares) and the level a decision recognises a unit at, for its years."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.demo import ensure_year_periods
from indicators.models import DataElement, DataValue
from indicators.services import NewValue, publish_values
from units.models import OrgUnit

from .models import Application, Decision, Model, Tally

# The values are sums and levels XHHT computes from its own records.
SOURCE = DataValue.Source.COMPUTED
# Per tallied model: the element of all units of that model, the element of those recognised.
TALLY_ELEMENTS: dict[str, tuple[str, str]] = {
    Model.FAMILY: ("families", "learning_families"),
    Model.CLAN: ("clans", "learning_clans"),
    Model.VILLAGE: ("villages", "learning_villages"),
    Model.GRASSROOTS_UNIT: ("grassroots_units", "learning_grassroots_units"),
    Model.CITIZEN: ("citizens", "learning_citizens"),
}
# Per applied-for model: the element holding the level a unit is recognised at.
LEVEL_ELEMENTS: dict[str, str] = {
    Model.COMMUNITY_COMMUNE: "learning_commune_level",
    Model.COMMUNITY_DISTRICT: "learning_district_level",
    Model.COMMUNITY_PROVINCE: "learning_province_level",
    Model.UNIT_DISTRICT: "learning_unit_level",
    Model.UNIT_PROVINCE: "learning_unit_level",
}
RULE_SET_MAX = DataValue._meta.get_field("rule_set").max_length


def _elements(codes) -> dict[str, int]:
    return dict(DataElement.objects.filter(code__in=list(codes)).values_list("code", "pk"))


def criteria_label(criteria_sets) -> str:
    """How a value names the criteria sets behind it: "code@version", joined."""
    labels = sorted({f"{c.code}@{c.version}" for c in criteria_sets if c is not None})
    return "+".join(labels)[:RULE_SET_MAX]


@transaction.atomic
def publish_tallies(commune: OrgUnit, year: int, *, actor=None) -> tuple[int, int]:
    """The commune's tallies of `year` summed per model into the value store (a model
    without any figure publishes nothing); returns (created, updated)."""
    codes = {code for pair in TALLY_ELEMENTS.values() for code in pair}
    elements = _elements(codes)
    period = ensure_year_periods([year])[year]
    rows = (
        Tally.objects.filter(commune=commune, year=year)
        .values("model")
        .annotate(total=Sum("total"), recognised=Sum("recognised"))
        .order_by()
    )
    sets = defaultdict(set)
    for tally in Tally.objects.filter(commune=commune, year=year).select_related("criteria_set"):
        sets[tally.model].add(tally.criteria_set)
    origin = _("Learning-model register of %(unit)s, %(year)s") % {
        "unit": commune.display_name, "year": year,
    }  # fmt: skip
    by_rule_set: dict[str, list[NewValue]] = defaultdict(list)
    for row in rows:
        if row["model"] not in TALLY_ELEMENTS:
            continue
        label = criteria_label(sets[row["model"]])
        sums = (row["total"], row["recognised"])
        for code, sum_ in zip(TALLY_ELEMENTS[row["model"]], sums, strict=True):
            if sum_ is not None and code in elements:
                value = NewValue(commune.pk, period.pk, elements[code], Decimal(sum_),
                                 origin=origin[:300])  # fmt: skip
                by_rule_set[label].append(value)
    created = updated = 0
    for label, values in by_rule_set.items():
        c, u = publish_values(values, source=SOURCE, actor=actor, rule_set=label, reason=origin)
        created, updated = created + c, updated + u
    return created, updated


def kept_years(app: Application, decision: Decision, today: datetime.date | None = None) -> list:
    """The years a decision speaks for: its evaluation year, and for a recognition the years it
    is kept ("bảo lưu") that have begun and in which the unit still stands at the year's end
    (a year's figure belongs to the units standing then; a commune merged in 2025 holds its
    2024 recognition in 2024 only)."""
    if decision.outcome != Decision.Outcome.RECOGNISED:
        return [app.year]
    this_year = (today or timezone.localdate()).year
    last = min(decision.valid_until or app.year, this_year)
    ended = app.unit.valid_to
    return [app.year] + [
        y for y in range(app.year + 1, last + 1)
        if ended is None or ended >= datetime.date(y, 12, 31)
    ]  # fmt: skip


@transaction.atomic
def publish_recognition(app: Application) -> tuple[int, int]:
    """The application's decision into the value store: the level on the unit for every year
    from the evaluation year through the decision's validity (recognised), or 0 for the
    evaluation year unless an earlier still-valid recognition covers it (refused). Each year
    takes the highest level that the unit's recognitions valid then give; returns
    (created, updated)."""
    code = LEVEL_ELEMENTS.get(app.model)
    decision = Decision.objects.filter(application=app).first()
    elements = _elements([code]) if code else {}
    if decision is None or code not in elements:
        return 0, 0
    years = kept_years(app, decision)
    same = [model for model, element in LEVEL_ELEMENTS.items() if element == code]
    decisions = list(
        Decision.objects.filter(application__unit=app.unit, application__model__in=same)
        .select_related("application")
    )  # fmt: skip
    periods = ensure_year_periods(years)
    origin = _("Decision %(number)s of %(date)s") % {
        "number": decision.number, "date": decision.signed_on.strftime("%d/%m/%Y"),
    }  # fmt: skip
    values = []
    for year in years:
        level = level_in(decisions, year)
        if level is not None:
            values.append(
                NewValue(
                    app.unit_id,
                    periods[year].pk,
                    elements[code],
                    Decimal(level),
                    origin=origin[:300],
                )  # fmt: skip
            )
    return publish_values(
        values, source=SOURCE, actor=decision.recorded_by,
        rule_set=criteria_label([app.criteria_set]), reason=origin,
    )  # fmt: skip


def level_in(decisions, year: int) -> int | None:
    """The level the decisions give a unit in `year`: the highest recognition valid then;
    0 if none is and a refusal was for that year; None if no decision speaks of the year."""
    valid = [
        d.level or 0
        for d in decisions
        if d.outcome == Decision.Outcome.RECOGNISED
        and d.application.year <= year <= (d.valid_until or d.application.year)
    ]
    if valid:
        return max(valid)
    refused = any(
        d.outcome == Decision.Outcome.REFUSED and d.application.year == year for d in decisions
    )
    return 0 if refused else None
