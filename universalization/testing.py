"""A small register for tests: a few households and persons in the communes of plans.testing."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from types import SimpleNamespace

from .exchange import COMMUNE_COLUMNS, PERSON_COLUMNS
from .services import import_register

YEAR = 2020


def write_exchange(directory: Path, communes: list[dict], persons: list[dict]) -> tuple[Path, Path]:
    """Write exchange files (missing columns left empty); returns (communes, persons) paths."""
    paths = directory / "communes.csv", directory / "persons.csv"
    for path, columns, rows in ((paths[0], COMMUNE_COLUMNS, communes),
                                (paths[1], PERSON_COLUMNS, persons)):  # fmt: skip
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
    return paths


def child(commune: str, n: int, age: int, **fields) -> dict:
    """A person row of the given age in YEAR, born then, with `fields` on top."""
    birth = YEAR - age
    return {"commune_code": commune, "household_id": f"H{n // 3}", "person_id": f"P{n}",
            "full_name": f"Người {n}", "sex": "MF"[n % 2], "birth_year": birth,
            "residence": "permanent", "disability": "none", **fields}  # fmt: skip


def build_register(world: SimpleNamespace) -> SimpleNamespace:
    """Register rows in C-A1 (every 5-year-old but one attends; all literate), C-A2 (two
    persons) and C-B1 (one person), evaluated in YEAR."""
    persons = [child("C-A1", n, 5, studying="preschool", preschool_completed="yes")
               for n in range(19)]  # fmt: skip
    persons.append(child("C-A1", 19, 5, studying="none", preschool_completed="no"))
    persons += [child("C-A1", n, 20, highest_grade_completed="9", primary_completed_year=YEAR - 9)
                for n in range(20, 40)]  # fmt: skip
    persons += [child("C-A2", n, 30, highest_grade_completed="2") for n in range(2)]
    persons.append(child("C-B1", 0, 40, highest_grade_completed="12"))
    communes = [
        {"commune_code": "C-A1", "district_code": "D-A", "disadvantaged": "no"},
        {"commune_code": "C-A2", "district_code": "D-A", "disadvantaged": "yes"},
        {"commune_code": "C-B1", "district_code": "D-B", "disadvantaged": "no"},
    ]
    with tempfile.TemporaryDirectory() as directory:
        paths = write_exchange(Path(directory), communes, persons)
        result = import_register(*paths, year=YEAR)
    return SimpleNamespace(year=YEAR, result=result, persons=persons)
