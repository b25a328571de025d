"""core.datafile.Sync: upserts and prunes count their writes; a prune that would delete a
row another table protects is refused with a DataFileError that names the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from core.datafile import DataFile, DataFileError, Sync
from indicators.models import DataValue, Period

DOC = DataFile(path=Path("periods.yaml"), data={}, lines={"/periods": 4, "/periods#key": 3})


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_rows_and_prunes_count_what_they_write(world):
    sync = Sync(DOC)
    kept = sync.row(Period, {"code": "2031"}, {"year": 2031, "start_date": "2031-01-01",
                                               "end_date": "2031-12-31"})  # fmt: skip
    sync.row(Period, {"code": "2031"}, {"year": 2031})
    assert sync.written == 1
    sync.row(Period, {"code": "2032"}, {"year": 2032, "start_date": "2032-01-01",
                                        "end_date": "2032-12-31"})  # fmt: skip
    sync.prune(Period.objects.filter(code__in=["2031", "2032"]), [kept], "/periods")
    assert sync.written == 3
    assert list(Period.objects.filter(code__startswith="203").values_list("code", flat=True)) == [
        "2031"
    ]


def test_a_prune_of_a_protected_row_names_it_and_what_protects_it(world, english):
    used = DataValue.objects.filter(period__code="2020").count()
    assert used
    before = Period.objects.count(), DataValue.objects.count()
    sync = Sync(DOC)
    with pytest.raises(DataFileError) as caught:
        sync.prune(Period.objects.filter(code__in=["2020", "2021"]), [], "/periods")
    errors = {e.message: (e.line, e.pointer) for e in caught.value.errors}
    message = (
        f"period “2020” cannot be removed: {used} data value record(s) refer to it. Keep it in "
        "the file, or have an administrator remove those data value records first."
    )
    assert errors[message] == (3, "/periods")
    assert (Period.objects.count(), DataValue.objects.count()) == before
    assert sync.written == 0
