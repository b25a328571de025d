"""Write a synthetic province's PCGD-XMC register (communes.csv, persons.csv) as exchange CSV.

    .venv/bin/python benchmarks/pcgd_synth.py /tmp/pcgd [--persons 2000000] [--communes 100]

Deterministic (one seeded generator) and streamed: rows go out in chunks, never all held.
Each commune gets its own gaps (in schooling, larger when disadvantaged; in data quality),
so communes spread over met and not met (and undetermined, in small provinces). Ages follow
Vietnam's pyramid (0-90); schooling follows age (grade 1 at 6, primary done at 11, diploma
at 15, some late, some dropping out); completion years are never before birth nor after
`year`; about 1% of values are left empty (unknown), almost none in a third of the communes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from itertools import accumulate
from pathlib import Path

from universalization.exchange import COMMUNE_COLUMNS, PERSON_COLUMNS

CHUNK = 20_000

# Vietnam's population by five-year band 0-4 … 80-84 and 85-90, per mille (near the 2019 census).
AGE_BANDS = (80, 86, 76, 69, 70, 81, 85, 80, 73, 67, 60, 53, 43, 30, 19, 12, 9, 8)
AGE_CUM = list(accumulate([w / 5 for w in AGE_BANDS[:-1] for _ in range(5)] + [8 / 6] * 6))
AGES = range(91)
HOUSEHOLD_CUM = list(accumulate((10, 18, 20, 25, 14, 8, 5)))  # sizes 1-7
SIZES = range(1, 8)

SURNAMES = ("Nguyễn",) * 8 + ("Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lò", "Hà", "Đinh")  # fmt: skip
MIDDLE = {"M": ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Công"),
          "F": ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim")}  # fmt: skip
GIVEN = {
    "M": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
          "Quang", "Sơn", "Tuấn", "Thắng", "Việt", "Vinh"),
    "F": ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
          "Nhung", "Phương", "Thảo", "Trang", "Yến"),
}  # fmt: skip

# Share of empty values per column position (5 = birth_year … 14 = literacy stage).
MISSING = {5: 0.003, 6: 0.005, 7: 0.01, 8: 0.01, 9: 0.02, 10: 0.02, 11: 0.02, 12: 0.02,
           13: 0.03, 14: 0.03}  # fmt: skip
MISSING_ANY = 0.2  # one draw gates the per-column draws (each then at share / MISSING_ANY)


def write_province(
    dir: Path,
    persons: int = 2_000_000,
    communes: int = 100,
    districts: int = 8,
    year: int = 2024,
    seed: int = 7,
) -> tuple[Path, Path]:
    """Write dir/communes.csv and dir/persons.csv; return their paths."""
    rng = random.Random(seed)
    dir.mkdir(parents=True, exist_ok=True)
    codes = [f"{10001 + i}" for i in range(communes)]
    poor = set(rng.sample(codes, round(communes * 0.15)))
    communes_csv, persons_csv = dir / "communes.csv", dir / "persons.csv"
    with communes_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COMMUNE_COLUMNS)
        for i, code in enumerate(codes):
            district = f"{801 + i * districts // communes}"
            writer.writerow((code, district, "yes" if code in poor else "no"))
    with persons_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PERSON_COLUMNS)
        for code, size in zip(codes, _sizes(rng, persons, communes), strict=True):
            gap = rng.uniform(0.4, 1.6) * (1.8 if code in poor else 1.0)
            gap_data = 0.05 if rng.random() < 0.3 else rng.uniform(0.5, 2.0)
            chunk: list[list] = []
            for row in _commune(rng, code, size, (gap, gap_data), year):
                chunk.append(row)
                if len(chunk) == CHUNK:
                    writer.writerows(chunk)
                    chunk = []
            writer.writerows(chunk)
    return communes_csv, persons_csv


def _sizes(rng: random.Random, persons: int, communes: int) -> list[int]:
    """Commune populations from 0.5 to 1.5 times the mean, adding up to `persons`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(communes)]
    total = sum(weights)
    sizes = [int(persons * w / total) for w in weights]
    for i in range(persons - sum(sizes)):
        sizes[i % communes] += 1
    return sizes


