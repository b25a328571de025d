"""The Vietnamese catalogue: complete, faithful to its placeholders, compiled, and up to date."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# What `makemessages` must not look into: the same --ignore list as the documented command.
IGNORED_DIRS = {".venv", "benchmarks", "staticfiles", "node_modules", "locale", "__pycache__"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

NAMED = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text: str, python_format: bool) -> Counter:
    found = NAMED.findall(text) + BRACES.findall(text)
    if python_format:
        found += POSITIONAL.findall(NAMED.sub("", text))
    return Counter(found)


def test_the_catalogue_is_vietnamese_with_one_plural_form(po):
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    assert len(po) > 0
    problems = [
        key(e)
        for e in po
        if e.obsolete or "fuzzy" in e.flags or not all(s.strip() for s in translations(e))
    ]
    assert problems == []
    assert all(len(translations(e)) == 1 for e in po if e.msgid_plural)


def test_every_translation_keeps_the_placeholders_of_its_msgid(po):
    problems = []
    for e in po:
        python_format = "python-format" in e.flags
        expected = placeholders(e.msgid_plural or e.msgid, python_format)
        if e.msgid_plural and placeholders(e.msgid, python_format) != expected:
            expected |= placeholders(e.msgid, python_format)
        for text in translations(e):
            if placeholders(text, python_format) != expected:
                problems.append((key(e), text))
    assert problems == []


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po(po):
    mo = polib.mofile(str(MO_PATH))

    def table(catalogue) -> dict:
        return {key(e): tuple(translations(e)) for e in catalogue if e.msgid and not e.obsolete}

    assert table(mo) == table(po), "run: manage.py compilemessages -l vi --ignore=.venv"


def test_no_app_keeps_a_catalogue_of_its_own():
    base = Path(settings.BASE_DIR)
    stray = [p for p in base.glob("*/locale") if p.resolve() != LOCALE.resolve()]
    assert stray == [], "fold app catalogues into the project catalogue under locale/"


def copy_sources(source: Path, target: Path) -> None:
    for root, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS and not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            if path.suffix in SOURCE_SUFFIXES and not name.startswith("."):
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogue_has_every_message_of_the_code_and_no_other(po, tmp_path, monkeypatch):
    """As if `makemessages -l vi --no-obsolete` ran now: nothing to add, nothing to remove."""
    tree = tmp_path / "src"
    copy_sources(Path(settings.BASE_DIR), tree)
    locale = tmp_path / "locale"
    monkeypatch.chdir(tree)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [locale])
    call_command(
        "makemessages",
        locale=["vi"],
        keep_pot=True,
        no_obsolete=True,
        verbosity=0,
        stdout=io.StringIO(),
    )
    extracted = {key(e) for e in polib.pofile(str(locale / "django.pot")) if e.msgid}
    committed = {key(e) for e in po if e.msgid and not e.obsolete}
    hint = "run: manage.py makemessages -l vi --ignore=.venv --ignore=benchmarks --no-obsolete"
    assert sorted(extracted - committed, key=str) == [], "missing from the catalogue; " + hint
    assert sorted(committed - extracted, key=str) == [], "no longer in the code; " + hint
