"""`make bench` (concurrency part): 20 clients save forms, read pages and log in at once for
60 s against gunicorn, on SQLite (a temporary file) and on PostgreSQL; no answer may be a 5xx.

    .venv/bin/python benchmarks/concurrency.py [--database both|sqlite|postgres]
        [--clients 20] [--seconds 60] [--workers 3] [--threads 4] [--import-persons 300]
        [--no-write]

Each database runs in a worker process of its own on a fresh database (benchmarks/worker.py:
created and dropped there); the server is benchmarks.server's gunicorn on 127.0.0.1. The
parent writes the figures into docs/benchmarks.md between the concurrency markers. The test
suite (collection/tests/test_concurrency.py) uses the same world and clients.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import platform
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- concurrency:start -->", "<!-- concurrency:end -->"
PASSWORD = "xhht-bench-concurrency"
DISTRICT = "317"
# A client never makes more than this many requests, whatever --seconds says.
MAX_REQUESTS_PER_CLIENT = 5_000


# --- the world: the demo, with tokens and known passwords (a Django-set-up process) ---------


def prepare(import_dir: Path | None = None, import_persons: int = 0) -> dict:
    """Migrate, load the demo, give the accounts a known password and the commune reporters an
    API token; optionally write a register file that changes `import_persons` persons of one
    commune (the long write). Returns what the clients need, as plain JSON."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from collection.models import Submission

    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # the loaders report every step
        call_command("load_demo", verbosity=0)
    users = get_user_model().objects
    for user in users.filter(username__in=["pgd_cathai", "viewer_cathai"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    forms = Submission.objects.filter(
        unit__level__code="commune", status__in=[Submission.Status.DRAFT, "returned"]
    ).order_by("unit__code")
    writers = []
    for form in forms.select_related("unit"):
        reporter = users.get(username=f"xa_{form.unit.code}")
        token, _created = Token.objects.get_or_create(user=reporter)
        writers.append({"token": token.key, "submission": form.pk, "unit": form.unit.code})
    world = {"writers": writers, "readers": ["pgd_cathai", "viewer_cathai"],
             "password": PASSWORD, "district": DISTRICT,
             "communes": sorted({w["unit"] for w in writers})}  # fmt: skip
    if import_dir is not None and import_persons:
        # Two versions of one commune's register: each import rewrites what the last wrote.
        world["import"] = [
            write_register(import_dir / seed, world["communes"][0], import_persons, seed)
            for seed in ("bench-a", "bench-b")
        ]
    return world


def write_register(directory: Path, commune: str, persons: int, seed: str) -> dict:
    """Exchange files of the first `persons` persons of `commune`, drawn from `seed` (another
    than the demo's, so the rows change and are rewritten with history): a re-import."""
    import yaml

    from universalization.demo import commune_rows
    from universalization.testing import write_exchange

    spec = yaml.safe_load((ROOT / "data" / "demo" / "cat-hai-demo.yaml").read_text())["register"]
    rows = commune_rows(commune, persons, int(spec["year"]), spec["shortfalls"], seed)
    communes = [{"commune_code": commune, "district_code": str(spec["district"]),
                 "disadvantaged": "no"}]  # fmt: skip
    Path(directory).mkdir(parents=True, exist_ok=True)
    paths = write_exchange(Path(directory), communes, rows)
    return {"communes": str(paths[0]), "persons": str(paths[1]), "year": int(spec["year"]),
            "rows": len(rows), "commune": commune}  # fmt: skip


def run_import(plan: dict) -> float:
    """The long write: one register import through the service; its duration in seconds."""
    from universalization.services import import_register

    start = time.perf_counter()
    import_register(plan["communes"], plan["persons"], year=plan["year"])
    return time.perf_counter() - start


def write_batches(seconds: float, *, pause: bool = True, size: int = 500) -> int:
    """A long job's writes for `seconds`: persons rewritten `size` at a time, one transaction
    a batch, back to back (with core.writes' pause between them unless `pause` is false).
    The number of batches."""
    from django.db import transaction
    from django.db.models.functions import Now

    from core.writes import make_way_for_writers
    from universalization.models import Person

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[: size * 20])
    deadline, batches = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and batches < 100_000:
        chunk = ids[(batches % 20) * size :][:size]
        with transaction.atomic():
            Person.objects.filter(pk__in=chunk).update(updated_at=Now())
            time.sleep(0.1)  # the rest of a batch's work: reading, checking, history rows
        batches += 1
        if pause:
            make_way_for_writers()
    return batches


# --- clients (no Django: plain HTTP, as a browser or an API client) -------------------------


class Recorder:
    """Latency and status of every request, by kind; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, Counter] = {}
        self.failures: list[str] = []

    def add(self, kind: str, status: int | str, elapsed: float, body: bytes = b"") -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            self.statuses.setdefault(kind, Counter())[status] += 1
            if not isinstance(status, int) or status >= 500:
                self.failures.append(f"{kind} {status}: {body[:300]!r}")

    def summary(self) -> dict:
        kinds = {}
        for kind, times in sorted(self.latencies.items()):
            ordered = sorted(times)
            counts = self.statuses[kind]
            kinds[kind] = {
                "n": len(times),
                "statuses": {str(k): v for k, v in sorted(counts.items(), key=str)},
                "5xx": sum(v for k, v in counts.items() if not isinstance(k, int) or k >= 500),
                "median": statistics.median(times),
                "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            }
        return {"kinds": kinds, "failures": self.failures[:20]}


class Client:
    """One keep-alive connection with a cookie jar (a browser) or a token (an API client)."""

    def __init__(self, port: int, recorder: Recorder, token: str | None = None) -> None:
        self.port, self.recorder, self.token = port, recorder, token
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body: bytes | None = None,
                content_type: str | None = None) -> tuple[int | str, bytes, dict]:  # fmt: skip
        headers = {"Accept": "application/json" if self.token else "text/html"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if method == "POST" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            raw, status = response.read(), response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            location = response.headers.get("Location", "")
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = None
            raw, status, location = b"", type(exc).__name__, ""
        self.recorder.add(kind, status, time.perf_counter() - start, raw)
        return status, raw, {"location": location}

    def json(self, kind: str, method: str, path: str, data: dict | None = None):
        body = None if data is None else json.dumps(data).encode()
        status, raw, _ = self.request(kind, method, path, body, "application/json")
        return status, (json.loads(raw) if status in (200, 409) else None)

    def login(self, username: str, password: str, kind: str = "login") -> bool:
        """GET the login page (CSRF cookie), POST the credentials: a 302 means logged in."""
        self.cookies.clear()
        self.request(f"{kind} page", "GET", "/accounts/login/")
        form = urlencode({"username": username, "password": password,
                          "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})  # fmt: skip
        status, _raw, where = self.request(
            kind, "POST", "/accounts/login/", form.encode(), "application/x-www-form-urlencoded"
        )
        return status == 302 and "/accounts/login/" not in where["location"]


def save_form(client: Client, submission: int, rng: random.Random, tag: str = "") -> int | str:
    """What a commune's reporter does: read the form, change a few figures, save. The status
    of the save (200, or 409 when someone saved the form in between)."""
    base = f"/api/v1/collection/submissions/{submission}/"
    status, form = client.json(f"GET form{tag}", "GET", base)
    if status != 200:
        return status
    cells = rng.sample(form["values"], min(4, len(form["values"])))
    values = [{"element": c["element"], "sex": c["sex"], "age_band": c["age_band"],
               "value": rng.randint(0, 50)} for c in cells]  # fmt: skip
    status, _body = client.json(f"PUT entries{tag}", "PUT", base + "entries/",
                                {"version": form["version"], "values": values})  # fmt: skip
    return status


def parallel_saves(port: int, token: str, submission: int, count: int) -> list[int | str]:
    """`count` clients read one form at the same version, then all save it at the same moment:
    the statuses of the saves."""
    recorder = Recorder()
    clients = [Client(port, recorder, token) for _ in range(count)]
    base = f"/api/v1/collection/submissions/{submission}/"
    _status, form = clients[0].json("GET form", "GET", base)
    body = {"version": form["version"], "values": [
        {"element": c["element"], "sex": c["sex"], "age_band": c["age_band"], "value": n + 1}
        for n, c in enumerate(form["values"][:3])]}  # fmt: skip
    barrier = threading.Barrier(count)
    statuses: list[int | str] = []

    def save(client: Client) -> None:
        barrier.wait()
        status, _ = client.json("PUT entries", "PUT", base + "entries/", body)
        with recorder.lock:
            statuses.append(status)

    threads = [threading.Thread(target=save, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- the mixed load -------------------------------------------------------------------------


def writer(port, recorder, world, seconds, n) -> None:
    """Saves forms through the API; writers share a few forms, so saves meet 409s."""
    rng = random.Random(n)
    shared = world["writers"][: max(1, len(world["writers"]) // 4)]
    deadline = time.monotonic() + seconds
    clients = {w["token"]: Client(port, recorder, w["token"]) for w in shared}
    for _ in range(MAX_REQUESTS_PER_CLIENT // 2):
        if time.monotonic() >= deadline:
            break
        target = rng.choice(shared)
        save_form(clients[target["token"]], target["submission"], rng)


def reader(port, recorder, world, seconds, n) -> None:
    """Logs in once, then reads the district's dashboard and a commune's persons, in turn."""
    rng = random.Random(1000 + n)
    client = Client(port, recorder)
    username = world["readers"][n % len(world["readers"])]
    if not client.login(username, world["password"]):
        return
    pages = [("GET dashboard", f"/units/{world['district']}/dashboard/")] + [
        ("GET persons", f"/units/{code}/pcgd/register/") for code in world["communes"][:4]
    ]
    deadline = time.monotonic() + seconds
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        kind, path = pages[0] if rng.random() < 0.5 else rng.choice(pages[1:])
        client.request(kind, "GET", path)


def login_loop(port, recorder, world, seconds, n) -> None:
    """Logs in and out again and again (each login writes a session, last_login, axes' log)."""
    client = Client(port, recorder)
    deadline = time.monotonic() + seconds
    for _ in range(MAX_REQUESTS_PER_CLIENT // 4):
        if time.monotonic() >= deadline:
            break
        client.login(world["readers"][n % len(world["readers"])], world["password"])
        client.request("GET dashboard", "GET", f"/units/{world['district']}/dashboard/")
        client.request("logout", "POST", "/accounts/logout/")


ROLES = {"writer": writer, "reader": reader, "login": login_loop}


def mix(clients: int) -> list[str]:
    """Half the clients write, two in ten log in and out, the rest read."""
    writers = clients // 2
    logins = max(1, clients // 10)
    return ["writer"] * writers + ["login"] * logins + ["reader"] * (clients - writers - logins)


def importer(plans: list[dict], seconds: float, recorder: Recorder, stop: threading.Event):
    """A district re-imports one commune's register, two versions in turn, a second apart,
    while the others work: each import in a process of its own on DATABASE_URL, as the
    background worker would run it, recorded with the time the service took."""
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1000):
            if stop.wait(0 if n == 0 else 1) or time.monotonic() >= deadline:
                break
            plan = Path(tmp) / "plan.json"
            plan.write_text(json.dumps(plans[n % len(plans)]))
            command = [sys.executable, __file__, "--import-register", str(plan)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            took = re.search(r"imported in ([0-9.]+) s", done.stdout)
            if done.returncode == 0 and took:
                recorder.add("register import", 200, float(took.group(1)))
            else:
                recorder.add("register import", "failed", 0.0, done.stderr[-600:].encode())


def run_load(port: int, world: dict, clients: int, seconds: float) -> dict:
    recorder = Recorder()
    stop = threading.Event()
    threads = [
        threading.Thread(target=ROLES[role], args=(port, recorder, world, seconds, n))
        for n, role in enumerate(mix(clients))
    ]
    if world.get("import"):
        job = (world["import"], seconds, recorder, stop)
        threads.append(threading.Thread(target=importer, args=job))
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads[: len(mix(clients))]:
        thread.join()
    stop.set()  # the clients are done: the import in progress is the last one
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return recorder.summary() | {"wall": wall, "roles": Counter(mix(clients))}


# --- one database, in a worker process ------------------------------------------------------


@contextlib.contextmanager
def environ(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def live_server(workers: int, threads: int):
    """benchmarks.server's gunicorn on DATABASE_URL; yields (port, label, log path)."""
    from benchmarks.server import start_server, stop_server

    log_path = Path(tempfile.gettempdir()) / f"xhht-concurrency-server-{os.getpid()}.log"
    server, port, label = start_server(workers, threads, log_path)
    try:
        yield port, label, log_path
    finally:
        stop_server(server)


def log(message: str) -> None:
    print(f"  [concurrency] {message}", file=sys.stderr, flush=True)


def work(args: argparse.Namespace) -> dict:
    from benchmarks.worker import fresh_database

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with fresh_database(args.worker), tempfile.TemporaryDirectory() as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
        # The server runs with DEBUG off, which wants a key of its own.
        os.environ.setdefault("SECRET_KEY", f"xhht-bench-{os.getpid()}-{time.time_ns()}")
        # A throw-away database: the demo (whose passwords are public) may be loaded on it.
        os.environ["XHHT_DEMO"] = "true"
        import django

        django.setup()
        from django.db import connection

        start = time.perf_counter()
        world = prepare(Path(tmp), args.import_persons)
        log(f"{args.worker}: demo loaded in {time.perf_counter() - start:.0f} s")
        version = _database_version(connection)
        connection.close()
        with live_server(args.workers, args.threads) as (port, label, log_path):
            result = run_load(port, world, args.clients, args.seconds)
            server_log = log_path.read_text(errors="replace")
        log_path.unlink(missing_ok=True)
    errors = [line for line in server_log.splitlines() if "Error" in line or "error" in line]
    return result | {"database": version, "server": label, "clients": args.clients,
                     "seconds": args.seconds, "loadavg": load, "server_errors": errors[:20],
                     "import_rows": world.get("import", [{}])[0].get("rows", 0)}  # fmt: skip


def _database_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


# --- the parent: spawn, render, write -------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--clients", type=int, default=20, help="concurrent HTTP clients")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load lasts")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--import-persons", type=int, default=300,
                        help="persons each register re-import rewrites (0: no import)")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print only; leave the doc")
    parser.add_argument("--worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    # For the test suite: prepare the world on DATABASE_URL, or run one import there.
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--import-register", help=argparse.SUPPRESS)
    parser.add_argument("--batch-writes", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--no-pause", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 3600:
        parser.error("--clients must be 1-200 and --seconds 1-3600")
    return args


def spawn(vendor: str, args: argparse.Namespace) -> dict:
    log(f"{vendor}: loading the demo, then {args.clients} clients for {args.seconds:.0f} s")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, __file__, "--worker", vendor, "--out", out.name,
               "--clients", str(args.clients), "--seconds", str(args.seconds),
               "--workers", str(args.workers), "--threads", str(args.threads),
               "--import-persons", str(args.import_persons)]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT)
        return json.loads(Path(out.name).read_text())


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def render(results: dict[str, dict], command: str, machine: str) -> str:
    lines = ["### The latest run", "", f"Command: `{command}`; {machine}.", ""]
    for r in results.values():
        roles = ", ".join(f"{n} {role}s" for role, n in r["roles"].items())
        total = sum(k["n"] for k in r["kinds"].values())
        errors = sum(k["5xx"] for k in r["kinds"].values())
        lines += [
            f"#### {r['database']}",
            "",
            f"Server: {r['server']}, 127.0.0.1, DEBUG off; {r['clients']} clients ({roles}) "
            f"for {r['seconds']:.0f} s (wall {r['wall']:.0f} s); load average at start "
            f"{r['loadavg']}. **{total:,} requests, {errors} server errors.**",
            "",
            "| request | n | 200 | 302 | 409 | 5xx / failed | median | p95 |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for kind, k in r["kinds"].items():
            s = k["statuses"]
            lines.append(
                f"| {kind} | {k['n']:,} | {s.get('200', 0):,} | {s.get('302', 0):,} "
                f"| {s.get('409', 0):,} | {k['5xx']} | {_ms(k['median'])} | {_ms(k['p95'])} |"
            )
        if r["failures"]:
            lines += ["", "Failures (first ones):", ""]
            lines += [f"- `{f[:200]}`" for f in r["failures"][:5]]
        lines.append("")
    return "\n".join(lines).rstrip()


def on_database_url(args: argparse.Namespace) -> int:
    """--prepare OUT: the world on DATABASE_URL, as JSON in OUT (register files beside it).
    --import-register PLAN: one import of that plan; says "importing" first, then the time."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "xhht.settings"
    import django

    django.setup()
    if args.prepare:
        out = Path(args.prepare)
        world = prepare(out.parent / "register", args.import_persons)
        out.write_text(json.dumps(world))
        return 0
    if args.batch_writes:
        print("writing", flush=True)
        batches = write_batches(args.batch_writes, pause=not args.no_pause)
        print(f"{batches} batches", flush=True)
        return 0
    plan = json.loads(Path(args.import_register).read_text())
    print("importing", flush=True)
    print(f"imported in {run_import(plan):.1f} s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.prepare or args.import_register or args.batch_writes:
        return on_database_url(args)
    if args.worker:
        Path(args.out).write_text(json.dumps(work(args), default=str))
        return 0
    vendors = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    results = {vendor: spawn(vendor, args) for vendor in vendors}
    from benchmarks.collection_report import write

    command = ".venv/bin/python benchmarks/concurrency.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    machine = (f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
               f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")  # fmt: skip
    section = render(results, command.strip(), machine)
    print(section)
    if not args.no_write:
        write(DOC, section, START, END)
        log(f"written to {DOC.relative_to(ROOT)}")
    failed = sum(k["5xx"] for r in results.values() for k in r["kinds"].values())
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
