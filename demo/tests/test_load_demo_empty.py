"""load_demo on an empty database (test_load_demo.py keeps a loaded demo for its module)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from demo.tests.test_load_demo import DEMO_FILE, load
from indicators.models import DataValue
from units.models import OrgUnit


def test_if_empty_loads_an_empty_database(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load("--if-empty")
    assert OrgUnit.objects.filter(code="11914", valid_from__isnull=False).exists()
    assert DataValue.objects.filter(unit__code="11947").exists()


def test_a_demo_file_that_misses_a_target_writes_nothing(db, tmp_path):
    text = DEMO_FILE.read_text(encoding="utf-8").replace(
        "  students_life_skills_rate:", "  students_life_skills_rate_typo:"
    )
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="students_life_skills_rate_typo"):
        load(str(path))
    assert not OrgUnit.objects.exists()
    assert not DataValue.objects.exists()
