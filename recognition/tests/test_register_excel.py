"""Tests of the yearly tallies table: per village for a commune, per commune above, no formula."""

from __future__ import annotations

import io

import pytest
from django.utils.translation import gettext
from openpyxl import load_workbook

from core.xlsx import formula_cells
from recognition import register_excel
from recognition.registers import save_tallies
from units.testing import build_tree, build_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(monkeypatch):
    monkeypatch.setattr("recognition.publishing.publish_tallies", lambda *a, **k: None)
    tree = build_tree()
    admin = build_users(tree).superuser
    save_tallies(tree.commune_a1, 2024, [
        {"village": "=HYPERLINK(\"x\")", "model": "family", "total": 40, "registered": 30,
         "recognised": 30},
        {"village": "Thôn 2", "model": "family", "total": 60, "registered": 50, "recognised": 40},
        {"village": "Thôn 2", "model": "clan", "total": 3},
    ], actor=admin)  # fmt: skip
    other = {"village": "Thôn 9", "model": "family", "total": 100, "registered": 10,
             "recognised": 0}  # fmt: skip
    save_tallies(tree.commune_a2, 2024, [other], actor=admin)
    return tree


def rows_of(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def find(rows, text):
    return next(r for r in rows if text in r)


def test_a_commune_table_has_a_row_per_village_and_a_total_without_formulas(tree):
    content = register_excel.render(tree.commune_a1, 2024)
    assert formula_cells(content) == []
    rows = rows_of(content)
    hostile = find(rows, '=HYPERLINK("x")')
    assert hostile[2:6] == (40, 30, 30, 0.75)
    village = find(rows, "Thôn 2")
    assert village[2:10] == (60, 50, 40, pytest.approx(40 / 60), 3, None, None, None)
    total = find(rows, gettext("Total"))
    assert total[0] is None and total[2:6] == (100, 80, 70, 0.7)


def test_a_district_table_has_a_row_per_commune(tree):
    rows = rows_of(register_excel.render(tree.district_a, 2024))
    assert find(rows, "Xã A1")[2:5] == (100, 80, 70)
    assert find(rows, "Thị trấn A2")[2:6] == (100, 10, 0, 0)
    assert find(rows, gettext("Total"))[2:6] == (200, 90, 70, 0.35)
