"""A synthetic national tree, catalog, plan and about a million data values, built fast.

1 country → 63 provinces → 11 districts each → about 15 communes and 10 bodies each.
Paths are computed here (treebeard's format: 4 base-36 characters a step) and rows go
in with bulk_create; data values with COPY (PostgreSQL) or executemany (SQLite), since
the build is not what is measured. That bypasses the value store's services, which keep
SubtreeTotal in step with each write, so the build then recomputes every total
(`indicators.subtree_totals.recompute()`, as `manage.py rebuild_subtree_totals` does):
what a national bulk import costs on top of the insert. Values are deterministic (a
seeded generator), so both databases hold the same figures.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command, get_commands
from django.db import connection, transaction

from indicators import subtree_totals
from indicators.models import DataElement, DataValue, Indicator, Period, SubtreeTotal
from plans.models import ObjectiveGroup, Plan, Target
from units.models import OrgUnit, UnitLevel

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "indicators" / "learning-society.yaml"
YEARS = (2018, 2019, 2020)
PROVINCES, DISTRICTS_PER_PROVINCE, BODIES_PER_DISTRICT = 63, 11, 10
SEXES, AGE_BANDS = ("F", "M"), ("15-35", "15-60")

# What each commune reports every year (element code → with sex × age band or not).
COMMUNE_ELEMENTS = {
    "persons": True,
    "literate_persons": True,
    "newly_literate_persons": False,
    "newly_literate_continuing": False,
    "literacy_level": False,
    "preschool5_level": False,
    "primary_level": False,
    "lower_secondary_level": False,
    "commune_officials": False,
    "commune_officials_management_trained": False,
    "commune_officials_qualified": False,
    "commune_officials_mandatory_training": False,
    "rural_workers": False,
    "rural_workers_learning_at_clc": False,
    "life_skills_population": False,
    "life_skills_participants": False,
}
BODY_ELEMENTS = (
    "officials",
    "officials_it_programme",
    "officials_fl_level2",
    "officials_fl_level3",
    "district_officials",
    "district_officials_qualified",
    "district_officials_mandatory_training",
    "district_leaders",
    "district_leaders_trained",
    "industrial_workers",
    "industrial_workers_it_fl_basic",
    "industrial_workers_upper_secondary",
    "industrial_workers_high_skill",
    "industrial_workers_vocational_trained",
    "students",
    "students_life_skills",
)

# Plan 08/KH-BCĐ's targets (section II), owned here by the country:
# (code, indicator, comparator, value, value_max, scope).
PLAN_TARGETS = [
    ("literacy-15-60", "literacy_rate_15_60", "gt", "99", None, "unit"),
    ("literacy-15-35", "literacy_rate_15_35", "gt", "99.5", None, "unit"),
    ("literacy-gpi", "literacy_gpi_15_60", "parity", "0.97", "1.03", "unit"),
    ("newly-literate", "newly_literate_retention_rate", "gt", "90", None, "unit"),
    ("literacy-level", "literacy_level", "gte", "2", None, "every_commune"),
    ("preschool5", "preschool5_level", "gte", "1", None, "every_commune"),
    ("primary", "primary_level", "gte", "3", None, "every_commune"),
    ("lower-secondary", "lower_secondary_level", "gte", "3", None, "every_commune"),
    ("officials-it", "officials_it_programme_rate", "gte", "100", None, "unit"),
    ("officials-fl2", "officials_fl_level2_rate", "gt", "55", None, "unit"),
    ("officials-fl3", "officials_fl_level3_rate", "gte", "30", None, "unit"),
    ("district-qualified", "district_officials_qualified_rate", "gte", "100", None, "unit"),
    ("district-leaders", "district_leaders_trained_rate", "gte", "100", None, "unit"),
    ("district-mandatory", "district_officials_mandatory_training_rate", "gte", "90", None, "unit"),
    ("commune-mgmt", "commune_officials_management_trained_rate", "gte", "100", None, "unit"),
    ("commune-qualified", "commune_officials_qualified_rate", "gte", "97", None, "unit"),
    ("commune-mandatory", "commune_officials_mandatory_training_rate", "gt", "95", None, "unit"),
    ("rural-clc", "rural_workers_clc_rate", "gte", "70", None, "unit"),
    ("workers-it-fl", "industrial_workers_it_fl_rate", "rises", None, None, "unit"),
    ("workers-upper-sec", "industrial_workers_upper_secondary_rate", "gte", "85", None, "unit"),
    ("workers-high-skill", "industrial_workers_high_skill_rate", "rises", None, None, "unit"),
    ("workers-vocational", "industrial_workers_vocational_rate", "gte", "95", None, "unit"),
    ("life-skills-rises", "life_skills_participation_rate", "rises", None, None, "unit"),
    ("life-skills-80", "life_skills_participation_rate", "gte", "80", None, "unit"),
    ("students-life-skills", "students_life_skills_rate", "gte", "89", None, "unit"),
]


@dataclass
class World:
    country: OrgUnit
    province: OrgUnit
    district: OrgUnit
    plan: Plan
    units: int = 0
    communes: int = 0
    values: int = 0
    subtree_totals: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def path_of(parent_path: str, position: int) -> str:
    """The treebeard path of the `position`-th child (1-based) of `parent_path`."""
    return OrgUnit._get_path(parent_path, len(parent_path) // OrgUnit.steplen + 1, position)


# --- the tree -------------------------------------------------------------------------------


def build_tree(scale: float) -> dict[str, list[tuple[int, str]]]:
    """Bulk-create the units; return (pk, path) lists of communes and bodies."""
    levels = {
        code: UnitLevel.objects.create(code=code, name=name, rank=rank)
        for rank, (code, name) in enumerate(
            [
                ("country", "Quốc gia"),
                ("province", "Cấp tỉnh"),
                ("district", "Cấp huyện"),
                ("commune", "Cấp xã"),
            ]
        )
    }
    adm, dept = OrgUnit.Kind.ADMINISTRATIVE, OrgUnit.Kind.DEPARTMENT
    n_provinces = max(1, round(PROVINCES * scale))
    units = [OrgUnit(path="0001", depth=1, numchild=n_provinces, code="VN", name="Việt Nam",
                     level=levels["country"], kind=adm)]  # fmt: skip
    for p in range(1, n_provinces + 1):
        p_path = path_of("0001", p)
        units.append(OrgUnit(path=p_path, depth=2, numchild=DISTRICTS_PER_PROVINCE,
                             code=f"P{p:02}", name=f"Tỉnh {p}", level=levels["province"],
                             kind=adm))  # fmt: skip
        for d in range(1, DISTRICTS_PER_PROVINCE + 1):
            d_path = path_of(p_path, d)
            n_communes = 15 + (1 if d % 3 == 0 else 0)
            d_code = f"P{p:02}D{d:02}"
            units.append(OrgUnit(path=d_path, depth=3,
                                 numchild=n_communes + BODIES_PER_DISTRICT, code=d_code,
                                 name=f"Huyện {p}.{d}", level=levels["district"],
                                 kind=adm))  # fmt: skip
            for c in range(1, n_communes + 1):
                units.append(OrgUnit(path=path_of(d_path, c), depth=4, numchild=0,
                                     code=f"{d_code}C{c:02}", name=f"Xã {p}.{d}.{c}",
                                     level=levels["commune"], kind=adm))  # fmt: skip
            for b in range(1, BODIES_PER_DISTRICT + 1):
                units.append(OrgUnit(path=path_of(d_path, n_communes + b), depth=4, numchild=0,
                                     code=f"{d_code}B{b:02}", name=f"Phòng {p}.{d}.{b}",
                                     kind=dept))  # fmt: skip
    OrgUnit.objects.bulk_create(units, batch_size=2000)
    rows = OrgUnit.objects.filter(depth=4).values_list("pk", "path", "level_id")
    commune_level = levels["commune"].pk
    return {
        "communes": [(pk, path) for pk, path, level in rows if level == commune_level],
        "bodies": [(pk, path) for pk, path, level in rows if level != commune_level],
    }


# --- catalog, periods and plan ------------------------------------------------------------


def load_catalog() -> None:
    if "load_indicators" in get_commands():
        call_command("load_indicators", str(CATALOG), verbosity=0, stdout=io.StringIO())
    else:  # pragma: no cover - only before the loader existed
        raise RuntimeError("manage.py load_indicators is missing")


def build_periods() -> dict[int, int]:
    return {
        year: Period.objects.create(
            code=str(year),
            year=year,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        ).pk
        for year in YEARS
    }


def build_plan(country: OrgUnit) -> Plan:
    plan = Plan.objects.create(
        code="bench-national", number="08/KH-BCĐ", title="Kế hoạch tổng hợp (benchmark)",
        issued_on=datetime.date(2020, 1, 3), issuer="Ban Chỉ đạo", owner=country,
        start_year=2020, end_year=2020,
    )  # fmt: skip
    group = ObjectiveGroup.objects.create(plan=plan, number="1", title="Mục tiêu", order=1)
    indicators = {i.code: i for i in Indicator.objects.all()}
    Target.objects.bulk_create(
        Target(
            plan=plan,
            group=group,
            code=code,
            clause=f"II.{order}",
            text=code,
            indicator=indicators[indicator],
            comparator=comparator,
            value=None if value is None else Decimal(value),
            value_max=None if value_max is None else Decimal(value_max),
            scope=scope,
            due_year=2020,
            order=order,
        )  # fmt: skip
        for order, (code, indicator, comparator, value, value_max, scope) in enumerate(
            PLAN_TARGETS, start=1
        )
    )
    return plan


# --- the values -----------------------------------------------------------------------------


def _commune_rows(rng: random.Random, year: int) -> list[tuple[str, str, str, int]]:
    """(element, sex, age band, value) a commune reports in `year`."""
    rows = []
    for sex in SEXES:
        base = rng.randint(900, 4000)
        for band in AGE_BANDS:
            persons = base if band == "15-60" else base * 2 // 5
            literate = persons - rng.randint(0, max(1, persons // 60))
            rows += [("persons", sex, band, persons), ("literate_persons", sex, band, literate)]
    newly = rng.randint(0, 40)
    rural = rng.randint(500, 3000)
    officials = rng.randint(18, 25)
    population, share = rng.randint(800, 3000), rng.randint(0, 20)
    rows += [
        ("newly_literate_persons", "", "", newly),
        ("newly_literate_continuing", "", "", max(0, newly - rng.randint(0, newly // 8 + 1))),
        ("literacy_level", "", "", rng.choice((1, 2, 2, 2, 2))),
        ("preschool5_level", "", "", rng.choice((0, 1, 1, 1, 1, 1, 1))),
        ("primary_level", "", "", rng.choice((2, 3, 3, 3))),
        ("lower_secondary_level", "", "", rng.choice((1, 2, 2, 3))),
        ("commune_officials", "", "", officials),
        ("commune_officials_management_trained", "", "", officials - rng.randint(0, 2)),
        ("commune_officials_qualified", "", "", officials - rng.randint(0, 2)),
        ("commune_officials_mandatory_training", "", "", officials - rng.randint(0, 3)),
        ("rural_workers", "", "", rural),
        ("rural_workers_learning_at_clc", "", "", rural * rng.randint(55, 85) // 100),
        ("life_skills_population", "", "", population),
        ("life_skills_participants", "", "", population * (58 + year - 2018 + share) // 100),
    ]  # fmt: skip
    return rows


def _body_rows(rng: random.Random, year: int) -> list[tuple[str, str, str, int]]:
    def part(total: int, low: int, high: int) -> int:
        return total * rng.randint(low, high) // 100

    officials, district, leaders = rng.randint(5, 60), rng.randint(3, 30), rng.randint(1, 6)
    workers, students = rng.randint(0, 800), rng.randint(0, 1500)
    drift = year - 2018
    rows = [
        ("officials", officials), ("officials_it_programme", part(officials, 90, 100)),
        ("officials_fl_level2", part(officials, 45, 70)),
        ("officials_fl_level3", part(officials, 20, 40)),
        ("district_officials", district), ("district_officials_qualified", part(district, 95, 100)),
        ("district_officials_mandatory_training", part(district, 80, 100)),
        ("district_leaders", leaders), ("district_leaders_trained", part(leaders, 80, 100)),
        ("industrial_workers", workers),
        ("industrial_workers_it_fl_basic", part(workers, 30 + drift, 60 + drift)),
        ("industrial_workers_upper_secondary", part(workers, 75, 95)),
        ("industrial_workers_high_skill", part(workers, 10 + drift, 30 + drift)),
        ("industrial_workers_vocational_trained", part(workers, 85, 100)),
        ("students", students), ("students_life_skills", part(students, 80, 98)),
    ]  # fmt: skip
    return [(code, "", "", value) for code, value in rows]


def value_rows(units: dict, periods: dict[int, int], elements: dict[str, int], seed: int = 2020):
    """Yield (unit_id, period_id, element_id, sex, age_band, value) for every unit and year.

    `elements` (code → pk) is read beforehand: no query may run while COPY is under way.
    """
    rng = random.Random(seed)
    for year, period_id in periods.items():
        for unit_id, _path in units["communes"]:
            for code, sex, band, value in _commune_rows(rng, year):
                yield (unit_id, period_id, elements[code], sex, band, value)
        for unit_id, _path in units["bodies"]:
            for code, sex, band, value in _body_rows(rng, year):
                yield (unit_id, period_id, elements[code], sex, band, value)


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
        else:
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
            count += len(batch)
    return count


def analyze(*models) -> None:
    """ANALYZE the whole database, or only the tables of `models`."""
    with connection.cursor() as cursor:
        if not models:
            cursor.execute("ANALYZE")
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def build_world(scale: float, timer) -> World:
    """Build everything; `timer(name)` is a context manager that records each step's time."""
    with timer("tree"), transaction.atomic():
        units = build_tree(scale)
    with timer("catalog, periods, plan"), transaction.atomic():
        load_catalog()
        periods = build_periods()
        country = OrgUnit.objects.get(code="VN")
        plan = build_plan(country)
    with timer("values"), transaction.atomic():
        elements = dict(DataElement.objects.values_list("code", "pk"))
        count = insert_values(value_rows(units, periods, elements))
    with timer("analyze"):
        analyze()
    # The values went in around the services: recompute the totals they would have kept.
    with timer("subtree totals recompute"):
        totals = subtree_totals.recompute()
    with timer("analyze totals"):
        analyze(SubtreeTotal)
    province = OrgUnit.objects.get(code="P01")
    district = OrgUnit.objects.get(code="P01D01")
    return World(
        country=country,
        province=province,
        district=district,
        plan=plan,
        units=OrgUnit.objects.count(),
        communes=len(units["communes"]),
        values=count,
        subtree_totals=totals,
    )
