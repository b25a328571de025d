"""Every .xlsx export prints as an office sends it: A4 in the table's orientation, fitted to
the page's width, the header on every page, page numbers, a title block (issuing unit, year,
the last approval of the figures, the export's date and user, "Số liệu minh họa" on demo
data only), numbers as numbers with Vietnamese formats; and, where LibreOffice is installed,
its PDF is one page wide with the header on every page.

Exports covered: the dashboard and a target's breakdown (monitoring), the PCGD-XMC persons
list, statistical tables and standards (universalization). The reminder list and the
collection templates are covered beside their own tests (collection/tests).
"""

from __future__ import annotations

import pytest
from django.db.models import Max
from django.utils import timezone

from core.print_testing import (
    DEMO_LINE,
    assert_numbers,
    assert_print_ready,
    book_of,
    header_row,
    pdf_pages,
    soffice_pdf,
    table,
    title_texts,
)
from indicators.models import DataValue
from monitoring.queries import values_behind
from plans.testing import build_world
from universalization.models import Person
from universalization.testing import build_register

TABLES_URL = "/units/D-A/pcgd/tables.xlsx?year=2020"
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)  # points, as a PDF gives them


@pytest.fixture
def world(db):
    return build_world()


def get(client, user, url: str):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def dashboard_url(world) -> str:
    return f"/units/D-A/dashboard.xlsx?plan={world.plan.plan.code}&year=2020"


def approved_on(**filters) -> str:
    latest = DataValue.objects.filter(**filters).aggregate(m=Max("updated_at"))["m"]
    return timezone.localtime(latest).strftime("%d/%m/%Y")


# --- the dashboard and a breakdown -----------------------------------------------------------


def test_the_dashboard_prints_landscape_one_page_wide_with_its_title_block(client, world):
    ws = book_of(get(client, world.users.district_admin, dashboard_url(world))).active
    day = approved_on(unit__path__startswith=world.tree.district_a.path, period__year=2020)
    assert_print_ready(ws, "landscape", demo=False, texts=(
        "HUYỆN A", "Kết quả thực hiện các chỉ tiêu", world.plan.plan.number, "Năm 2020",
        f"Số liệu đã duyệt đến ngày {day}",
    ))  # fmt: skip
    rows = table(ws)
    literacy = next(i for i, r in enumerate(rows) if r[0] == world.plan.literacy.clause)
    row = header_row(ws) + 1 + literacy
    assert_numbers([ws.cell(row, 4)], "0.0%")  # 99,6% as the fraction 0.996
    assert_numbers([ws.cell(row, 5), ws.cell(row, 6)], "#,##0")  # 1.493 and 1.500
    assert ws.cell(header_row(ws), 2).value == "Chỉ tiêu"


def test_the_export_says_so_when_no_figure_is_approved_yet(client, world):
    DataValue.objects.all().delete()
    ws = book_of(get(client, world.users.district_admin, dashboard_url(world))).active
    assert "Chưa có số liệu được duyệt" in title_texts(ws)


def test_demo_figures_are_marked_on_the_dashboard_and_the_pcgd_tables(client, world):
    build_register(world)
    behind = values_behind(world.plan.literacy, world.tree.district_a, 2020).first()
    DataValue.objects.filter(pk=behind.pk).update(source="demo")  # one demo figure is enough
    dashboard = book_of(get(client, world.users.district_admin, dashboard_url(world))).active
    assert any(DEMO_LINE in text for text in title_texts(dashboard))
    tables = book_of(get(client, world.users.district_admin, TABLES_URL))
    assert all(any(DEMO_LINE in t for t in title_texts(ws)) for ws in tables.worksheets)


def test_a_breakdown_prints_portrait_one_page_wide(client, world):
    target = world.plan.literacy
    content = get(client, world.users.viewer, f"/units/D-A/targets/{target.pk}.xlsx?year=2020")
    ws = book_of(content).active
    assert_print_ready(ws, "portrait", demo=False, texts=("HUYỆN A", target.text, "Năm 2020"))
    first = header_row(ws) + 1
    assert_numbers([ws.cell(first, 2)], "0.0%")
    assert_numbers([ws.cell(first, 3), ws.cell(first, 4)], "#,##0")


# --- the PCGD-XMC workbooks ------------------------------------------------------------------


