"""The Word renderer: the NĐ 30/2020 layout read back from the .docx it writes (no database)."""

from __future__ import annotations

import dataclasses
import datetime
import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from core.documents import Annex, Document, Heading, Paragraph, Table
from reports.docx import LAYOUT, RANGES, Layout, render, validate
from reports.letterhead import Letterhead, Signer

FONT = "Times New Roman"


def letterhead(**changes) -> Letterhead:
    base = Letterhead(
        parent_name="",
        issuer_name="Ủy ban nhân dân huyện Cát Hải",
        symbol="BC-UBND",
        place="Cát Hải",
        recipients=("Sở Giáo dục và Đào tạo thành phố Hải Phòng",),
        copies_to=("CT, các PCT UBND huyện",),
        filing="Lưu: VT, GD&ĐT",
        signer=Signer("Nguyễn Văn A", "Phó Chủ tịch", ("TM. Ủy ban nhân dân", "KT. Chủ tịch")),
    )
    return dataclasses.replace(base, **changes)


def document(**changes) -> Document:
    table = Table(("STT", "Chỉ tiêu", "Kết quả"), (("1", "Tỷ lệ biết chữ", "99,5%"),))
    return Document(
        letterhead=changes.pop("letterhead", letterhead()),
        kind="Báo cáo",
        subject="Kết quả thực hiện Kế hoạch số 08/KH-BCĐ năm 2020",
        body=[
            Heading("Công tác chỉ đạo, điều hành"),
            Heading("Xóa mù chữ", 2),
            Heading("Mức độ 1", 3),
            Heading("Mức độ 2", 3),
            Heading("Kết quả thực hiện mục tiêu"),
            Heading("Giáo dục", 2),
            table,
            Paragraph("Trên đây là báo cáo kết quả năm 2020."),
        ],
        annexes=[
            Annex("Chỉ tiêu và kết quả", (table,)),
            Annex("Nhiệm vụ theo cơ quan", (table,), landscape=True),
        ],
        **changes,
    )


def opened(doc: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(doc)))


def texts(word) -> list[str]:
    return [p.text for p in word.paragraphs]


def cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def test_the_layout_table_holds_the_decrees_ranges():
    assert validate(LAYOUT) is LAYOUT
    for name, (low, high) in RANGES.items():
        assert low <= getattr(LAYOUT, name) <= high, name


@pytest.mark.parametrize(
    "change",
    [
        {"margin_left": 25},
        {"margin_top": 30},
        {"body": 12},
        {"copies": 12},
        {"number": 14},
        {"page_width": 216},
        {"line_spacing": 2},
    ],  # fmt: skip
)
def test_a_layout_outside_the_decree_is_refused(change):
    with pytest.raises(ValueError, match=next(iter(change))):
        validate(Layout(**change))
    with pytest.raises(ValueError):
        render(document(), Layout(**change))


def mm(length) -> float:
    """A length as Word stores it (whole twips), in millimetres to the tenth."""
    return round(length.mm, 1)


def test_the_page_is_a4_portrait_with_the_decrees_margins():
    section = opened(document()).sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert section.orientation == 0
    assert mm(section.top_margin) == LAYOUT.margin_top and 20 <= LAYOUT.margin_top <= 25
    assert mm(section.bottom_margin) == LAYOUT.margin_bottom
    assert mm(section.left_margin) == LAYOUT.margin_left and 30 <= LAYOUT.margin_left <= 35
    assert mm(section.right_margin) == LAYOUT.margin_right and 15 <= LAYOUT.margin_right <= 20


def test_times_new_roman_fills_every_script_slot_and_no_theme_font_overrides_it():
    word = opened(document())
    normal = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert normal.get(qn(slot)) == FONT
    defaults = word.styles.element.find(qn("w:docDefaults")).find(
        qn("w:rPrDefault") + "/" + qn("w:rPr") + "/" + qn("w:rFonts")
    )
    assert defaults.get(qn("w:eastAsia")) == FONT
    assert not [k for k in defaults.attrib if k.endswith("Theme") or k.endswith("theme")]
    assert word.styles["Normal"].font.size == Pt(LAYOUT.body)


def test_the_header_is_a_borderless_two_column_table_with_the_four_boxes():
    word = opened(document())
    header = word.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    issuer, national = header.rows[0].cells
    assert cell_texts(issuer) == ["ỦY BAN NHÂN DÂN", "HUYỆN CÁT HẢI"]
    assert cell_texts(national) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert all(r.bold for p in national.paragraphs for r in p.runs)
    assert all(r.bold for p in issuer.paragraphs for r in p.runs)
    number, place = header.rows[1].cells
    assert number.paragraphs[0].text.replace("\u00a0", " ").split() == ["Số:", "/BC-UBND"]
    assert number.paragraphs[0].runs[0].font.size == Pt(13)
    date = place.paragraphs[0]
    assert date.text.startswith("Cát Hải, ngày") and date.runs[0].italic
    # The rules: under the issuing body and under the Tiêu ngữ, as paragraph borders.
    for cell in (issuer, national):
        assert any(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None
                   for p in cell.paragraphs)  # fmt: skip


def test_a_parent_body_stands_upright_above_the_bold_issuer():
    head = letterhead(parent_name="UBND huyện Cát Hải", issuer_name="Phòng Giáo dục và Đào tạo")
    issuer = opened(document(letterhead=head)).tables[0].rows[0].cells[0]
    parent, body = [p for p in issuer.paragraphs if p.text][:2]
    assert (parent.text, parent.runs[0].bold) == ("UBND HUYỆN CÁT HẢI", False)
    assert (body.text, body.runs[0].bold) == ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", True)


