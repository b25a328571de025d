"""Builders of PCGD-XMC registers for the tests: CSV files, hand-made cohorts, random registers."""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

from hypothesis import strategies as st

# The exchange format's columns, in the order (issue 5, item 2).
COMMUNE_COLUMNS = ("commune_code", "district_code", "disadvantaged")
PERSON_COLUMNS = (
    "commune_code",
    "household_id",
    "person_id",
    "full_name",
    "sex",
    "birth_year",
    "residence",
    "disability",
    "studying",
    "preschool_completed",
    "grade1_entry_year",
    "primary_completed_year",
    "lower_secondary_diploma_year",
    "highest_grade_completed",
    "literacy_stage_completed",
)

RESIDENCES = ("permanent", "temporary", "moved_away", "deceased")
DISABILITIES = ("none", "can_learn", "cannot_learn")
STUDYING = (
    "none",
    "preschool",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "continuing",
    "vocational",
)

NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Đức",
    "Phạm Thị Ngọc Ánh",
    "Hoàng Văn Sử",
    "Đặng Thị Hường",
    "Vũ Minh Khôi",
    "Lò Văn Tòng",
    "Hà Thị Nhung, con ông Lự",
    'Giàng A "Páo"',
)

_serial = itertools.count(1)


# --- Hand-made rows ---------------------------------------------------------------------------


def commune(code: str = "00001", district: str = "001", disadvantaged: bool = False) -> dict:
    """A row of the communes CSV."""
    return {
        "commune_code": code,
        "district_code": district,
        "disadvantaged": "yes" if disadvantaged else "no",
    }


def person(commune_code: str, age: int | None, year: int, **fields: object) -> dict:
    """A row of the persons CSV: a permanent resident without disability, every other field empty.

    `age` None leaves the birth year empty; `fields` override any column (None = empty).
    """
    n = next(_serial)
    row = dict.fromkeys(PERSON_COLUMNS, "")
    row.update(
        commune_code=commune_code,
        household_id=f"HGD{n // 4:05d}",
        person_id=f"P{n:06d}",
        full_name=NAMES[n % len(NAMES)],
        sex="MF"[n % 2],
        birth_year="" if age is None else str(year - age),
        residence="permanent",
        disability="none",
    )
    for key, value in fields.items():
        if key not in row:
            raise KeyError(f"no column {key!r} in the persons CSV")
        row[key] = "" if value is None else str(value)
    return row


def cohort(commune_code: str, age: int, n: int, year: int, **fields: object) -> list[dict]:
    """n persons of the same age and the same fields (see `person`)."""
    return [person(commune_code, age, year, **fields) for _ in range(n)]


def ideal_fields(age: int, year: int) -> dict[str, object]:
    """Fields with which a person of this age is in the numerator of every rate they enter.

    It also puts a person who can learn in every disability_access numerator of their age.
    """
    birth = year - age
    if age < 3:
        return {}
    if age < 5:
        return {"studying": "preschool"}
    if age == 5:
        return {"studying": "preschool", "preschool_completed": "yes"}
    fields: dict[str, object] = {
        "preschool_completed": "yes",
        "grade1_entry_year": birth + 6,
    }
    if age <= 10:
        fields.update(studying="primary", highest_grade_completed=max(0, age - 7))
    elif age <= 14:
        fields.update(
            studying="lower_secondary", primary_completed_year=birth + 11, highest_grade_completed=5
        )
    elif age <= 18:
        fields.update(
            studying="upper_secondary",
            primary_completed_year=birth + 11,
            lower_secondary_diploma_year=birth + 15,
            highest_grade_completed=9,
        )
    else:
        fields.update(
            studying="none",
            primary_completed_year=birth + 11,
            lower_secondary_diploma_year=birth + 15,
            highest_grade_completed=12,
        )
    return fields


def ideal(commune_code: str, age: int, year: int, **fields: object) -> dict:
    """A person who meets every condition of their age (fields may override, e.g. disability)."""
    return person(commune_code, age, year, **{**ideal_fields(age, year), **fields})


def ideals(commune_code: str, ages: list[int] | range, year: int, **fields: object) -> list[dict]:
    return [ideal(commune_code, age, year, **fields) for age in ages]


