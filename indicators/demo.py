"""Synthetic demo figures described by a data file: seeded, so every run gives the same numbers.

The file says which units report which data elements and the plausible range of each
indicator per year; nothing about any particular place is written here. `generate` is
pure (plain data in, plain data out); the functions after it read and write the database.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from core.datafile import DataFile, read_data_file, upsert
from indicators.models import DataElement, DataValue, Indicator, Period
from indicators.services import NewValue, publish_values
from units.codes import resolve, resolve_many
from units.models import OrgUnit
from units.tree import subtree_q, valid_on

SCHEMA = Path(__file__).resolve().parent / "schema" / "demo.schema.json"


def holds_demo_figures() -> bool:
    """Whether this instance holds the demo's synthetic figures: every page then shows the
    demo banner and every export says "Số liệu minh họa"."""
    return DataValue.objects.filter(source=DataValue.Source.DEMO).exists()


Key = tuple[str, str, str, str]  # unit code, element code, sex, age band
Figures = dict[Key, dict[int, int]]  # key → year → value


class DemoSpecError(ValueError):
    """The demo file does not fit the catalog, the plan or the unit tree."""


@dataclass(frozen=True)
class Term:
    """A numerator or denominator: an element, optionally narrowed to one sex or age band."""

    element: str
    sex: str = ""
    age_band: str = ""

    def matches(self, key: Key) -> bool:
        _unit, element, sex, age_band = key
        return (
            element == self.element
            and (not self.sex or sex == self.sex)
            and (not self.age_band or age_band == self.age_band)
        )


@dataclass(frozen=True)
class IndicatorTerms:
    numerator: Term
    denominator: Term | None = None


# --- pure generation -------------------------------------------------------------------------


def generate(
    spec: Mapping,
    selected: Mapping[str, Sequence[str]],
    indicators: Mapping[str, IndicatorTerms],
    used: Iterable[str],
) -> Figures:
    """Every figure the spec describes; raises DemoSpecError if an indicator in `used` lacks data.

    `selected` maps each selector name of the spec to the unit codes it selects.
    """
    years = sorted(spec["years"])
    out: Figures = {}
    for row in spec.get("counts", []):
        units = _units(row["units"], selected)
        _counts(row, units, years, spec.get("sizes", {}), spec["seed"], out)
    for code, row in spec.get("rates", {}).items():
        _rates(code, row, _terms(code, indicators), years, spec["seed"], out)
    for code, row in spec.get("levels", {}).items():
        element = _terms(code, indicators).numerator.element
        _levels(element, row, _units(row["units"], selected), years, spec["seed"], out)
    missing = uncovered(out, indicators, used)
    if missing:
        raise DemoSpecError(_("No demo figures for: %(missing)s") % {"missing": ", ".join(missing)})
    return out


def uncovered(
    figures: Figures, indicators: Mapping[str, IndicatorTerms], used: Iterable[str]
) -> list[str]:
    """The parts of the `used` indicators for which no figure was generated."""
    missing = []
    for code in sorted(set(used)):
        terms = _terms(code, indicators)
        for term in (terms.numerator, terms.denominator):
            if term is not None and not any(term.matches(key) for key in figures):
                missing.append(f"{code} ({term.element})")
    return missing


def _terms(code: str, indicators: Mapping[str, IndicatorTerms]) -> IndicatorTerms:
    if code not in indicators:
        raise DemoSpecError(_("Unknown indicator %(code)s") % {"code": code})
    return indicators[code]


def _units(names: Sequence[str], selected: Mapping[str, Sequence[str]]) -> list[str]:
    codes: list[str] = []
    for name in names:
        if name not in selected:
            raise DemoSpecError(_("Unknown unit selector %(name)s") % {"name": name})
        codes += [c for c in selected[name] if c not in codes]
    return codes


def _rng(*parts: object) -> random.Random:
    """A generator seeded by the parts: one figure's numbers do not depend on any other's."""
    return random.Random("|".join(map(str, parts)))


def _whole(value: float | Decimal) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _counts(
    row: Mapping, units: list[str], years: list[int], sizes: Mapping, seed: str, out: Figures
) -> None:
    element = row["element"]
    for unit in units:
        for cell in row.get("cells") or [{}]:
            key = (unit, element, cell.get("sex", ""), cell.get("age_band", ""))
            if key in out:
                raise DemoSpecError(_("Figure %(key)s described twice") % {"key": "/".join(key)})
            rng = _rng(seed, "count", *key)
            if "fraction_of" in cell:
                ref = cell["fraction_of"]
                ref_key = (unit, element, ref.get("sex", ""), ref.get("age_band", ""))
                if ref_key not in out:
                    msg = _("Cell %(key)s is a share of a cell not described before it")
                    raise DemoSpecError(msg % {"key": "/".join(key)})
                share = rng.uniform(*cell["range"])
                out[key] = {year: _whole(v * share) for year, v in out[ref_key].items()}
                continue
            out[key] = _grow(_base(row, cell, unit, sizes, rng), row["growth"], years, rng)


def _base(row: Mapping, cell: Mapping, unit: str, sizes: Mapping, rng: random.Random) -> float:
    if unit in row.get("overrides", {}):
        return rng.uniform(*row["overrides"][unit])
    base = cell.get("base") or row.get("base")
    if base is None:
        raise DemoSpecError(_("Count of %(element)s has no base") % {"element": row["element"]})
    size = sizes.get(unit, 1) if row.get("sized") else 1
    return rng.uniform(*base) * size


def _grow(value: float, growth: Sequence[float], years: list[int], rng: random.Random) -> dict:
    series = {}
    for i, year in enumerate(years):
        if i:
            value *= 1 + rng.uniform(*growth)
        series[year] = max(1, _whole(value))
    return series


def _rates(
    code: str, row: Mapping, terms: IndicatorTerms, years: list[int], seed: str, out: Figures
) -> None:
    num, den = terms.numerator, terms.denominator
    if den is None or (num.sex, num.age_band) != (den.sex, den.age_band):
        msg = _("Indicator %(code)s: the demo needs a denominator narrowed like its numerator")
        raise DemoSpecError(msg % {"code": code})
    den_keys = [key for key in out if den.matches(key)]
    if not den_keys:
        msg = _("Indicator %(code)s: no unit has figures for %(element)s")
        raise DemoSpecError(msg % {"code": code, "element": den.element})
    overrides = row.get("overrides", {})
    unknown = set(overrides) - {key[0] for key in den_keys}
    if unknown:
        msg = _("Indicator %(code)s: overrides for units without figures: %(units)s")
        raise DemoSpecError(msg % {"code": code, "units": ", ".join(sorted(unknown))})
    for key in den_keys:
        unit, _element, sex, age_band = key
        num_key = (unit, num.element, sex, age_band)
        if num_key in out:
            raise DemoSpecError(_("Figure %(key)s described twice") % {"key": "/".join(num_key)})
        ranges = {**row["years"], **overrides.get(unit, {})}
        rng = _rng(seed, "rate", code, *num_key)
        out[num_key] = {}
        for year in years:
            if str(year) not in ranges:
                msg = _("Indicator %(code)s has no range for %(year)s")
                raise DemoSpecError(msg % {"code": code, "year": year})
            total = out[key][year]
            share = Decimal(rng.uniform(*ranges[str(year)])) / 100
            out[num_key][year] = min(total, _whole(total * share))


def _levels(
    element: str, row: Mapping, units: list[str], years: list[int], seed: str, out: Figures
) -> None:
    """Each unit's level by year: a level for all (with per-unit overrides), or a share (%)
    of the units at each level, dealt out over the units in a seeded order that stays the
    same from year to year (a unit's level does not fall while the shares rise)."""
    order = sorted(units, key=lambda unit: _rng(seed, "level", element, unit).random())
    for unit in units:
        key = (unit, element, "", "")
        if key in out:
            raise DemoSpecError(_("Figure %(key)s described twice") % {"key": "/".join(key)})
        out[key] = {}
    for year in years:
        if str(year) not in row["years"]:
            msg = _("Level %(element)s has no value for %(year)s")
            raise DemoSpecError(msg % {"element": element, "year": year})
        given = row["years"][str(year)]
        dealt = _deal(given, order, element) if isinstance(given, Mapping) else {}
        for unit in units:
            own = row.get("overrides", {}).get(unit, {})
            level = own.get(str(year), dealt.get(unit, given))
            out[(unit, element, "", "")][year] = int(level)


def _deal(shares: Mapping[str, float], order: list[str], element: str) -> dict[str, int]:
    """The units in `order`, highest level first, each level taking its share (%) of them."""
    if round(sum(shares.values()), 6) != 100:
        msg = _("Level %(element)s: the shares of a year must add up to 100")
        raise DemoSpecError(msg % {"element": element})
    dealt, cumulative, start = {}, 0.0, 0
    for level in sorted(shares, key=int, reverse=True):
        cumulative += shares[level]
        end = _whole(Decimal(str(cumulative)) * len(order) / 100)
        for unit in order[start:end]:
            dealt[unit] = int(level)
        start = end
    return dealt


# --- the database around it ------------------------------------------------------------------


def read_spec(path: str | Path) -> DataFile:
    """The demo file, checked against its schema (DataFileError with file:line if not)."""
    return read_data_file(path, SCHEMA)


def resolve_selectors(
    selectors: Mapping[str, Mapping], on: datetime.date | None = None
) -> dict[str, list[str]]:
    """Each named selector's unit codes, in code order; an empty selection is an error.
    Codes are read on `on` (units/codes.py: a code is unique only within its period), and
    with a day only the units standing on it are selected."""
    found = {}
    for name, sel in selectors.items():
        qs = OrgUnit.objects.all()
        if "codes" in sel:
            qs = qs.filter(pk__in=[u.pk for u in resolve_many(sel["codes"], on).values()])
        if "group" in sel:
            qs = qs.filter(member_of__code=sel["group"])
        if "under" in sel:
            root = resolve(sel["under"], on)
            if root is None:
                raise DemoSpecError(_("Unknown unit %(code)s") % {"code": sel["under"]})
            qs = qs.filter(subtree_q(root.path), depth__gt=root.depth)
        if "level" in sel:
            qs = qs.filter(level__code=sel["level"])
        if "kind" in sel:
            qs = qs.filter(kind__in=sel["kind"])
        if on is not None:
            qs = qs.filter(valid_on(on))
        codes = sorted(set(qs.values_list("code", flat=True)))
        if not codes or ("codes" in sel and len(codes) != len(set(sel["codes"]))):
            raise DemoSpecError(_("Selector %(name)s does not match its units") % {"name": name})
        found[name] = codes
    return found


def indicator_terms() -> dict[str, IndicatorTerms]:
    """The catalog's indicators as plain terms, by code."""
    terms = {}
    for ind in Indicator.objects.select_related("numerator", "denominator"):
        num = Term(ind.numerator.code, ind.numerator_sex, ind.numerator_age_band)
        den = None
        if ind.denominator is not None:
            den = Term(ind.denominator.code, ind.denominator_sex, ind.denominator_age_band)
        terms[ind.code] = IndicatorTerms(num, den)
    return terms


def ensure_year_periods(years: Iterable[int]) -> dict[int, Period]:
    """Yearly periods, code "2020", from 1 January to 31 December; created if missing."""
    periods = {}
    for year in sorted(years):
        values = {
            "kind": Period.Kind.YEAR,
            "year": year,
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
        }
        periods[year] = upsert(Period, {"code": str(year)}, values)[0]
    return periods


def write_figures(
    figures: Figures, periods: Mapping[int, Period], on: datetime.date | None = None
) -> dict[str, int]:
    """Store the figures as demo values; a value someone entered or imported is never touched.
    Unit codes are read on `on`."""
    units = {code: u.pk for code, u in resolve_many({k[0] for k in figures}, on).items()}
    elements = dict(DataElement.objects.values_list("code", "pk"))
    unknown = sorted({k[1] for k in figures} - set(elements))
    if unknown:
        msg = _("Unknown data elements: %(codes)s")
        raise DemoSpecError(msg % {"codes": ", ".join(unknown)})
    period_ids = {year: p.pk for year, p in periods.items()}
    kept = set(
        DataValue.objects.filter(unit_id__in=units.values(), period_id__in=period_ids.values())
        .exclude(source=DataValue.Source.DEMO)
        .values_list("unit_id", "period_id", "element_id", "sex", "age_band")
    )
    new = []
    for (unit, element, sex, age_band), series in sorted(figures.items()):
        for year, value in sorted(series.items()):
            row = (units[unit], period_ids[year], elements[element], sex, age_band)
            if row not in kept:
                new.append(NewValue(*row[:3], Decimal(value), sex=sex, age_band=age_band))
    created, updated = publish_values(new, source=DataValue.Source.DEMO)
    return {"created": created, "updated": updated, "kept": len(kept)}
