"""One database's run: fresh database, build, time XHHT and DuckDB, check, clean up.

Django is set up here, after DATABASE_URL points at the database made for this run;
the product's default db.sqlite3 is never opened.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@contextlib.contextmanager
def fresh_database(vendor: str):
    """Point DATABASE_URL at a new empty database; remove it afterwards."""
    if vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="xhht-bench-") as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            yield
        return
    name = f"xhht_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure(fn, repeat: int) -> dict:
    """One warm-up run (counting SQL queries), then `repeat` timed runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "queries": len(queries.captured_queries),
        "times": times,
    }


def measure_plain(fn, repeat: int) -> dict:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "min": min(times), "times": times}


class Timer:
    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        yield
        self.steps[name] = time.perf_counter() - start


def run_worker(vendor: str, scale: float, repeat: int, profile: bool) -> dict:
    with fresh_database(vendor):
        os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
        import django

        django.setup()
        return _run(vendor, scale, repeat, profile)


def _run(vendor: str, scale: float, repeat: int, profile: bool) -> dict:
    from django.core.management import call_command

    from benchmarks import duck, national
    from monitoring.queries import breakdown_targets, evaluate_targets

    timer = Timer()
    with timer("migrate"):
        call_command("migrate", verbosity=0)
    world = national.build_world(scale, timer)
    targets = list(world.plan.targets.select_related("indicator", "group").order_by("order"))
    year = 2020
    country, province, district = world.country, world.province, world.district
    ops = {
        "nation": lambda: evaluate_targets(targets, country, year),
        "province": lambda: evaluate_targets(targets, province, year),
        "district": lambda: evaluate_targets(targets, district, year),
        "breakdown": lambda: _by_target(targets, breakdown_targets(targets, district, year)),
    }
    log = _log(vendor)
    operations = {}
    for name, fn in ops.items():
        operations[name] = measure(fn, repeat)
        log(f"{name}: median {operations[name]['median'] * 1000:,.1f} ms")

    start = time.perf_counter()
    db = duck.connect(targets)
    duckdb_load = time.perf_counter() - start
    duck_ops = {
        "nation": lambda: duck.scope(db, country.path, year),
        "province": lambda: duck.scope(db, province.path, year),
        "district": lambda: duck.scope(db, district.path, year),
        "breakdown": lambda: duck.district_breakdown(db, district.path, year),
    }
    duck_results = {name: measure_plain(fn, repeat) for name, fn in duck_ops.items()}

    checked = sum(
        duck.check_scope(ops[name](), duck_ops[name](), year)
        for name in ("nation", "province", "district")
    )
    checked += duck.check_breakdown(ops["breakdown"](), duck_ops["breakdown"](), year)
    log(f"{checked} figures equal to DuckDB's")

    if profile:
        for name, fn in ops.items():
            _profile(f"{vendor} {name}", fn)
    return {
        "database": "SQLite" if vendor == "sqlite" else "PostgreSQL",
        "machine": _machine(vendor),
        "data": {
            "units": world.units,
            "communes": world.communes,
            "values": world.values,
            "subtree_totals": world.subtree_totals,
            "targets": len(targets),
            "every_commune": sum(t.scope == "every_commune" for t in targets),
            "years": ", ".join(str(y) for y in national.YEARS),
            "build": timer.steps,
            "duckdb_load": duckdb_load,
            "checked": checked,
        },
        "operations": operations,
        "duckdb": duck_results,
    }


def _by_target(targets, per_target: dict) -> list:
    return [(t, per_target[t.pk]) for t in targets]


def _log(vendor: str):
    def log(message: str) -> None:
        print(f"  [{vendor}] {message}", file=sys.stderr, flush=True)

    return log


def _profile(label: str, fn) -> None:
    """cProfile one run; time another's SQL and list its slowest queries; all to stderr."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    profiler.runcall(fn)
    print(f"\n===== {label}: cProfile", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(30)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    total = max(entry[3] for entry in stats.stats.values())
    print(
        f"===== {label}: {len(ctx.captured_queries)} queries; in the database driver "
        f"{_driver_seconds(stats) * 1000:,.1f} ms of {total * 1000:,.1f} ms (profiled run)",
        file=sys.stderr,
    )
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
    for q in slowest:
        print(f"--- {q['time']} s: {q['sql'][:600]}", file=sys.stderr)


def _driver_seconds(stats) -> float:
    """Time spent executing SQL and fetching rows, from a profile of one run.

    SQLite: the C calls of sqlite3.Cursor (a grouped query runs while rows are fetched).
    PostgreSQL: psycopg waiting for the server's answer (it fetches all rows then).
    """
    seconds = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():
        if "sqlite3.Cursor" in func or func.startswith("<function SQLiteCursorWrapper"):
            seconds += tottime
        elif filename.endswith("psycopg/connection.py") and func == "wait":
            seconds += cumtime
    return seconds


def _machine(vendor: str) -> dict:
    import django
    import duckdb
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = "SQLite " + cursor.fetchone()[0]
        else:
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "memory_gb": int(meminfo[1]) / 1024 / 1024,
        "platform": platform.platform(terse=True),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
        "duckdb": duckdb.__version__,
        "database_version": version,
    }