def _commune(rng: random.Random, code: str, size: int, gaps: tuple, year: int):
    """Yield the commune's person rows, household by household."""
    gap, missing = gaps[0], MISSING_ANY * gaps[1]
    r, choice, choices = rng.random, rng.choice, rng.choices
    household, person = 0, 0
    while person < size:
        household += 1
        members = min(choices(SIZES, cum_weights=HOUSEHOLD_CUM)[0], size - person)
        surname = choice(SURNAMES)
        ages = choices(AGES, cum_weights=AGE_CUM, k=members)
        for age in ages:
            person += 1
            sex = "M" if r() < 0.5 else "F"
            name = f"{surname} {choice(MIDDLE[sex])} {choice(GIVEN[sex])}"
            x = r()
            residence = (
                "moved_away" if x < 0.02 else "deceased" if x < 0.03
                else "temporary" if x < 0.08 else "permanent"
            )  # fmt: skip
            x = r()
            disability = "cannot_learn" if x < 0.005 else "can_learn" if x < 0.02 else "none"
            row = [code, f"H{household:06d}", f"P{person:07d}", name, sex, year - age,
                   residence, disability, *_schooling(rng, year, age, gap, disability)]  # fmt: skip
            if r() < missing:
                for column, share in MISSING.items():
                    if r() < share / MISSING_ANY:
                        row[column] = ""
            yield row


def _schooling(rng: random.Random, year: int, age: int, gap: float, disability: str) -> tuple:
    """(studying, preschool_completed, grade1, primary, diploma, highest grade, literacy stage)."""
    r = rng.random
    stage = "" if age < 15 else "0"
    if disability == "cannot_learn":
        return "none", "no", "", "", "", 0, stage
    if age < 6:
        studying = "none" if age < 3 else "preschool"
        if (age < 5 and r() < 0.1 + 0.05 * gap) or (age == 5 and r() < 0.03 * gap):
            studying = "none"
        completed = "yes" if age == 5 and r() > 0.08 * gap else "no"
        return studying, completed, "", "", "", 0, stage
    birth = year - age
    x = r()
    entry = birth + 6 + (0 if x > 0.012 * gap else 1 if x > 0.003 * gap else 2)
    done = max(0, min(year - entry, _cap(rng, age, gap)))
    left_out = disability == "can_learn" and r() < 0.15 * gap  # never brought into school
    if left_out:
        done = min(done, rng.randint(0, 5))
    studying = "none" if left_out else _studying(rng, age, entry, done, year)
    if age >= 15 and done < 5:
        x = r()
        stage = "2" if x < 0.35 else "1" if x < 0.55 else "0"
    return (
        studying,
        "yes" if r() < (0.95 if age <= 20 else 0.6) else "no",
        entry if entry <= year else "",
        entry + 5 if done >= 5 else "",
        entry + 9 if done >= 9 else "",
        done,
        stage,
    )


def _cap(rng: random.Random, age: int, gap: float) -> int:
    """The most grades this person will ever complete; older cohorts studied less."""
    below5, below9, below12 = (
        (0.001 * gap, 0.025 * gap, 0.15 * gap) if age <= 25
        else (0.03 * gap, 0.2 * gap, 0.5) if age <= 45
        else (0.12 * gap, 0.35, 0.7) if age <= 60
        else (0.15, 0.6, 0.85)
    )  # fmt: skip
    x = rng.random()
    if x < below5:
        return rng.randint(0, 4)
    if x < below9:
        return rng.randint(5, 8)
    if x < below12:
        return rng.randint(9, 11)
    return 12


def _studying(rng: random.Random, age: int, entry: int, done: int, year: int) -> str:
    """What the person attends at the reference date, from where their schooling stands."""
    x = rng.random()
    if entry > year:  # late starters, still in preschool or at home
        return "preschool" if x < 0.6 else "none"
    if done < min(year - entry, 12):  # stopped before reaching their age's grade
        return "continuing" if age <= 18 and done >= 9 and x < 0.1 else "none"
    if done == 12:  # finished upper secondary
        if age <= 19:
            return "vocational" if x < 0.5 else "continuing" if x < 0.53 else "none"
        return "continuing" if x < 0.01 else "none"
    grade = done + 1  # attending the grade after the last completed one
    if grade <= 5:
        return "primary"
    if grade <= 9:
        return "lower_secondary"
    return "vocational" if x < 0.12 else "continuing" if x < 0.16 else "upper_secondary"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = write_province(args.dir, args.persons, args.communes, year=args.year)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(f"{args.persons:,} persons written in {seconds:.1f} s ({size:,.1f} MiB): {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
