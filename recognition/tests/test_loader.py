"""Loading criteria set files: all or nothing, errors with file:line, a used version is never
changed in place, and the set in force for a year."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import CommandError, call_command

from recognition import criteria, loader
from recognition.models import Application, CriteriaSet
from units.testing import build_tree

pytestmark = pytest.mark.django_db
XA = criteria.RULES_DIR / "cdht-xa-tt25-2023.yaml"
DV = criteria.RULES_DIR / "dvht-huyen-tt24-2023.yaml"


def copy(tmp_path, source, name=None):
    target = tmp_path / (name or source.name)
    shutil.copy(source, target)
    return target


def test_it_loads_every_set_and_reloading_changes_nothing() -> None:
    result = loader.load()
    assert result.created == len(criteria.set_files()) == 10
    assert loader.load().unchanged == 10
    row = CriteriaSet.objects.get(code="cdht-xa-tt25-2023", version="1")
    assert row.sha256 == criteria.sha256_of(row.content)
    assert (row.model, row.status, row.valid_from, row.valid_to) == (
        "cdht_commune",
        "verified",
        2023,
        None,
    )
    assert criteria.definition(row).indicator("X5.2").kind == "compound_rate"


def test_a_changed_set_replaces_an_unused_version(tmp_path) -> None:
    path = copy(tmp_path, XA)
    loader.load([path])
    path.write_text(path.read_text().replace("min: {1: 60, 2: 80}", "min: {1: 65, 2: 80}"))
    assert loader.load([path]).updated == 1
    row = CriteriaSet.objects.get(code="cdht-xa-tt25-2023")
    assert criteria.definition(row).indicator("X5.1").threshold.minimum[1] == 65


def test_a_used_version_is_never_changed_in_place(tmp_path) -> None:
    path, other = copy(tmp_path, XA), copy(tmp_path, DV)
    loader.load([path])
    row = CriteriaSet.objects.get()
    tree = build_tree()
    Application.objects.create(
        unit=tree.commune_a1,
        model="cdht_commune",
        criteria_set=row,
        year=2024,
        level=1,
        office=tree.district_a,
    )
    path.write_text(path.read_text().replace("min: {1: 60, 2: 80}", "min: {1: 65, 2: 80}"))
    with pytest.raises(loader.LoadError) as error:
        loader.load([path, other])
    line = next(
        i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("version:")
    )
    assert error.value.lines[0].startswith(f"{path}:{line}: ")
    assert '"2"' in error.value.lines[0]
    # all or nothing: the other file was not loaded either
    assert list(CriteriaSet.objects.values_list("code", "sha256")) == [(row.code, row.sha256)]
    path.write_text(path.read_text().replace('version: "1"', 'version: "2"'))
    assert loader.load([path]).created == 1


def test_a_bad_file_writes_nothing_and_names_its_line(tmp_path) -> None:
    good = copy(tmp_path, DV)
    bad = copy(tmp_path, XA)
    text = bad.read_text().replace("kind: compound_rate", "kind: compound")
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "kind: compound" in t)
    with pytest.raises(CommandError):
        call_command("load_recognition_criteria", str(good), str(bad))
    assert not CriteriaSet.objects.exists()
    with pytest.raises(loader.LoadError) as error:
        loader.load([good, bad])
    assert any(text.startswith(f"{bad}:{line}:") for text in error.value.lines)


def test_the_same_version_in_two_files_is_an_error(tmp_path) -> None:
    first, second = copy(tmp_path, XA), copy(tmp_path, XA, "cdht-xa-tt25-2023@copy.yaml")
    with pytest.raises(loader.LoadError, match="cdht-xa-tt25-2023"):
        loader.load([first, second])


def test_the_command_reports_what_it_did(capsys) -> None:
    call_command("load_recognition_criteria", str(XA))
    assert "1" in capsys.readouterr().out
    assert CriteriaSet.objects.count() == 1


def test_the_set_in_force_is_the_newest_active_one_for_the_year(tmp_path) -> None:
    path = copy(tmp_path, XA)
    loader.load([path])
    assert criteria.current("cdht_commune", 2024).version == "1"
    assert criteria.current("cdht_commune", 2022) is None
    newer = copy(tmp_path, XA, "cdht-xa-tt25-2023@10.yaml")
    newer.write_text(path.read_text().replace('version: "1"', 'version: "10"'))
    loader.load([newer])
    assert criteria.current("cdht_commune", 2024).version == "10"
    CriteriaSet.objects.filter(version="10").update(active=False)
    assert criteria.current("cdht_commune", 2024).version == "1"


def test_next_version_suggestions() -> None:
    assert loader.next_version("1") == "2"
    assert loader.next_version("2024.9") == "2024.10"
    assert loader.next_version("a") == "a.1"
