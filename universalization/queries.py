"""Read paths of the register: rate counts in SQL, standards of units, persons behind a rate."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from units.access import subtree_filter
from units.models import OrgUnit
from units.tree import subtree_q, units_for_period, valid_on

from . import predicates, standards
from .models import CommuneYear, Person, RuleSet
from .rules import RateDef, RuleSetError, build, default_rules
from .rules import RuleSet as Rules
from .standards import RateCount

COMMUNE_LEVEL = "commune"


def current_rules() -> Rules:
    """The newest active rule set loaded into the database, else the one shipped as a file."""
    row = RuleSet.objects.filter(active=True).order_by("-loaded_at", "-pk").first()
    if row is None:
        return default_rules()
    try:
        return build(row.content, row.sha256)
    except RuleSetError:
        return default_rules()


def disadvantaged_in(commune_ids: Iterable[int], year: int) -> dict[int, bool]:
    """Each commune's flag for `year`: its row for that year, else its latest earlier one."""
    flags: dict[int, bool] = {}
    rows = CommuneYear.objects.filter(commune_id__in=list(commune_ids), year__lte=year)
    for commune_id, flag in rows.order_by("year").values_list("commune_id", "disadvantaged"):
        flags[commune_id] = flag
    return flags


def counted_q(rules: Rules) -> Q:
    """Persons the rule set counts at all: residence counted, disability not excluded."""
    return Q(residence__in=sorted(rules.counted_residence)) & ~Q(
        disability__in=sorted(rules.excluded_disability)
    )


def population_q(rules: Rules, year: int) -> Q:
    """Counted persons of an age some rate looks at (bounds the scan to the rates' births)."""
    return counted_q(rules) & Q(
        birth_year__gte=year - rules.oldest_age, birth_year__lte=year - rules.youngest_age
    )


def cohort_q(rate: RateDef, disadvantaged: bool, year: int, rules: Rules) -> Q:
    """The persons in a rate's denominator (before the population filter)."""
    low, high = rate.ages_for(disadvantaged)
    q = Q(birth_year__gte=year - high, birth_year__lte=year - low)
    if rate.among:
        q &= predicates.to_q(rate.among, rules.literacy, year)
    return q


def rate_counts(
    commune_ids: Iterable[int], year: int, rules: Rules, disadvantaged: Mapping[int, bool]
) -> dict[int, dict[str, RateCount]]:
    """Per commune id, per rate code, (num, den): one grouped query over the register.

    A rate whose ages differ in disadvantaged communes is counted both ways; each commune
    then takes the way its flag says.
    """
    ids = list(commune_ids)
    aggregates = {}
    for rate in rules.rates.values():
        counts = predicates.to_q(rate.counts, rules.literacy, year)
        for poor in {False, rate.ages != rate.ages_disadvantaged}:
            cohort = cohort_q(rate, poor, year, rules)
            key = f"{rate.code}__{int(poor)}"
            aggregates[f"{key}__den"] = Count("pk", filter=cohort)
            aggregates[f"{key}__num"] = Count("pk", filter=cohort & counts)
    rows = (
        Person.objects.filter(population_q(rules, year), commune_id__in=ids)
        .values("commune_id")
        .annotate(**aggregates)
        .order_by()
    )
    result: dict[int, dict[str, RateCount]] = {}
    for row in rows:
        poor = disadvantaged.get(row["commune_id"], False)
        per_rate = result.setdefault(row["commune_id"], {})
        for rate in rules.rates.values():
            key = f"{rate.code}__{int(poor and rate.ages != rate.ages_disadvantaged)}"
            per_rate[rate.code] = RateCount(row[f"{key}__num"], row[f"{key}__den"])
    return result


