"""A PCGD-XMC rule set (the data file's thresholds, cohorts and readings) as typed, checked data."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import predicates

# The project root (settings.BASE_DIR), found without settings: benchmarks import this.
DEFAULT_RULES_PATH = (
    Path(__file__).resolve().parents[1] / "data" / "rules" / "pcgd-xmc-nd20-2014.yaml"
)


class RuleSetError(ValueError):
    """A rule set that does not hold together; the message says where."""


@dataclass(frozen=True)
class RateDef:
    code: str
    name: str
    ages: tuple[int, int]
    ages_disadvantaged: tuple[int, int]
    among: Mapping[str, Any] | None
    counts: Mapping[str, Any]
    holds_when_empty: bool

    def ages_for(self, disadvantaged: bool) -> tuple[int, int]:
        return self.ages_disadvantaged if disadvantaged else self.ages


@dataclass(frozen=True)
class ConditionDef:
    rate: str  # the name the standard gives the rate
    minimum: int
    minimum_disadvantaged: int

    def minimum_for(self, disadvantaged: bool) -> int:
        return self.minimum_disadvantaged if disadvantaged else self.minimum


@dataclass(frozen=True)
class LevelDef:
    code: str
    cite: str
    conditions: tuple[ConditionDef, ...]
    requires: tuple[tuple[str, str], ...]  # (standard, level)
    district_share: int


@dataclass(frozen=True)
class StandardDef:
    code: str
    name: str
    rates: Mapping[str, str]  # name in results -> rate code
    levels: Mapping[str, LevelDef]


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: str
    title: str
    counted_residence: frozenset[str]
    excluded_disability: frozenset[str]
    literacy: Mapping[str, Mapping[str, Any]]
    rates: Mapping[str, RateDef]
    standards: Mapping[str, StandardDef]
    sha256: str = ""

    @property
    def oldest_age(self) -> int:
        return max(max(r.ages[1], r.ages_disadvantaged[1]) for r in self.rates.values())

    @property
    def youngest_age(self) -> int:
        return min(min(r.ages[0], r.ages_disadvantaged[0]) for r in self.rates.values())


def _ages(value: Any, where: str) -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise RuleSetError(f"{where}: ages must be [from, to], whole numbers")
    if not 0 <= value[0] <= value[1]:
        raise RuleSetError(f"{where}: ages [{value[0]}, {value[1]}] are not a range")
    return value[0], value[1]


def _rate(code: str, raw: Mapping[str, Any], literacy: Mapping[str, Any]) -> RateDef:
    ages = _ages(raw.get("ages"), f"rates.{code}")
    if not isinstance(raw.get("counts"), Mapping):
        raise RuleSetError(f"rates.{code}.counts: a condition is required")
    for key in ("among", "counts"):
        if raw.get(key) is not None:
            try:
                predicates.check(raw[key], literacy)
            except predicates.ConditionError as error:
                raise RuleSetError(f"rates.{code}.{key}: {error}") from error
    return RateDef(
        code=code,
        name=str(raw.get("name", code)),
        ages=ages,
        ages_disadvantaged=_ages(raw.get("ages_disadvantaged", list(ages)), f"rates.{code}"),
        among=raw.get("among"),
        counts=raw["counts"],
        holds_when_empty=raw.get("when_empty") == "met",
    )


def _level(where: str, code: str, raw: Mapping[str, Any], rates: Mapping[str, str]) -> LevelDef:
    conditions = []
    for c in raw.get("conditions", []):
        if c["rate"] not in rates:
            raise RuleSetError(f"{where}: condition on unknown rate {c['rate']!r}")
        minimum = int(c["min"])
        conditions.append(
            ConditionDef(c["rate"], minimum, int(c.get("min_disadvantaged", minimum)))
        )
    return LevelDef(
        code=code,
        cite=str(raw.get("cite", "")),
        conditions=tuple(conditions),
        requires=tuple((r["standard"], str(r["level"])) for r in raw.get("requires", [])),
        district_share=int(raw.get("district_share", 100)),
    )


def build(data: Mapping[str, Any], sha256: str = "") -> RuleSet:
    """Check and type a rule set read from YAML (or from the database's JSON copy)."""
    try:
        return _build(data, sha256)
    except RuleSetError:
        raise
    except KeyError as error:
        raise RuleSetError(f"missing part {error}") from error
    except (TypeError, ValueError, AttributeError) as error:
        raise RuleSetError(f"malformed rule set: {error}") from error


def _build(data: Mapping[str, Any], sha256: str) -> RuleSet:
    literacy = {str(k): v for k, v in data.get("literacy", {}).items()}
    for level, condition in literacy.items():
        literacy[level] = {k: v for k, v in condition.items() if k != "cite"}
    for level, body in literacy.items():
        try:
            predicates.check(body, literacy, (level,))
        except predicates.ConditionError as error:
            raise RuleSetError(f"literacy.{level}: {error}") from error
    rates = {code: _rate(code, raw, literacy) for code, raw in data["rates"].items()}
    standards = {}
    for code, raw in data["standards"].items():
        names = dict(raw["rates"])
        unknown = sorted(set(names.values()) - set(rates))
        if unknown:
            raise RuleSetError(f"standards.{code}: unknown rates {', '.join(unknown)}")
        levels = {
            str(lv): _level(f"standards.{code}.levels.{lv}", str(lv), body, names)
            for lv, body in raw["levels"].items()
        }
        standards[code] = StandardDef(code, str(raw.get("name", code)), names, levels)
    _check_requirements(standards)
    population = data.get("population", {})
    if population.get("age_rule", "birth_year") != "birth_year":
        raise RuleSetError("population.age_rule: only `birth_year` is implemented")
    return RuleSet(
        code=str(data["code"]),
        version=str(data["version"]),
        title=str(data.get("title", "")),
        counted_residence=frozenset(population.get("counted_residence", ["", "permanent"])),
        excluded_disability=frozenset(population.get("excluded_disability", [])),
        literacy=literacy,
        rates=rates,
        standards=standards,
        sha256=sha256,
    )


def _check_requirements(standards: Mapping[str, StandardDef]) -> None:
    """Every prerequisite exists and none leads back to itself."""
    for standard in standards.values():
        for level in standard.levels.values():
            for other, other_level in level.requires:
                if other_level not in getattr(standards.get(other), "levels", {}):
                    raise RuleSetError(
                        f"standards.{standard.code}.levels.{level.code}: "
                        f"requires unknown {other} level {other_level}"
                    )

    def visit(node: tuple[str, str], path: tuple[tuple[str, str], ...]) -> None:
        if node in path:
            raise RuleSetError(f"prerequisites form a cycle: {path + (node,)}")
        for required in standards[node[0]].levels[node[1]].requires:
            visit(required, path + (node,))

    for standard in standards.values():
        for level in standard.levels:
            visit((standard.code, level), ())


def load(path: Path | str = DEFAULT_RULES_PATH) -> RuleSet:
    """Read and check a rule set file."""
    text = Path(path).read_bytes()
    data = yaml.safe_load(text)
    try:
        return build(data, hashlib.sha256(text).hexdigest())
    except RuleSetError as error:
        raise RuleSetError(f"{path}: {error}") from error


@cache
def default_rules() -> RuleSet:
    return load(DEFAULT_RULES_PATH)
