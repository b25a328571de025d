"""Publish the register's figures behind a plan's literacy and universalization targets.

Through the value store's one function (indicators.services.publish_values), as computed
values on each commune and on the unit above: the literacy counts by sex and age band and
every standard's level. The dashboard then reads them like any other value.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q

from indicators.demo import ensure_year_periods
from indicators.models import DataElement, DataValue
from indicators.services import NewValue, publish_values
from units.models import OrgUnit

from . import predicates
from .models import CommuneYear, Person
from .queries import (
    COMMUNE_LEVEL,
    communes_under,
    current_rules,
    evaluate_units,
    parents_of,
    population_q,
    with_register,
)
from .rules import RuleSet

# A plan's "biết chữ" (literate) is read as literacy level 1 of NĐ 20 Đ19 (UNCONFIRMED;
# docs/plan-data.md). The bands are the catalog's age-band disaggregations.
LITERATE_LEVEL = "1"
AGE_BANDS = {"15-35": (15, 35), "15-60": (15, 60)}
PERSONS, LITERATE = "persons", "literate_persons"
LEVEL_ELEMENTS = {
    "literacy": "literacy_level",
    "preschool5": "preschool5_level",
    "primary": "primary_level",
    "lower_secondary": "lower_secondary_level",
}


def literacy_counts(commune_ids: list[int], year: int, rules: RuleSet) -> list[dict]:
    """Rows of (commune, sex) with persons and literate persons per age band, in one query."""
    literate = predicates.to_q({"literate": LITERATE_LEVEL}, rules.literacy, year)
    aggregates = {}
    for band, (low, high) in AGE_BANDS.items():
        ages = Q(birth_year__gte=year - high, birth_year__lte=year - low)
        aggregates[f"{band}|{PERSONS}"] = Count("pk", filter=ages)
        aggregates[f"{band}|{LITERATE}"] = Count("pk", filter=ages & literate)
    return list(
        Person.objects.filter(population_q(rules, year), commune_id__in=commune_ids)
        .values("commune_id", "sex")
        .annotate(**aggregates)
        .order_by()
    )


def _literacy_values(communes: list[OrgUnit], year: int, rules: RuleSet, period_id, elements):
    ids = [c.pk for c in communes]
    values: dict[tuple, int] = {}
    for commune_id in ids:  # zeros first, so a person removed from the register lowers them
        for band in AGE_BANDS:
            for code in (PERSONS, LITERATE):
                for sex in ("F", "M", ""):
                    values[(commune_id, code, sex, band)] = 0
    for row in literacy_counts(ids, year, rules):
        for key, count in row.items():
            if "|" in key:
                band, code = key.split("|")
                values[(row["commune_id"], code, row["sex"], band)] += count
    return [
        NewValue(unit, period_id, elements[code], Decimal(n), sex=sex, age_band=band)
        for (unit, code, sex, band), n in values.items()
        if code in elements
    ]


def plan_values(communes: list[OrgUnit], year: int, rules: RuleSet) -> list[NewValue]:
    """The values to publish for `year`: on every commune of the units above `communes`
    that has a register, and on those units (their level counts every commune they hold).
    """
    period = ensure_year_periods([year])[year]
    elements = dict(
        DataElement.objects.filter(
            code__in=[PERSONS, LITERATE, *LEVEL_ELEMENTS.values()]
        ).values_list("code", "pk")
    )
    parents = parents_of(communes)
    siblings = [c for parent in parents for c in communes_under(parent, year)]
    # Communes with persons, and those that had computed figures: an emptied register
    # publishes zeros rather than leaving its last figures standing.
    had_figures = set(
        DataValue.objects.filter(
            unit__in=siblings, period=period, element_id__in=elements.values(),
            source=DataValue.Source.COMPUTED,
        ).values_list("unit_id", flat=True)
    )  # fmt: skip
    with_persons = {c.pk for c in with_register(siblings)}
    registered = [c for c in siblings if c.pk in with_persons | had_figures]
    result = _literacy_values(registered, year, rules, period.pk, elements)
    evaluation, _flags = evaluate_units(siblings, year, rules)
    parent_ids = {p.code: p.pk for p in parents}
    for standard, element in LEVEL_ELEMENTS.items():
        if element not in elements:
            continue
        for commune in registered:
            level = evaluation.communes[commune.code][standard].level
            result.append(NewValue(commune.pk, period.pk, elements[element], Decimal(level)))
        for code, per_standard in evaluation.districts.items():
            met = [int(lv) for lv, d in per_standard[standard].items() if d.status == "met"]
            if code in parent_ids:
                level = Decimal(max(met, default=0))
                result.append(NewValue(parent_ids[code], period.pk, elements[element], level))
    return result


def rule_set_label(rules: RuleSet) -> str:
    """How a computed value names the rules that produced it: "code@version"."""
    return f"{rules.code}@{rules.version}"


def publish_register(communes: list[OrgUnit], year: int, rules: RuleSet, *, actor=None):
    """Publish the register's figures around these communes; returns (created, updated).
    Every value records the rule-set version that computed it."""
    return publish_values(
        plan_values(communes, year, rules),
        source=DataValue.Source.COMPUTED,
        actor=actor,
        rule_set=rule_set_label(rules),
    )


# --- republishing: what changes a computed figure without touching the register ---------


def published_communes(
    commune_ids: list[int] | None = None, from_year: int | None = None
) -> dict[int, list[OrgUnit]]:
    """By year, the communes that hold computed plan figures (optionally only these
    communes, from `from_year` on): what a change of rules or of a flag may alter."""
    rows = DataValue.objects.filter(
        source=DataValue.Source.COMPUTED,
        element__code__in=[PERSONS, LITERATE, *LEVEL_ELEMENTS.values()],
        unit__level__code=COMMUNE_LEVEL,
    )
    if commune_ids is not None:
        rows = rows.filter(unit_id__in=commune_ids)
    if from_year is not None:
        rows = rows.filter(period__year__gte=from_year)
    pairs = set(rows.values_list("period__year", "unit_id").distinct())
    units = OrgUnit.objects.in_bulk({unit_id for _year, unit_id in pairs})
    by_year: dict[int, list[OrgUnit]] = {}
    for year, unit_id in sorted(pairs):
        by_year.setdefault(year, []).append(units[unit_id])
    return by_year


def republish(by_year: dict[int, list[OrgUnit]], rules: RuleSet, *, actor=None) -> tuple[int, int]:
    """Publish again the figures of these communes (and their siblings) year by year."""
    created = updated = 0
    for year, communes in sorted(by_year.items()):
        c, u = publish_register(communes, year, rules, actor=actor)
        created, updated = created + c, updated + u
    return created, updated


@transaction.atomic
def rules_changed(rules: RuleSet, *, actor=None) -> tuple[int, int]:
    """A new rule set became active (load_pcgd_rules, the admin): every published year is
    computed again under it, so no figure stands on rules no longer in force."""
    return republish(published_communes(), rules, actor=actor)


@transaction.atomic
def set_disadvantaged(
    commune: OrgUnit, year: int, disadvantaged: bool, *, actor=None, legal_basis: str | None = None
) -> CommuneYear:
    """Record a commune's flag for `year` and republish what it changes."""
    defaults = {"disadvantaged": disadvantaged}
    if legal_basis is not None:
        defaults["legal_basis"] = legal_basis
    row, _created = CommuneYear.objects.update_or_create(
        commune=commune, year=year, defaults=defaults
    )
    flag_changed(commune, year, actor=actor)
    return row


@transaction.atomic
def flag_changed(commune: OrgUnit, year: int, *, actor=None) -> tuple[int, int]:
    """A commune's flag for `year` was written or deleted: it holds for that year and the
    later ones without a row of their own, so those published years are computed again."""
    later = CommuneYear.objects.filter(commune=commune, year__gt=year).order_by("year").first()
    by_year = published_communes([commune.pk], from_year=year)
    if later is not None:
        by_year = {y: cs for y, cs in by_year.items() if y < later.year}
    if year not in by_year and Person.objects.filter(commune=commune).exists():
        by_year[year] = [commune]
    return republish(by_year, current_rules(), actor=actor)
