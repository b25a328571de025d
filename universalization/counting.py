"""Count every rate's numerator and denominator over persons held in memory (exchange files).

The register's counts come from SQL instead (queries.py); both compile the rule set's
conditions from the same definitions (predicates.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import predicates
from .rules import RuleSet
from .standards import RateCount


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules read of a person; persons with equal facts are counted together."""

    birth_year: int | None
    residence: str
    disability: str
    studying: str
    preschool_completed: bool | None
    grade1_entry_year: int | None
    primary_completed_year: int | None
    lower_secondary_diploma_year: int | None
    highest_grade_completed: int | None
    literacy_stage_completed: int | None


FACT_FIELDS = tuple(Facts.__dataclass_fields__)


def facts_of(person) -> Facts:
    return Facts(*(getattr(person, name) for name in FACT_FIELDS))


@dataclass(frozen=True)
class _CompiledRate:
    code: str
    ages: tuple[int, int]
    ages_disadvantaged: tuple[int, int]
    among: predicates.PersonTest | None
    counts: predicates.PersonTest


def _compile(rules: RuleSet) -> list[_CompiledRate]:
    return [
        _CompiledRate(
            rate.code,
            rate.ages,
            rate.ages_disadvantaged,
            predicates.to_python(rate.among, rules.literacy) if rate.among else None,
            predicates.to_python(rate.counts, rules.literacy),
        )
        for rate in rules.rates.values()
    ]


def count_rates(
    persons: Iterable[tuple[str, Facts]],
    disadvantaged: Mapping[str, bool],
    year: int,
    rules: RuleSet,
) -> dict[str, dict[str, RateCount]]:
    """Per commune, per rate code: (persons meeting the rate, persons in its cohort)."""
    groups = Counter(persons)
    compiled = _compile(rules)
    tallies: dict[str, dict[str, list[int]]] = {}
    for (commune, facts), n in groups.items():
        if facts.residence not in rules.counted_residence or facts.birth_year is None:
            continue
        if facts.disability in rules.excluded_disability:
            continue
        age = year - facts.birth_year
        poor = disadvantaged.get(commune, False)
        tally = tallies.setdefault(commune, {})
        for rate in compiled:
            low, high = rate.ages_disadvantaged if poor else rate.ages
            if not low <= age <= high or (rate.among and not rate.among(facts, year)):
                continue
            cell = tally.setdefault(rate.code, [0, 0])
            cell[1] += n
            if rate.counts(facts, year):
                cell[0] += n
    return {
        commune: {code: RateCount(num, den) for code, (num, den) in tally.items()}
        for commune, tally in tallies.items()
    }
