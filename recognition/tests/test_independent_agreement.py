"""`recognition_evaluate` against the independent evaluator, indicator by indicator, level by level.

Random units (hundreds in one command call, and small hypothesis batches that shrink) and units
one count either side of every threshold. Only the query test has the `db` fixture: everywhere
else pytest-django refuses any query, so a command that touched the database would fail here.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from recognition.tests import generators
from recognition.tests.independent import CDHT, CODES, DVHT, evaluate

COMMAND = "recognition_evaluate"
# No shrinking: a failure already names unit, level and indicator with its input, and shrinking
# batches through the command can take minutes.
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MAX_REPORTED = 30

# A mark, not a fixture: a skipped test then sets up no database either.
pytestmark = pytest.mark.skipif(
    COMMAND not in get_commands(), reason=f"manage.py {COMMAND} is not installed on this branch yet"
)


def document(code: str, units: list[dict]) -> str:
    return json.dumps({"criteria": code, "units": units}, ensure_ascii=False)


def run_command(directory: Path, code: str, units: list[dict]) -> dict:
    path = directory / f"{uuid.uuid4().hex}.json"
    path.write_text(document(code, units), encoding="utf-8")
    out = io.StringIO()
    call_command(COMMAND, "--criteria", code, "--input", str(path), stdout=out)
    return json.loads(out.getvalue())


def differences(code: str, units: list[dict], got: dict, want: dict) -> list[str]:
    """Every place where the command and the oracle differ, named by unit, level and indicator."""
    found: list[str] = []
    if got.get("criteria") != code:
        found.append(f"criteria: command says {got.get('criteria')!r}, expected {code!r}")
    if set(got) != {"criteria", "units"}:
        found.append(f"top-level keys: {sorted(got)}, expected ['criteria', 'units']")
    got_units = got.get("units") or {}
    for unit_code in sorted(set(want["units"]) ^ set(got_units)):
        side = "missing from" if unit_code in want["units"] else "extra in"
        found.append(f"unit {unit_code!r} {side} the command's output")
    inputs = {unit["code"]: unit.get("indicators", {}) for unit in units}
    for unit_code, expected in want["units"].items():
        if unit_code in got_units:
            found += _unit_differences(unit_code, got_units[unit_code], expected, inputs[unit_code])
    return found


def _unit_differences(unit_code: str, got: dict, want: dict, inputs: dict) -> list[str]:
    where = f"unit {unit_code!r}"
    found = []
    if set(got) != set(want):
        found.append(f"{where}: keys {sorted(got)}, expected {sorted(want)}")
    if got.get("level") != want["level"]:
        found.append(f"{where}: level {got.get('level')!r}, oracle says {want['level']!r}")
    for level, want_level in want["levels"].items():
        got_level = (got.get("levels") or {}).get(level)
        if not isinstance(got_level, dict):
            found.append(f"{where}: level {level} missing")
            continue
        at = f"{where} level {level}"
        if got_level.get("status") != want_level["status"]:
            found.append(
                f"{at}: status {got_level.get('status')!r}, oracle says {want_level['status']!r}"
            )
        got_criteria = got_level.get("criteria") or {}
        if set(got_criteria) != set(want_level["criteria"]):
            found.append(f"{at}: criteria {sorted(got_criteria)}")
        for criterion, want_criterion in want_level["criteria"].items():
            got_criterion = got_criteria.get(criterion) or {}
            if got_criterion.get("status") != want_criterion["status"]:
                found.append(
                    f"{at} {criterion}: status {got_criterion.get('status')!r}, "
                    f"oracle says {want_criterion['status']!r}"
                )
            got_indicators = got_criterion.get("indicators") or {}
            if set(got_indicators) != set(want_criterion["indicators"]):
                found.append(f"{at} {criterion}: indicators {sorted(got_indicators)}")
            for indicator, want_status in want_criterion["indicators"].items():
                got_status = got_indicators.get(indicator, "<absent>")
                if got_status != want_status:
                    value = inputs.get(indicator, "<absent>")
                    if indicator == "U3.1":
                        value = {"U3.1": value, "U3.1_learners": inputs.get("U3.1_learners")}
                    found.append(
                        f"{at} {indicator}: command says {got_status!r}, oracle says "
                        f"{want_status!r} (input {json.dumps(value, ensure_ascii=False)})"
                    )
    return found


def assert_agrees(code: str, units: list[dict], got: dict) -> None:
    found = differences(code, units, got, evaluate(code, units))
    if found:
        first = next((u for u in units if found[0].startswith(f"unit {u['code']!r}")), None)
        shown = "\n".join(found[:MAX_REPORTED])
        pytest.fail(
            f"{len(found)} difference(s) for {code}:\n{shown}\n"
            f"first unit's input: {json.dumps(first, ensure_ascii=False)}",
            pytrace=False,
        )


# --- random units ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_hundreds_of_random_units_in_one_call(tmp_path, code):
    units = generators.random_units(code, 400, seed=20231)
    assert_agrees(code, units, run_command(tmp_path, code, units))


@pytest.mark.parametrize("code", CODES)
@HYPOTHESIS
@given(data=st.data())
def test_small_random_batches(tmp_path, code, data):
    units = data.draw(generators.unit_batches(code))
    assert_agrees(code, units, run_command(tmp_path, code, units))


# --- one count either side of every threshold ------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_threshold_edge(tmp_path, code):
    units = generators.edge_units(code)
    assert_agrees(code, units, run_command(tmp_path, code, units))


# --- readings the issue leaves open (see independent.py's docstring) -------------------------


def _partial_cdht() -> list[dict]:
    base = generators.cdht_base
    partial = [
        {"trained": None, "university": 100, "den": 100},
        {"trained": 10, "university": None, "den": 100},  # trained share fails: not met
        {"trained": 100, "den": 100},
        {"university": 100, "den": 100},
        {"trained": 100, "university": 100},
        {"trained": 100, "university": 100, "den": None},
        {},
    ]
    units = []
    for number, value in enumerate(partial):
        unit = base(f"X5.2 partial {number}")
        unit["indicators"]["X5.2"] = value
        units.append(unit)
    for number, value in enumerate([{"num": 60}, {"den": 100}, {"num": None, "den": 100}, {}]):
        unit = base(f"X5.1 partial {number}")
        unit["indicators"]["X5.1"] = value
        units.append(unit)
    unit = base("fields absent")
    del unit["difficult_area"]
    units.append(unit)
    return units


def _partial_dvht() -> list[dict]:
    units = []
    members_and_learners = [
        (None, {"num": 1, "den": 100}),  # members no data, learners fail
        ({"num": 1, "den": 100}, None),  # members fail, learners no data
        (None, None),
        ({"num": 100, "den": 100}, {"num": 0, "den": 0}),
    ]
    for number, (members, learners) in enumerate(members_and_learners):
        unit = generators.dvht_base(f"U3.1 partial {number}", "vocational", True)
        unit["indicators"]["U3.1"] = members
        unit["indicators"]["U3.1_learners"] = learners
        units.append(unit)
    unit = generators.dvht_base("fields absent", "school", True)
    del unit["kind"], unit["public"]
    units.append(unit)
    return units


@pytest.mark.parametrize(("code", "build"), [(CDHT, _partial_cdht), (DVHT, _partial_dvht)])
def test_partial_compounds_and_absent_fields(tmp_path, code, build):
    """A compound with one part missing or failing, and a unit without its stated fields."""
    units = build()
    assert_agrees(code, units, run_command(tmp_path, code, units))


# --- the command itself ----------------------------------------------------------------------


def test_the_command_makes_no_query(db, django_assert_num_queries, tmp_path):
    units = generators.random_units(DVHT, 20, seed=7)
    path = tmp_path / "units.json"
    path.write_text(document(DVHT, units), encoding="utf-8")
    out = io.StringIO()
    with django_assert_num_queries(0):
        call_command(COMMAND, "--criteria", DVHT, "--input", str(path), stdout=out)
    assert_agrees(DVHT, units, json.loads(out.getvalue()))


def test_the_input_may_come_on_stdin(monkeypatch):
    units = generators.random_units(CDHT, 20, seed=8)
    stdin = io.TextIOWrapper(io.BytesIO(document(CDHT, units).encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()
    call_command(COMMAND, "--criteria", CDHT, "--input", "-", stdout=out)
    assert_agrees(CDHT, units, json.loads(out.getvalue()))
