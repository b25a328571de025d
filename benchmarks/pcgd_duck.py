"""Every PCGD-XMC rate's num and den per commune by one hand-written DuckDB query over the CSVs.

    .venv/bin/python benchmarks/pcgd_duck.py [--persons 2000000 --dir /tmp/pcgd-2m --repeat 5]

The yardstick for the standards engine (issue 5 item 6): the rates as defined in the lead's
decisions (section 5), read straight from the exchange-format CSV files on each run. Run as
a script it first checks the query against a plain-Python count over a 20,000-person
province, then, with --persons, times it on a province of that size.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

STANDARDS = ("preschool5", "primary", "lower_secondary", "literacy")

# One row per commune of communes.csv (with persons or not); each rate's den and num as
# "standard/rate/den|num". Cohorts: counted persons (residence empty, permanent or
# temporary) of the age, less those who cannot learn; disability_access: those who can.
RATES_SQL = """
WITH c AS (
    SELECT commune_code, coalesce(disadvantaged = 'yes', false) AS poor
    FROM read_csv($communes, header = true, auto_detect = false, delim = ',', quote = '"',
        columns = {'commune_code': 'VARCHAR', 'district_code': 'VARCHAR',
            'disadvantaged': 'VARCHAR'})
),
p AS (
    SELECT commune_code, $year - birth_year AS age, studying,
        coalesce(disability = 'cannot_learn', false) AS cl,
        coalesce(disability = 'can_learn', false) AS can,
        coalesce(studying <> 'none', false) AS attends,
        coalesce(preschool_completed = 'yes', false) AS pre,
        coalesce(grade1_entry_year <= $year, false) AS g1,
        coalesce(primary_completed_year <= $year, false) AS prim,
        coalesce(lower_secondary_diploma_year <= $year, false) AS dipl,
        coalesce(primary_completed_year <= $year OR highest_grade_completed >= 5
            OR literacy_stage_completed = 2, false) AS lit2,
        coalesce(primary_completed_year <= $year OR highest_grade_completed >= 3
            OR literacy_stage_completed >= 1, false) AS lit1
    FROM read_csv($persons, header = true, auto_detect = false, delim = ',', quote = '"',
        columns = {'commune_code': 'VARCHAR', 'household_id': 'VARCHAR',
            'person_id': 'VARCHAR', 'full_name': 'VARCHAR', 'sex': 'VARCHAR',
            'birth_year': 'INTEGER', 'residence': 'VARCHAR', 'disability': 'VARCHAR',
            'studying': 'VARCHAR', 'preschool_completed': 'VARCHAR',
            'grade1_entry_year': 'INTEGER', 'primary_completed_year': 'INTEGER',
            'lower_secondary_diploma_year': 'INTEGER', 'highest_grade_completed': 'INTEGER',
            'literacy_stage_completed': 'INTEGER'})
    WHERE coalesce(residence, 'permanent') IN ('permanent', 'temporary')
)
SELECT c.commune_code,
    count(*) FILTER (WHERE age = 5 AND NOT cl) AS "preschool5/attending_5/den",
    count(*) FILTER (WHERE age = 5 AND NOT cl AND (studying = 'preschool' OR pre))
        AS "preschool5/attending_5/num",
    count(*) FILTER (WHERE age = 5 AND NOT cl) AS "preschool5/completed_5/den",
    count(*) FILTER (WHERE age = 5 AND NOT cl AND pre) AS "preschool5/completed_5/num",
    count(*) FILTER (WHERE age = 5 AND can) AS "preschool5/disability_access/den",
    count(*) FILTER (WHERE age = 5 AND can AND (attends OR pre))
        AS "preschool5/disability_access/num",
    count(*) FILTER (WHERE age = 6 AND NOT cl) AS "primary/grade1_entry_6/den",
    count(*) FILTER (WHERE age = 6 AND NOT cl AND g1) AS "primary/grade1_entry_6/num",
    count(*) FILTER (WHERE age = 14 AND NOT cl) AS "primary/completed_14/den",
    count(*) FILTER (WHERE age = 14 AND NOT cl AND prim) AS "primary/completed_14/num",
    count(*) FILTER (WHERE age = 11 AND NOT cl) AS "primary/completed_11/den",
    count(*) FILTER (WHERE age = 11 AND NOT cl AND prim) AS "primary/completed_11/num",
    count(*) FILTER (WHERE age = 11 AND NOT cl AND NOT prim)
        AS "primary/in_primary_11_rest/den",
    count(*) FILTER (WHERE age = 11 AND NOT cl AND NOT prim AND studying = 'primary')
        AS "primary/in_primary_11_rest/num",
    count(*) FILTER (WHERE age BETWEEN 6 AND 14 AND can) AS "primary/disability_access/den",
    count(*) FILTER (WHERE age BETWEEN 6 AND 14 AND can AND (attends OR prim))
        AS "primary/disability_access/num",
    count(*) FILTER (WHERE age BETWEEN 15 AND 18 AND NOT cl)
        AS "lower_secondary/diploma_15_18/den",
    count(*) FILTER (WHERE age BETWEEN 15 AND 18 AND NOT cl AND dipl)
        AS "lower_secondary/diploma_15_18/num",
    count(*) FILTER (WHERE age BETWEEN 15 AND 18 AND NOT cl)
        AS "lower_secondary/studying_15_18/den",
    count(*) FILTER (WHERE age BETWEEN 15 AND 18 AND NOT cl AND studying IN
        ('lower_secondary', 'upper_secondary', 'continuing', 'vocational'))
        AS "lower_secondary/studying_15_18/num",
    count(*) FILTER (WHERE age BETWEEN 11 AND 18 AND can)
        AS "lower_secondary/disability_access/den",
    count(*) FILTER (WHERE age BETWEEN 11 AND 18 AND can AND (attends OR dipl))
        AS "lower_secondary/disability_access/num",
    count(*) FILTER (WHERE age BETWEEN 15 AND CASE WHEN poor THEN 25 ELSE 35 END AND NOT cl)
        AS "literacy/literate1/den",
    count(*) FILTER (WHERE age BETWEEN 15 AND CASE WHEN poor THEN 25 ELSE 35 END AND NOT cl
        AND lit1) AS "literacy/literate1/num",
    count(*) FILTER (WHERE age BETWEEN 15 AND CASE WHEN poor THEN 35 ELSE 60 END AND NOT cl)
        AS "literacy/literate2/den",
    count(*) FILTER (WHERE age BETWEEN 15 AND CASE WHEN poor THEN 35 ELSE 60 END AND NOT cl
        AND lit2) AS "literacy/literate2/num",
    count(*) FILTER (WHERE age BETWEEN 15 AND 60 AND can) AS "literacy/disability_access/den",
    count(*) FILTER (WHERE age BETWEEN 15 AND 60 AND can AND (attends OR lit1))
        AS "literacy/disability_access/num"
