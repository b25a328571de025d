"""manage.py yearly_report: a .docx from the current approved data, Vietnamese errors."""

from __future__ import annotations

import docx
import pytest
from django.core.management import CommandError, call_command


def test_it_writes_the_report_of_a_plan_for_a_unit(world, tmp_path):
    out = tmp_path / "a.docx"
    call_command("yearly_report", plan="kh-a-2020", unit="D-A", year=2020, output=str(out))
    word = docx.Document(str(out))
    lines = [p.text for p in word.paragraphs]
    assert "BÁO CÁO" in lines and "Kết quả thực hiện Kế hoạch số 08/KH-BCĐ năm 2020" in lines
    assert [c.paragraphs[0].text for c in word.tables[0].rows[0].cells] == [
        "UBND HUYỆN A", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]  # fmt: skip
    assert len(word.sections) > 1  # annexes


def test_a_plan_is_also_found_by_its_number_as_printed(world, tmp_path):
    out = tmp_path / "a.docx"
    call_command("yearly_report", plan="08/kh-bcđ", unit="D-A", year=2020, output=str(out))
    assert "BÁO CÁO" in [p.text for p in docx.Document(str(out)).paragraphs]


@pytest.mark.parametrize(
    "options, message",
    [
        (
            {"plan": "no-such-plan", "unit": "D-A"},
            "Không có kế hoạch nào mang mã hay số no-such-plan. Các kế hoạch: kh-a-2020.",
        ),
        (
            {"plan": "kh-a-2020", "unit": "X-9"},
            "Không có đơn vị nào mang mã X-9 vào cuối năm 2020.",
        ),
        ({"plan": "kh-a-2020", "unit": "D-B"}, "Huyện B không báo cáo theo Kế hoạch 08/KH-BCĐ."),
    ],
)
def test_it_refuses_in_vietnamese(world, tmp_path, options, message):
    out = tmp_path / "a.docx"
    with pytest.raises(CommandError, match=message):
        call_command("yearly_report", year=2020, output=str(out), **options)
    assert not out.exists()
