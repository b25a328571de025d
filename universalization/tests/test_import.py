"""`pcgd_import`: all or nothing, every bad input named, changes kept with history and version."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import DataValue
from units.models import OrgUnit
from universalization import services
from universalization.models import CommuneYear, Household, Person
from universalization.queries import disadvantaged_in
from universalization.services import RegisterRefused, import_register
from universalization.testing import write_exchange
from universalization.tests.test_exchange import (
    BAD,
    YEAR,
    assert_reported,
    good_communes,
    good_persons,
    write_case,
)

MODELS = (Person, Household, CommuneYear, DataValue)


def snapshot() -> dict:
    """Every row (and every history row) the import or its publishing could write."""
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}
    return rows | {f"{m.__name__} history": m.history.count() for m in MODELS}


def run_import(communes, persons, year: int = YEAR) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "pcgd_import", communes=str(communes), persons=str(persons), year=year,
        stdout=out, stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, so that rows before a bad one are written, then rolled back."""
    monkeypatch.setattr(services, "BATCH", 2)


def files(directory, communes: list[dict], persons: list[dict]):
    directory.mkdir(exist_ok=True)
    return write_exchange(directory, communes, persons)


def person(commune: str, code: str) -> Person:
    return Person.objects.get(commune__code=commune, code=code)


# --- bad inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.id)
def test_a_bad_input_is_refused_naming_it_and_nothing_is_written(
    register, tmp_path, small_batches, case
):
    paths = write_case(tmp_path, case)
    before = snapshot()
    counts = {m: m.objects.count() for m in MODELS}
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "pcgd_import", communes=str(paths[0]), persons=str(paths[1]), year=YEAR,
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert_reported(err.getvalue(), case)
    assert {m: m.objects.count() for m in MODELS} == counts
    assert snapshot() == before


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.id)
def test_a_bad_input_writes_nothing_into_an_empty_register(world, tmp_path, small_batches, case):
    paths = write_case(tmp_path, case)
    values = DataValue.objects.count()
    with pytest.raises(RegisterRefused):
        import_register(*paths, year=YEAR)
    assert (Person.objects.count(), Household.objects.count()) == (0, 0)
    assert (CommuneYear.objects.count(), DataValue.objects.count()) == (0, values)


def test_a_bad_row_after_good_batches_rolls_them_back(world, tmp_path, small_batches):
    persons = good_persons() + [
        {**good_persons()[0], "person_id": f"N{n}"} for n in range(10)
    ]  # fmt: skip
    persons[-1]["sex"] = "X"
    with pytest.raises(RegisterRefused) as refused:
        import_register(*write_exchange(tmp_path, good_communes(), persons), year=YEAR)
    assert [(e.line, e.column) for e in refused.value.errors] == [(17, "sex")]
    assert not Person.objects.exists()
    assert not Household.objects.exists()


def test_a_commune_outside_the_actors_scope_is_refused(world, tmp_path):
    paths = write_exchange(tmp_path, good_communes(), good_persons())
    with pytest.raises(RegisterRefused) as refused:
        import_register(*paths, year=YEAR, actor=world.users.commune_reporter)
    assert {(e.file, e.line, e.column, e.value) for e in refused.value.errors} == {
        ("communes.csv", 3, "commune_code", "C-A2"),
        ("communes.csv", 4, "commune_code", "C-B1"),
    }
    assert not Person.objects.exists()


# --- a good import and a re-import --------------------------------------------------------


def test_a_good_import_writes_households_persons_and_the_years_flags(world, tmp_path):
    out, err = run_import(*write_exchange(tmp_path, good_communes(), good_persons()))
    assert err == ""
    assert out
    assert Person.objects.count() == 6
    assert Household.objects.count() == 4
    assert sorted(CommuneYear.objects.values_list("commune__code", "year", "disadvantaged")) == [
        ("C-A1", YEAR, False), ("C-A2", YEAR, True), ("C-B1", YEAR, False),
    ]  # fmt: skip
    p3 = person("C-A1", "P3")
    assert (p3.household.code, p3.birth_year, p3.studying) == ("H2", 2009, "primary")
    assert (p3.grade1_entry_year, p3.primary_completed_year, p3.version) == (2015, None, 1)
    assert (p3.residence, p3.disability, p3.preschool_completed) == ("permanent", "none", None)
    assert person("C-A1", "P1").preschool_completed is True


