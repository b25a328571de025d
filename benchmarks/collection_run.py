"""`make bench` (collection part): a district's Excel import and a national burst of API
submissions, on PostgreSQL.

    .venv/bin/python benchmarks/collection_run.py [--communes 10584] [--clients 12]
        [--workers 3] [--threads 4] [--repeat 5] [--part both|district|burst] [--no-write]

Each part runs in a worker process of its own, on a fresh database (benchmarks/worker.py);
the parent writes their results into docs/benchmarks.md between the collection markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- collection:start -->", "<!-- collection:end -->"
FULL_NATION = 10_584


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=FULL_NATION, help="size of the burst")
    parser.add_argument("--clients", type=int, default=12, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--part", choices=("both", "district", "burst"), default="both")
    parser.add_argument("--no-write", action="store_true", help="print only; leave the doc")
    parser.add_argument("--worker", choices=("district", "burst"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"  [collection] {message}", file=sys.stderr, flush=True)


def work(args: argparse.Namespace) -> dict:
    """One part, in this process, on a fresh PostgreSQL database."""
    from benchmarks.worker import fresh_database

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with fresh_database("postgres"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
        import django

        django.setup()
        from django.db import connection

        if args.worker == "district":
            from benchmarks.collection_district import run_district

            result = run_district(args.repeat)
        else:
            from benchmarks.collection_burst import run_burst

            result = run_burst(args.communes, args.clients, args.workers, args.threads, log)
        result["postgres"] = connection.pg_version
    result["loadavg"] = load
    return result


def spawn(part: str, args: argparse.Namespace) -> dict:
    log(f"{part}: building and measuring")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, __file__, "--worker", part, "--out", out.name,
               "--communes", str(args.communes), "--clients", str(args.clients),
               "--workers", str(args.workers), "--threads", str(args.threads),
               "--repeat", str(args.repeat)]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT)
        return json.loads(Path(out.name).read_text())


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.worker:
        Path(args.out).write_text(json.dumps(work(args), default=str))
        return 0
    parts = ("district", "burst") if args.part == "both" else (args.part,)
    results = {part: spawn(part, args) for part in parts}
    from benchmarks.collection_report import render, write

    command = ".venv/bin/python benchmarks/collection_run.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    section = render(results, command.strip(), machine)
    print(section)
    if not args.no_write:
        write(DOC, section, START, END)
        log(f"written to {DOC.relative_to(ROOT)}")
    ok = all(r["check"]["ok"] for r in results.values())
    return 0 if ok and not results.get("burst", {}).get("burst", {}).get("errors") else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