def write_csvs(directory: Path | str, communes: list[dict], persons: list[dict]) -> tuple[str, str]:
    """Write communes.csv and persons.csv (UTF-8, header row, the issue's column order)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, columns, rows in (
        ("communes.csv", COMMUNE_COLUMNS, communes),
        ("persons.csv", PERSON_COLUMNS, persons),
    ):
        path = directory / name
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        paths.append(str(path))
    return paths[0], paths[1]


# --- Random registers -------------------------------------------------------------------------

# Age groups (with weights): most persons fall in the cohorts the rates use.
AGE_GROUPS: dict[str, tuple[list[int], int]] = {
    "5": ([5], 20),
    "6": ([6], 14),
    "11": ([11], 14),
    "14": ([14], 10),
    "15-18": ([15, 16, 17, 18], 16),
    "19-25": (list(range(19, 26)), 7),
    "26-35": (list(range(26, 36)), 6),
    "36-60": (list(range(36, 61)), 7),
    "other": ([0, 1, 2, 3, 4, 7, 8, 9, 10, 12, 13, *range(61, 81)], 6),
}
EMPTIABLE = [group for group in AGE_GROUPS if group != "other"]


def _random_age(rng: random.Random, empty: frozenset[str], focus: str | None) -> int | None:
    if rng.random() < 0.03:
        return None
    groups = list(AGE_GROUPS)
    group = rng.choices(groups, weights=[AGE_GROUPS[g][1] for g in groups])[0]
    if focus is not None and rng.random() < 0.7:
        group = focus
    if group in empty:
        group = "other"
    return rng.choice(AGE_GROUPS[group][0])


def _random_fields(rng: random.Random, age: int | None, year: int) -> dict[str, object]:
    """Plausible but arbitrary schooling fields; completion years between birth and year + 1."""
    birth = year - (age if age is not None else rng.randint(0, 70))

    def year_or_empty(*offsets: int) -> object:
        choice = rng.choice(["", *offsets])
        if choice == "":
            return ""
        value = birth + choice
        return value if value <= year + 1 else ""

    return {
        "studying": rng.choice(["", *STUDYING]),
        "preschool_completed": rng.choice(["", "yes", "no"]),
        "grade1_entry_year": year_or_empty(5, 6, 6, 7),
        "primary_completed_year": year_or_empty(10, 11, 11, 12),
        "lower_secondary_diploma_year": year_or_empty(14, 15, 15, 16, 17),
        "highest_grade_completed": rng.choice(["", *range(13)]),
        "literacy_stage_completed": rng.choice(["", 0, 1, 2]),
    }


def random_person(
    seed: int,
    commune_code: str,
    index: int,
    year: int,
    quality: float,
    empty: frozenset[str] = frozenset(),
    focus: str | None = None,
) -> dict:
    """A person drawn from `seed`: with probability `quality`, one who meets every condition.

    No person falls in the age groups `empty`; most fall in the group `focus` if one is given
    (a large cohort, so that its rates come close to the thresholds).
    """
    rng = random.Random(seed)
    age = _random_age(rng, empty, focus)
    if age is not None and rng.random() < quality:
        fields = ideal_fields(age, year)
    else:
        fields = ideal_fields(age, year) if age is not None else {}
        noise = _random_fields(rng, age, year)
        keys = list(noise) if rng.random() < 0.5 else rng.sample(list(noise), 2)
        for key in keys:
            fields[key] = noise[key]
        if age is not None and age >= 15 and rng.random() < 0.4:
            # Little schooling: at most literacy level 1.
            fields.update(
                primary_completed_year="",
                highest_grade_completed=rng.choice(["", 0, 1, 2, 3, 4]),
                literacy_stage_completed=rng.choice(["", 0, 1]),
            )
    residence = rng.choices(
        ["permanent", "temporary", "", "moved_away", "deceased"], [85, 6, 3, 3, 3]
    )
    disability = rng.choices(["none", "", "can_learn", "cannot_learn"], [84, 4, 8, 4])
    row = person(
        commune_code,
        age,
        year,
        residence=residence[0],
        disability=disability[0],
        sex=rng.choices(["M", "F", ""], [49, 49, 2])[0],
        **fields,
    )
    # Ids unique within a commune; the same person_id in two communes is allowed.
    row["person_id"] = f"P{index:03d}"
    row["household_id"] = f"H{index // 4:03d}"
    return row


@st.composite
def registers(draw, max_communes: int = 6, max_persons: int = 60) -> tuple[list, list, int]:
    """(communes, persons, year): 1-4 districts, 1-6 communes, 0-60 persons each."""
    year = draw(st.integers(2016, 2030))
    n_districts = draw(st.integers(1, 4))
    n_communes = draw(st.integers(1, max_communes))
    communes: list[dict] = []
    persons: list[dict] = []
    for i in range(n_communes):
        code = f"{26000 + 7 * i:05d}"
        district = f"{draw(st.integers(1, n_districts)):03d}"
        communes.append(commune(code, district, disadvantaged=draw(st.booleans())))
        quality = draw(st.sampled_from([1.0, 0.97, 0.92, 0.85, 0.7, 0.3]))
        empty = frozenset(draw(st.sets(st.sampled_from(EMPTIABLE), max_size=2)))
        focus = draw(st.sampled_from([None, None, None, "5", "6", "11", "14", "15-18", "36-60"]))
        if focus in empty:
            focus = None
        n = draw(st.integers(0, max_persons))
        seeds = draw(st.lists(st.integers(0, 2**32 - 1), min_size=n, max_size=n))
        for index, seed in enumerate(seeds):
            persons.append(random_person(seed, code, index, year, quality, empty, focus))
    return communes, persons, year
