"""`pcgd_import`: all or nothing, every bad input named, changes kept with history and version."""

from __future__ import annotations

import codecs
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from indicators.models import DataValue
from units.models import OrgUnit
from universalization import exchange, services
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


# --- one Unicode form ---------------------------------------------------------------------


def nfd(rows: list[dict]) -> list[dict]:
    """The rows as typed with Unikey's "Unicode tổ hợp": every text decomposed."""
    return [{k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v
             for k, v in row.items()} for row in rows]  # fmt: skip


def vietnamese_persons() -> list[dict]:
    persons = good_persons()
    persons[0].update(household_id="Hộ Ánh 01", full_name="Nguyễn Thị Ánh")
    persons[1].update(household_id="Hộ Ánh 01", full_name="Đặng Hữu Đức")
    return persons


def test_text_is_stored_in_nfc_whatever_form_the_file_uses(world, tmp_path):
    import_register(*files(tmp_path, good_communes(), nfd(vietnamese_persons())), year=YEAR)
    ánh = person("C-A1", "P1")
    assert ánh.full_name == "Nguyễn Thị Ánh" == unicodedata.normalize("NFC", ánh.full_name)
    assert ánh.household.code == "Hộ Ánh 01"
    assert Household.objects.filter(commune__code="C-A1").count() == 2


def test_one_household_typed_in_nfc_and_nfd_is_one_household(world, tmp_path):
    persons = vietnamese_persons()
    persons[1]["household_id"] = unicodedata.normalize("NFD", "Hộ Ánh 01")
    import_register(*files(tmp_path, good_communes(), persons), year=YEAR)
    assert person("C-A1", "P1").household_id == person("C-A1", "P2").household_id


def test_reimporting_an_nfd_copy_changes_nothing_and_writes_no_history(world, tmp_path):
    import_register(*files(tmp_path / "a", good_communes(), vietnamese_persons()), year=YEAR)
    before = snapshot()
    decomposed = files(tmp_path / "b", good_communes(), nfd(vietnamese_persons()))
    result = import_register(*decomposed, year=YEAR)
    assert (result.created, result.changed, result.unchanged, result.households) == (0, 0, 6, 0)
    assert snapshot() == before


def test_every_write_keeps_the_folded_search_key(world, tmp_path):
    import_register(*files(tmp_path, good_communes(), nfd(vietnamese_persons())), year=YEAR)
    assert person("C-A1", "P1").search_key == "p1 nguyen thi anh"
    assert Household.objects.get(commune__code="C-A1", code="Hộ Ánh 01").search_key == "ho anh 01"


# --- an empty cell keeps, "-" erases --------------------------------------------------------


def test_an_empty_cell_keeps_the_stored_value_and_a_dash_erases_it(world, tmp_path):
    import_register(*files(tmp_path / "a", good_communes(), good_persons()), year=YEAR)
    persons = good_persons()
    persons[1].update(full_name="", birth_year="", highest_grade_completed="-",
                      primary_completed_year="", residence="-", household_id="")  # fmt: skip
    result = import_register(*files(tmp_path / "b", good_communes(), persons), year=YEAR)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 5)
    p2 = person("C-A1", "P2")
    assert (p2.full_name, p2.birth_year, p2.primary_completed_year, p2.household.code) == (
        "Nguyễn Văn P2", YEAR - 20, 2011, "H1",
    )  # fmt: skip
    assert (p2.highest_grade_completed, p2.residence, p2.version) == (None, "", 2)


def test_an_empty_flag_keeps_the_stored_one(world, tmp_path):
    import_register(*files(tmp_path / "a", good_communes(), good_persons()), year=YEAR)
    communes = good_communes()
    communes[1]["disadvantaged"] = ""
    import_register(*files(tmp_path / "b", communes, good_persons()), year=YEAR)
    assert CommuneYear.objects.get(commune__code="C-A2", year=YEAR).disadvantaged is True


# --- the preview -----------------------------------------------------------------------------


def test_the_preview_says_per_commune_what_would_change_and_writes_nothing(world, tmp_path):
    import_register(*files(tmp_path / "a", good_communes(), good_persons()), year=YEAR)
    persons = good_persons()
    persons[0]["full_name"] = "Nguyễn Văn Mới"
    persons[1]["highest_grade_completed"] = "-"
    persons[2]["highest_grade_completed"] = ""  # empty: no change
    del persons[4]  # C-A2's P2: kept
    persons.append(dict(persons[0], person_id="P9", household_id="H9"))
    communes = good_communes()
    communes[1]["disadvantaged"] = "no"
    before = snapshot()
    preview = services.preview_register(*files(tmp_path / "b", communes, persons), year=YEAR)
    assert snapshot() == before
    by_code = {c["code"]: c for c in preview["communes"]}
    a1, a2 = by_code["C-A1"], by_code["C-A2"]
    assert preview["total"] == 6
    assert {
        k: a1[k] for k in ("added", "changed", "cleared", "unchanged", "kept", "households_added")
    } == {  # fmt: skip
        "added": 1,
        "changed": 2,
        "cleared": 1,
        "unchanged": 1,
        "kept": 0,
        "households_added": 1,
    }
    assert (a2["unchanged"], a2["kept"], a2["flag"]) == (1, 1, ["có", "không"])
    samples = {s["person_id"]: s for s in a1["samples"]}
    assert samples["P1"]["fields"] == [["Họ và tên", "Nguyễn Văn P1", "Nguyễn Văn Mới"]]
    assert samples["P2"]["fields"][0][1:] == ["9", "—"]
    assert samples["P9"]["new"] is True


