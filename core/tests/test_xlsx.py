"""core.xlsx: hostile text stays text, figures are numbers with Vietnamese display formats,
and formula_cells finds any formula a workbook holds."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

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
    assert [c.value for c in ws[4]] == HOSTILE  # streamed, a carriage return is kept too
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


# --- print-ready sheets ----------------------------------------------------------------------


def stamped(**changes) -> xlsx.Stamp:
    import datetime

    from django.utils import timezone

    fields = {"issuer": "Phòng GD&ĐT Cát Hải", "exported_at": timezone.now(),
              "exported_by": "Nguyễn Văn A", "year": 2020,
              "data_line": xlsx.approved_line(datetime.date(2021, 1, 3))}  # fmt: skip
    return xlsx.Stamp(**(fields | changes))


def test_a_sheet_prints_on_a4_with_its_header_repeated_and_page_numbers():
    columns = [("Một tiêu đề rất dài cần xuống dòng nhiều lần", 10), ("B", 8)]
    sheet = xlsx.Sheet("t", ["Bảng"], columns, [[1, 2]], page=xlsx.Page(xlsx.LANDSCAPE))
    ws = book_of(xlsx.render([sheet], stamped()))
    assert str(ws.page_setup.paperSize) == "9" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    texts = [c.value for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert texts == ["PHÒNG GD&ĐT CÁT HẢI", "Bảng", "Năm 2020",
                     "Số liệu đã duyệt đến ngày 03/01/2021", texts[4]]  # fmt: skip
    assert texts[4].startswith("Xuất ngày ") and texts[4].endswith(", người xuất: Nguyễn Văn A")
    assert ws.print_title_rows == "$7:$7" and ws.freeze_panes == "A8"
    assert ws["A7"].alignment.wrap_text
    lines = xlsx.wrapped_lines(columns[0][0], 10)
    assert lines >= 5 and ws.row_dimensions[7].height == xlsx.row_height(lines)
    assert ws.oddFooter.center.text.strip() == "Trang &P/&N"
    # Every title line spans the table, so a long one wraps inside the printed width.
    assert {str(r) for r in ws.merged_cells.ranges} == {"A2:B2", "A3:B3", "A4:B4", "A5:B5"}


def test_demo_data_is_said_in_the_title_block_and_only_then():
    def block(stamp) -> list[str]:
        ws = book_of(xlsx.render([xlsx.Sheet("t", ["T"], [("A", 8)], [[1]])], stamp))
        return [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]

    assert "Số liệu minh họa (dữ liệu mẫu), không phải số liệu chính thức" in block(
        stamped(demo=True)
    )
    assert not any("minh họa" in text for text in block(stamped()))
    assert "Chưa có số liệu được duyệt" in block(stamped(data_line=xlsx.approved_line(None)))


@pytest.mark.parametrize("text, width, lines", [("Năm sinh", 10, 1), ("Trong đó: nữ", 10, 2),
                                                ("a\nb\nc", 30, 3), ("x" * 40, 10, 5)])  # fmt: skip
def test_wrapped_lines_count_what_a_reader_shows(text, width, lines):
    assert xlsx.wrapped_lines(text, width) == lines


def test_numbered_rows_and_the_signature_block():
    rows = [["a", 1], ["b", 2], xlsx.Unnumbered(["Tổng cộng", 3])]
    sheet = xlsx.Sheet("t", [], [("Tên", 10), ("Số", 8), ("C", 8), ("D", 8), ("E", 8)], rows,
                       numbered=True, signature=True)  # fmt: skip
    ws = book_of(xlsx.render([sheet]))
    assert [c.value for c in ws[2]][:2] == ["STT", "Tên"]
    assert [(r[0], r[1]) for r in ws.iter_rows(min_row=3, max_row=5, values_only=True)] == [
        (1, "a"), (2, "b"), (None, "Tổng cộng")]  # fmt: skip
    assert ws["B5"].font.bold
    assert ws["E7"].value == "…, ngày … tháng … năm …"
    assert (ws["A8"].value, ws["E8"].value) == ("Người lập biểu", "Thủ trưởng đơn vị")
    assert (ws["A9"].value, ws["E9"].value) == ("(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)")
    assert {"A8:B8", "E8:F8", "E7:F7"} <= {str(r) for r in ws.merged_cells.ranges}


def test_a_page_header_escapes_the_ampersand_of_a_units_name():
    wb = Workbook()
    xlsx.print_setup(wb.active, xlsx.Page(), "5:5", stamped(demo=True))
    out = io.BytesIO()
    wb.save(out)
    ws = book_of(out.getvalue())
    assert ws.oddHeader.left.text == "PHÒNG GD&&ĐT CÁT HẢI"  # prints one "&"
    assert (
        ws.oddHeader.center.text == "Số liệu minh họa (dữ liệu mẫu), không phải số liệu chính thức"
    )
    assert ws.print_title_rows == "$5:$5"


def test_a_big_sheet_streams_in_little_memory():
    import tracemalloc

    def persons():
        for n in range(4_000):
            yield [f"H{n}", "Thôn 1", f"P{n}", "Nguyễn Văn A", "nam", 1990 + n % 30, "thường trú",
                   "không", "không", "Có", 1997, 2002, 2006, 9, 2]  # fmt: skip

    sheet = xlsx.Sheet("t", ["Danh sách"], [(f"C{i}", 10) for i in range(15)], persons())
    tracemalloc.start()
    content = xlsx.render([sheet], stamped())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # 60,000 cells: a workbook held in memory takes some 40 MB (openpyxl's cells, styles
    # and the XML tree); streamed, the peak is the compressed file and one row.
    assert peak < 8 * 1024 * 1024, peak / 1024 / 1024
    assert len(content) < 2 * 1024 * 1024
