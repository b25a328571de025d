"""Plan 1373 and KH 254 evaluated over the real map, with synthetic values, against DuckDB.

The build (timed, not benchmarked): `load_map` (the whole of Việt Nam before and after
1 July 2025), the indicator catalog, the plans QĐ 89 → QĐ 1373 and KH 300 → KH 254 from
data/plans/, yearly periods 2021-2025, then seeded synthetic values for every unit that
stands at the end of each year: each commune-level unit reports the elements the two
plans' rate targets sum and the commune levels KH 254 counts; each province its levels
(QĐ 1373's shares of provinces and KH 254's city level). Values go in with COPY
(PostgreSQL) or executemany (SQLite), around the services, so the build ends with
`indicators.subtree_totals.recompute()`, timed: the write-time cost of the kept totals
after a bulk load. `--scale` keeps that share of the communes outside Hải Phòng (Hải
Phòng's are always there, so the đặc khu and its city always have figures).

DuckDB gets the same raw values (path, year, element, sex, age band, value) and the units
(path, level, first and last day), and computes each figure XHHT shows for the year:
the rate targets' numerator and denominator sums over the unit's subtree as it stood,
a level target's own value, and for a share-of-units target the number of units of the
subject level standing at the year's end and how many of them meet the condition; for
the years up to the evaluated one, as XHHT's trends do.
"""

from __future__ import annotations

import datetime
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
from django.core.management import call_command
from django.db import connection, transaction

from indicators import subtree_totals
from indicators.models import DataElement, DataValue, Period, SubtreeTotal
from indicators.sums import roots_for_year, year_end
from monitoring.communes import elements_behind
from monitoring.queries import plan_targets, share_level
from plans.models import Plan, Target
from units.models import OrgUnit

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "indicators" / "learning-society.yaml"
PLANS = ROOT / "data" / "plans"
# Each plan after the plan it succeeds or implements (load_plan refuses a missing link).
PLAN_FILES = (
    "89-QD-TTg-2013.yaml",
    "300-KH-UBND-2019-hai-phong.yaml",
    "1373-QD-TTg-2021.yaml",
    "254-KH-UBND-2021-hai-phong.yaml",
)
NATIONAL, CITY = "1373-QD-TTg-2021", "254-KH-UBND-2021-hai-phong"
YEARS = (2021, 2022, 2023, 2024, 2025)
HAI_PHONG, DAC_KHU = "31", "11914"  # the city; đặc khu Cát Hải (from 01/07/2025)
SEXES, AGE_BANDS = ("F", "M"), ("15-35", "15-60")

# Level elements a province holds (QĐ 1373's shares of provinces, KH 254's city level).
PROVINCE_LEVELS = {
    "literacy_level": (1, 2, 2, 2),
    "preschool_kindergarten_level": (0, 1, 1, 1, 1),
    "primary_level": (2, 3, 3),
    "lower_secondary_level": (1, 2, 2, 3),
    "learning_province_level": (0, 0, 0, 1),
}
# Level elements a commune holds (KH 254's every-commune targets).
COMMUNE_LEVELS = {
    "literacy_level": (1, 2, 2, 2, 2),
    "preschool5_level": (0, 1, 1, 1, 1, 1, 1),
    "primary_level": (2, 3, 3, 3),
    "lower_secondary_level": (1, 2, 2, 3),
}
# Elements nobody reports here: districts' learning level (QĐ 1373 d2, void from
# 01/07/2025; before it, every district counts without data).
NOT_REPORTED = {"learning_district_level"}


@dataclass
class World:
    plans: dict[str, Plan]
    targets: dict[str, list[Target]]
    units: dict[str, OrgUnit]
    periods: dict[int, int]
    counts: dict[str, int] = field(default_factory=dict)


# --- the values -----------------------------------------------------------------------------


def _part(rng: random.Random, total: int, low: int, high: int) -> int:
    return total * rng.randint(low, high) // 100


