"""Concurrent writes against a real server on a real database: 200 or 409, never a 5xx.

The suite's own test database cannot show this (SQLite's is in memory, one connection at a
time), so the module builds the demo on a database of its own beside the suite's: a SQLite
file in WAL mode, or a new PostgreSQL database when the suite runs on PostgreSQL. It is
served by gunicorn (3 processes × 4 threads) with the production settings, and the clients
are plain HTTP (benchmarks/concurrency.py, which `make bench` runs for 60 s).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url
import psycopg
import pytest
from django.conf import settings

from benchmarks import concurrency
from benchmarks.concurrency import Client, Recorder, parallel_saves, save_form

ROOT = Path(settings.BASE_DIR)
# Persons a register import rewrites while others log in: a few seconds of writing.
IMPORT_PERSONS = 400


@contextmanager
def live_database(tmp: Path):
    """A DATABASE_URL of the suite's kind that nothing else uses; removed afterwards."""
    suite = settings.DATABASES["default"]
    if suite["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp / 'live.sqlite3'}"
        return
    name = f"xhht_live_{os.getpid()}"
    admin = dj_database_url.parse(os.environ["DATABASE_URL"]) | {"NAME": "postgres"}
    dsn = (f"host={admin['HOST'] or '127.0.0.1'} port={admin['PORT'] or 5432} "
           f"user={admin['USER']} dbname=postgres")  # fmt: skip
    if admin.get("PASSWORD"):
        dsn += f" password={admin['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """benchmarks/concurrency.py on the live database (its environment is os.environ)."""
    command = [sys.executable, str(ROOT / "benchmarks" / "concurrency.py"), *args]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(port, world): the demo on its own database, behind gunicorn, DEBUG off."""
    tmp = tmp_path_factory.mktemp("concurrency")
    with live_database(tmp) as url:
        secret = f"xhht-test-{os.getpid()}-{time.time_ns()}"
        # XHHT_DEMO: the demo (public passwords) may be loaded on this throw-away database.
        env = {"DATABASE_URL": url, "SECRET_KEY": secret, "DEBUG": "false", "XHHT_DEMO": "true"}
        with concurrency.environ(**env):
            bench("--prepare", str(tmp / "world.json"), "--import-persons", str(IMPORT_PERSONS))
            world = json.loads((tmp / "world.json").read_text())
            world["tmp"] = tmp
            with concurrency.live_server(workers=3, threads=4) as (port, _label, log_path):
                yield port, world
                world["server_log"] = log_path.read_text(errors="replace")
            log_path.unlink(missing_ok=True)


def test_twelve_parallel_saves_of_one_form_give_one_200_and_eleven_409(live):
    port, world = live
    form = world["writers"][0]
    for _round in range(3):  # each round starts from the version the last one left
        statuses = parallel_saves(port, form["token"], form["submission"], 12)
        assert Counter(statuses) == {200: 1, 409: 11}


def test_the_saved_form_holds_the_winners_figures_and_its_next_version(live):
    port, world = live
    form = world["writers"][1]
    client = Client(port, Recorder(), form["token"])
    path = f"/api/v1/collection/submissions/{form['submission']}/"
    _status, before = client.json("GET form", "GET", path)
    statuses = parallel_saves(port, form["token"], form["submission"], 12)
    _status, after = client.json("GET form", "GET", path)
    assert statuses.count(200) == 1
    assert after["version"] == before["version"] + 1
    assert [v["value"] for v in after["values"][:3]] == [1, 2, 3]


def test_logins_and_page_reads_succeed_while_a_register_import_writes(live):
    port, world = live
    plan = world["tmp"] / "import.json"
    plan.write_text(json.dumps(world["import"][0]))
    command = [sys.executable, str(ROOT / "benchmarks" / "concurrency.py"),
               "--import-register", str(plan)]  # fmt: skip
    importing = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert importing.stdout.readline().strip() == "importing"
    recorder = Recorder()
    logged_in: list[bool] = []

    def visit(n: int) -> None:
        client = Client(port, recorder)
        logged_in.append(client.login(world["readers"][n % 2], world["password"]))
        client.request("GET dashboard", "GET", f"/units/{world['district']}/dashboard/")
        client.request("GET persons", "GET", f"/units/{world['communes'][0]}/pcgd/register/")

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(4)]
    started_while_importing = importing.poll() is None
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    output, _ = importing.communicate(timeout=300)
    assert importing.returncode == 0, output
    assert started_while_importing
    assert logged_in == [True] * 4
    statuses = {kind: dict(counts) for kind, counts in recorder.statuses.items()}
    assert statuses == {"login page": {200: 4}, "login": {302: 4},
                        "GET dashboard": {200: 4}, "GET persons": {200: 4}}  # fmt: skip


def test_writers_readers_and_logins_together_meet_no_server_error(live):
    port, world = live
    result = concurrency.run_load(port, world, 10, 15)
    assert result["failures"] == []
    kinds = result["kinds"]
    assert kinds["PUT entries"]["statuses"].keys() <= {"200", "409"}
    assert kinds["GET dashboard"]["statuses"] == {"200": kinds["GET dashboard"]["n"]}
    assert kinds["register import"]["5xx"] == 0


def test_saves_get_through_while_a_long_job_writes_batch_after_batch(live):
    """SQLite has no queue of writers: a job that writes back to back can starve the users'
    saves until they fail (500) after the busy timeout; core.writes' pause between batches
    leaves them room."""
    port, world = live
    command = [sys.executable, str(ROOT / "benchmarks" / "concurrency.py"),
               "--batch-writes", "15"]  # fmt: skip
    job = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert job.stdout.readline().strip() == "writing"
    recorder = Recorder()
    rng = random.Random(10)

    def write(form: dict) -> None:
        client = Client(port, recorder, form["token"])
        for _ in range(4):
            save_form(client, form["submission"], rng)

    threads = [threading.Thread(target=write, args=(f,)) for f in world["writers"][2:6]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    output, _ = job.communicate(timeout=120)
    assert job.returncode == 0, output
    saves = recorder.statuses["PUT entries"]
    assert set(saves) <= {200, 409} and saves[200] >= 4
    assert max(recorder.latencies["PUT entries"]) < 15


def test_parallel_wrong_passwords_for_one_name_are_refused_or_locked_out_never_a_500(live):
    """django-axes counts the failures of one name and address in one row, which twelve
    requests create and update at once (an unknown name: no real account gets locked)."""
    port, _world = live
    recorder = Recorder()
    clients = [Client(port, recorder) for _ in range(12)]
    barrier = threading.Barrier(len(clients))

    def fail(client: Client) -> None:
        client.request("login page", "GET", "/accounts/login/")
        barrier.wait()
        form = urlencode({"username": "ghost", "password": "wrong",
                          "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})  # fmt: skip
        client.request("login", "POST", "/accounts/login/", form.encode(),
                       "application/x-www-form-urlencoded")  # fmt: skip

    threads = [threading.Thread(target=fail, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logins = recorder.statuses["login"]
    assert recorder.failures == []
    assert sum(logins.values()) == 12 and set(logins) <= {200, 403, 429}
    assert logins[200] >= 1  # the first failures are shown the form again, not locked out
