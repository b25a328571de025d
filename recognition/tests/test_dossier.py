"""The dossier's three documents: what each says, read back from the .docx, and one as PDF."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from docx import Document as WordDocument

from recognition import dossier, testing
from recognition.models import Answer
from reports import pdf


@pytest.fixture
def app(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = testing.build_world()
    app = testing.application(world.tree.commune_a1, world.users.superuser, upto="submitted")
    Answer.objects.filter(application=app, indicator="X2.2").update(
        explanation="Huy động 120 triệu đồng từ doanh nghiệp"
    )
    return app


def text_of(data: bytes) -> str:
    word = WordDocument(io.BytesIO(data))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def test_the_request_goes_to_the_decider_and_asks_for_the_level(app):
    with translation.override("en"):
        text = text_of(dossier.render(app, "to-trinh"))
    assert "TỜ TRÌNH" in text
    assert "TTr-UBND" in text
    assert "Kính gửi: Trưởng phòng Giáo dục và Đào tạo huyện A" in text
    assert "Thị trấn" not in text and "Xã A1" in text
    assert app.criteria_set.source in text
    assert "2024" in text


def test_the_report_gives_each_indicator_its_value_explanation_evidence_and_status(app):
    text = text_of(dossier.render(app, "bao-cao"))
    assert "BÁO CÁO" in text and "BC-UBND" in text
    for code in ("X1.1", "X2.2", "X4.2", "X5.1", "X5.2"):
        assert code in text
    assert "Huy động 120 triệu đồng từ doanh nghiệp" in text
    assert "X5.1.pdf" in text  # the evidence list
    assert "60/100 (60%)" in text  # a rate from its counts


def test_the_summary_is_a_table_row_per_indicator(app):
    word = WordDocument(io.BytesIO(dossier.render(app, "tong-hop")))
    table = next(t for t in word.tables if len(t.rows) > 10)
    codes = [row.cells[1].text.split(".")[0] + "." + row.cells[1].text.split(".")[1]
             for row in table.rows[1:-1]]  # fmt: skip
    assert len(codes) == 15 and codes[0] == "X1.1" and codes[-1] == "X5.2"
    x42 = next(row for row in table.rows if row.cells[1].text.startswith("X4.2"))
    assert x42.cells[3].text != "—"


def test_an_unknown_part_is_refused(app):
    with pytest.raises(KeyError):
        dossier.document(app, "bien-ban")


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_the_summary_converts_to_pdf(app):
    data = pdf.to_pdf(dossier.render(app, "tong-hop"))
    assert data.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("title", "office", "expected"),
    [
        ("Trưởng phòng Giáo dục và Đào tạo", "Huyện Cát Hải",
         "Trưởng phòng Giáo dục và Đào tạo huyện Cát Hải"),
        ("Chủ tịch Ủy ban nhân dân cấp huyện (Phòng Giáo dục và Đào tạo thẩm định)",
         "Huyện A", "Chủ tịch Ủy ban nhân dân huyện A"),
        ("Giám đốc Sở Giáo dục và Đào tạo (chưa xác nhận)", "Thành phố Hải Phòng",
         "Giám đốc Sở Giáo dục và Đào tạo thành phố Hải Phòng"),
    ],
)  # fmt: skip
def test_the_request_is_addressed_to_the_decider_of_the_office(title, office, expected):
    assert dossier.addressee(title, office) == expected
