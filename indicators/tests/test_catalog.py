"""Tests for loading the indicator catalog: schema, cross-references, idempotent upsert."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.datafile import DataFileError
from indicators.catalog import load_catalog, read_catalog
from indicators.models import DataElement, Disaggregation, Indicator

CATALOG = Path(settings.BASE_DIR) / "data" / "indicators" / "learning-society.yaml"
TEXT = CATALOG.read_text(encoding="utf-8")

pytestmark = pytest.mark.django_db


def snapshot() -> list:
    models = [Disaggregation, DataElement, DataElement.disaggregations.through, Indicator]
    return [list(m.objects.order_by("pk").values()) for m in models]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_the_catalog_file_passes_its_schema_and_cross_references():
    doc = read_catalog(CATALOG)
    assert doc.data["version"] == "2021.2"


def test_loading_creates_every_disaggregation_element_and_indicator():
    result = load_catalog(CATALOG)
    assert result.counts == {"disaggregations": 4, "data_elements": 59, "indicators": 41}
    assert (Disaggregation.objects.count(), DataElement.objects.count()) == (4, 59)
    assert Indicator.objects.count() == 41


def test_indicators_keep_their_terms_and_display_settings():
    load_catalog(CATALOG)
    rate = Indicator.objects.get(code="literacy_rate_15_35")
    assert (rate.numerator.code, rate.numerator_age_band) == ("literate_persons", "15-35")
    assert (rate.denominator.code, rate.denominator_age_band) == ("persons", "15-35")
    assert (rate.factor, rate.decimals, rate.unit_label) == (Decimal(100), 2, "%")
    parity = Indicator.objects.get(code="literacy_gpi_15_60")
    assert (parity.kind, parity.factor, parity.decimals) == ("parity", Decimal(1), 3)
    level = Indicator.objects.get(code="primary_level")
    assert (level.kind, level.denominator) == ("level", None)


def test_elements_keep_their_disaggregations():
    load_catalog(CATALOG)
    persons = DataElement.objects.get(code="persons")
    codes = set(persons.disaggregations.values_list("dimension", "code"))
    assert codes == {("sex", "F"), ("sex", "M"), ("age_band", "15-35"), ("age_band", "15-60")}
    level = DataElement.objects.get(code="literacy_level")
    assert (level.value_type, level.aggregation) == ("level", "none")


def test_a_second_load_of_the_same_file_changes_nothing():
    load_catalog(CATALOG)
    before = snapshot()
    assert load_catalog(CATALOG).written == 0
    assert snapshot() == before


def test_a_changed_name_updates_only_that_row(tmp_path):
    load_catalog(CATALOG)
    path, _ = broken(tmp_path, 'name: "Số người biết chữ"', 'name: "Số người đã biết chữ"')
    assert load_catalog(path).written == 1
    assert DataElement.objects.get(code="literate_persons").name == "Số người đã biết chữ"


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "numerator: {element: newly_literate_continuing}",
            "numerator: {element: newly_literate_continue}",
            "numerator: {element: newly_literate_continue}",
            "phần tử dữ liệu 'newly_literate_continue' không có trong danh mục",
        ),
        (
            'numerator: {element: literate_persons, age_band: "15-35"}',
            'numerator: {element: newly_literate_persons, age_band: "15-35"}',
            'numerator: {element: newly_literate_persons, age_band: "15-35"}',
            "phần tử 'newly_literate_persons' không có phân tổ age_band '15-35'",
        ),
        (
            'disaggregations: {sex: [F, M], age_band: ["15-35", "15-60"]}',
            'disaggregations: {sex: [F, M], age_band: ["15-35", "15-65"]}',
            'age_band: ["15-35", "15-65"]',
            "phân tổ 'age_band/15-65' chưa khai báo",
        ),
        (
            "    kind: parity\n",
            "    kind: share\n",
            "kind: share",
            "giá trị 'share' không hợp lệ; chỉ nhận: ratio, parity, level",
        ),
        (
            "  - code: officials_it_programme_rate\n",
            "  - code: literacy_rate_15_60\n",
            '  - code: literacy_rate_15_60\n    name: "Tỷ lệ cán bộ',
            "mã 'literacy_rate_15_60' bị trùng",
        ),
        (
            '    name: "Tỷ lệ người mới biết chữ tiếp tục học tập và không mù chữ trở lại"\n',
            "",
            "  - code: newly_literate_retention_rate",
            "thiếu trường bắt buộc 'name'",
        ),
        (
            '    name: "Mức độ đạt chuẩn xóa mù chữ"\n    value_type: level\n',
            '    name: "Mức độ đạt chuẩn xóa mù chữ"\n    value_type: level\n'
            "    disaggregations: {sex: [F, M]}\n",
            "numerator: {element: literacy_level}",
            "phần tử dữ liệu 'literacy_level' là mức độ đạt chuẩn, mỗi đơn vị một giá trị: "
            "không thể phân tổ",
        ),
    ],
    ids=[
        "unknown-element",
        "age-band-the-element-lacks",
        "undeclared-disaggregation",
        "bad-kind",
        "duplicate-indicator-code",
        "missing-name",
        "disaggregated-level",
    ],
)
def test_a_malformed_catalog_is_refused_with_its_line_and_writes_nothing(
    tmp_path, old, new, marker, message
):
    load_catalog(CATALOG)
    before = snapshot()
    path, text = broken(tmp_path, old, new)
    with pytest.raises(DataFileError) as caught:
        load_catalog(path)
    found = [(e.line, e.message) for e in caught.value.errors]
    assert (line_of(text, marker), message) in found
    assert snapshot() == before


def test_the_command_loads_the_catalog_and_reports_counts():
    out = StringIO()
    call_command("load_indicators", str(CATALOG), stdout=out)
    assert "4 phân tổ, 59 phần tử dữ liệu, 41 chỉ số" in out.getvalue()


def test_the_command_prints_file_and_line_and_fails(tmp_path):
    path, text = broken(tmp_path, "    kind: parity\n", "    kind: share\n")
    err = StringIO()
    with pytest.raises(CommandError, match="không ghi gì"):
        call_command("load_indicators", str(path), stderr=err)
    assert f"{path}:{line_of(text, 'kind: share')}: giá trị 'share'" in err.getvalue()
    assert Indicator.objects.count() == 0
