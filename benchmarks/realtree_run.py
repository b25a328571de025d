"""`make bench`: plan 1373 and KH 254 evaluated over the real map, against DuckDB.

    .venv/bin/python benchmarks/realtree_run.py [--db sqlite|postgres|both] [--scale 1.0]
        [--repeat 7] [--no-write]

Each database is measured in a worker process of its own (benchmarks/worker.py makes the
fresh database: a temporary SQLite file, or xhht_bench_<pid> on 127.0.0.1:5432, dropped
at the end). The worker builds the world (benchmarks/realtree.py), times XHHT's
evaluation end to end (reading its kept subtree totals) and on raw values (the unit's
totals recomputed from the raw values, then the evaluation), times the write-time cost
of keeping the totals, times DuckDB on the same raw values, asserts that every figure
XHHT computed equals DuckDB's, and hands back JSON. The parent writes the section of
docs/benchmarks.md between the realtree markers.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- realtree:start -->", "<!-- realtree:end -->"
DASHBOARD_MS, NATION_MS, NATION_RATIO = 50, 1000, 3

# name → (label, unit key, year, target set)
OPERATIONS = {
    "nation_2025": ("QĐ 1373, nation, 2025 (today's map: 34 provinces)", "nation", 2025,
                    "national"),
    "nation_2024": ("QĐ 1373, nation, 2024 (the old map: 63 provinces)", "nation", 2024,
                    "national"),
    "city_2025": ("KH 254, Hải Phòng, 2025 (its communes after the reform)", "city", 2025,
                  "city"),
    "city_2024": ("KH 254, Hải Phòng, 2024 (its communes before)", "city", 2024, "city"),
    "dac_khu_2025": ("dashboard data: đặc khu Cát Hải, 2025, both plans", "dac_khu", 2025,
                     "both"),
    "commune_2025": ("dashboard data: a commune of Hải Phòng, 2025, both plans", "commune",
                     2025, "both"),
}  # fmt: skip
RAW = ("nation_2025", "nation_2024", "city_2025", "city_2024")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--scale", type=float, default=1.0,
        help="share of the communes outside Hải Phòng that report (1.0: all)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; leave the doc")
    parser.add_argument("--worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.worker:
        from benchmarks.worker import fresh_database

        with fresh_database(args.worker):
            import os

            os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
            import django

            django.setup()
            result = run(args.worker, args.scale, args.repeat)
        Path(args.out).write_text(json.dumps(result, default=str))
        return 0
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = []
    for db in databases:
        print(f"… {db}: real tree, building and measuring (scale {args.scale})", file=sys.stderr)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            cmd = [sys.executable, __file__, "--worker", db, "--scale", str(args.scale),
                   "--repeat", str(args.repeat), "--out", out.name]  # fmt: skip
            subprocess.run(cmd, check=True, cwd=ROOT)
            results.append(json.loads(Path(out.name).read_text()))
    command = ".venv/bin/python benchmarks/realtree_run.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    section = render(results, command.strip(), args.repeat)
    print(section)
    if not args.no_write:
        write(DOC, section)
        print(f"\nwritten to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


# --- the worker -----------------------------------------------------------------------------


def plan_operations(world) -> tuple[dict, dict]:
    """The target sets (name → targets) and the operations (name → unit, year, set)."""
    from benchmarks import realtree

    national, city = world.targets[realtree.NATIONAL], world.targets[realtree.CITY]
    target_sets = {"national": national, "city": city, "both": national + city}
    ops = {
        name: (world.units[unit], year, tset)
        for name, (_label, unit, year, tset) in OPERATIONS.items()
    }
    return target_sets, ops


def run(vendor: str, scale: float, repeat: int) -> dict:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction

    from benchmarks import realtree
    from benchmarks.worker import Timer, _log, _machine, measure, measure_plain
    from indicators import services, subtree_totals
    from indicators.models import DataElement, DataValue
    from monitoring.communes import elements_behind
    from monitoring.queries import evaluate_targets
    from units.models import OrgUnit

    log = _log(vendor)
    timer = Timer()
    with timer("migrate"):
        call_command("migrate", verbosity=0)
    world = realtree.build_world(scale, timer)
    log("built: " + ", ".join(f"{k} {v:.1f} s" for k, v in timer.steps.items()))
    national, city = world.targets[realtree.NATIONAL], world.targets[realtree.CITY]
    target_sets, ops = plan_operations(world)

    def xhht(name):
        unit, year, tset = ops[name]
        return lambda: evaluate_targets(target_sets[tset], unit, year)

    operations = {}
    for name in OPERATIONS:
        operations[name] = measure(xhht(name), repeat)
        log(f"{name}: median {operations[name]['median'] * 1000:,.1f} ms")

    # On raw values: the unit's subtree totals recomputed from the values (the periods up
    # to the year, the summed elements its targets read), then the same evaluation.
    summed = set(
        DataElement.objects.filter(aggregation=DataElement.Aggregation.SUM).values_list(
            "pk", flat=True
        )
    )

    def raw(name):
        unit, year, tset = ops[name]
        below = OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        child = below.order_by("path").values_list("pk", flat=True).first()
        periods = [pk for y, pk in world.periods.items() if y <= year]
        elements = elements_behind(target_sets[tset]) & summed
        evaluate = xhht(name)

        def fn():
            subtree_totals.recompute(unit_ids=[child], period_ids=periods, element_ids=elements)
            return evaluate()

        return fn

    raw_ops = {}
    for name in RAW:
        raw_ops[name] = measure(raw(name), repeat)
        log(f"{name} from raw values: median {raw_ops[name]['median'] * 1000:,.1f} ms")

    # The write-time cost of the totals: one commune value changed through the service
    # (value, history, the totals above it), and the totals' share of it alone.
    commune = world.units["commune"]
    row = DataValue.objects.select_related("unit", "period", "element").get(
        unit=commune, period_id=world.periods[2025], element__code="working_age_persons"
    )
    flip = [row.value + 1, row.value]

    def write_one():
        with transaction.atomic():  # as a request or a form's save holds one
            services.record_value(unit=commune, period=row.period, element=row.element,
                                  value=flip[0], source=row.source)  # fmt: skip
        flip.reverse()

    sign = [Decimal(1), Decimal(-1)]

    def totals_one():
        with transaction.atomic():
            subtree_totals.add_to_ancestors(row, sign[0])
        sign.reverse()

    writes = {
        "record_value": measure(write_one, repeat * 2 + 1),
        "add_to_ancestors": measure(totals_one, repeat * 2 + 1),
    }
    log("writes: " + ", ".join(f"{k} {v['median'] * 1000:.1f} ms" for k, v in writes.items()))

    start = time.perf_counter()
    db = realtree.connect(target_sets, ops)
    duckdb_load = time.perf_counter() - start
    duck = {
        name: measure_plain(lambda name=name: realtree.evaluate(db, name, ops[name][2]), repeat)
        for name in OPERATIONS
    }
    log("duckdb: " + ", ".join(f"{k} {v['median'] * 1000:.1f} ms" for k, v in duck.items()))

    checked = {}
    for name, (_unit, year, tset) in ops.items():
        figures = realtree.evaluate(db, name, tset)
        checked[name] = realtree.check(xhht(name)(), figures, year)
        if name in RAW:
            checked[name] += realtree.check(raw(name)(), figures, year)
    # The totals the raw runs rewrote are the bulk recompute's: check one more time.
    assert subtree_totals.recompute() == world.counts["subtree_totals"]
    for name, (_unit, year, tset) in ops.items():
        realtree.check(xhht(name)(), realtree.evaluate(db, name, tset), year)
    log(f"{sum(checked.values())} figures equal to DuckDB's")
    return {
        "database": "SQLite" if vendor == "sqlite" else "PostgreSQL",
        "machine": _machine(vendor),
        "scale": scale,
        "data": {
            **world.counts,
            "targets": {"national": len(national), "city": len(city)},
            "evaluated": {k: f"{u.code} {u.name}" for k, u in world.units.items()},
            "years": ", ".join(str(y) for y in realtree.YEARS),
            "build": timer.steps,
            "duckdb_load": duckdb_load,
            "checked": checked,
        },
        "operations": operations,
        "raw": raw_ops,
        "writes": writes,
        "duckdb": duck,
    }


# --- the report -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def _ratio(a: float, b: float) -> str:
    value = a / b if b else float("nan")
    return f"{value:,.1f}×" if value < 10 else f"{value:,.0f}×"


def _yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


def render(results: list[dict], command: str, repeat: int) -> str:
    m = results[0]["machine"]
    out = [
        "## Results on the real tree (plans 1373 and 254)",
        "",
        f"- Date: {m['date']}",
        f"- Command: `{command}`",
        f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory_gb']:.0f} GB memory, {m['platform']}",
        f"- Python {m['python']}, Django {m['django']}, DuckDB {m['duckdb']}",
    ]
    for r in results:
        out.append(
            f"- {r['database']}: {r['machine']['database_version']}; load average at start "
            f"{r['machine']['loadavg']}"
        )
    out += ["", "### Data", ""]
    for r in results:
        d = r["data"]
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in d["build"].items())
        out.append(
            f"- {r['database']} (scale {r['scale']}): {d['units']:,} units "
            f"({d['communes_2024']:,} communes until 30/06/2025, {d['communes_2025']:,} "
            f"from 01/07/2025), {d['values']:,} data values ({d['subtree_totals']:,} subtree "
            f"totals), {d['targets']['national']} targets of QĐ 1373 and "
            f"{d['targets']['city']} of KH 254, years {d['years']}; build (not measured) "
            f"{steps}; DuckDB load {d['duckdb_load']:.1f} s; "
            f"{sum(d['checked'].values()):,} figures checked equal to DuckDB's"
        )
    units = results[0]["data"]["evaluated"]
    out.append(
        f"- Units: nation {units['nation']}; city {units['city']}; đặc khu {units['dac_khu']}; "
        f"commune {units['commune']}"
    )
    out += [
        "",
        "### (1) End to end",
        "",
        f"Median and minimum of {repeat} runs after one warm-up; SQL queries counted on the "
        "warm-up. XHHT: `monitoring.queries.evaluate_targets(targets, unit, year)`, reading "
        "its kept subtree totals, every figure of every year up to the year (the trend). "
        "DuckDB: three hand-written queries over the raw values in an in-memory table (part "
        "sums over the subtree as it stood each year, counts of the subject level's units "
        "standing at the year's end and meeting the condition, own level values), in the same "
        "process, same run.",
        "",
        "| operation | database | XHHT median ms | XHHT min ms | SQL queries "
        "| DuckDB median ms | XHHT / DuckDB |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for name, (label, *_rest) in OPERATIONS.items():
        for r in results:
            op, duck = r["operations"][name], r["duckdb"][name]
            out.append(
                f"| {label} | {r['database']} | {_ms(op['median'])} | {_ms(op['min'])} "
                f"| {op['queries']} | {_ms(duck['median'])} "
                f"| {_ratio(op['median'], duck['median'])} |"
            )
    out += [
        "",
        "### (2) On the same raw work",
        "",
        "XHHT from raw values: `indicators.subtree_totals.recompute(unit_ids=[the unit's first "
        "child], period_ids=the years up to the year, element_ids=the summed elements the "
        "targets read)`, which recomputes from the raw values the totals of every unit above "
        "that child (the nation: the nation alone; Hải Phòng: the city and the nation) and "
        "writes them, then the same evaluation. DuckDB as in (1): it always works from the "
        "raw values.",
        "",
        "| operation | database | XHHT raw median ms | XHHT raw min ms | SQL queries "
        "| DuckDB median ms | XHHT raw / DuckDB |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for name in RAW:
        label = OPERATIONS[name][0]
        for r in results:
            op, duck = r["raw"][name], r["duckdb"][name]
            out.append(
                f"| {label} | {r['database']} | {_ms(op['median'])} | {_ms(op['min'])} "
                f"| {op['queries']} | {_ms(duck['median'])} "
                f"| {_ratio(op['median'], duck['median'])} |"
            )
    out += [
        "",
        "**What keeping the totals costs at write time**, measured apart:",
        "",
        "| write | database | median ms | min ms | SQL queries |",
        "|---|---|--:|--:|--:|",
    ]
    for r in results:
        build = r["data"]["build"]
        out.append(
            f"| `subtree_totals.recompute()` after the bulk load, all {r['data']['values']:,} "
            f"values ({r['data']['subtree_totals']:,} totals), once | {r['database']} "
            f"| {build['subtree totals recompute'] * 1000:,.0f} | | |"
        )
    labels = {
        "record_value": "`services.record_value`: one commune value changed (row, history, "
        "totals above it)",
        "add_to_ancestors": "of which the totals: `subtree_totals.add_to_ancestors` alone",
    }
    for key, label in labels.items():
        for r in results:
            w = r["writes"][key]
            out.append(
                f"| {label} | {r['database']} | {_ms(w['median'])} | {_ms(w['min'])} "
                f"| {w['queries']} |"
            )
    out += ["", "### Aims", "", "| aim | " + " | ".join(r["database"] for r in results) + " |"]
    out.append("|---|" + "---|" * len(results))

    def row(label, flags):
        out.append(f"| {label} | " + " | ".join(_yes(f) for f in flags) + " |")

    for name in ("nation_2025", "nation_2024", "city_2025", "city_2024"):
        short = OPERATIONS[name][0].split(" (")[0]
        row(f"{short} under {NATION_MS / 1000:g} s",
            [r["operations"][name]["median"] * 1000 < NATION_MS for r in results])  # fmt: skip
        row(f"{short} within {NATION_RATIO}× of DuckDB end to end",
            [r["operations"][name]["median"] <= NATION_RATIO * r["duckdb"][name]["median"]
             for r in results])  # fmt: skip
    for name in ("dac_khu_2025", "commune_2025"):
        short = OPERATIONS[name][0].split(", 2025")[0]
        row(f"{short} under {DASHBOARD_MS} ms",
            [r["operations"][name]["median"] * 1000 < DASHBOARD_MS for r in results])  # fmt: skip
    out.append("")
    return "\n".join(out)


def write(path: Path, section: str) -> None:
    """Replace the text between the realtree markers (appended if missing), keeping the rest."""
    text = path.read_text()
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{section}\n{END}{tail}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
