"""The 2021-2030 targets evaluated over the nation: shares of provinces by milestone, rates
of persons, a void target and a target without data, from QĐ 1373's own file."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indicators.catalog import load_catalog
from indicators.models import DataElement, DataValue, Period
from indicators.services import record_value
from monitoring.queries import breakdown, evaluate_plan, status_text
from plans.loader import load_plan_file
from units.models import OrgUnit, UnitLevel

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)


@pytest.fixture
def nation():
    """Việt Nam with ten provinces; QĐ 89 and QĐ 1373 loaded from their files."""
    levels = {
        code: UnitLevel.objects.create(code=code, name=code, rank=rank)
        for rank, code in enumerate(["country", "province", "district", "commune"])
    }
    country = OrgUnit.objects.add_root(
        {"code": "VN", "name": "Việt Nam", "level": levels["country"]}
    )
    provinces = []
    for i in range(10):
        parent = OrgUnit.objects.get(pk=country.pk)
        fields = {"code": f"P{i}", "name": f"Tỉnh {i}", "level": levels["province"]}
        provinces.append(OrgUnit.objects.add_child(parent, fields))
    country.refresh_from_db()  # its count of children, for the breakdown
    load_catalog(BASE / "data" / "indicators" / "learning-society.yaml")
    for name in ("89-QD-TTg-2013.yaml", "1373-QD-TTg-2021.yaml"):
        plan = load_plan_file(BASE / "data" / "plans" / name).plan
    periods = {
        y: Period.objects.create(
            code=str(y),
            year=y,
            start_date=datetime.date(y, 1, 1),
            end_date=datetime.date(y, 12, 31),
        )
        for y in (2024, 2025, 2026)
    }
    return country, provinces, plan, periods


def put(unit, period, code, value) -> None:
    element = DataElement.objects.get(code=code)
    record_value(unit=unit, period=period, element=element, value=Decimal(value),
                 source=DataValue.Source.ENTERED)  # fmt: skip


def rows(plan, unit, year) -> dict:
    return {row.target.code: row for row in evaluate_plan(plan, unit, year)}


def test_seven_provinces_of_ten_at_literacy_level_2_meet_the_2025_milestone(nation):
    country, provinces, plan, periods = nation
    for i, province in enumerate(provinces):
        put(province, periods[2025], "literacy_level", 2 if i < 7 else 1)
    a1 = rows(plan, country, 2025)["a1"]
    assert (a1.status, a1.value, a1.num, a1.den) == ("met", Decimal(70), 7, 10)
    assert a1.milestone_year == 2025


def test_after_2025_a_share_is_held_to_the_2030_milestone(nation):
    country, provinces, plan, periods = nation
    for year, reached in ((2025, 7), (2026, 8)):
        for i, province in enumerate(provinces):
            put(province, periods[year], "literacy_level", 2 if i < reached else 1)
    a1 = rows(plan, country, 2026)["a1"]
    # 80 % of provinces, rising 10 points a year: on track for 90 % by 2030.
    assert (a1.value, a1.milestone_year, a1.status) == (Decimal(80), 2030, "on_track")


def test_six_provinces_of_ten_miss_70_percent(nation):
    country, provinces, plan, periods = nation
    for i, province in enumerate(provinces):
        put(province, periods[2025], "literacy_level", 2 if i < 6 else 1)
    assert rows(plan, country, 2025)["a1"].status == "not_met"


def test_a_share_without_any_provinces_figure_is_no_data_with_its_coverage_not_zero(nation):
    country, _provinces, plan, _periods = nation
    a3 = rows(plan, country, 2025)["a3"]
    assert a3.status == "no_data" and a3.value is None
    assert (a3.coverage.reported, a3.coverage.expected) == (0, 10)


def test_d2_is_void_from_july_2025_and_never_a_zero(nation):
    country, _provinces, plan, _periods = nation
    d2 = rows(plan, country, 2025)["d2"]
    assert (d2.status, d2.value, d2.num, d2.den) == ("void", None, None, None)
    assert status_text(d2).startswith("Hết đối tượng từ 01/07/2025: Từ ngày 01/07/2025")
    assert rows(plan, country, 2024)["d2"].status == "no_data"
    assert breakdown(d2.target, country, 2025) == []


def test_a_rate_of_persons_sums_the_provinces_counts(nation):
    country, provinces, plan, periods = nation
    put(provinces[0], periods[2025], "working_age_persons", 1000)
    put(provinces[0], periods[2025], "working_age_information_literate", 400)
    put(provinces[1], periods[2025], "working_age_persons", 1000)
    put(provinces[1], periods[2025], "working_age_information_literate", 600)
    b1 = rows(plan, country, 2025)["b1"]
    assert (b1.value, b1.status, b1.milestone_year) == (Decimal(50), "met", 2025)


def test_the_breakdown_of_a_share_of_provinces_judges_each_province_on_its_own_level(nation):
    country, provinces, plan, periods = nation
    put(provinces[0], periods[2025], "literacy_level", 2)
    put(provinces[1], periods[2025], "literacy_level", 1)
    a1 = plan.targets.get(code="a1")
    by_unit = {row.unit.code: row.status for row in breakdown(a1, country, 2025)}
    assert by_unit == {"P0": "met", "P1": "not_met"}


def test_a_share_of_provinces_reads_provinces_met_of_counted_and_the_share(nation):
    from monitoring.templatetags.figures import figure

    country, provinces, plan, periods = nation
    for i, province in enumerate(provinces):
        put(province, periods[2025], "literacy_level", 2 if i < 7 else 1)
    assert figure(rows(plan, country, 2025)["a1"]) == "7/10 tỉnh, thành phố (70%)"


def test_a_target_no_indicator_measures_is_no_data_and_has_no_breakdown(nation):
    country, _provinces, plan, _periods = nation
    d3 = plan.targets.get(code="d3")
    d3.indicator = None
    d3.save()
    row = rows(plan, country, 2025)["d3"]
    assert (row.status, row.value, row.milestone_year) == ("no_data", None, 2025)
    assert breakdown(d3, country, 2025) == []
