"""The same aggregates by hand in DuckDB, over the same values, as a yardstick.

The values are copied once (not timed) from the benchmark database into an in-memory
DuckDB table, denormalised with the unit's path and the period's year. The timed SQL
then computes, for a subtree: each indicator part's SUM by year (with the indicator's
sex and age-band filters), and for the every-commune targets the number of communes
meeting the threshold by year; and for a district, the same per child unit.

Every-commune targets are handled for level indicators (a commune's own value against
the threshold), which is what the plan's four every-commune targets are.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections import defaultdict
from decimal import Decimal

import duckdb
from django.db import connection

from indicators.models import DataValue, Indicator, Period
from units.models import OrgUnit

EXPORT_SQL = f"""
SELECT u.path, p.year, v.element_id, v.sex, v.age_band, v.value
FROM {DataValue._meta.db_table} v
JOIN {OrgUnit._meta.db_table} u ON u.id = v.unit_id
JOIN {Period._meta.db_table} p ON p.id = v.period_id
"""

# Sum each (element, sex, age band, year) first, then pick each indicator's parts.
SUMS_SQL = """
WITH v AS (
    SELECT element_id, sex, age_band, year, SUM(value) AS total
    FROM vals
    WHERE starts_with(path, $prefix) AND year <= $year
        AND element_id IN (SELECT element_id FROM parts)
    GROUP BY ALL
)
SELECT p.indicator, p.role, v.year, SUM(v.total)
FROM v
JOIN parts p ON v.element_id = p.element_id
    AND (p.sex = '' OR v.sex = p.sex) AND (p.age_band = '' OR v.age_band = p.age_band)
GROUP BY ALL
"""

MEETS = """CASE t.comparator
    WHEN 'gt' THEN v.value > t.value WHEN 'gte' THEN v.value >= t.value
    WHEN 'eq' THEN v.value = t.value WHEN 'lte' THEN v.value <= t.value
    WHEN 'lt' THEN v.value < t.value END"""

# Communes without a value count as not meeting, so `counted` is every commune in the scope.
COMMUNES_SQL = f"""
WITH n AS (SELECT count(*) AS counted FROM communes WHERE starts_with(path, $prefix)),
m AS (
    SELECT t.target, v.year, count(*) FILTER (WHERE {MEETS}) AS met, count(*) AS with_data
    FROM vals v
    JOIN level_targets t ON v.element_id = t.element_id
    WHERE starts_with(v.path, $prefix) AND v.year <= $year
        AND v.path IN (SELECT path FROM communes)
    GROUP BY ALL
)
SELECT m.target, m.year, m.met, n.counted, m.with_data FROM m, n
"""

CHILD_SUMS_SQL = """
WITH v AS (
    SELECT substr(path, 1, $child_len) AS child, element_id, sex, age_band, year,
        SUM(value) AS total
    FROM vals
    WHERE starts_with(path, $prefix) AND length(path) >= $child_len AND year <= $year
        AND element_id IN (SELECT element_id FROM parts)
    GROUP BY ALL
)
SELECT v.child, p.indicator, p.role, v.year, SUM(v.total)
FROM v
JOIN parts p ON v.element_id = p.element_id
    AND (p.sex = '' OR v.sex = p.sex) AND (p.age_band = '' OR v.age_band = p.age_band)
GROUP BY ALL
"""

CHILD_LEVELS_SQL = f"""
SELECT v.path, t.target, v.year, v.value, {MEETS} AS meets
FROM vals v
JOIN level_targets t ON v.element_id = t.element_id
WHERE starts_with(v.path, $prefix) AND length(v.path) = $child_len AND v.year <= $year
    AND v.path IN (SELECT path FROM communes)
"""


def _export_csv(path: str) -> int:
    """Write the joined values to a CSV file straight from the benchmark database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY ({EXPORT_SQL}) TO STDOUT WITH (FORMAT csv)"
            with open(path, "wb") as out, cursor.cursor.copy(sql) as copy:
                for block in copy:
                    out.write(block)
            return 0
        cursor.execute(EXPORT_SQL)
        with open(path, "w", newline="") as out:
            writer = csv.writer(out)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)
    return 0