def communes_under(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The communes in `unit`'s subtree at the end of `year` (the unit itself if a commune)."""
    day = datetime.date(year, 12, 31)
    qs = OrgUnit.objects.filter(subtree_q(unit.path), valid_on(day), level__code=COMMUNE_LEVEL)
    return list(qs.select_related("level").order_by("path"))


def evaluate_units(
    communes: list[OrgUnit], year: int, rules: Rules | None = None
) -> tuple[standards.Evaluation, dict[int, bool]]:
    """The standards of these communes and of the units directly above them, keyed by code."""
    rules = rules or current_rules()
    flags = disadvantaged_in([c.pk for c in communes], year)
    counts = rate_counts([c.pk for c in communes], year, rules, flags)
    parents = _parent_codes(communes)
    evaluation = standards.evaluate(
        {c.code: counts.get(c.pk, {}) for c in communes},
        {c.code: flags.get(c.pk, False) for c in communes},
        {c.code: parents[c.pk] for c in communes},
        year,
        rules,
    )
    return evaluation, flags


@dataclass
class UnitStandards:
    """The standards a unit's PCGD-XMC page and the API show for one year."""

    is_commune: bool  # the unit is itself a commune that existed at the end of the year
    communes: list[OrgUnit]  # the communes it covers then
    evaluation: standards.Evaluation
    flags: dict[int, bool]  # each commune's disadvantaged flag


def communes_covered(unit: OrgUnit, year: int) -> tuple[bool, list[OrgUnit]]:
    """(whether the unit is a commune of that year, the communes it covers at the end of
    `year`). A unit that did not exist then (a đặc khu of 2025 looking at 2020) covers the
    communes of the units it came from."""
    roots = units_for_period(unit, datetime.date(year, 12, 31))
    if roots == [unit] and unit.level_id is not None and unit.level.code == COMMUNE_LEVEL:
        return True, [unit]
    return False, [c for root in roots for c in communes_under(root, year)]


def unit_standards(unit: OrgUnit, year: int, rules: Rules) -> UnitStandards:
    """The standards of the communes a unit covers in `year`, with the summaries of the units
    directly above them that lie inside what the unit covers (a commune alone says nothing
    of its district). The page and the API both read this."""
    is_commune, communes = communes_covered(unit, year)
    evaluation, flags = evaluate_units(communes, year, rules)
    roots = units_for_period(unit, datetime.date(year, 12, 31))
    inside = set()
    if roots:
        inside = set(
            OrgUnit.objects.filter(
                subtree_filter(roots), code__in=list(evaluation.districts)
            ).values_list("code", flat=True)
        )
    evaluation.districts = {k: v for k, v in evaluation.districts.items() if k in inside}
    return UnitStandards(is_commune, communes, evaluation, flags)


def parents_of(communes: list[OrgUnit]) -> list[OrgUnit]:
    step = OrgUnit.steplen
    return list(OrgUnit.objects.filter(path__in={c.path[:-step] for c in communes}))


def with_register(communes: list[OrgUnit]) -> list[OrgUnit]:
    """Those of `communes` whose register holds at least one person."""
    ids = set(
        Person.objects.filter(commune__in=communes).values_list("commune_id", flat=True).distinct()
    )
    return [c for c in communes if c.pk in ids]


def _parent_codes(communes: list[OrgUnit]) -> dict[int, str]:
    step = OrgUnit.steplen
    paths = {c.path[:-step] for c in communes}
    codes = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "code"))
    return {c.pk: codes.get(c.path[:-step], "") for c in communes}


def persons_behind(
    commune: OrgUnit, year: int, rate_code: str, *, meeting: bool, rules: Rules | None = None
) -> QuerySet[Person]:
    """The persons in a rate's denominator who meet it (`meeting`) or do not."""
    rules = rules or current_rules()
    rate = rules.rates[rate_code]
    poor = disadvantaged_in([commune.pk], year).get(commune.pk, False)
    counts = predicates.to_q(rate.counts, rules.literacy, year)
    qs = Person.objects.filter(
        population_q(rules, year), cohort_q(rate, poor, year, rules), commune=commune
    )
    qs = qs.filter(counts) if meeting else qs.exclude(counts)
    return qs.select_related("household").order_by("household__code", "code")
