"""core.xlsx: hostile text stays text, figures are numbers with Vietnamese display formats,
and formula_cells finds any formula a workbook holds."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.xml import LXML

from core import xlsx

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "= 100%"]


def book_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_a_workbook_with_a_formula_is_caught_both_ways():
    wb = Workbook()
    wb.active["A1"] = "=1+1"
    out = io.BytesIO()
    wb.save(out)
    assert xlsx.formula_cells(out.getvalue()) == ["Sheet!A1", "xl/worksheets/sheet1.xml"]


def test_the_renderer_writes_hostile_heading_header_and_cells_as_text():
    sheet = xlsx.Sheet("t", HOSTILE[:1], [(h, 10) for h in HOSTILE], [HOSTILE])
    content = xlsx.render([sheet])
    assert xlsx.formula_cells(content) == []
    ws = book_of(content)
    # openpyxl writes through lxml when it is installed (python-docx brings it), which keeps
    # a carriage return; its own writer leaves it to XML, which reads it back as a newline.
    kept = HOSTILE if LXML else [h.replace("\r", "\n") for h in HOSTILE]
    assert [c.value for c in ws[4]] == kept
    assert {c.data_type for c in ws[4]} == {"s"}


def test_the_write_only_writer_keeps_hostile_text_and_formats():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([xlsx.write_only_cell(ws, h) for h in HOSTILE[:4]]
              + [xlsx.write_only_cell(ws, xlsx.percent(Decimal("95.5")))])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    assert xlsx.formula_cells(out.getvalue()) == []
    cells = list(book_of(out.getvalue())[1])
    assert [c.value for c in cells[:4]] == HOSTILE[:4]
    assert (cells[4].value, cells[4].number_format) == (pytest.approx(0.955), "0.0%")


@pytest.mark.parametrize(
    "made, value, number_format",
    [(xlsx.number(1234), 1234, "#,##0"),
     (xlsx.number(Decimal("1234.50")), 1234.5, "#,##0.0"),
     (xlsx.number(Decimal("2"), 1), 2, "#,##0.0"),
     (xlsx.number(12, 0, "người"), 12, '#,##0 "người"'),
     (xlsx.number(12, 0, 'x"y'), 12, '#,##0 "xy"'),
     (xlsx.percent(Decimal("99.5")), 0.995, "0.0%"),
     (xlsx.percent(95, 0, "≥ "), 0.95, '"≥ "0%'),
     (xlsx.percent(None), None, "General")],
)  # fmt: skip
def test_figures_are_numbers_with_a_display_format(made, value, number_format):
    content = xlsx.render([xlsx.Sheet("t", [], [("v", 8)], [[made]])])
    cell = book_of(content)["A3"]
    assert cell.value == (pytest.approx(value) if value is not None else None)
    assert cell.number_format == number_format
    assert cell.data_type == "n"
