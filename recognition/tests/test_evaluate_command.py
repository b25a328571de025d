"""`recognition_evaluate`: the exchange format in and out, never the database (these tests have
no database access: pytest-django fails any query), bad input on stderr with exit code 2."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from recognition import criteria
from recognition.engine import evaluate

XA_UNIT = {
    "code": "31-11914",
    "year": 2024,
    "difficult_area": True,
    "indicators": {
        "X1.1": True,
        "X4.2": 3,
        "X5.1": {"num": 61, "den": 100},
        "X5.2": {"trained": 40, "university": 10, "den": 100},
        "Z9": 1,
    },
}
DV_UNIT = {
    "code": "U-1",
    "year": 2024,
    "kind": "vocational",
    "public": True,
    "indicators": {
        "U1.3": False,
        "U3.1": {"num": 9, "den": 10},
        "U3.1_learners": {"num": 19, "den": 20},
    },
}


def run(capsys, code: str, payload, *, stdin: bool = False, tmp_path=None, monkeypatch=None):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    if stdin:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        source = "-"
    else:
        path = tmp_path / "input.json"
        path.write_text(text, encoding="utf-8")
        source = str(path)
    call_command("recognition_evaluate", "--criteria", code, "--input", source)
    return json.loads(capsys.readouterr().out)


def test_it_prints_the_engine_result_for_each_unit(capsys, tmp_path) -> None:
    output = run(
        capsys,
        "cdht-xa-tt25-2023",
        {"criteria": "cdht-xa-tt25-2023", "units": [XA_UNIT]},
        tmp_path=tmp_path,
    )
    expected = evaluate(criteria.read_code("cdht-xa-tt25-2023"), XA_UNIT)
    assert output == {"criteria": "cdht-xa-tt25-2023", "units": {"31-11914": expected}}
    result = output["units"]["31-11914"]
    assert result["level"] is None  # nothing fails; most indicators have no data
    indicators = result["levels"]["1"]["criteria"]["X5"]["indicators"]
    assert indicators == {"X5.1": "met", "X5.2": "met"}


def test_it_reads_stdin_and_evaluates_units(capsys, monkeypatch) -> None:
    payload = {"criteria": "dvht-huyen-tt24-2023", "units": [DV_UNIT, DV_UNIT | {"code": "U-2"}]}
    output = run(capsys, "dvht-huyen-tt24-2023", payload, stdin=True, monkeypatch=monkeypatch)
    assert list(output["units"]) == ["U-1", "U-2"]
    level_2 = output["units"]["U-1"]["levels"]["2"]["criteria"]
    assert level_2["U3"]["indicators"]["U3.1"] == "not_met"  # learners 95% < 97%
    assert level_2["U1"]["indicators"]["U1.3"] == "not_met"
    assert output["units"]["U-1"]["level"] == 0


def test_any_levels_set_and_an_empty_list_work(capsys, tmp_path) -> None:
    output = run(
        capsys,
        "cdht-huyen-tt25-2023",
        {"units": [{"code": 7, "indicators": {}}]},
        tmp_path=tmp_path,
    )
    assert output["units"]["7"]["level"] is None
    assert run(capsys, "cdht-xa-tt25-2023", {"units": []}, tmp_path=tmp_path)["units"] == {}


@pytest.mark.parametrize(
    ("code", "payload", "message"),
    [
        ("cdht-xa-tt25-2023", "{", "JSON"),
        ("cdht-xa-tt25-2023", [], "units"),
        ("cdht-xa-tt25-2023", {"units": {}}, "units"),
        ("cdht-xa-tt25-2023", {"criteria": "dvht-huyen-tt24-2023", "units": []}, "dvht-huyen"),
        ("no-such-set", {"units": []}, "no-such-set"),
        ("cdht-xa-tt25-2023", {"units": [{"indicators": {}}]}, "0"),
        ("cdht-xa-tt25-2023", {"units": ["X"]}, "0"),
        ("cdht-xa-tt25-2023", {"units": [{"code": "A"}, {"code": "A"}]}, "A"),
        ("cdht-xa-tt25-2023", {"units": [{"code": "A", "indicators": []}]}, "A"),
    ],
)
def test_bad_input_is_an_error_on_stderr_with_exit_code_2(
    capsys, tmp_path, code, payload, message
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, code, payload, tmp_path=tmp_path)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_a_missing_file_is_an_error(capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "recognition_evaluate",
            "--criteria",
            "cdht-xa-tt25-2023",
            "--input",
            str(tmp_path / "none.json"),
        )
    assert exit_.value.code == 2
    assert capsys.readouterr().err
