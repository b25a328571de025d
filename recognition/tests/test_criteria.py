"""Criteria sets as data: every file parses, cites its articles and states what is unconfirmed;
the procedure (deadlines, deciders) is read from the data; a bad file names its line."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from recognition import criteria
from recognition.engine import MET, NO_DATA, NOT_MET, evaluate, indicator_status
from recognition.models import CriteriaSet

SETS = {path.stem: criteria.read_file(path) for path in criteria.set_files()}
VERIFIED = {
    "cdht-xa-tt25-2023",
    "cdht-huyen-tt25-2023",
    "cdht-tinh-tt25-2023",
    "dvht-huyen-tt24-2023",
    "dvht-tinh-tt24-2023",
}
PROVISIONAL = {
    "gdht-qd448-2015",
    "dhht-qd448-2015",
    "cdht-thon-qd448-2015",
    "dvht-coso-qd448-2015",
    "cdht-cong-dan-qd244-2022",
}


def definition(code: str) -> criteria.CriteriaSetDef:
    return SETS[code][1]


def test_every_set_is_there_with_its_status() -> None:
    assert set(SETS) == VERIFIED | PROVISIONAL
    assert {code for code, (_raw, d) in SETS.items() if d.status == "verified"} == VERIFIED
    for code, (_raw, d) in SETS.items():
        assert d.code == code


def test_every_indicator_cites_its_article_and_provisional_sets_say_what_is_unconfirmed() -> None:
    for _raw, d in SETS.values():
        for indicator in d.indicators():
            assert indicator.cite
            assert ("TT 2" in indicator.cite) == (d.status == "verified")
        if d.status == "provisional":
            assert "CHƯA XÁC NHẬN" in d.reading
            assert all(not decider.confirmed for decider in d.deciders)


def test_the_points_sets_have_no_invented_rows_or_pass_mark() -> None:
    family = definition("gdht-qd448-2015")
    assert [i.code for i in family.indicators()] == ["GĐ1.1", "GĐ1.2", "GĐ1.3", "GĐ2.1", "GĐ2.2"]
    for code in ("dhht-qd448-2015", "cdht-thon-qd448-2015", "dvht-coso-qd448-2015"):
        assert definition(code).indicators() == ()
    citizen = definition("cdht-cong-dan-qd244-2022")
    assert [len(c.indicators) for c in citizen.criteria] == [4, 3, 3]
    assert sum(i.max_points for i in citizen.indicators()) == 100
    for code in PROVISIONAL:
        assert definition(code).pass_mark is None
        assert definition(code).method == "points"


def test_prefill_keys_are_those_of_the_contract() -> None:
    prefills = {i.code: i.prefill for i in definition("cdht-xa-tt25-2023").indicators()}
    assert {k: v for k, v in prefills.items() if v} == {
        "X3.1": "clc.facilities",
        "X4.1": "pcgd.preschool5",
        "X4.2": "pcgd.primary",
        "X4.3": "pcgd.lower_secondary",
        "X4.4": "xmc",
        "X5.1": "citizens.learning",
        "X5.2": "population.trained",
    }
    assert definition("cdht-huyen-tt25-2023").indicator("H4.1").prefill == "communes.recognised"
    assert definition("cdht-xa-tt25-2023").indicator("X5.2").inputs == (
        "trained",
        "university",
        "den",
    )


@pytest.mark.parametrize(
    ("code", "step", "due"),
    [
        ("cdht-xa-tt25-2023", "file", date(2025, 2, 28)),
        ("cdht-xa-tt25-2023", "decide", date(2025, 3, 31)),
        ("cdht-huyen-tt25-2023", "file", date(2025, 4, 30)),
        ("cdht-huyen-tt25-2023", "decide", date(2025, 5, 31)),
        ("cdht-tinh-tt25-2023", "file", date(2025, 7, 31)),
        ("cdht-tinh-tt25-2023", "decide", None),
        ("dvht-huyen-tt24-2023", "file", date(2025, 1, 15)),
        ("dvht-tinh-tt24-2023", "decide", date(2025, 2, 15)),
        ("gdht-qd448-2015", "report", date(2024, 12, 15)),
        ("cdht-cong-dan-qd244-2022", "report", date(2024, 12, 15)),
    ],
)
def test_deadlines_of_the_2024_round(code, step, due) -> None:
    assert definition(code).deadline(step, 2024) == due


def test_the_commune_decider_changes_with_the_filing_date() -> None:
    xa = definition("cdht-xa-tt25-2023")
    before = xa.decider_for("commune", date(2025, 2, 28))
    assert (before.office_level, before.confirmed) == ("district", True)
    assert before.title == "Trưởng phòng Giáo dục và Đào tạo"
    after = xa.decider_for("commune", date(2026, 2, 1))
    assert (after.office_level, after.confirmed) == ("province", False)
    assert "chưa xác nhận" in after.title
    assert xa.decider_for("province", date(2025, 1, 1)) is None


def test_validity_and_missing_evidence_policies() -> None:
    assert definition("dvht-huyen-tt24-2023").missing_evidence == "not_met"
    assert definition("cdht-xa-tt25-2023").missing_evidence == "no_data"
    assert {definition(c).validity_years for c in VERIFIED} == {3}
    assert definition("cdht-huyen-tt25-2023").cascade["policy"] == "valid"


def test_threshold_texts_are_vietnamese() -> None:
    xa = definition("cdht-xa-tt25-2023")
    assert xa.indicator("X5.1").threshold_text({}, 2) == "≥ 80%"
    difficult = xa.indicator("X5.2").threshold_text({"difficult_area": True}, 1)
    assert difficult == "được đào tạo ≥ 40%; trong đó đại học trở lên ≥ 10%"
    assert xa.indicator("X4.2").threshold_text({}, 2) == "≥ mức độ 3"
    dv = definition("dvht-huyen-tt24-2023")
    assert dv.indicator("U3.4").threshold_text({}, 1) == "≥ mức đáp ứng cơ bản"
    assert dv.indicator("U3.1").threshold_text({"kind": "vocational"}, 2) == (
        "≥ 95%; người học ≥ 97%"
    )
    assert criteria._number(Decimal("12.50")) == "12,5"


# --- kinds beyond the exchange sets -------------------------------------------------------


def huyen(**values) -> dict:
    d = definition("cdht-huyen-tt25-2023")
    base = {i.code: True for i in d.indicators() if i.kind == "boolean"}
    base |= {
        "H4.1": {"num": 90, "den": 100},
        "H4.2": {"value": 10, "previous": 9},
        "H4.3": {"value": "0.51", "previous": 0.5},
    }
    return {"code": "H", "indicators": base | values}


def h4(level: int, **values) -> dict:
    result = evaluate(definition("cdht-huyen-tt25-2023"), huyen(**values))
    return result["levels"][str(level)]["criteria"]["H4"]["indicators"]


@pytest.mark.parametrize("level", [1, 2])
def test_share_recognised_is_90_percent_at_both_levels(level) -> None:
    assert h4(level, **{"H4.1": {"num": 90, "den": 100}})["H4.1"] == MET
    assert h4(level, **{"H4.1": {"num": 89, "den": 100}})["H4.1"] == NOT_MET
    assert h4(level, **{"H4.1": {"num": 9, "den": 10}})["H4.1"] == MET
    assert h4(level, **{"H4.1": {"num": 0, "den": 0}})["H4.1"] == NO_DATA
    assert definition("cdht-huyen-tt25-2023").indicator("H4.1").counts_level == {1: 1, 2: 2}


def test_a_trend_is_a_strict_rise_or_fall() -> None:
    assert h4(1, **{"H4.2": {"value": 10, "previous": 10}})["H4.2"] == NOT_MET
    assert h4(1, **{"H4.2": {"value": "10.01", "previous": 10}})["H4.2"] == MET
    assert h4(1, **{"H4.2": {"value": 10}})["H4.2"] == NO_DATA
    assert h4(1, **{"H4.2": {"value": True, "previous": 0}})["H4.2"] == NO_DATA
    assert h4(1, **{"H4.2": 12})["H4.2"] == NO_DATA
    tinh = definition("cdht-tinh-tt25-2023")
    poverty = tinh.indicator("T4.2")
    assert indicator_status(poverty, {}, {"value": 2.4, "previous": 2.5}, 1) == MET
    assert indicator_status(poverty, {}, {"value": 2.5, "previous": 2.5}, 1) == NOT_MET
    museum = tinh.indicator("T3.4")
    assert indicator_status(museum, {}, 4, 2) == MET
    assert indicator_status(museum, {}, 3, 2) == NOT_MET
    assert indicator_status(museum, {}, "4", 2) == NO_DATA


POINTS = {
    "code": "points-test",
    "version": "1",
    "model": "family",
    "title": "t",
    "source": "s",
    "status": "provisional",
    "valid_from": 2024,
    "method": "points",
    "levels": [1],
    "missing_evidence": "no_data",
    "pass_mark": 15,
    "deadlines": [],
    "deciders": [],
    "criteria": [
        {
            "code": "A",
            "name": "a",
            "indicators": [
                {"code": "A.1", "text": "a1", "cite": "c", "kind": "points", "max": 10},
                {"code": "A.2", "text": "a2", "cite": "c", "kind": "points", "max": 10},
            ],
        }
    ],
}


@pytest.mark.parametrize(
    ("values", "status", "points"),
    [
        ({"A.1": 10, "A.2": 5}, MET, "15"),
        ({"A.1": 10, "A.2": 4.5}, NOT_MET, "14.5"),
        ({"A.1": 10}, NO_DATA, "10"),
        ({"A.1": 3}, NOT_MET, "3"),
        ({}, NO_DATA, "0"),
        ({"A.1": 11, "A.2": 5}, NO_DATA, "5"),
        ({"A.1": 11, "A.2": 4}, NOT_MET, "4"),
        ({"A.1": 10, "A.2": 15}, NO_DATA, "10"),
    ],
)
def test_points_against_the_pass_mark_a_missing_line_never_scores_its_maximum(
    values, status, points
) -> None:
    result = evaluate(criteria.parse(POINTS), {"code": "f", "indicators": values})
    assert result["levels"]["1"]["status"] == status
    assert Decimal(result["levels"]["1"]["points"]) == Decimal(points)
    assert result["level"] == {MET: 1, NOT_MET: 0, NO_DATA: None}[status]


def test_a_points_set_without_pass_mark_concludes_nothing() -> None:
    content = copy.deepcopy(POINTS) | {"pass_mark": None}
    result = evaluate(criteria.parse(content), {"code": "f", "indicators": {"A.1": 10, "A.2": 10}})
    assert result["levels"]["1"]["status"] == NO_DATA
    assert result["levels"]["1"]["points"] == "20"


# --- errors ---------------------------------------------------------------------------------


def test_parse_names_the_place_of_each_problem() -> None:
    content = copy.deepcopy(POINTS)
    content["criteria"][0]["indicators"][1]["code"] = "A.1"
    content["criteria"][0]["indicators"][0]["kind"] = "rate"
    with pytest.raises(criteria.CriteriaError) as error:
        criteria.parse(content)
    pointers = {p for p, _m in error.value.problems}
    assert "/criteria/0/indicators/1/code" in pointers
    assert "/criteria/0/indicators/0/kind" in pointers


def test_a_threshold_missing_for_a_level_is_an_error() -> None:
    raw = copy.deepcopy(SETS["cdht-xa-tt25-2023"][0])
    raw["criteria"][4]["indicators"][0]["min"] = {"1": 60}
    with pytest.raises(criteria.CriteriaError, match="level 2|mức độ 2|2"):
        criteria.parse(raw)


BROKEN = """code: broken-set
version: "1"
model: cdht_commune
title: t
source: s
status: verified
valid_from: 2024
method: levels
levels: [1, 2]
missing_evidence: no_data
deadlines: []
deciders: []
criteria:
  - code: X1
    name: x
    indicators:
      - {code: X1.1, text: t, cite: c, kind: boolean}
      - {code: X1.2, text: t, cite: c, kind: ratio}
      - {code: X1.1, text: t, cite: c, kind: boolean}
