"""Numbers the value store cannot hold, or a count cannot be, get a Vietnamese answer through
the form and the API (and the row-level check the Excel import calls): never a server error,
never a silent rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from collection import services, validation
from collection.forms_spec import VALUE_BOUNDS, form_spec
from collection.models import Entry
from indicators.models import DataValue

P, OFF = ("persons", "", "15-60"), ("officials", "", "")
P_NAME, OFF_NAME = "value:persons::15-60", "value:officials::"
TOO_LARGE = ["100000000000000", "100.000.000.000.000", "1" + "0" * 40]


def test_the_bounds_come_from_the_stores_columns():
    for field in (Entry._meta.get_field("value"), DataValue._meta.get_field("value")):
        assert VALUE_BOUNDS.max_digits <= field.max_digits
        assert VALUE_BOUNDS.decimal_places <= field.decimal_places
    assert VALUE_BOUNDS.largest >= Decimal(10) ** 13


@pytest.fixture
def reporter(client, world):
    client.force_login(world.users.commune_reporter)
    return client


@pytest.fixture
def a1(collection):
    return collection.submissions["C-A1"]


def post_form(client, submission, values):
    data = {"version": submission.version, "save": "1", **values}
    return client.post(f"/collection/submissions/{submission.pk}/", data)


# --- the form ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", TOO_LARGE + ["0,00001"])
def test_the_form_refuses_what_the_store_cannot_hold_and_keeps_the_typing(reporter, a1, text):
    response = post_form(reporter, a1, {P_NAME: text, OFF_NAME: "40"})
    assert response.status_code == 200
    assert "không lưu được" in response.text
    assert f'value="{text}"' in response.text
    assert services.current_values(a1) == {OFF: Decimal("40")}


def test_the_form_stores_ten_to_the_thirteenth_exactly(reporter, a1):
    response = post_form(reporter, a1, {OFF_NAME: "10.000.000.000.000"})
    assert "không lưu được" not in response.text  # the draft is saved (other fields missing)
    assert services.current_values(a1) == {OFF: Decimal(10) ** 13}


@pytest.mark.parametrize("text, rule", [("-1", "non_negative"), ("1,5", "whole")])
def test_the_form_names_a_negative_or_a_fraction_in_a_count(reporter, a1, text, rule):
    response = post_form(reporter, a1, {OFF_NAME: text})
    assert response.status_code == 200
    assert f'data-rule="{rule}"' in response.text and "problem-hard" in response.text


def test_the_form_reads_a_grouped_number_with_a_decimal_comma(reporter, a1, world):
    level = world.ind.officials
    level.value_type = "level"
    level.save()
    assert "không lưu được" not in post_form(reporter, a1, {OFF_NAME: "1.234,5"}).text
    assert services.current_values(a1) == {OFF: Decimal("1234.5")}


# --- the API ----------------------------------------------------------------------------


@pytest.fixture
def api(world) -> APIClient:
    client = APIClient()
    client.force_login(world.users.commune_reporter)
    return client


def put(api, a1, value):
    body = {"version": a1.version, "values": [{"element": "officials", "value": value}]}
    return api.put(f"/api/v1/collection/submissions/{a1.pk}/entries/", body, format="json")


@pytest.mark.parametrize("value", [10**14, 1e14, 1e300, "100.000.000.000.000", "0,00001",
                                   0.00001, "1" + "0" * 40])  # fmt: skip
def test_the_api_refuses_what_the_store_cannot_hold_and_saves_nothing(api, a1, value):
    response = put(api, a1, value)
    assert response.status_code == 400, response.content
    (bad,) = response.json()["unreadable"]
    assert "chữ số" in bad["explanation"]
    assert not Entry.objects.filter(submission=a1).exists()


@pytest.mark.parametrize("value, stored", [(10**13, 10**13), ("1.234", 1234),
                                           ("99.999.999.999.999", 99_999_999_999_999)])  # fmt: skip
def test_the_api_stores_large_numbers_that_fit_exactly(api, a1, value, stored):
    assert put(api, a1, value).status_code == 200
    assert services.current_values(a1) == {OFF: Decimal(stored)}


@pytest.mark.parametrize("value, rule", [(-1, "non_negative"), ("1,5", "whole"), (1.5, "whole")])
def test_the_api_names_a_negative_or_a_fraction_in_a_count(api, a1, value, rule):
    response = put(api, a1, value)
    assert response.status_code == 200
    assert rule in {p["rule"] for p in response.json()["problems"]}


# --- the import -------------------------------------------------------------------------
# The import's own tests (collection/tests/test_excel*.py) send these through the upload; here,
# the row-level check it uses: what a cell should hold when its number will not do.


@pytest.mark.parametrize(
    "number, expected",
    [(Decimal(10) ** 14, "14 chữ số trước dấu phẩy"), (Decimal("1e20"), "14 chữ số trước dấu phẩy"),
     (Decimal("0.00001"), "4 chữ số sau dấu phẩy"), (Decimal(-1), "số nguyên, từ 0 trở lên"),
     (Decimal("1.5"), "số nguyên, từ 0 trở lên"), (Decimal("NaN"), "14 chữ số trước dấu phẩy")],
)  # fmt: skip
def test_a_cell_the_store_or_a_count_cannot_hold_gets_a_vietnamese_expectation(
    collection, number, expected
):
    officials = next(c.field for c in form_spec(collection.data_set).cells if c.key == OFF)
    assert expected in validation.expected_of(officials, number)


@pytest.mark.parametrize("number", [Decimal(10) ** 13, Decimal("99999999999999"), Decimal(0)])
def test_a_cell_the_store_holds_exactly_passes(collection, number):
    officials = next(c.field for c in form_spec(collection.data_set).cells if c.key == OFF)
    assert validation.expected_of(officials, number) is None
