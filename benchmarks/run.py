"""`make bench`: time target evaluation on a synthetic nation, against DuckDB.

    .venv/bin/python benchmarks/run.py [--db sqlite|postgres|both] [--scale 1.0] [--repeat 7]

Each database is measured in a worker process of its own (Django is set up once per
process): it builds the nation in a fresh database (a temporary SQLite file, or a
PostgreSQL database xhht_bench_<pid> on 127.0.0.1:5432 that it drops at the end),
times the operations, times DuckDB on the same values, checks that both computed the
same figures, and hands back JSON. The parent prints the table and writes it into
docs/benchmarks.md between the results markers.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 63 provinces")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; leave the doc")
    parser.add_argument("--profile", action="store_true", help="cProfile each operation, to stderr")
    parser.add_argument("--worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.worker:
        from benchmarks.worker import run_worker

        result = run_worker(args.worker, args.scale, args.repeat, args.profile)
        Path(args.out).write_text(json.dumps(result, default=str))
        return 0
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = []
    for db in databases:
        print(f"… {db}: building and measuring (scale {args.scale})", file=sys.stderr)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            cmd = [sys.executable, __file__, "--worker", db, "--scale", str(args.scale),
                   "--repeat", str(args.repeat), "--out", out.name]  # fmt: skip
            if args.profile:
                cmd.append("--profile")
            subprocess.run(cmd, check=True, cwd=ROOT)
            results.append(json.loads(Path(out.name).read_text()))
    from benchmarks import report

    command = ".venv/bin/python benchmarks/run.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    section = report.render(results, command.strip(), args.repeat)
    print(section)
    if not args.no_write:
        report.write(DOC, section)
        print(f"\nwritten to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