def test_a_preview_of_a_bad_file_is_refused_like_the_import(world, tmp_path):
    persons = good_persons()
    persons[0]["sex"] = "X"
    with pytest.raises(RegisterRefused):
        services.preview_register(*files(tmp_path, good_communes(), persons), year=YEAR)


# --- encodings, separators, lengths -------------------------------------------------------


def reencode(path, encoding: str, delimiter: str = ",") -> None:
    text = path.read_text(encoding="utf-8").replace(",", delimiter)
    path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-16", ","), ("utf-8", ";"),
     ("utf-8-sig", ";")],
)  # fmt: skip
def test_csv_in_utf8_with_or_without_bom_utf16_and_with_semicolons_or_tabs_is_read(
    world, tmp_path, encoding, delimiter
):
    communes_path, persons_path = files(tmp_path, good_communes(), vietnamese_persons())
    for path in (communes_path, persons_path):
        reencode(path, encoding, delimiter)
    assert import_register(communes_path, persons_path, year=YEAR).created == 6
    assert person("C-A1", "P1").full_name == "Nguyễn Thị Ánh"


@pytest.mark.parametrize(
    ("content", "message"),
    [(codecs.BOM_UTF16_LE[:0] + "commune_code".encode("utf-16-le"), "not a CSV text file"),
     (b"PK\x03\x04 a workbook", "not a CSV text file")],
)  # fmt: skip
def test_other_files_are_refused_in_words_not_a_500(world, tmp_path, content, message):
    communes_path, persons_path = files(tmp_path, good_communes(), good_persons())
    persons_path.write_bytes(content)
    with translation.override("en"), pytest.raises(RegisterRefused) as refused:
        import_register(communes_path, persons_path, year=YEAR)
    assert any(message in e.message for e in refused.value.errors)
    assert not Person.objects.exists()


def test_the_refusal_of_a_file_that_is_not_text_is_in_vietnamese(world, tmp_path):
    communes_path, persons_path = files(tmp_path, good_communes(), good_persons())
    persons_path.write_bytes(b"PK\x03\x04")
    with translation.override("vi"), pytest.raises(RegisterRefused) as refused:
        import_register(communes_path, persons_path, year=YEAR)
    assert "không phải tệp văn bản CSV" in refused.value.errors[0].message


@pytest.mark.parametrize("column", ["full_name", "person_id", "household_id"])
def test_a_text_longer_than_the_register_holds_is_a_row_error(world, tmp_path, column):
    persons = good_persons()
    persons[2][column] = "Nguyễn " * 40  # 280 characters
    with translation.override("en"), pytest.raises(RegisterRefused) as refused:
        import_register(*files(tmp_path, good_communes(), persons), year=YEAR)
    [error] = refused.value.errors
    assert (error.line, error.column) == (4, column) and "at most" in error.message
    assert not Person.objects.exists()


def test_the_length_limits_are_the_models(db):
    limits = {"household_id": Household._meta.get_field("code").max_length,
              "person_id": Person._meta.get_field("code").max_length,
              "full_name": Person._meta.get_field("full_name").max_length}  # fmt: skip
    assert {k: exchange.MAX_LENGTHS[k] for k in limits} == limits


# --- batches ----------------------------------------------------------------------------------


def test_persons_are_written_in_batches_with_progress_after_each(world, tmp_path, small_batches):
    seen = []
    result = import_register(*files(tmp_path, good_communes(), good_persons()), year=YEAR,
                             progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert seen == [(2, 6), (4, 6), (6, 6)]
    assert result.created == 6


def test_a_rerun_after_a_stop_half_way_finishes_the_import(world, tmp_path, small_batches):
    paths = files(tmp_path, good_communes(), good_persons())

    def stop(done: int, total: int) -> None:
        if done == 4:
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        import_register(*paths, year=YEAR, progress=stop)
    assert Person.objects.count() == 4  # two batches were committed
    result = import_register(*paths, year=YEAR)
    assert (result.created, result.changed, result.unchanged) == (2, 0, 4)
    assert Person.history.count() == 6