def commune_rows(rng: random.Random, year: int) -> list[tuple[str, str, str, int]]:
    """(element, sex, age band, value) one commune-level unit reports for `year`."""
    drift = year - 2021
    rows = []
    for sex in SEXES:
        base = rng.randint(900, 6000)
        for band in AGE_BANDS:
            persons = base if band == "15-60" else base * 2 // 5
            literate = persons - rng.randint(0, max(1, persons // 80))
            rows += [("persons", sex, band, persons), ("literate_persons", sex, band, literate)]
    newly = rng.randint(0, 40)
    working = rng.randint(2000, 12000)
    adults = working + rng.randint(300, 3000)
    citizens = adults + rng.randint(500, 4000)
    institutions = rng.randint(2, 8)
    universities = rng.choice((0, 0, 0, 0, 0, 0, 1))
    clcs = 1
    rows += [
        ("newly_literate_persons", "", "", newly),
        ("newly_literate_continuing", "", "", max(0, newly - rng.randint(0, newly // 8 + 1))),
        ("working_age_persons", "", "", working),
        ("working_age_information_literate", "", "", _part(rng, working, 35 + 5 * drift, 70)),
        ("working_age_life_skills", "", "", _part(rng, working, 40 + 4 * drift, 75)),
        ("persons_15_plus", "", "", adults),
        ("persons_15_plus_trained", "", "", _part(rng, adults, 40 + 3 * drift, 70)),
        ("persons_15_plus_university", "", "", _part(rng, adults, 5 + drift, 20)),
        ("universities", "", "", universities),
        ("universities_digital", "", "", universities * rng.choice((0, 1, 1))),
        ("education_institutions", "", "", institutions),
        ("education_institutions_digital", "", "", rng.randint(0, institutions)),
        ("clcs", "", "", clcs),
        ("clcs_using_it", "", "", rng.choice((0, 1, 1, 1))),
        ("citizens", "", "", citizens),
        ("learning_citizens", "", "", _part(rng, citizens, 30 + 3 * drift, 60)),
    ]  # fmt: skip
    rows += [(code, "", "", rng.choice(choices)) for code, choices in COMMUNE_LEVELS.items()]
    return rows


def province_rows(rng: random.Random) -> list[tuple[str, str, str, int]]:
    return [(code, "", "", rng.choice(choices)) for code, choices in PROVINCE_LEVELS.items()]


def standing(units: list[tuple], year: int) -> list[tuple]:
    """The units (pk, path, level, first day, last day) standing at the end of `year`."""
    end = year_end(year)
    return [
        u for u in units if (u[3] is None or u[3] <= end) and (u[4] is None or u[4] >= end)
    ]  # fmt: skip


def reporting_units() -> list[tuple]:
    """(pk, path, level, first day, last day) of every province and commune, in path order."""
    return list(
        OrgUnit.objects.filter(level__code__in=("province", "commune"))
        .order_by("path")
        .values_list("pk", "path", "level__code", "valid_from", "valid_to")
    )


def value_rows(
    units: list[tuple], city: str, scale: float, periods: dict[int, int],
    elements: dict[str, int], seed: int = 2025,
):  # fmt: skip
    """Yield (unit_id, period_id, element_id, sex, age_band, value): every year, every
    commune-level unit standing at its end (a `scale` share outside Hải Phòng), every
    province standing at its end. Deterministic: the same rows on both databases. Runs no
    query (`units`, the city's path and `elements` are read beforehand): none may run
    during a COPY."""
    rng = random.Random(seed)
    pick = random.Random(seed + 1)
    kept = {u[0] for u in units if u[2] == "province" or u[1].startswith(city)
            or pick.random() < scale}  # fmt: skip
    for year, period_id in periods.items():
        for pk, _path, level, *_days in standing(units, year):
            if pk not in kept:
                continue
            rows = commune_rows(rng, year) if level == "commune" else province_rows(rng)
            for code, sex, band, value in rows:
                yield (pk, period_id, elements[code], sex, band, value)


VALUE_COLUMNS = ("unit_id", "period_id", "element_id", "sex", "age_band", "value", "source",
                 "comment", "origin", "rule_set", "updated_at")  # fmt: skip


def insert_values(rows) -> int:
    """Insert the rows straight into the value table (no history: the build is not measured)."""
    table = DataValue._meta.db_table
    now = datetime.datetime.now(datetime.UTC)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(VALUE_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, "demo", "", "", "", now))
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(VALUE_COLUMNS))
        sql = f"INSERT INTO {table} ({', '.join(VALUE_COLUMNS)}) VALUES ({marks})"
        batch: list[tuple] = []
        for row in rows:
            batch.append((*row, "demo", "", "", "", now))
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


def analyze(*models) -> None:
    with connection.cursor() as cursor:
        if not models:
            cursor.execute("ANALYZE")
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def build_world(scale: float, timer) -> World:
    """Build everything; `timer(name)` is a context manager recording each step's time."""
    out = io.StringIO()
    with timer("load_map"):
        call_command("load_map", stdout=out, stderr=out)
    with timer("catalog, plans, periods"):
        call_command("load_indicators", str(CATALOG), verbosity=0, stdout=out)
        for name in PLAN_FILES:
            call_command("load_plan", str(PLANS / name), stdout=out)
        with transaction.atomic():
            periods = {}
            for year in YEARS:
                period, _ = Period.objects.get_or_create(
                    kind=Period.Kind.YEAR, year=year,
                    defaults={"code": str(year), "start_date": datetime.date(year, 1, 1),
                              "end_date": datetime.date(year, 12, 31)},
                )  # fmt: skip
                periods[year] = period.pk
    plans = {code: Plan.objects.get(code=code) for code in (NATIONAL, CITY)}
    targets = {code: plan_targets(plan) for code, plan in plans.items()}
    elements = dict(DataElement.objects.values_list("code", "pk"))
    _check_elements(targets, elements)
    with timer("values"), transaction.atomic():
        city = OrgUnit.objects.get(code=HAI_PHONG, valid_to__isnull=True).path
        rows = value_rows(reporting_units(), city, scale, periods, elements)
        count = insert_values(rows)
    with timer("analyze"):
        analyze()
    with timer("subtree totals recompute"):
        totals = subtree_totals.recompute()
    with timer("analyze totals"):
        analyze(SubtreeTotal)
    today = datetime.date.today()
    city = OrgUnit.objects.get(code=HAI_PHONG, valid_to__isnull=True)
    dac_khu = OrgUnit.objects.get(code=DAC_KHU, valid_from__isnull=False)
    commune = (
        OrgUnit.objects.filter(path__startswith=city.path, level__code="commune",
                               valid_from__isnull=False)
        .exclude(pk=dac_khu.pk).order_by("code").first()
    )  # fmt: skip
    units = {
        "nation": OrgUnit.objects.get(code="VN"),
        "city": city,
        "dac_khu": dac_khu,
        "commune": commune,
    }
    assert all(u.is_valid_on(today) for u in units.values())
    counts = {
        "units": OrgUnit.objects.count(),
        "communes_2025": OrgUnit.objects.filter(level__code="commune", valid_from__isnull=False)
        .count(),
        "communes_2024": OrgUnit.objects.filter(level__code="commune", valid_to__isnull=False)
        .count(),
        "values": count,
        "subtree_totals": totals,
    }  # fmt: skip
    return World(plans=plans, targets=targets, units=units, periods=periods, counts=counts)


def _check_elements(targets: dict[str, list[Target]], elements: dict[str, int]) -> None:
    """Every element a target reads is reported by someone (or knowingly by no one)."""
    reported = set(PROVINCE_LEVELS) | set(COMMUNE_LEVELS) | NOT_REPORTED
    reported |= {code for code, *_ in commune_rows(random.Random(0), 2021)}
    by_pk = {pk: code for code, pk in elements.items()}
    read = {by_pk[pk] for ts in targets.values() for pk in elements_behind(ts)}
    assert read <= reported, f"no synthetic values for {sorted(read - reported)}"


# --- DuckDB ---------------------------------------------------------------------------------

EXPORT_SQL = f"""
SELECT u.path, p.year, v.element_id, v.sex, v.age_band, v.value
FROM {DataValue._meta.db_table} v
JOIN {OrgUnit._meta.db_table} u ON u.id = v.unit_id
JOIN {Period._meta.db_table} p ON p.id = v.period_id
"""

# Each (element, sex, age band, year) summed over the roots' subtrees (`at_root`: the
# root's own value, for elements read on the unit itself), then each indicator's parts.
SUMS_SQL = """
WITH r AS (SELECT year, path AS prefix FROM roots WHERE op = $op),
v AS (
    SELECT v.element_id, v.sex, v.age_band, v.year, v.path = r.prefix AS at_root,
        SUM(v.value) AS total
    FROM vals v JOIN r ON v.year = r.year AND starts_with(v.path, r.prefix)
    WHERE v.element_id IN (SELECT element_id FROM parts WHERE tset = $tset)
    GROUP BY ALL
)
SELECT p.indicator, p.role, v.year, SUM(v.total)
FROM v
JOIN parts p ON p.tset = $tset AND v.element_id = p.element_id AND (NOT p.own OR v.at_root)
    AND (p.sex = '' OR v.sex = p.sex) AND (p.age_band = '' OR v.age_band = p.age_band)
GROUP BY ALL
"""

MEETS = """CASE s.comparator
    WHEN 'gt' THEN v.value > s.value WHEN 'gte' THEN v.value >= s.value
    WHEN 'eq' THEN v.value = s.value WHEN 'lte' THEN v.value <= s.value
    WHEN 'lt' THEN v.value < s.value END"""

# Units of the subject level standing at the year's end under the roots; those with a
# value, and those whose value meets the condition.
SHARES_SQL = f"""
WITH r AS (SELECT year, path AS prefix, make_date(year, 12, 31) AS day
           FROM roots WHERE op = $op),
u AS (
    SELECT r.year, u.path, u.level FROM units u
    JOIN r ON starts_with(u.path, r.prefix)
    WHERE u.level IN (SELECT level FROM shares WHERE tset = $tset)
        AND (u.valid_from IS NULL OR u.valid_from <= r.day)
        AND (u.valid_to IS NULL OR u.valid_to >= r.day)
),
counted AS (SELECT s.target, u.year, count(*) AS n FROM u JOIN shares s USING (level)
            WHERE s.tset = $tset GROUP BY ALL),
m AS (
    SELECT s.target, u.year, count(*) FILTER (WHERE {MEETS}) AS met, count(*) AS with_data
    FROM u
    JOIN shares s USING (level)
    JOIN vals v ON v.path = u.path AND v.year = u.year AND v.element_id = s.element_id
    WHERE s.tset = $tset
    GROUP BY ALL
)
SELECT c.target, c.year, coalesce(m.met, 0), c.n, coalesce(m.with_data, 0)
FROM counted c LEFT JOIN m USING (target, year)
"""

# A unit-level unit judged on its own value (a commune's own dashboard of an every-commune
# target): its value, for the years it has one.
OWN_SQL = """
SELECT v.element_id, v.year, v.value FROM vals v
JOIN roots r ON r.op = $op AND v.year = r.year AND v.path = r.path
WHERE v.element_id IN (SELECT element_id FROM shares WHERE tset = $tset)
"""


def _export_csv(path: str) -> None:
    """Write the joined values to a CSV file straight from the benchmark database."""
    import csv

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY ({EXPORT_SQL}) TO STDOUT WITH (FORMAT csv)"
            with open(path, "wb") as out, cursor.cursor.copy(sql) as copy:
                for block in copy:
                    out.write(block)
            return
        cursor.execute(EXPORT_SQL)
        with open(path, "w", newline="") as out:
            writer = csv.writer(out)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)


def _csv_table(db, name: str, columns: dict[str, str], rows) -> None:
    import csv
    import os
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".csv", prefix="xhht-bench-")
    os.close(fd)
    try:
        if rows is None:
            _export_csv(path)
        else:
            with open(path, "w", newline="") as out:
                csv.writer(out).writerows(rows)
        spec = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
        db.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv($path, header = false, "
            f"columns = {{{spec}}}, nullstr = '')",
            {"path": path},
        )
    finally:
        os.unlink(path)


def connect(
    target_sets: dict[str, list[Target]], ops: dict[str, tuple[OrgUnit, int, str]]
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the values, the units, each set of targets' parts and
    shares, and for each operation (unit, year, target set) the roots that stand for its
    unit each year up to its year."""
    db = duckdb.connect(":memory:")
    _csv_table(db, "vals", {"path": "VARCHAR", "year": "INTEGER", "element_id": "BIGINT",
                            "sex": "VARCHAR", "age_band": "VARCHAR",
                            "value": "DECIMAL(18,4)"}, None)  # fmt: skip
    db.execute("UPDATE vals SET sex = coalesce(sex, ''), age_band = coalesce(age_band, '')")
    units = OrgUnit.objects.values_list("path", "level__code", "valid_from", "valid_to")
    _csv_table(db, "units", {"path": "VARCHAR", "level": "VARCHAR", "valid_from": "DATE",
                             "valid_to": "DATE"}, units)  # fmt: skip
    db.execute(
        "CREATE TABLE parts (tset VARCHAR, indicator VARCHAR, role VARCHAR, element_id BIGINT,"
        " sex VARCHAR, age_band VARCHAR, own BOOLEAN)"
    )
    for name, targets in target_sets.items():
        db.executemany(
            "INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(name, *row) for row in _parts(targets)],
        )
    db.execute(
        "CREATE TABLE shares (tset VARCHAR, target BIGINT, level VARCHAR, element_id BIGINT,"
        " comparator VARCHAR, value DECIMAL(18,4))"
    )
    for name, targets in target_sets.items():
        db.executemany(
            "INSERT INTO shares VALUES (?, ?, ?, ?, ?, ?)",
            [
                (name, t.pk, share_level(t), t.indicator.numerator_id, t.comparator, t.value)
                for t in targets
                if share_level(t) is not None
            ],
        )
    db.execute("CREATE TABLE roots (op VARCHAR, year INTEGER, path VARCHAR)")
    db.executemany("INSERT INTO roots VALUES (?, ?, ?)", _roots(ops))
    db.execute("ANALYZE")
    return db


def _roots(ops: dict[str, tuple[OrgUnit, int, str]]) -> list[tuple]:
    """(op, year, path) of the units standing for each operation's unit, each year up to
    its year (as it was: the unit itself, or its predecessors before it existed)."""
    rows = []
    for name, (unit, year, _tset) in ops.items():
        for y in Period.objects.filter(kind=Period.Kind.YEAR, year__lte=year).values_list(
            "year", flat=True
        ):
            rows += [(name, y, r.path) for r in roots_for_year(unit, y)]
    return rows


def _parts(targets: list[Target]) -> list[tuple]:
    """Numerator and denominator of each target on the unit's own figure."""
    own = set(
        DataElement.objects.filter(aggregation=DataElement.Aggregation.NONE).values_list(
            "pk", flat=True
        )
    )
    rows = {}
    for t in targets:
        i = t.indicator
        if share_level(t) is not None:
            continue
        num = (i.numerator_id, i.numerator_sex, i.numerator_age_band)
        rows[(i.code, "num")] = (*num, num[0] in own)
        if i.denominator_id is not None:
            den = (i.denominator_id, i.denominator_sex, i.denominator_age_band)
            rows[(i.code, "den")] = (*den, den[0] in own)
    return [(code, role, *part) for (code, role), part in rows.items()]


def evaluate(db, op: str, tset: str) -> dict:
    """What DuckDB computes for one operation: part sums, unit counts, own level values."""
    args = {"op": op, "tset": tset}
    sums: dict = defaultdict(dict)
    for indicator, role, year, total in db.execute(SUMS_SQL, args).fetchall():
        sums[(indicator, year)][role] = total
    counts = {
        (target, year): (met, counted, with_data)
        for target, year, met, counted, with_data in db.execute(SHARES_SQL, args).fetchall()
    }
    own = {(element, year): value for element, year, value in db.execute(OWN_SQL, args).fetchall()}
    return {"sums": sums, "counts": counts, "own": own}


# --- checking -------------------------------------------------------------------------------


def check(evaluated, duck: dict, year: int) -> int:
    """Assert XHHT's num/den for `year` equal DuckDB's; return how many figures matched."""
    checked = 0
    for e in evaluated:
        t = e.target
        if e.status == "void":
            assert e.num is None and e.den is None
            continue
        level = share_level(t)
        if level is None:
            parts = duck["sums"].get((t.indicator.code, year), {})
            want = (parts.get("num"), parts.get("den"))
        elif e.unit.level.code == level and e.unit.is_valid_on(year_end(year)):
            value = duck["own"].get((t.indicator.numerator_id, year))
            want = (None if value is None else value.quantize(Decimal("0.01")), None)
        else:
            met, counted, _ = duck["counts"].get((t.pk, year), (0, 0, 0))
            want = (Decimal(met), Decimal(counted))
        got = (e.num, e.den)
        assert got == want, f"{t.code} at {e.unit.code} {year}: XHHT {got} != DuckDB {want}"
        checked += 1
    return checked
