"""Vietnamese numbers as pages, exports and reports show them (core.templatetags.xhht)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from core.templatetags.xhht import vn_number
from indicators.models import Indicator
from monitoring.templatetags.figures import measure


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_whole_numbers_drop_their_zero_decimals_and_group_thousands():
    assert vn_number(Decimal("1234")) == "1.234"
    assert vn_number(Decimal("99.50"), 1) == "99,5"
    assert vn_number(Decimal("100.0"), 1) == "100"


def test_untrimmed_keeps_the_precision_asked():
    assert vn_number(Decimal("1"), 3, trim=False) == "1,000"
    assert vn_number(Decimal("0.98"), 3, trim=False) == "0,980"


def test_a_parity_index_shows_its_decimals_a_rate_does_not():
    parity = SimpleNamespace(kind=Indicator.Kind.PARITY, decimals=3, unit_label="")
    rate = SimpleNamespace(kind=Indicator.Kind.RATIO, decimals=1, unit_label="%")
    assert measure(Decimal("1"), parity) == "1,000"
    assert measure(Decimal("100"), rate) == "100%"
