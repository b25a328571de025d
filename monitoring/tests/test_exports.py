"""The dashboard's tables as .xlsx: the same figures as the pages, within the same scope."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from monitoring import exports


def rows_of(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def test_the_dashboard_exports_every_target_with_its_figure_and_status(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(f"/units/D-A/dashboard.xlsx?plan={world.plan.plan.code}&year=2020")
    assert response.status_code == 200
    rows = rows_of(response)
    literacy = next(r for r in rows if r[0] == world.plan.literacy.clause)
    assert (literacy[4], literacy[5]) == (1493, 1500)  # 995 + 498 of 1,000 + 500 in 2020
    assert literacy[6] == "Đạt"


def test_a_breakdown_exports_one_row_per_unit_below(client, world):
    client.force_login(world.users.viewer)
    target = world.plan.literacy
    response = client.get(f"/units/D-A/targets/{target.pk}.xlsx?year=2020")
    units = {r[0] for r in rows_of(response)}
    assert {"Xã A1", "Thị trấn A2"} <= units


@pytest.mark.parametrize("role", ["other_district", "commune_reporter"])
def test_the_exports_of_a_unit_outside_the_scope_are_404(client, world, role):
    client.force_login(getattr(world.users, role))
    assert client.get("/units/D-A/dashboard.xlsx?year=2020").status_code == 404
    target = world.plan.literacy
    assert client.get(f"/units/D-A/targets/{target.pk}.xlsx?year=2020").status_code == 404


@pytest.mark.parametrize(
    "kind, factor, unit_label, decimals, value, shown",
    [("parity", 1, "", 0, "1", (1, "#,##0.00")),  # 1,00: never "1" for an index
     ("parity", 1, "", 3, "0.996", (0.996, "#,##0.000")),
     ("ratio", 1, "", 1, "1.5", (1.5, "#,##0.00")),  # a plain ratio: 2 places
     ("ratio", 100, "%", 1, "99.5", (0.995, "0.0%")),  # a percentage as a fraction
     ("ratio", 1000, "‰", 1, "12", (12, '#,##0.0 "‰"'))],
)  # fmt: skip
def test_a_figure_is_a_number_whose_format_shows_its_kind(
    kind, factor, unit_label, decimals, value, shown
):
    indicator = SimpleNamespace(kind=kind, factor=factor, unit_label=unit_label, decimals=decimals)
    target = SimpleNamespace(indicator=indicator, scope="unit", measure="value", subject="")
    cell = exports.figure_cell(SimpleNamespace(target=target, value=Decimal(value), den=None))
    assert (cell.value, cell.number_format) == (pytest.approx(shown[0]), shown[1])
