"""Tests of the tallies' Excel import: template, preview, confirm, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from collection.excel_import import ImportRefused
from recognition import register_import
from recognition.models import Tally
from recognition.registers import save_tallies
from units.testing import build_tree, build_users

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("recognition.publishing.publish_tallies", lambda *a, **k: None)
    tree = build_tree()
    users = build_users(tree)
    save_tallies(tree.commune_a1, YEAR - 1, [
        {"village": "Thôn 1", "model": "family", "total": 10},
        {"village": "Thôn 2", "model": "family", "total": 20},
    ], actor=users.superuser)  # fmt: skip
    save_tallies(tree.commune_a1, YEAR, [{"village": "Thôn 1", "model": "family", "total": 10,
                                          "registered": 5}], actor=users.superuser)  # fmt: skip
    return tree, users


def filled(tree, edits: dict[tuple[str, str], dict]) -> SimpleUploadedFile:
    """The commune's template with some cells typed: {(village, model label): {column: v}}."""
    book = load_workbook(io.BytesIO(register_import.template(tree.commune_a1, YEAR)))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        key = (row[0].value, row[1].value)
        for column, value in edits.get(key, {}).items():
            row[column].value = value
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tallies.xlsx", out.getvalue())


def family():
    from recognition.models import Model

    return str(Model.FAMILY.label)


def test_the_template_lists_last_years_villages_with_this_years_figures(world):
    tree, _users = world
    sheet = register_import.template_sheet(tree.commune_a1, YEAR)
    assert [r[0] for r in sheet.rows][::5] == ["Thôn 1", "Thôn 2"]
    assert sheet.rows[0][2:4] == [10, 5] and sheet.rows[5][2:5] == [None, None, None]


def test_preview_then_confirm_writes_new_and_changed_rows_and_keeps_blanks(world):
    tree, users = world
    upload = filled(tree, {("Thôn 1", family()): {2: 12, 3: None, 4: 4},
                           ("Thôn 2", family()): {2: 30, 3: 20}})  # fmt: skip
    grid = register_import.read_upload(upload)
    seen = register_import.preview(grid, tree.commune_a1, YEAR, actor=users.commune_reporter)
    kinds = {(c.village, c.model): c.kind for c in seen.changes if c.kind != "unchanged"}
    assert kinds == {("Thôn 1", "family"): "changed", ("Thôn 2", "family"): "new"}
    old = next(c for c in seen.changes if c.kind == "changed")
    assert (old.old.total, old.new.total, old.new.registered) == (10, 12, 5)
    assert not Tally.objects.filter(year=YEAR, village="Thôn 2").exists()  # nothing yet
    register_import.confirm({"rows": seen.rows, "lines": seen.lines, "sheet": seen.sheet},
                            tree.commune_a1, YEAR, actor=users.commune_reporter)  # fmt: skip
    rows = Tally.objects.filter(year=YEAR).order_by("village")
    assert [(t.village, t.total, t.registered, t.recognised) for t in rows] == [
        ("Thôn 1", 12, 5, 4), ("Thôn 2", 30, 20, None),
    ]  # fmt: skip


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(world):
    tree, users = world
    upload = filled(tree, {("Thôn 1", family()): {2: 12},
                           ("Thôn 2", family()): {2: 30, 3: 31}})  # fmt: skip
    grid = register_import.read_upload(upload)
    with pytest.raises(ImportRefused) as refused:
        register_import.preview(grid, tree.commune_a1, YEAR, actor=users.commune_reporter)
    (error,) = refused.value.errors
    line = next(i for i, r in enumerate(grid.rows, 1) if r[:2] == ["Thôn 2", family()])
    assert error.row == line and error.column.startswith("D ") and error.value == "31"
    assert Tally.objects.get(year=YEAR).total == 10


def test_a_negative_a_fraction_and_an_unknown_model_are_each_named(world):
    tree, users = world
    upload = filled(tree, {("Thôn 1", family()): {2: -1},
                           ("Thôn 2", family()): {1: "Gia đình", 4: 2.5}})  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        register_import.preview(register_import.read_upload(upload), tree.commune_a1, YEAR,
                                actor=users.commune_reporter)  # fmt: skip
    assert sorted(e.column[0] for e in refused.value.errors) == ["B", "C"]


def test_a_formula_without_a_computed_value_is_refused_never_run(world):
    tree, users = world
    upload = filled(tree, {("Thôn 2", family()): {2: "=1+1"}})
    with pytest.raises(ImportRefused) as refused:
        register_import.preview(register_import.read_upload(upload), tree.commune_a1, YEAR,
                                actor=users.commune_reporter)  # fmt: skip
    (error,) = refused.value.errors
    assert (error.column[0], error.value) == ("C", "=1+1")


def test_a_stale_preview_writes_nothing(world):
    tree, users = world
    upload = filled(tree, {("Thôn 1", family()): {2: 12}, ("Thôn 2", family()): {2: 30}})
    grid = register_import.read_upload(upload)
    seen = register_import.preview(grid, tree.commune_a1, YEAR, actor=users.commune_reporter)
    save_tallies(tree.commune_a1, YEAR, [{"village": "Thôn 1", "model": "family", "total": 11,
                                          "version": 1}], actor=users.district_admin)  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        register_import.confirm({"rows": seen.rows, "lines": seen.lines, "sheet": seen.sheet},
                                tree.commune_a1, YEAR, actor=users.commune_reporter)  # fmt: skip
    assert refused.value.stale
    assert list(Tally.objects.filter(year=YEAR).values_list("village", "total")) == [("Thôn 1", 11)]


def test_the_session_keeps_a_preview_once_for_its_commune_and_year(world):
    tree, users = world
    session = {}
    seen = register_import.Preview("s", rows=[{"village": "x"}], lines=[7])
    token = register_import.keep(session, tree.commune_a1, YEAR, seen)
    assert register_import.take(session, token, tree.commune_a2, YEAR) is None
    token = register_import.keep(session, tree.commune_a1, YEAR, seen)
    assert register_import.take(session, token, tree.commune_a1, YEAR)["lines"] == [7]
    assert register_import.take(session, token, tree.commune_a1, YEAR) is None
