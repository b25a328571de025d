"""Vietnamese numbers and dates, badges and sparklines."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from core.templatetags import xhht
from monitoring.templatetags import figures
from plans.templatetags import targets

D = Decimal


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (D("1234"), None, "1.234"),
        (D("1234567.25"), 1, "1.234.567,3"),
        (D("99.533333"), 1, "99,5"),
        (D("99.5"), None, "99,5"),
        (D("100.000000"), 1, "100"),
        (D("0.04"), 1, "0"),
        (12, None, "12"),
        (None, 1, "—"),
        ("", None, "—"),
    ],
)
def test_numbers_use_a_decimal_comma_and_a_dot_for_thousands(value, decimals, shown):
    assert xhht.vn_number(value, decimals) == shown


def indicator(label="%", decimals=1, kind="ratio"):
    return SimpleNamespace(unit_label=label, decimals=decimals, kind=kind)


def test_a_measure_carries_the_indicators_unit_label():
    assert figures.measure(D("99.53"), indicator()) == "99,5%"
    assert figures.measure(D("1500"), indicator("người", 0)) == "1.500 người"
    assert figures.measure(D("2"), indicator("", 0)) == "2"
    assert figures.measure(None, indicator()) == "—"


def target(**kw):
    fields = dict(
        indicator=indicator(),
        scope="unit",
        comparator="gt",
        value=D("99"),
        value_max=None,
        commune_share=D("100"),
        measure="rate",
        subject="",
    )
    return SimpleNamespace(**(fields | kw))


def evaluated(t, value, num=None, den=None):
    return SimpleNamespace(target=t, value=value, num=num, den=den)


def test_an_every_commune_figure_reads_communes_met_of_counted_and_the_share():
    t = target(scope="every_commune", indicator=indicator("", 0))
    assert figures.figure(evaluated(t, D("91.666667"), D(11), D(12))) == "11/12 xã (91,7%)"


def test_a_communes_own_figure_on_an_every_commune_target_is_its_value():
    t = target(scope="every_commune", indicator=indicator("", 0), value=D(2))
    assert figures.figure(evaluated(t, D(3), D(3), None)) == "3"


def test_a_figure_without_a_value_is_a_dash():
    assert figures.figure(evaluated(target(), None)) == "—"


def test_a_goal_reads_as_a_sign_and_a_value():
    assert targets.goal(target()) == "> 99%"
    assert targets.goal(target(comparator="gte", value=D("99.5"))) == "≥ 99,5%"
    assert (
        targets.goal(
            target(
                comparator="parity",
                value=D("0.97"),
                value_max=D("1.03"),
                indicator=indicator("", 2),
            )
        )
        == "0,97–1,03"
    )
    every = target(scope="every_commune", comparator="gte", value=D(2), indicator=indicator("", 0))
    assert targets.goal(every) == "100% số xã đạt ≥ 2"


@pytest.mark.parametrize("status", ["met", "not_met", "on_track", "at_risk", "no_data"])
def test_a_status_badge_has_a_colour_class_and_words(status):
    from monitoring.queries import STATUS_LABELS

    html = figures.status_badge(status)
    assert f'class="badge status-{status}"' in html
    assert str(STATUS_LABELS[status]) in html


def test_dates_read_day_month_year():
    assert xhht.vn_date(datetime.date(2020, 1, 3)) == "03/01/2020"
    assert xhht.vn_date(None) == "—"


def test_datetimes_are_shown_in_vietnam_time():
    moment = datetime.datetime(2020, 1, 2, 20, 30, tzinfo=datetime.UTC)
    assert xhht.vn_datetime(moment) == "03/01/2020 03:30"


def test_a_sparkline_draws_one_point_per_year_and_leaves_gaps():
    svg = xhht.sparkline(((2018, D("90")), (2019, None), (2020, D("95")), (2021, D("99"))))
    assert svg.startswith("<svg")
    assert svg.count("<polyline") == 2
    assert "2021: 99" in svg


def test_a_sparkline_needs_two_values():
    assert "<svg" not in xhht.sparkline(((2020, D("95")),))


def test_a_disaggregation_code_shows_its_name_or_a_dash():
    from core.templatetags.xhht import option_name

    assert option_name("F", {"F": "Nữ", "M": "Nam"}) == "Nữ"
    assert option_name("", {"F": "Nữ"}) == "—"
    assert option_name("X", {}) == "X"
