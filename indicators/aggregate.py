"""Indicator arithmetic over summed parts: pure, so it is tested without a database.

Totals are sums of data values keyed by (element id, sex, age band, year); an
indicator's value is computed from those sums, never by averaging percentages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

TotalsKey = tuple[int, str, str, int]

Number = Fraction | Decimal | int


def ratio(num: Number | None, den: Number | None, factor: Number = 1) -> Fraction | None:
    """num / den × factor, exactly; None when a part is missing or the denominator is zero."""
    if num is None or den is None or den == 0:
        return None
    return Fraction(num) * Fraction(factor) / Fraction(den)


def parity_index(
    num_female: Number | None,
    den_female: Number | None,
    num_male: Number | None,
    den_male: Number | None,
) -> Fraction | None:
    """UNESCO's gender parity index: the female rate divided by the male rate."""
    female = ratio(num_female, den_female)
    male = ratio(num_male, den_male)
    if female is None or male is None or male == 0:
        return None
    return female / male


@dataclass(frozen=True)
class Part:
    """A numerator or denominator: one element, optionally one sex and one age band."""

    element_id: int
    sex: str = ""
    age_band: str = ""


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str  # "ratio" | "parity" | "level"
    numerator: Part
    denominator: Part | None = None
    factor: Decimal = Decimal(100)

    @property
    def element_ids(self) -> set[int]:
        ids = {self.numerator.element_id}
        if self.denominator is not None:
            ids.add(self.denominator.element_id)
        return ids


@dataclass(frozen=True)
class Figure:
    """An indicator's value with the numerator and denominator behind it.

    For a parity index, `num` and `den` are the female and male rates.
    """

    value: Fraction | None
    num: Decimal | None = None
    den: Decimal | None = None


class Totals:
    """Summed values indexed by (element, year) for quick look-up of each part."""

    def __init__(self, rows: Iterable[tuple[int, str, str, int, Decimal]] = ()) -> None:
        self._index: dict[tuple[int, int], list[tuple[str, str, Decimal]]] = defaultdict(list)
        for element_id, sex, age_band, year, total in rows:
            self._index[(element_id, year)].append((sex, age_band, total))

    def years(self) -> set[int]:
        return {year for _, year in self._index}

    @property
    def element_ids(self) -> set[int]:
        return {element_id for element_id, _ in self._index}

    def part(self, part: Part, year: int, sex: str | None = None) -> Decimal | None:
        """The sum of the values matching `part` (an empty filter matches every value)."""
        wanted_sex = part.sex if sex is None else sex
        found = [
            total
            for row_sex, row_age, total in self._index.get((part.element_id, year), ())
            if (not wanted_sex or row_sex == wanted_sex)
            and (not part.age_band or row_age == part.age_band)
        ]
        return sum(found, Decimal(0)) if found else None


def figure(spec: IndicatorSpec, totals: Totals, year: int) -> Figure:
    """The indicator's figure for one year from the summed parts."""
    if spec.kind == "level":
        level = totals.part(spec.numerator, year)
        return Figure(value=None if level is None else Fraction(level), num=level)
    if spec.kind == "parity":
        return _parity_figure(spec, totals, year)
    num = totals.part(spec.numerator, year)
    den = totals.part(spec.denominator, year)
    return Figure(value=ratio(num, den, spec.factor), num=num, den=den)


def _parity_figure(spec: IndicatorSpec, totals: Totals, year: int) -> Figure:
    parts = [
        totals.part(spec.numerator, year, sex="F"),
        totals.part(spec.denominator, year, sex="F"),
        totals.part(spec.numerator, year, sex="M"),
        totals.part(spec.denominator, year, sex="M"),
    ]
    female, male = ratio(parts[0], parts[1]), ratio(parts[2], parts[3])
    return Figure(
        value=parity_index(*parts),
        num=None if female is None else _decimal(female),
        den=None if male is None else _decimal(male),
    )


def _decimal(value: Fraction, places: int = 6) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(10) ** -places)


def series(spec: IndicatorSpec, totals: Totals, years: Iterable[int]) -> dict[int, Figure]:
    return {year: figure(spec, totals, year) for year in years}


def values_only(figures: Mapping[int, Figure]) -> dict[int, Fraction | None]:
    return {year: f.value for year, f in figures.items()}
