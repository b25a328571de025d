"""Loading criteria set files: all or nothing, errors with file:line, a used version is never
changed in place, and the set in force for a year."""

from __future__ import annotations

import copy as copy_module
import json
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


def apply_with(criteria_set: CriteriaSet) -> Application:
    """An application (of a small tree's commune) that uses `criteria_set`."""
    tree = build_tree()
    return Application.objects.create(
        unit=tree.commune_a1,
        model=criteria_set.model,
        criteria_set=criteria_set,
        year=2024,
        level=1,
        office=tree.district_a,
    )


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
    apply_with(row)
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


# --- the admin: the other way to correct a set ---------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def post_set(client, content, row=None, **extra):
    url = (
        f"/admin/recognition/criteriaset/{row.pk}/change/"
        if row
        else ("/admin/recognition/criteriaset/add/")
    )
    return client.post(url, {"content": json.dumps(content), "active": "on", **extra})


def test_the_admin_checks_the_content_and_fills_the_row_from_it(admin_client) -> None:
    raw = criteria.read_file(XA)[0]
    response = post_set(admin_client, raw)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CriteriaSet.objects.get()
    assert (row.code, row.version, row.model) == ("cdht-xa-tt25-2023", "1", "cdht_commune")
    page = admin_client.get(f"/admin/recognition/criteriaset/{row.pk}/change/")
    assert page.status_code == 200 and "X5.2" in page.content.decode()
    assert row.sha256 == criteria.sha256_of(raw)
    broken = copy_module.deepcopy(raw)
    broken["criteria"][0]["indicators"][0]["kind"] = "ratio"
    response = post_set(admin_client, broken, row)
    assert response.status_code == 200
    assert "/criteria/0/indicators/0/kind" in response.content.decode()
    row.refresh_from_db()
    assert row.sha256 == criteria.sha256_of(raw)


def test_a_used_set_must_be_saved_as_a_new_version(admin_client) -> None:
    loader.load([XA])
    row = CriteriaSet.objects.get()
    apply_with(row)
    changed = copy_module.deepcopy(row.content)
    changed["criteria"][4]["indicators"][0]["min"] = {"1": 65, "2": 80}
    response = post_set(admin_client, changed, row)
    assert response.status_code == 200
    assert "Save as new" in response.content.decode() or "Lưu" in response.content.decode()
    same_version = post_set(admin_client, changed, row, _saveasnew="1")
    assert same_version.status_code == 200
    assert CriteriaSet.objects.count() == 1
    changed["version"] = "2"
    response = post_set(admin_client, changed, row, _saveasnew="1")
    assert response.status_code == 302
    new = CriteriaSet.objects.get(version="2")
    assert criteria.definition(new).indicator("X5.1").threshold.minimum[1] == 65
    row.refresh_from_db()
    assert criteria.definition(row).indicator("X5.1").threshold.minimum[1] == 60


def test_applications_and_tallies_are_read_only_in_the_admin(admin_client) -> None:
    loader.load([XA])
    app = apply_with(CriteriaSet.objects.get())
    page = admin_client.get(f"/admin/recognition/application/{app.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/recognition/application/add/").status_code == 403
    assert admin_client.get("/admin/recognition/tally/").status_code == 200
