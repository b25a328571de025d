"""Fill the folded search keys, and store names and addresses typed in NFD in NFC."""

from __future__ import annotations

import unicodedata

from django.db import migrations

from core.text import fold

BATCH = 2000
LENGTH = 300


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _key(*texts: str) -> str:
    return fold(" ".join(t for t in texts if t))[:LENGTH]


def fill(apps, schema_editor) -> None:
    # Codes are left as they are: two NFD and NFC spellings of one code could collide on the
    # unique (commune, code) constraints; the keys make them searchable all the same.
    Person = apps.get_model("universalization", "Person")
    Household = apps.get_model("universalization", "Household")
    batch = []
    for person in Person.objects.only("code", "full_name", "ethnicity").iterator(BATCH):
        person.full_name, person.ethnicity = _nfc(person.full_name), _nfc(person.ethnicity)
        person.search_key = _key(person.code, person.full_name)
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["full_name", "ethnicity", "search_key"])
            batch = []
    Person.objects.bulk_update(batch, ["full_name", "ethnicity", "search_key"])
    batch = []
    for household in Household.objects.only("code", "village", "address").iterator(BATCH):
        household.village, household.address = _nfc(household.village), _nfc(household.address)
        household.search_key = _key(household.code)
        batch.append(household)
    Household.objects.bulk_update(batch, ["village", "address", "search_key"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("universalization", "0003_register_search_and_imports")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
