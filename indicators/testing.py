"""Factories for tests: the indicators of the test plan, and figures for 2019 and 2020 on the
tree of units.testing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from indicators.models import DataElement, DataValue, Indicator, Period
from indicators.services import record_value


def build_indicators() -> SimpleNamespace:
    periods = {
        year: Period.objects.create(
            code=str(year),
            year=year,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        )
        for year in (2019, 2020)
    }

    def element(code: str, name: str, **kw) -> DataElement:
        return DataElement.objects.create(code=code, name=name, **kw)

    persons = element("persons", "Số người trong độ tuổi", unit_of_measure="người")
    literate = element("literate_persons", "Số người biết chữ", unit_of_measure="người")
    level = element(
        "literacy_level",
        "Mức độ đạt chuẩn xóa mù chữ",
        value_type=DataElement.ValueType.LEVEL,
        aggregation=DataElement.Aggregation.NONE,
    )
    officials = element("officials", "Số cán bộ, công chức, viên chức", unit_of_measure="người")
    officials_it = element("officials_it_programme", "Số CBCCVC học tin học")
    literacy_rate = Indicator.objects.create(
        code="literacy_15_60",
        name="Tỷ lệ người 15-60 tuổi biết chữ",
        numerator=literate,
        numerator_age_band="15-60",
        denominator=persons,
        denominator_age_band="15-60",
    )
    literacy_level = Indicator.objects.create(
        code="literacy_level",
        name="Mức độ đạt chuẩn xóa mù chữ",
        kind=Indicator.Kind.LEVEL,
        numerator=level,
        unit_label="",
        decimals=0,
    )
    officials_it_rate = Indicator.objects.create(
        code="officials_it",
        name="Tỷ lệ CBCCVC học tin học",
        numerator=officials_it,
        denominator=officials,
    )
    return SimpleNamespace(
        periods=periods,
        persons=persons,
        literate=literate,
        level=level,
        officials=officials,
        officials_it=officials_it,
        literacy_rate=literacy_rate,
        literacy_level=literacy_level,
        officials_it_rate=officials_it_rate,
    )


def put_values(tree: SimpleNamespace, ind: SimpleNamespace) -> None:
    """Figures for 2019 and 2020: A1 and B1 miss the literacy target in 2019, A2 lags on level."""
    rows = [
        (tree.commune_a1, 2019, ind.persons, "15-60", 1000),
        (tree.commune_a1, 2019, ind.literate, "15-60", 985),
        (tree.commune_a1, 2020, ind.persons, "15-60", 1000),
        (tree.commune_a1, 2020, ind.literate, "15-60", 995),
        (tree.commune_a2, 2020, ind.persons, "15-60", 500),
        (tree.commune_a2, 2020, ind.literate, "15-60", 498),
        (tree.commune_a1, 2020, ind.level, "", 2),
        (tree.commune_a2, 2020, ind.level, "", 1),
        (tree.education, 2020, ind.officials, "", 20),
        (tree.education, 2020, ind.officials_it, "", 20),
        (tree.association, 2020, ind.officials, "", 5),
        (tree.association, 2020, ind.officials_it, "", 3),
        (tree.commune_b1, 2020, ind.persons, "15-60", 800),
        (tree.commune_b1, 2020, ind.literate, "15-60", 700),
    ]
    for unit, year, element, age_band, value in rows:
        record_value(
            unit=unit,
            period=ind.periods[year],
            element=element,
            age_band=age_band,
            value=Decimal(value),
            source=DataValue.Source.ENTERED,
        )
