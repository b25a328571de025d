"""A synthetic PCGD-XMC register for the demo instance, written as exchange files and imported.

Each cohort misses its mark by a set share of persons, rounded down per commune, so the
demo's story (which commune falls short of which standard) is fixed by the demo file.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Mapping
from pathlib import Path

from units.models import OrgUnit

from .publishing import publish_register
from .queries import current_rules
from .services import ImportResult, import_register
from .testing import write_exchange

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai",
         "Minh", "Nam", "Ngọc", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn")  # fmt: skip
OLDEST = 80
LITERACY_SHORTFALLS = ("illiterate", "level1_only")  # over ages 15-60
SHORTFALLS = ("preschool", "grade1", "primary", "diploma", "studying_15_18", *LITERACY_SHORTFALLS)


def _schooling(person: dict, age: int, birth: int, miss: Mapping[str, bool]) -> None:
    if 3 <= age <= 5:
        person["studying"] = "none" if miss["preschool"] else "preschool"
    if age >= 5:
        person["preschool_completed"] = "no" if miss["preschool"] else "yes"
    if age >= 6 and not miss["grade1"]:
        person["grade1_entry_year"] = birth + 6
    if age >= 11 and not miss["primary"]:
        person["primary_completed_year"] = birth + 11
    if age >= 15 and not miss["diploma"]:
        person["lower_secondary_diploma_year"] = birth + 15
    if 6 <= age <= 18:
        level = "primary" if "primary_completed_year" not in person else "lower_secondary"
        if age >= 15 and "lower_secondary_diploma_year" in person:
            level = "none" if miss["studying_15_18"] else "upper_secondary"
        person["studying"] = level
    if age > 18:
        person["studying"] = "none"
    if age >= 15:
        grade = 12 if age <= 45 else 9
        if miss["level1_only"] or miss["illiterate"]:
            grade = 1 if miss["illiterate"] else 4
            person.pop("primary_completed_year", None)
            person.pop("lower_secondary_diploma_year", None)
        person["highest_grade_completed"] = grade


def commune_rows(code: str, n: int, year: int, shortfalls: Mapping[str, float], seed: str):
    """`n` persons of commune `code` in households of 4, ages spread evenly over 0-80."""
    rng = random.Random(f"{seed}-{code}")
    ages = [i % (OLDEST + 1) for i in range(n)]
    rng.shuffle(ages)
    by_age: dict[int, list[int]] = {}
    for index, age in enumerate(ages):
        by_age.setdefault(age, []).append(index)
    missing: dict[int, set[str]] = {i: set() for i in range(n)}
    adults = [i for a in range(15, 61) for i in by_age.get(a, [])]
    taken = 0  # literacy shortfalls fall on the oldest adults, one group after the other
    for name, share in shortfalls.items():
        if name in LITERACY_SHORTFALLS:
            count = int(len(adults) * share)
            for i in adults[len(adults) - taken - count : len(adults) - taken]:
                missing[i].add(name)
            taken += count
            continue
        for cohort in by_age.values():
            for i in cohort[: int(len(cohort) * share)]:
                missing[i].add(name)
    rows = []
    for index, age in enumerate(ages):
        birth = year - age
        person = {"commune_code": code, "household_id": f"{index // 4 + 1:04d}",
                  "person_id": f"{index + 1:05d}", "sex": "MF"[rng.random() < 0.51],
                  "full_name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                  "birth_year": birth, "residence": "permanent", "disability": "none"}  # fmt: skip
        _schooling(person, age, birth, {k: k in missing[index] for k in SHORTFALLS})
        rows.append(person)
    return rows


def load_demo_register(spec: Mapping, sizes: Mapping[str, float], seed: str) -> ImportResult:
    """Write the demo register as exchange files, import it and publish the plan figures."""
    year, district = int(spec["year"]), str(spec["district"])
    communes, persons = [], []
    for code, size in sizes.items():
        shortfalls = dict(spec["shortfalls"]) | dict(spec.get("overrides", {}).get(code, {}))
        n = round(size * spec["persons_per_size"])
        communes.append({"commune_code": code, "district_code": district, "disadvantaged": "no"})
        persons += commune_rows(code, n, year, shortfalls, seed)
    with tempfile.TemporaryDirectory(prefix="xhht-demo-") as directory:
        result = import_register(*write_exchange(Path(directory), communes, persons), year=year)
    units = list(OrgUnit.objects.filter(pk__in=result.commune_ids))
    publish_register(units, year, current_rules())
    return result