def test_the_persons_list_prints_its_15_columns_landscape_one_page_wide(client, world):
    build_register(world)
    url = "/units/C-A1/pcgd/persons.xlsx?year=2020&rate=attending_5&meeting=1"
    ws = book_of(get(client, world.users.district_admin, url)).active
    latest = Person.objects.filter(commune=world.tree.commune_a1).aggregate(m=Max("updated_at"))
    day = timezone.localtime(latest["m"]).strftime("%d/%m/%Y")
    assert_print_ready(ws, "landscape", demo=False, texts=(
        "XÃ A1", "Năm 2020", f"Số liệu tính từ sổ theo dõi, cập nhật đến ngày {day}",
    ))  # fmt: skip
    assert len([c for c in ws[header_row(ws)] if c.value]) == 15
    rows = table(ws)
    assert len(rows) == 19 and all(isinstance(r[5], int) for r in rows)  # birth years


def test_the_statistical_tables_have_the_form_heading_stt_and_the_signature_block(client, world):
    build_register(world)
    book = book_of(get(client, world.users.district_admin, TABLES_URL))
    for ws in book.worksheets:
        assert_print_ready(ws, "landscape", demo=False, texts=(
            "HUYỆN A", "Sổ theo dõi phổ cập giáo dục, xóa mù chữ", "Thông tư 07/2016/TT-BGDĐT",
            "Biểu thống kê phổ cập giáo dục, xóa mù chữ theo năm sinh", "Năm 2020",
        ))  # fmt: skip
        assert ws.cell(header_row(ws), 1).value == "STT"
        rows = table(ws)
        assert [r[0] for r in rows[:-1]] == list(range(1, 62))  # 61 birth years numbered
        assert rows[-1][0] is None and rows[-1][1] == "Tổng cộng"
        first = header_row(ws) + 1
        assert_numbers([ws.cell(first, c) for c in range(4, 16)], "#,##0")
        after = [v for row in ws.iter_rows(min_row=first + len(rows), values_only=True)
                 for v in row if v]  # fmt: skip
        assert after == ["…, ngày … tháng … năm …", "Người lập biểu", "Thủ trưởng đơn vị",
                         "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"]  # fmt: skip


def test_the_standards_workbooks_print_on_a4(client, world):
    build_register(world)
    commune = book_of(get(client, world.users.district_admin,
                          "/units/C-A1/pcgd/standards.xlsx?year=2020")).active  # fmt: skip
    assert_print_ready(commune, "landscape", demo=False, texts=("XÃ A1", "Năm 2020"))
    url = "/units/D-A/pcgd/standards.xlsx?year=2020"
    communes, summary = book_of(get(client, world.users.district_admin, url)).worksheets
    assert_print_ready(communes, "landscape", demo=False, texts=("HUYỆN A",))
    assert_print_ready(summary, "portrait", demo=False, texts=("HUYỆN A",))
    first = header_row(summary) + 1
    assert_numbers([summary.cell(first, 4), summary.cell(first, 5)], "#,##0")
    assert_numbers([summary.cell(first, 6)], '"≥ "0%')


# --- LibreOffice, as an official prints them -------------------------------------------------


def test_libreoffice_prints_the_dashboard_on_one_a4_page(client, world, tmp_path):
    pdf = soffice_pdf(get(client, world.users.district_admin, dashboard_url(world)), tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) == 1  # fitted one page wide; a small dashboard is one page long too
    width, height, text = pages[0]
    assert (round(width), round(height)) == A4_LANDSCAPE
    assert "Trang 1/1" in text and "Đánh giá" in text  # the last column is on the page


def test_libreoffice_repeats_the_header_on_every_page_of_the_table(client, world, tmp_path):
    build_register(world)
    content = get(client, world.users.district_admin, "/units/C-A1/pcgd/tables.xlsx?year=2020")
    pages = pdf_pages(soffice_pdf(content, tmp_path))
    assert len(pages) >= 2  # 61 birth years and the signature block run over a page
    for number, (width, height, text) in enumerate(pages, start=1):
        assert (round(width), round(height)) == A4_LANDSCAPE
        assert "STT" in text and "Năm sinh" in text, number  # the repeated header
        assert f"Trang {number}/{len(pages)}" in text
        assert "Biết chữ mức" in text  # the last column: one page wide
    assert "Thủ trưởng đơn vị" in pages[-1][2]