def test_the_same_person_id_in_two_communes_is_two_persons(world, tmp_path):
    run_import(*write_exchange(tmp_path, good_communes(), good_persons()))
    assert sorted(Person.objects.filter(code="P1").values_list("commune__code", flat=True)) == [
        "C-A1", "C-A2", "C-B1",
    ]  # fmt: skip


def test_a_reimport_with_one_changed_person_changes_one_with_history(world, tmp_path):
    paths = files(tmp_path / "a", good_communes(), good_persons())
    run_import(*paths)
    persons = good_persons()
    persons[1]["highest_grade_completed"] = 12
    changed_paths = files(tmp_path / "b", good_communes(), persons)
    result = import_register(*changed_paths, year=YEAR)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 5)
    p2 = person("C-A1", "P2")
    assert (p2.highest_grade_completed, p2.version) == (12, 2)
    history = list(p2.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.highest_grade_completed, h.version) for h in history] == [
        ("+", 9, 1), ("~", 12, 2),
    ]  # fmt: skip
    others = Person.objects.exclude(pk=p2.pk)
    assert set(others.values_list("version", flat=True)) == {1}
    assert all(p.history.count() == 1 for p in others)


def test_the_command_reimports_a_changed_person_with_history(world, tmp_path):
    run_import(*files(tmp_path / "a", good_communes(), good_persons()))
    persons = good_persons()
    persons[4]["studying"] = "upper_secondary"
    run_import(*files(tmp_path / "b", good_communes(), persons))
    p2 = person("C-A2", "P2")
    assert (p2.studying, p2.version, p2.history.count()) == ("upper_secondary", 2, 2)
    assert Person.history.count() == 7


def test_reimporting_the_same_files_changes_nothing(world, tmp_path):
    paths = write_exchange(tmp_path, good_communes(), good_persons())
    run_import(*paths)
    before = snapshot()
    result = import_register(*paths, year=YEAR)
    assert (result.created, result.changed, result.unchanged, result.households) == (0, 0, 6, 0)
    after = snapshot()
    for key in ("CommuneYear history",):  # see the next test
        before.pop(key), after.pop(key)
    assert after == before


def test_reimporting_the_same_flags_adds_no_history(world, tmp_path):
    paths = write_exchange(tmp_path, good_communes(), good_persons())
    import_register(*paths, year=YEAR)
    import_register(*paths, year=YEAR)
    assert CommuneYear.history.count() == 3


def test_persons_missing_from_a_reimport_are_kept(world, tmp_path):
    run_import(*files(tmp_path / "a", good_communes(), good_persons()))
    run_import(*files(tmp_path / "b", good_communes(), good_persons()[:2]))
    assert Person.objects.count() == 6


def test_the_disadvantaged_flag_is_stored_per_year(world, tmp_path):
    run_import(*files(tmp_path / "a", good_communes(), good_persons()))
    communes = good_communes()
    communes[1]["disadvantaged"] = "no"
    communes[0]["disadvantaged"] = "yes"
    run_import(*files(tmp_path / "b", communes, good_persons()), year=YEAR + 1)
    flags = CommuneYear.objects.filter(commune__code__in=["C-A1", "C-A2"])
    assert sorted(flags.values_list("commune__code", "year", "disadvantaged")) == [
        ("C-A1", YEAR, False), ("C-A1", YEAR + 1, True),
        ("C-A2", YEAR, True), ("C-A2", YEAR + 1, False),
    ]  # fmt: skip
    a1, a2 = OrgUnit.objects.get(code="C-A1"), OrgUnit.objects.get(code="C-A2")
    assert disadvantaged_in([a1.pk, a2.pk], YEAR) == {a1.pk: False, a2.pk: True}
    assert disadvantaged_in([a1.pk, a2.pk], YEAR + 3) == {a1.pk: True, a2.pk: False}
    assert disadvantaged_in([a1.pk, a2.pk], YEAR - 1) == {}


def test_blank_lines_in_the_files_are_ignored(world, tmp_path):
    communes_path, persons_path = write_exchange(tmp_path, good_communes(), good_persons())
    for path in (communes_path, persons_path):
        lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
        lines.insert(2, "\r\n")
        path.write_bytes(("".join(lines) + "\r\n,,\r\n").encode("utf-8"))
    run_import(communes_path, persons_path)
    assert (Person.objects.count(), CommuneYear.objects.count()) == (6, 3)


def test_the_import_publishes_the_years_figures_as_computed_values(world, tmp_path):
    run_import(*write_exchange(tmp_path, good_communes(), good_persons()))
    level = DataValue.objects.get(unit__code="C-A1", element__code="literacy_level")
    assert (level.source, level.period.year) == ("computed", YEAR)