def connect(targets) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the values, communes, indicator parts and level targets."""
    db = duckdb.connect(":memory:")
    fd, path = tempfile.mkstemp(suffix=".csv", prefix="xhht-bench-")
    os.close(fd)
    try:
        _export_csv(path)
        db.execute(
            "CREATE TABLE vals AS SELECT * FROM read_csv($path, header = false, columns = {"
            "'path': 'VARCHAR', 'year': 'INTEGER', 'element_id': 'BIGINT', 'sex': 'VARCHAR',"
            "'age_band': 'VARCHAR', 'value': 'DECIMAL(18,4)'})",
            {"path": path},
        )
    finally:
        os.unlink(path)
    db.execute("UPDATE vals SET sex = coalesce(sex, ''), age_band = coalesce(age_band, '')")
    communes = OrgUnit.objects.filter(level__code="commune").values_list("path", flat=True)
    db.execute("CREATE TABLE communes (path VARCHAR)")
    db.executemany("INSERT INTO communes VALUES (?)", [(p,) for p in communes])
    db.execute("CREATE TABLE years AS SELECT DISTINCT year FROM vals")
    db.execute(
        "CREATE TABLE parts (indicator VARCHAR, role VARCHAR, element_id BIGINT,"
        " sex VARCHAR, age_band VARCHAR)"
    )
    db.executemany("INSERT INTO parts VALUES (?, ?, ?, ?, ?)", _parts(targets))
    db.execute(
        "CREATE TABLE level_targets (target VARCHAR, element_id BIGINT, comparator VARCHAR,"
        " value DECIMAL(18,4))"
    )
    db.executemany(
        "INSERT INTO level_targets VALUES (?, ?, ?, ?)",
        [
            (t.code, t.indicator.numerator_id, t.comparator, t.value)
            for t in targets
            if t.scope == "every_commune"
        ],
    )
    return db


def _parts(targets) -> list[tuple]:
    """Numerator and denominator of each unit-scope indicator; by sex for a parity index."""
    rows = {}
    for t in targets:
        i: Indicator = t.indicator
        if t.scope != "unit":
            continue
        num = (i.numerator_id, i.numerator_sex, i.numerator_age_band)
        den = (i.denominator_id, i.denominator_sex, i.denominator_age_band)
        if i.kind == Indicator.Kind.PARITY:
            for sex in ("F", "M"):
                rows[(i.code, f"num_{sex}")] = (num[0], sex, num[2])
                rows[(i.code, f"den_{sex}")] = (den[0], sex, den[2])
        else:
            rows[(i.code, "num")] = num
            if i.denominator_id is not None:
                rows[(i.code, "den")] = den
    return [(code, role, *part) for (code, role), part in rows.items()]


# --- the timed queries --------------------------------------------------------------------


def scope(db, prefix: str, year: int) -> dict:
    """Part sums by indicator and year, and commune counts by level target and year."""
    args = {"prefix": prefix, "year": year}
    sums: dict = defaultdict(dict)
    for indicator, role, y, total in db.execute(SUMS_SQL, args).fetchall():
        sums[(indicator, y)][role] = total
    counts = {
        (target, y): (met, counted, with_data)
        for target, y, met, counted, with_data in db.execute(COMMUNES_SQL, args).fetchall()
    }
    return {"sums": sums, "counts": counts}


def district_breakdown(db, prefix: str, year: int) -> dict:
    """Part sums per child unit of the district, and each commune's own level values."""
    args = {"prefix": prefix, "year": year, "child_len": len(prefix) + OrgUnit.steplen}
    sums: dict = defaultdict(dict)
    for child, indicator, role, y, total in db.execute(CHILD_SUMS_SQL, args).fetchall():
        sums[(child, indicator, y)][role] = total
    levels = {
        (path, target, y): (value, meets)
        for path, target, y, value, meets in db.execute(CHILD_LEVELS_SQL, args).fetchall()
    }
    return {"sums": sums, "levels": levels}


# --- checking that both did the same work ------------------------------------------------


def _rate(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or not den:
        return None
    return (num / den).quantize(Decimal("0.000001"))


def expected_figure(indicator: Indicator, parts: dict) -> tuple:
    """(num, den) as XHHT reports them, from DuckDB's part sums."""
    if indicator.kind == Indicator.Kind.PARITY:
        return (
            _rate(parts.get("num_F"), parts.get("den_F")),
            _rate(parts.get("num_M"), parts.get("den_M")),
        )
    return parts.get("num"), parts.get("den")


def check_scope(evaluated, duck: dict, year: int) -> int:
    """Assert XHHT's num/den for `year` equal DuckDB's; return how many figures matched."""
    checked = 0
    for e in evaluated:
        t = e.target
        if t.scope == "every_commune":
            met, counted, _ = duck["counts"][(t.code, year)]
            want = (Decimal(met), Decimal(counted))
        else:
            want = expected_figure(t.indicator, duck["sums"].get((t.indicator.code, year), {}))
        got = (e.num, e.den)
        assert got == want, f"{t.code} at {e.unit.code}: XHHT {got} != DuckDB {want}"
        checked += 1
    return checked


def check_breakdown(rows_by_target, duck: dict, year: int) -> int:
    checked = 0
    for target, rows in rows_by_target:
        for e in rows:
            if target.scope == "every_commune":
                value, _meets = duck["levels"][(e.unit.path, target.code, year)]
                want = (value.quantize(Decimal("0.01")), None)
            else:
                parts = duck["sums"].get((e.unit.path, target.indicator.code, year), {})
                want = expected_figure(target.indicator, parts)
            got = (e.num, e.den)
            assert got == want, f"{target.code} at {e.unit.code}: XHHT {got} != DuckDB {want}"
            checked += 1
    return checked
