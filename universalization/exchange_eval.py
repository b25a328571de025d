"""Standards straight from exchange files, in memory: what `pcgd_standards` prints."""

from __future__ import annotations

from pathlib import Path

from . import counting, exchange, standards
from .rules import RuleSet


def evaluate_files(
    communes_path: Path | str, persons_path: Path | str, year: int, rules: RuleSet
) -> standards.Evaluation:
    """Read both files (streaming the persons), count the rates, evaluate; all-or-nothing."""
    errors = exchange.Errors()
    communes = exchange.read_communes(communes_path, errors)
    persons = exchange.read_persons(persons_path, communes, year, errors)
    disadvantaged = {code: row.disadvantaged for code, row in communes.items()}
    counts = counting.count_rates(
        ((p.commune_code, p.facts) for p in persons), disadvantaged, year, rules
    )
    errors.raise_if_any()
    district_of = {code: row.district_code for code, row in communes.items()}
    return standards.evaluate(counts, disadvantaged, district_of, year, rules)