FROM c LEFT JOIN p ON p.commune_code = c.commune_code
GROUP BY c.commune_code
"""


def duckdb_rates(
    communes_csv: Path, persons_csv: Path, year: int, db: duckdb.DuckDBPyConnection | None = None
) -> dict:
    """{commune: {standard: {rate: {"num": n, "den": d}}}}, read from the two CSV files."""
    db = db or duckdb.connect(":memory:")
    args = {"communes": str(communes_csv), "persons": str(persons_csv), "year": year}
    cursor = db.execute(RATES_SQL, args)
    names = [d[0] for d in cursor.description]
    rates: dict = {}
    for row in cursor.fetchall():
        commune = rates.setdefault(row[0], {s: {} for s in STANDARDS})
        for name, value in zip(names[1:], row[1:], strict=True):
            standard, rate, part = name.split("/")
            commune[standard].setdefault(rate, {"num": 0, "den": 0})[part] = value
    return rates


def time_duckdb(
    communes_csv: Path, persons_csv: Path, year: int, repeat: int = 5
) -> tuple[float, dict]:
    """Median seconds of `repeat` runs after one warm-up, each reading the CSVs anew; the rates."""
    db = duckdb.connect(":memory:")
    result = duckdb_rates(communes_csv, persons_csv, year, db)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = duckdb_rates(communes_csv, persons_csv, year, db)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --- the self-check: the same rates counted in plain Python --------------------------------


def python_rates(communes_csv: Path, persons_csv: Path, year: int) -> dict:
    """The decisions' section 5, person by person, as a check on the SQL."""
    with communes_csv.open(encoding="utf-8", newline="") as f:
        poor = {row["commune_code"]: row["disadvantaged"] == "yes" for row in csv.DictReader(f)}
    counts: dict = {c: defaultdict(int) for c in poor}
    with persons_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["residence"] in ("moved_away", "deceased") or not row["birth_year"]:
                continue
            if row["commune_code"] in counts:
                _count(counts[row["commune_code"]], row, year, poor[row["commune_code"]])
    result = {}
    for code, n in counts.items():
        result[code] = {s: {} for s in STANDARDS}
        for key in sorted(n.keys() | _ALL_KEYS):
            standard, rate, part = key
            result[code][standard].setdefault(rate, {"num": 0, "den": 0})[part] = n[key]
    return result


_ALL_KEYS = {
    (s, r, part)
    for s, rs in {
        "preschool5": ("attending_5", "completed_5", "disability_access"),
        "primary": ("grade1_entry_6", "completed_14", "completed_11", "in_primary_11_rest",
                    "disability_access"),
        "lower_secondary": ("diploma_15_18", "studying_15_18", "disability_access"),
        "literacy": ("literate1", "literate2", "disability_access"),
    }.items()
    for r in rs
    for part in ("num", "den")
}  # fmt: skip