"""


def test_a_malformed_file_reports_its_line(tmp_path) -> None:
    path = tmp_path / "broken-set.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(criteria.CriteriaError) as error:
        criteria.read_file(path)
    assert any(line.startswith(f"{path}:18:") for line in error.value.lines), error.value.lines
    path.write_text(BROKEN.replace("kind: ratio", "kind: rate, min: 5"), encoding="utf-8")
    with pytest.raises(criteria.CriteriaError) as error:
        criteria.read_file(path)
    assert [line.split(": ")[0] for line in error.value.lines] == [f"{path}:19"]


def test_definition_is_parsed_once_per_content() -> None:
    raw = SETS["dvht-huyen-tt24-2023"][0]
    row = CriteriaSet(code="x", version="1", content=raw, sha256=criteria.sha256_of(raw))
    first = criteria.definition(row)
    assert criteria.definition(CriteriaSet(content=raw, sha256=row.sha256)) is first
    assert first.indicator("U3.4").scale == ("none", "basic", "good")
    with pytest.raises(KeyError):
        first.indicator("U9.9")


def test_a_decimal_threshold_is_compared_exactly() -> None:
    raw = copy.deepcopy(SETS["cdht-xa-tt25-2023"][0])
    raw["criteria"][4]["indicators"][0]["min"] = {"1": 12.5, "2": 33.3}
    x5_1 = criteria.parse(raw).indicator("X5.1")
    assert indicator_status(x5_1, {}, {"num": 1, "den": 8}, 1) == MET
    assert indicator_status(x5_1, {}, {"num": 124, "den": 1000}, 1) == NOT_MET
    assert indicator_status(x5_1, {}, {"num": 333, "den": 1000}, 2) == MET
    assert indicator_status(x5_1, {}, {"num": 3329, "den": 10000}, 2) == NOT_MET
    assert x5_1.threshold_text({}, 2) == "≥ 33,3%"
