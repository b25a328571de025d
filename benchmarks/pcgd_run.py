"""`make bench` (PCGD-XMC part): import a synthetic province's register on PostgreSQL, time
the standards against a hand-written DuckDB query over the same CSV, and check they agree.

    .venv/bin/python benchmarks/pcgd_run.py [--persons 2000000] [--communes 100] [--repeat 5]

Writes its section of docs/benchmarks.md between the pcgd markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- pcgd:start -->", "<!-- pcgd:end -->"
YEAR = 2024


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_units(communes_csv: Path) -> None:
    """Country → province → the districts and communes the communes file names."""
    import csv

    from units.models import OrgUnit, UnitLevel

    names = ("country", "province", "district", "commune")
    levels = {code: UnitLevel.objects.create(code=code, name=code, rank=rank)
              for rank, code in enumerate(names)}  # fmt: skip
    country = OrgUnit.objects.add_root(
        {"code": "VN", "name": "Việt Nam", "level": levels["country"]}
    )
    province = OrgUnit.objects.add_child(
        country, {"code": "P-BENCH", "name": "Tỉnh mẫu", "level": levels["province"]}
    )
    districts: dict[str, OrgUnit] = {}
    with communes_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["district_code"]
            if code not in districts:
                districts[code] = OrgUnit.objects.add_child(
                    province, {"code": code, "name": f"Huyện {code}", "level": levels["district"]}
                )
            OrgUnit.objects.add_child(
                districts[code],
                {"code": row["commune_code"], "name": f"Xã {row['commune_code']}",
                 "level": levels["commune"]},
            )  # fmt: skip


def rates_of(evaluation) -> dict:
    from universalization.standards import as_json

    return {
        commune: {standard: body["rates"] for standard, body in standards.items()}
        for commune, standards in as_json(evaluation)["communes"].items()
    }


def run(persons: int, communes: int, repeat: int, data_dir: Path) -> dict:
    from benchmarks.pcgd_duck import time_duckdb
    from benchmarks.pcgd_synth import write_province
    from benchmarks.worker import measure, measure_plain

    start = time.perf_counter()
    communes_csv, persons_csv = write_province(data_dir, persons=persons, communes=communes,
                                               year=YEAR)  # fmt: skip
    generated = time.perf_counter() - start

    from django.core.management import call_command
    from django.db import connection

    from units.models import OrgUnit
    from universalization.queries import communes_under, evaluate_units
    from universalization.rules import default_rules
    from universalization.services import import_register

    call_command("migrate", verbosity=0)
    build_units(communes_csv)
    start = time.perf_counter()
    imported = import_register(communes_csv, persons_csv, year=YEAR)
    import_seconds = time.perf_counter() - start
    rss_after_import = peak_rss_mib()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    province = OrgUnit.objects.get(code="P-BENCH")
    rules = default_rules()

    def standards():
        return evaluate_units(communes_under(province, YEAR), YEAR, rules)[0]

    timing = measure(standards, repeat)
    evaluation = standards()
    duck_median, duck_rates = time_duckdb(communes_csv, persons_csv, YEAR, repeat=repeat)
    duck_timing = measure_plain(lambda: None, 1) | {"median": duck_median}
    ours = rates_of(evaluation)
    return {
        "persons": persons, "communes": communes, "repeat": repeat,
        "csv_mib": persons_csv.stat().st_size / 2**20, "generate_s": generated,
        "import_s": import_seconds, "created": imported.created,
        "households": imported.households, "standards": timing, "duckdb": duck_timing,
        "agree": ours == duck_rates,
        "mismatches": sum(ours.get(c) != r for c, r in duck_rates.items()),
        "rss_import_mib": rss_after_import, "rss_peak_mib": peak_rss_mib(),
        "levels_met": _levels_met(evaluation),
        "postgres": connection.pg_version, "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }  # fmt: skip


def _levels_met(evaluation) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for standards in evaluation.communes.values():
        for code, result in standards.items():
            for level, body in result.levels.items():
                per = counts.setdefault(code, {})
                per[level] = per.get(level, 0) + (body.status == "met")
    return counts


def render(result: dict, command: str) -> str:
    s, d = result["standards"], result["duckdb"]
    ratio = s["median"] / d["median"]
    pg = result["postgres"]
    lines = [
        "## PCGD-XMC register: a province of "
        f"{result['persons']:,} persons in {result['communes']} communes (PostgreSQL)",
        "",
        f"Command: `{command}`; Python {result['python']}, PostgreSQL {pg // 10000}.{pg % 10000},"
        f" {result['machine']}. Synthetic register (benchmarks/pcgd_synth.py, seed 7),"
        f" {result['csv_mib']:.0f} MiB of CSV, evaluation year {YEAR}.",
        "",
        "| step | time |",
        "|---|--:|",
        f"| generate the CSV files | {result['generate_s']:.1f} s |",
        f"| `import_register` (all-or-nothing, with history rows) | {result['import_s']:.1f} s |",
        f"| standards of every commune and district, median of {result['repeat']} "
        f"({s['queries']} queries) | {s['median']:.2f} s |",
        f"| DuckDB, one hand-written query over the CSV, median of {result['repeat']} "
        f"| {d['median']:.2f} s |",
        f"| ratio XHHT / DuckDB | {ratio:.1f}× |",
        "",
        f"- Rates equal to DuckDB's for every commune: {'yes' if result['agree'] else 'NO'}"
        f" ({result['mismatches']} communes differ).",
        f"- Peak memory of the Python process: {result['rss_import_mib']:.0f} MiB after the "
        f"import, {result['rss_peak_mib']:.0f} MiB at the end (the database server's is apart).",
        f"- {result['created']:,} persons and {result['households']:,} households created.",
        f"- Communes meeting each level: {json.dumps(result['levels_met'])}.",
        f"- Aims: standards under 10 s: {'met' if s['median'] < 10 else 'NOT met'}; within 3× "
        f"of DuckDB: {'met' if ratio <= 3 else 'NOT met'}; peak memory under 1 GiB: "
        f"{'met' if result['rss_peak_mib'] < 1024 else 'NOT met'}.",
    ]
    return "\n".join(lines)


def write(section: str) -> None:
    text = DOC.read_text()
    if START not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{section}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    from benchmarks.worker import fresh_database

    with fresh_database("postgres"), tempfile.TemporaryDirectory(prefix="xhht-pcgd-") as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
        import django

        django.setup()
        result = run(args.persons, args.communes, args.repeat, Path(tmp))
    command = ".venv/bin/python benchmarks/pcgd_run.py " + shlex.join(sys.argv[1:])
    section = render(result, command.strip())
    print(section)
    if not args.no_write:
        write(section)
    return 0 if result["agree"] else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
