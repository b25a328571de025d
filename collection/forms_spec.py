"""A data set as a form: its cells (element × sex × age band), labels and rules, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from core.numbers import Bounds
from indicators.models import DataElement, DataValue, Period

from .models import DataSet, Entry
from .validation import Field, Key, Rule

# What a typed value may be: it is kept as an entry, then copied to the value store on approval.
VALUE_BOUNDS = Bounds.of(Entry._meta.get_field("value"), DataValue._meta.get_field("value"))


@dataclass(frozen=True)
class Cell:
    key: Key
    section: str
    element_name: str
    breakdown: str  # "Nữ, Từ 15 đến 35 tuổi", or "" when not broken down
    field: Field


def cells_of(data_set: DataSet) -> list[Cell]:
    """Every cell of the data set's form, in its order: sex × age band for each element."""
    members = data_set.members.select_related("element").prefetch_related(
        "element__disaggregations"
    )
    cells = []
    for member in members:
        element = member.element
        by_dimension: dict[str, list] = {"sex": [], "age_band": []}
        for option in element.disaggregations.all():
            by_dimension[option.dimension].append(option)
        sexes = by_dimension["sex"] or [None]
        bands = by_dimension["age_band"] or [None]
        whole = element.value_type == DataElement.ValueType.COUNT
        for sex, band in product(sexes, bands):
            key = (element.code, sex.code if sex else "", band.code if band else "")
            breakdown = ", ".join(o.name for o in (sex, band) if o is not None)
            label = f"{element.name} ({breakdown})" if breakdown else element.name
            field = Field(key, label, whole, member.required, VALUE_BOUNDS)
            cells.append(Cell(key, member.section, element.name, breakdown, field))
    return cells


@dataclass(frozen=True)
class FormSpec:
    """A data set's cells and rules, read once and passed along a request's steps."""

    cells: list[Cell]
    rules: list[Rule]

    @property
    def keys(self) -> set[Key]:
        return {c.key for c in self.cells}


def form_spec(data_set: DataSet) -> FormSpec:
    return FormSpec(cells_of(data_set), rules_of(data_set))


def rules_of(data_set: DataSet) -> list[Rule]:
    return [
        Rule(
            code=r.code,
            severity=r.severity,
            check=r.kind,
            element=r.element.code,
            other=r.other.code if r.other_id else "",
            share=r.share,
            message=r.message,
        )
        for r in data_set.rules.select_related("element", "other")
    ]


def previous_values(unit, period: Period, element_codes: list[str]) -> dict[Key, Decimal]:
    """The unit's values of the year before `period`, from the value store."""
    rows = DataValue.objects.filter(
        unit=unit, period__year=period.year - 1, element__code__in=element_codes
    ).values_list("element__code", "sex", "age_band", "value")
    return {(code, sex, band): value for code, sex, band, value in rows}
