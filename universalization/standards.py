"""The standards engine: from rate counts to every level's status, for communes and districts.

Pure: counts in, plain results out. The register (SQL counts) and the exchange files (Python
counts) both end here, so pages, API, plan figures and `pcgd_standards` share one engine.
Comparisons are exact (`num * 100 >= threshold * den`), never on a rounded percentage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .rules import LevelDef, RuleSet

MET, NOT_MET, UNDETERMINED = "met", "not_met", "undetermined"


class Status(StrEnum):
    MET = MET
    NOT_MET = NOT_MET
    UNDETERMINED = UNDETERMINED


@dataclass(frozen=True)
class RateCount:
    num: int = 0
    den: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"num": self.num, "den": self.den}


@dataclass(frozen=True)
class ConditionResult:
    rate: str
    count: RateCount
    minimum: int
    status: Status


@dataclass(frozen=True)
class LevelResult:
    level: str
    status: Status
    conditions: tuple[ConditionResult, ...]
    requires: tuple[tuple[str, str, Status], ...]  # (standard, level, its status)
    cite: str


@dataclass(frozen=True)
class StandardResult:
    standard: str
    levels: Mapping[str, LevelResult]
    level: int
    rates: Mapping[str, RateCount]


@dataclass(frozen=True)
class DistrictLevel:
    met: int
    of: int
    share: int
    status: Status


@dataclass
class Evaluation:
    year: int
    communes: dict[str, dict[str, StandardResult]] = field(default_factory=dict)
    districts: dict[str, dict[str, dict[str, DistrictLevel]]] = field(default_factory=dict)


def reaches(count: RateCount, minimum: int) -> bool:
    """Exactly: num / den >= minimum %, with no rounding."""
    return count.num * 100 >= minimum * count.den


def condition_status(count: RateCount, minimum: int, holds_when_empty: bool) -> Status:
    if count.den == 0:
        return Status.MET if holds_when_empty else Status.UNDETERMINED
    return Status.MET if reaches(count, minimum) else Status.NOT_MET


def combine(statuses: Iterable[Status]) -> Status:
    """Not met if any part is not met; else undetermined if any is; else met."""
    statuses = list(statuses)
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.UNDETERMINED in statuses:
        return Status.UNDETERMINED
    return Status.MET


def evaluate_commune(
    counts: Mapping[str, RateCount], disadvantaged: bool, rules: RuleSet
) -> dict[str, StandardResult]:
    """Every standard and level of one commune, from its rates' counts (keyed by rate code)."""
    memo: dict[tuple[str, str], LevelResult] = {}

    def level(standard_code: str, level_code: str) -> LevelResult:
        key = (standard_code, level_code)
        if key not in memo:
            memo[key] = _level(standard_code, rules.standards[standard_code].levels[level_code])
        return memo[key]

    def _level(standard_code: str, definition: LevelDef) -> LevelResult:
        names = rules.standards[standard_code].rates
        conditions = tuple(
            ConditionResult(
                c.rate,
                counts.get(names[c.rate], RateCount()),
                c.minimum_for(disadvantaged),
                condition_status(
                    counts.get(names[c.rate], RateCount()),
                    c.minimum_for(disadvantaged),
                    rules.rates[names[c.rate]].holds_when_empty,
                ),
            )
            for c in definition.conditions
        )
        requires = tuple((s, lv, level(s, lv).status) for s, lv in definition.requires)
        status = combine([c.status for c in conditions] + [r[2] for r in requires])
        return LevelResult(definition.code, status, conditions, requires, definition.cite)

    results = {}
    for standard in rules.standards.values():
        levels = {code: level(standard.code, code) for code in standard.levels}
        met = [int(code) for code, result in levels.items() if result.status == Status.MET]
        rates = {name: counts.get(code, RateCount()) for name, code in standard.rates.items()}
        results[standard.code] = StandardResult(standard.code, levels, max(met, default=0), rates)
    return results


def evaluate_districts(
    communes: Mapping[str, Mapping[str, StandardResult]],
    district_of: Mapping[str, str],
    rules: RuleSet,
) -> dict[str, dict[str, dict[str, DistrictLevel]]]:
    """Per district, standard and level: communes met, communes counted, and the status."""
    members: dict[str, list[str]] = {}
    for commune, district in district_of.items():
        members.setdefault(district, []).append(commune)
    results: dict[str, dict[str, dict[str, DistrictLevel]]] = {}
    for district, codes in sorted(members.items()):
        per_standard = results.setdefault(district, {})
        for standard in rules.standards.values():
            per_level = per_standard.setdefault(standard.code, {})
            for code, definition in standard.levels.items():
                met = sum(
                    1 for c in codes if communes[c][standard.code].levels[code].status == Status.MET
                )
                per_level[code] = district_level(met, len(codes), definition.district_share)
    return results


def district_level(met: int, of: int, share: int) -> DistrictLevel:
    if of == 0:
        status = Status.UNDETERMINED
    else:
        status = Status.MET if reaches(RateCount(met, of), share) else Status.NOT_MET
    return DistrictLevel(met, of, share, status)


def evaluate(
    counts: Mapping[str, Mapping[str, RateCount]],
    disadvantaged: Mapping[str, bool],
    district_of: Mapping[str, str],
    year: int,
    rules: RuleSet,
) -> Evaluation:
    """Every commune named in `district_of`, then every district."""
    evaluation = Evaluation(year)
    for commune in sorted(district_of):
        evaluation.communes[commune] = evaluate_commune(
            counts.get(commune, {}), disadvantaged.get(commune, False), rules
        )
    evaluation.districts = evaluate_districts(evaluation.communes, district_of, rules)
    return evaluation


def as_json(evaluation: Evaluation) -> dict:
    """The exchange shape of `pcgd_standards` (issue 5, item 2)."""
    return {
        "year": evaluation.year,
        "communes": {
            commune: {
                code: {
                    "levels": {lv: str(r.status) for lv, r in result.levels.items()},
                    "level": result.level,
                    "rates": {name: c.as_dict() for name, c in result.rates.items()},
                }
                for code, result in standards.items()
            }
            for commune, standards in evaluation.communes.items()
        },
        "districts": {
            district: {
                code: {
                    lv: {"met": d.met, "of": d.of, "status": str(d.status)}
                    for lv, d in levels.items()
                }
                for code, levels in standards.items()
            }
            for district, standards in evaluation.districts.items()
        },
    }