def _count(n: defaultdict, row: dict, year: int, poor: bool) -> None:
    def done(column: str) -> bool:
        return row[column] != "" and int(row[column]) <= year

    def add(standard: str, rate: str, den: bool, num: bool) -> None:
        if den:
            n[(standard, rate, "den")] += 1
            n[(standard, rate, "num")] += num

    age, studying = year - int(row["birth_year"]), row["studying"]
    grade = int(row["highest_grade_completed"] or -1)
    stage = int(row["literacy_stage_completed"] or -1)
    level2 = done("primary_completed_year") or grade >= 5 or stage == 2
    level1 = level2 or grade >= 3 or stage >= 1
    pre = row["preschool_completed"] == "yes"
    prim, dipl = done("primary_completed_year"), done("lower_secondary_diploma_year")
    if row["disability"] == "can_learn":
        attends = studying not in ("", "none")
        add("preschool5", "disability_access", age == 5, attends or pre)
        add("primary", "disability_access", 6 <= age <= 14, attends or prim)
        add("lower_secondary", "disability_access", 11 <= age <= 18, attends or dipl)
        add("literacy", "disability_access", 15 <= age <= 60, attends or level1)
    if row["disability"] == "cannot_learn":
        return
    add("preschool5", "attending_5", age == 5, studying == "preschool" or pre)
    add("preschool5", "completed_5", age == 5, pre)
    add("primary", "grade1_entry_6", age == 6, done("grade1_entry_year"))
    add("primary", "completed_14", age == 14, prim)
    add("primary", "completed_11", age == 11, prim)
    add("primary", "in_primary_11_rest", age == 11 and not prim, studying == "primary")
    add("lower_secondary", "diploma_15_18", 15 <= age <= 18, dipl)
    studying_15_18 = studying in ("lower_secondary", "upper_secondary", "continuing", "vocational")
    add("lower_secondary", "studying_15_18", 15 <= age <= 18, studying_15_18)
    add("literacy", "literate1", 15 <= age <= (25 if poor else 35), level1)
    add("literacy", "literate2", 15 <= age <= (35 if poor else 60), level2)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def self_check(year: int = 2024) -> None:
    """A 20,000-person province plus one commune without persons: DuckDB == plain Python.

    Checked at the register's year and the year before (where some completions, entries
    and births come after the evaluation year, so "done by Y" is exercised).
    """
    from benchmarks.pcgd_synth import write_province

    with tempfile.TemporaryDirectory(prefix="xhht-pcgd-") as tmp:
        communes_csv, persons_csv = write_province(Path(tmp), persons=20_000, year=year)
        with communes_csv.open("a", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(("19999", "899", "yes"))
        for y in (year, year - 1):
            start = time.perf_counter()
            duck = duckdb_rates(communes_csv, persons_csv, y)
            duck_seconds = time.perf_counter() - start
            start = time.perf_counter()
            plain = python_rates(communes_csv, persons_csv, y)
            plain_seconds = time.perf_counter() - start
            _compare(duck, plain)
            figures = sum(len(rates) * 2 for by in plain.values() for rates in by.values())
            print(
                f"self-check {y}: {figures:,} figures of {len(plain)} communes agree; "
                f"DuckDB {duck_seconds * 1000:,.0f} ms, plain Python {plain_seconds * 1000:,.0f} ms"
            )


def _compare(duck: dict, plain: dict) -> None:
    assert duck.keys() == plain.keys(), duck.keys() ^ plain.keys()
    for code in plain:
        assert duck[code] == plain[code], (code, duck[code], plain[code])
    empty = duck["19999"]["literacy"]["literate1"]
    assert empty == {"num": 0, "den": 0}, empty


def measure(persons: int, dir: Path, repeat: int, year: int = 2024) -> None:
    from benchmarks.pcgd_synth import write_province

    start = time.perf_counter()
    communes_csv, persons_csv = write_province(dir, persons=persons, year=year)
    generated = time.perf_counter() - start
    size = persons_csv.stat().st_size / 2**20
    print(f"generated {persons:,} persons in {generated:.1f} s: {persons_csv} {size:,.1f} MiB;"
          f" peak RSS so far {_peak_rss_mib():,.0f} MiB")  # fmt: skip
    median, result = time_duckdb(communes_csv, persons_csv, year, repeat)
    print(f"DuckDB {duckdb.__version__}: median {median:.3f} s over {repeat} runs, "
          f"{len(result)} communes; peak RSS {_peak_rss_mib():,.0f} MiB")  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, help="also time DuckDB on a province this big")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/xhht-pcgd"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    self_check()
    if args.persons:
        measure(args.persons, args.dir, args.repeat)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
