"""Benchmark part 1: a district's Excel templates, filled for every unit and imported."""

from __future__ import annotations

import datetime
import io
import random
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from benchmarks.worker import measure
from collection import excel, excel_import, services
from collection.forms_spec import cells_of
from collection.models import DataSet, Entry, ReportingRound, Submission
from core import spreadsheets
from indicators.demo import ensure_year_periods
from units.access import units_visible_to
from units.models import Membership, OrgUnit

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "317"
NAMED = {"industrial-workers-annual": ["317-LDLD"], "students-annual": ["317-PGDDT"]}
IMPORTED = ("commune-annual", "body-annual")
# Plausible sizes of the figures that are no part of another (units: persons, officials).
WHOLE_RANGES = {
    "persons": (900, 4000), "officials": (8, 60), "commune_officials": (18, 25),
    "district_officials": (3, 30), "rural_workers": (500, 3000),
    "life_skills_population": (800, 3000), "newly_literate_persons": (0, 40),
}  # fmt: skip


def build_district() -> tuple[ReportingRound, object]:
    """Units, catalog, data sets, the office's account and round "bc-2019" for all 4 sets."""
    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("load_units", str(ROOT / "data/units/hai-phong-cat-hai.yaml"), **quiet)
    call_command("load_indicators", str(ROOT / "data/indicators/learning-society.yaml"), **quiet)
    call_command("load_datasets", str(ROOT / "data/collection/learning-society.yaml"), **quiet)
    district = OrgUnit.objects.get(code=DISTRICT)
    office = get_user_model().objects.create_user("pgd_bench", password=None)
    Membership.objects.create(user=office, unit=district, role=Membership.Role.DISTRICT_ADMIN)
    data_sets = list(DataSet.objects.order_by("code"))
    named = {d.pk: list(OrgUnit.objects.filter(code__in=NAMED[d.code]).order_by("path"))
             for d in data_sets if d.code in NAMED}  # fmt: skip
    round_ = services.open_round(
        owner=district, period=ensure_year_periods([2019])[2019], code="bc-2019",
        name="Báo cáo năm 2019", opens_on=datetime.date(2019, 12, 1),
        due_on=datetime.date(2020, 1, 15), data_sets=data_sets, actor=office, units=named,
    )  # fmt: skip
    return round_, office


def download(round_: ReportingRound, data_set: DataSet, office) -> bytes:
    """The template as the download view builds it (collection.excel_views.template_download)."""
    units = units_visible_to(office, "enter_data")
    submissions = list(
        Submission.objects.filter(round=round_, data_set=data_set, unit__in=units)
        .select_related("unit")
        .order_by("unit__path")
    )
    output = io.BytesIO()
    excel.write_template(round_, data_set, submissions, output)
    return output.getvalue()


def plausible(data_set: DataSet, rng: random.Random) -> dict[tuple, int]:
    """One unit's figures for every cell: each part a share of its whole, so no hard rule
    breaks (a part may itself be a whole, e.g. leaders of officials, trained of leaders)."""
    keys = [c.key for c in cells_of(data_set)]
    whole_of = {r.element.code: r.other.code for r in data_set.rules.filter(kind="at_most")
                .select_related("element", "other")}  # fmt: skip
    values: dict[tuple, int] = {}
    while len(values) < len(keys):
        for code, sex, band in keys:
            if (code, sex, band) in values:
                continue
            whole = whole_of.get(code)
            if whole is None:
                low, high = WHOLE_RANGES.get(code, (10, 500))
                values[(code, sex, band)] = rng.randint(low, high)
            elif (whole, sex, band) in values:
                values[(code, sex, band)] = values[(whole, sex, band)] * rng.randint(50, 100) // 100
    return values


def fill(template: bytes, data_set: DataSet, seed: int) -> bytes:
    """The template with every unit's row filled, as an office would type it."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.active
    keys = [ws.cell(excel.KEY_ROW, col).value for col in range(1, ws.max_column + 1)]
    rng = random.Random(seed)
    row = excel.KEY_ROW + 1
    while ws.cell(row, 1).value:
        values = plausible(data_set, rng)
        for col, key in enumerate(keys, start=1):
            if key and key not in (excel.UNIT_KEY, excel.NAME_KEY):
                ws.cell(row, col, values[tuple(key.split("|"))])
        row += 1
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


def read_only(content: bytes) -> None:
    """The floor: only reading the file as the import does (zip checks, then openpyxl)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(content)
        spreadsheets.read_first_sheet(path, max_unpacked=excel_import.MAX_UNCOMPRESSED_BYTES)


def time_import(round_: ReportingRound, data_set: DataSet, office, repeat: int) -> dict:
    """Median of `repeat` imports (after a warm-up), each of a file with new numbers."""
    template = download(round_, data_set, office)
    files = [fill(template, data_set, seed) for seed in range(repeat + 1)]
    turn = iter(files)
    outcomes = []

    def run_import() -> None:
        upload = SimpleUploadedFile(f"{data_set.code}.xlsx", next(turn))
        outcomes.append(excel_import.import_template(upload, round_, data_set, actor=office))

    timing = measure(run_import, repeat)
    rows = len(outcomes[0].units)
    cells = rows * len(cells_of(data_set))
    return {
        "data_set": data_set.code, "rows": rows, "cells": cells, "import": timing,
        "saved_rows": [len(o.results) for o in outcomes],
        "with_problems": sum(o.with_problems for o in outcomes),
        "download": measure(lambda: download(round_, data_set, office), repeat),
        "read_only": measure(lambda: read_only(files[-1]), repeat),
        "bytes": len(files[-1]),
    }  # fmt: skip


def run_district(repeat: int) -> dict:
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    round_, office = build_district()
    built = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = [
        time_import(round_, DataSet.objects.get(code=code), office, repeat) for code in IMPORTED
    ]
    return {"build_s": built, "imports": results, "forms": round_.submissions.count(),
            "check": _check(round_, results)}  # fmt: skip


def _check(round_: ReportingRound, results: list[dict]) -> dict:
    """What the last import left: every unit's entries, as drafts."""
    expected = sum(r["cells"] for r in results)
    stored = Entry.objects.filter(submission__round=round_, value__isnull=False,
                                  submission__data_set__code__in=IMPORTED).count()  # fmt: skip
    return {"entries_expected": expected, "entries_stored": stored, "ok": stored == expected}
