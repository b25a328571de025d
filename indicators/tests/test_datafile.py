"""Tests for reading YAML data files with line numbers and validating them by schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.datafile import DataFileError, parse_yaml, read_data_file, set_related, upsert
from indicators.models import DataElement, Disaggregation

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "items"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "issued_on": {"type": "string", "format": "date"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "indicator"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z-]+$"},
                    "indicator": {"type": "string"},
                    "comparator": {"enum": ["gt", "gte"]},
                    "value": {"type": "number"},
                },
            },
        },
    },
}

GOOD = """\
# a comment
name: "Kế hoạch"
issued_on: 2020-01-03
items:
  - code: lit-a
    indicator: literacy_rate_15_60
    comparator: gt
    value: 99
  - code: lit-b
    indicator: literacy_rate_15_35
    value: 99.5
"""


@pytest.fixture
def schema_path(tmp_path: Path) -> Path:
    path = tmp_path / "test.schema.json"
    path.write_text(json.dumps(SCHEMA), encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, schema_path: Path, text: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        read_data_file(write(tmp_path, text), schema_path)
    return caught.value


def test_it_reads_plain_data_and_the_line_of_every_value(tmp_path, schema_path):
    doc = read_data_file(write(tmp_path, GOOD), schema_path)
    assert doc.data["items"][1] == {
        "code": "lit-b",
        "indicator": "literacy_rate_15_35",
        "value": 99.5,
    }
    assert doc.lines["/name"] == 2
    assert doc.lines["/items/0"] == 5
    assert doc.lines["/items/1/value"] == 11
    assert len(doc.sha256) == 64


def test_dates_become_iso_strings(tmp_path, schema_path):
    doc = read_data_file(write(tmp_path, GOOD), schema_path)
    assert doc.data["issued_on"] == "2020-01-03"


def test_the_line_of_a_pointer_without_a_node_is_its_parents(tmp_path, schema_path):
    doc = read_data_file(write(tmp_path, GOOD), schema_path)
    assert doc.line_of("/items/1/comparator") == 9


def test_a_duplicate_key_is_refused_with_its_line(tmp_path, schema_path):
    text = GOOD.replace("    value: 99\n", "    value: 99\n    comparator: gte\n")
    error = refused(tmp_path, schema_path, text)
    assert [(e.line, e.pointer) for e in error.errors] == [(9, "/items/0/comparator")]
    assert error.errors[0].message == "khóa 'comparator' bị lặp (đã có ở dòng 7)"


def test_a_yaml_syntax_error_is_refused_with_its_line(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("comparator: gt", "comparator: gt: x"))
    assert len(error.errors) == 1
    assert error.errors[0].line == 7
    assert error.errors[0].message.startswith("lỗi cú pháp YAML")


def test_an_empty_file_is_refused(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, "# nothing here\n")
    assert error.errors[0].message == "tệp rỗng"


def test_an_impossible_date_is_refused_with_its_line(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("2020-01-03", "2020-02-30"))
    assert error.errors[0].line == 3


def test_a_missing_required_field_is_reported_on_the_line_of_its_item(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("    indicator: literacy_rate_15_35\n", ""))
    assert [str(e) for e in error.errors] == ["dòng 9: thiếu trường bắt buộc 'indicator'"]
    assert error.errors[0].pointer == "/items/1"


def test_an_unknown_field_is_reported_on_its_own_line(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("    value: 99\n", "    valeu: 99\n"))
    assert [(e.line, e.message) for e in error.errors] == [(8, "trường không được phép 'valeu'")]


def test_a_value_outside_the_enum_names_the_values_allowed(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("comparator: gt", "comparator: above"))
    assert error.errors[0].line == 7
    assert "'above' không hợp lệ; chỉ nhận: gt, gte" in error.errors[0].message


def test_every_schema_error_is_collected_and_sorted_by_line(tmp_path, schema_path):
    text = GOOD.replace("value: 99.5", "value: nhiều").replace("code: lit-a", "code: Lit_A")
    text = text.replace('name: "Kế hoạch"', 'name: ""')
    error = refused(tmp_path, schema_path, text)
    assert [e.line for e in error.errors] == [2, 5, 11]


def test_errors_print_as_file_line_message(tmp_path, schema_path):
    error = refused(tmp_path, schema_path, GOOD.replace("comparator: gt", "comparator: above"))
    path = tmp_path / "data.yaml"
    assert error.lines()[0].startswith(f"{path}:7: giá trị 'above' không hợp lệ")


def test_parse_keeps_anchors_and_aliases_as_values():
    doc = parse_yaml(Path("x.yaml"), "a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.django_db
def test_upsert_writes_only_when_a_field_changes():
    row, changed = upsert(Disaggregation, {"dimension": "sex", "code": "F"}, {"name": "Nữ"})
    assert changed
    again, changed = upsert(Disaggregation, {"dimension": "sex", "code": "F"}, {"name": "Nữ"})
    assert (again.pk, changed) == (row.pk, False)
    _, changed = upsert(Disaggregation, {"dimension": "sex", "code": "F"}, {"name": "Phụ nữ"})
    assert changed
    assert Disaggregation.objects.get().name == "Phụ nữ"


@pytest.mark.django_db
def test_set_related_writes_only_when_the_set_differs():
    option = Disaggregation.objects.create(dimension="sex", code="F", name="Nữ")
    element = DataElement.objects.create(code="persons", name="Số người")
    assert set_related(element.disaggregations, {option.pk})
    assert not set_related(element.disaggregations, {option.pk})
    assert set_related(element.disaggregations, set())