def test_number_and_date_of_an_issued_report_are_padded_as_the_decree_says():
    head = letterhead(number=8, issued_on=datetime.date(2021, 1, 5))
    assert head.number_line() == "Số: 08/BC-UBND"
    assert head.date_line(2021) == "Cát Hải, ngày 05 tháng 01 năm 2021"
    december = letterhead(issued_on=datetime.date(2020, 12, 3))
    assert december.date_line(2020) == "Cát Hải, ngày 03 tháng 12 năm 2020"
    row = opened(document(letterhead=head)).tables[0].rows[1]
    assert row.cells[0].paragraphs[0].text == "Số: 08/BC-UBND"


def test_the_type_and_trich_yeu_are_bold_and_centred_then_one_recipient_on_the_line():
    paragraphs = opened(document()).paragraphs
    lines = [p.text for p in paragraphs]
    kind = paragraphs[lines.index("BÁO CÁO")]
    subject = paragraphs[lines.index("Kết quả thực hiện Kế hoạch số 08/KH-BCĐ năm 2020")]
    assert kind.runs[0].bold and subject.runs[0].bold
    assert kind.alignment == subject.alignment == 1  # centred
    assert "Kính gửi: Sở Giáo dục và Đào tạo thành phố Hải Phòng" in lines


def test_several_recipients_are_listed_under_kinh_gui():
    head = letterhead(recipients=("Sở Giáo dục và Đào tạo", "Ủy ban nhân dân thành phố"))
    lines = texts(opened(document(letterhead=head)))
    start = lines.index("Kính gửi:")
    assert lines[start + 1 : start + 3] == [
        "- Sở Giáo dục và Đào tạo;",
        "- Ủy ban nhân dân thành phố.",
    ]


def test_the_body_is_justified_with_a_first_line_indent_and_numbered_headings():
    word = opened(document())
    lines = texts(word)
    for expected in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "1. Xóa mù chữ", "a) Mức độ 1",
                     "b) Mức độ 2", "II. KẾT QUẢ THỰC HIỆN MỤC TIÊU", "1. Giáo dục"):  # fmt: skip
        assert expected in lines
    closing = next(p for p in word.paragraphs if p.text.startswith("Trên đây"))
    assert closing.text == "Trên đây là báo cáo kết quả năm 2020./."
    assert closing.alignment == 3  # justified
    assert closing.paragraph_format.first_line_indent is not None
    assert closing.paragraph_format.space_before == Pt(6)


def test_noi_nhan_sits_level_with_the_signers_authority_line():
    word = opened(document())
    footer = next(t for t in word.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    left, right = footer.rows[0].cells
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    assert heading.runs[0].bold and heading.runs[0].italic and heading.runs[0].font.size == Pt(12)
    items = [p for p in left.paragraphs[1:] if p.text]
    assert [p.text for p in items] == [
        "- Như trên;",
        "- CT, các PCT UBND huyện;",
        "- Lưu: VT, GD&ĐT.",
    ]
    assert {p.runs[0].font.size for p in items} == {Pt(11)}
    signer = cell_texts(right)
    assert signer == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    assert right.paragraphs[0].runs[0].bold


def test_without_kinh_gui_noi_nhan_has_no_nhu_tren():
    word = opened(document(letterhead=letterhead(recipients=())))
    assert not any(p.text.startswith("Kính gửi") for p in word.paragraphs)
    footer = next(t for t in word.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    assert "- Như trên;" not in cell_texts(footer.rows[0].cells[0])


def test_an_advisory_body_signs_with_its_title_over_the_hosts_position():
    signer = Signer(
        "Hoàng Hồng Luân", "Trưởng ban", (), host_position="Phó Chủ tịch Ủy ban nhân dân"
    )
    word = opened(document(letterhead=letterhead(signer=signer)))
    footer = next(t for t in word.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    assert cell_texts(footer.rows[0].cells[1]) == [
        "TRƯỞNG BAN", "PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN", "Hoàng Hồng Luân",
    ]  # fmt: skip


def test_page_numbers_from_page_two_centred_in_the_top_margin():
    section = opened(document()).sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == 1
    assert "PAGE" in "".join(t.text for t in header._p.iter(qn("w:instrText")))
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()


def test_each_annex_is_a_landscape_section_numbered_from_one_with_its_reference_line():
    word = opened(document())
    annexes = word.sections[1:]
    assert len(annexes) == 2
    for section in annexes:
        assert section.orientation == 1 and mm(section.page_width) == 297
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
        assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    lines = texts(word)
    assert "Phụ lục I" in lines and "Phụ lục II" in lines
    assert "CHỈ TIÊU VÀ KẾT QUẢ" in lines
    reference = "(Kèm theo Báo cáo số …/BC-UBND ngày … tháng … năm "
    assert sum(line.startswith(reference) for line in lines) == 2
    assert lines[lines.index("Phụ lục I") + 2].endswith("của Ủy ban nhân dân huyện Cát Hải)")


def test_tables_repeat_their_header_row_and_keep_every_cell():
    word = opened(document())
    grid = next(t for t in word.tables if t.rows[0].cells[0].text == "STT")
    assert [c.text for c in grid.rows[1].cells] == ["1", "Tỷ lệ biết chữ", "99,5%"]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)


def test_demo_figures_are_marked_under_the_trich_yeu_and_on_every_annex():
    note = "Số liệu minh họa (dữ liệu tổng hợp), không phải số liệu thật."
    lines = texts(opened(document(notes=[note], demo=True)))
    assert lines.count(note) == 3
