"""Benchmark part 2: every commune of a nation submits its form through the API at once."""

from __future__ import annotations

import datetime
import http.client
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from rest_framework.authtoken.models import Token

from benchmarks import national
from benchmarks.server import start_server, stop_server
from collection import services
from collection.forms_spec import cells_of
from collection.models import DataSet, DataSetElement, Entry, Submission, ValidationRule
from indicators.demo import ensure_year_periods
from indicators.models import DataElement
from units.models import Membership, OrgUnit

ROOT = Path(__file__).resolve().parent.parent
FULL_NATION = 10_584  # communes of national.build_tree(1.0)
ELEMENTS = (("persons", True), ("literate_persons", False), ("commune_officials", False))
REFERENCE_PATH = "/api/v1/units/?page_size=1"


def build_nation(communes: int, log) -> dict:
    """Tree, catalog, a 9-cell data set, the office, round "bc-2019" and one account a commune."""
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    with transaction.atomic():
        units = national.build_tree(min(1.0, communes / FULL_NATION))
    national.load_catalog()
    data_set = _data_set()
    country = OrgUnit.objects.get(code="VN")
    office = get_user_model().objects.create_user("office_bench", password=None)
    Membership.objects.create(user=office, unit=country, role=Membership.Role.DISTRICT_ADMIN)
    tokens = _accounts([pk for pk, _path in units["communes"]])
    national.analyze()
    built = time.perf_counter() - start
    log(f"built {len(units['communes']):,} communes, their accounts and tokens in {built:.1f} s")
    start = time.perf_counter()
    round_ = services.open_round(
        owner=country, period=ensure_year_periods([2019])[2019], code="bc-2019",
        name="Báo cáo năm 2019", opens_on=datetime.date(2019, 12, 1),
        due_on=datetime.date(2020, 1, 15), data_sets=[data_set], actor=office,
    )  # fmt: skip
    opened = time.perf_counter() - start
    national.analyze(Submission)
    log(f"opened the round ({round_.submissions.count():,} forms) in {opened:.2f} s")
    return {"round": round_, "data_set": data_set, "tokens": tokens, "build_s": built,
            "open_s": opened, "units": OrgUnit.objects.count()}  # fmt: skip


def _data_set() -> DataSet:
    data_set = DataSet.objects.create(code="bench-commune", name="Báo cáo năm (benchmark)",
                                      unit_level="commune")  # fmt: skip
    elements = {e.code: e for e in DataElement.objects.filter(code__in=[c for c, _ in ELEMENTS])}
    for order, (code, required) in enumerate(ELEMENTS):
        DataSetElement.objects.create(data_set=data_set, element=elements[code], order=order,
                                      section="Xóa mù chữ", required=required)  # fmt: skip
    ValidationRule.objects.create(data_set=data_set, code="literate-le-persons", severity="hard",
                                  kind="at_most", element=elements["literate_persons"],
                                  other=elements["persons"])  # fmt: skip
    ValidationRule.objects.create(data_set=data_set, code="persons-change", severity="soft",
                                  kind="change_within", element=elements["persons"],
                                  share="0.2")  # fmt: skip
    return data_set


def _accounts(commune_ids: list[int]) -> dict[int, str]:
    """A commune reporter with a token for each commune (no password: tokens only)."""
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"xa_{pk}", password=make_password(None)) for pk in commune_ids],
        batch_size=2000,
    )
    role = Membership.Role.COMMUNE_REPORTER
    Membership.objects.bulk_create(
        [
            Membership(user=u, unit_id=pk, role=role)
            for u, pk in zip(users, commune_ids, strict=True)
        ],
        batch_size=2000,
    )
    tokens = Token.objects.bulk_create(
        [Token(key=Token.generate_key(), user=u) for u in users], batch_size=2000
    )
    return {pk: t.key for pk, t in zip(commune_ids, tokens, strict=True)}


def jobs_of(world: dict, seed: int = 2019) -> list[tuple[str, int, list[dict]]]:
    """(token, submission id, values) for every commune: figures that break no hard rule."""
    rng = random.Random(seed)
    keys = [c.key for c in cells_of(world["data_set"])]
    jobs = []
    for pk, unit_id in world["round"].submissions.values_list("pk", "unit_id").order_by("pk"):
        persons = {(sex, band): rng.randint(900, 4000) for _c, sex, band in keys if sex}
        values = []
        for code, sex, band in keys:
            if code == "persons":
                value = persons[(sex, band)]
            elif code == "literate_persons":
                value = persons[(sex, band)] - rng.randint(0, persons[(sex, band)] // 60)
            else:
                value = rng.randint(18, 25)
            values.append({"element": code, "sex": sex, "age_band": band, "value": value})
        jobs.append((world["tokens"][unit_id], pk, values))
    return jobs


# --- the clients ----------------------------------------------------------------------------


class Clients:
    """A pool of keep-alive HTTP clients; records each request's latency by kind, and errors."""

    def __init__(self, port: int, size: int) -> None:
        self.port, self.size = port, size
        self.local = threading.local()
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: Counter[str] = Counter()

    def call(self, kind: str, method: str, path: str, token: str, body=None) -> dict | None:
        """The answer's JSON if 200; otherwise None, after counting the error."""
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=120
            )
        start = time.perf_counter()
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            raw, status = response.read(), response.status
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            self.local.connection = None
            raw, status = b"", type(exc).__name__
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            if status != 200:
                self.errors[f"{kind} {status}"] += 1
        return json.loads(raw) if status == 200 else None

    def run(self, task, jobs: list) -> float:
        """Run `task(job)` for every job on the pool; the wall time."""
        start = time.perf_counter()
        with ThreadPoolExecutor(self.size) as pool:
            list(pool.map(task, jobs))
        return time.perf_counter() - start


def submit_form(clients: Clients, job: tuple[str, int, list[dict]]) -> bool:
    """What a commune's client does: read the form, save its values, submit it."""
    token, pk, values = job
    base = f"/api/v1/collection/submissions/{pk}/"
    form = clients.call("GET submission", "GET", base, token)
    if form is None:
        return False
    saved = clients.call("PUT entries", "PUT", base + "entries/", token,
                         {"version": form["version"], "values": values})  # fmt: skip
    if saved is None:
        return False
    done = clients.call("POST submit", "POST", base + "submit/", token,
                        {"version": saved["version"]})  # fmt: skip
    if done is not None and done["status"] != "submitted":
        with clients.lock:
            clients.errors["POST submit: not submitted"] += 1
    return done is not None


def summary(clients: Clients, wall: float, count: int) -> dict:
    kinds = {}
    for kind, times in clients.latencies.items():
        ordered = sorted(times)
        kinds[kind] = {"n": len(times), "median": statistics.median(times),
                       "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
                       "max": ordered[-1]}  # fmt: skip
    return {"wall": wall, "count": count, "per_s": count / wall, "kinds": kinds,
            "errors": dict(clients.errors)}  # fmt: skip


def check(world: dict) -> dict:
    """After the burst: every form submitted, with all its cells stored."""
    cells = len(cells_of(world["data_set"]))
    forms = world["round"].submissions.annotate(
        n=Count("entries", filter=Q(entries__value__isnull=False))
    )
    statuses = Counter(forms.values_list("status", flat=True))
    complete = forms.filter(status=Submission.Status.SUBMITTED, n=cells).count()
    total = forms.count()
    entries = Entry.objects.filter(submission__round=world["round"]).count()
    return {"forms": total, "statuses": dict(statuses), "complete": complete, "cells": cells,
            "entries": entries, "ok": complete == total}  # fmt: skip


def _median_time(task, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure_provisional(world: dict, repeat: int = 3) -> dict:
    """The nation's dashboard right after the burst, every form submitted and none approved:
    the official figures (the reference), the count of forms awaiting approval that every
    page makes, and the provisional figures a user may ask for."""
    from monitoring.queries import (
        evaluate_targets,
        forms_awaiting_approval,
        plan_targets,
        provisional_overlay,
    )

    country = OrgUnit.objects.get(code="VN")
    plan = national.build_plan(country)
    targets = plan_targets(plan)
    year = world["round"].period.year
    official, _rows = _median_time(lambda: evaluate_targets(targets, country, year), repeat)
    count, waiting = _median_time(lambda: forms_awaiting_approval(targets, country, year), repeat)
    read, overlay = _median_time(lambda: provisional_overlay(targets, country, year), repeat)
    figures, rows = _median_time(lambda: evaluate_targets(targets, country, year, overlay), repeat)
    return {"targets": len(targets), "official_s": official, "count_s": count,
            "forms_waiting": waiting, "overlay_s": read, "pending": len(overlay.pending),
            "provisional_s": figures, "touched": sum(1 for r in rows if r.provisional),
            "repeat": repeat}  # fmt: skip


def run_burst(communes: int, clients: int, workers: int, threads: int, log) -> dict:
    world = build_nation(communes, log)
    jobs = jobs_of(world)
    log_path = Path(tempfile.gettempdir()) / f"xhht-bench-server-{os.getpid()}.log"
    server, port, label = start_server(workers, threads, log_path)
    try:
        warm = Clients(port, clients)
        warm.run(lambda job: warm.call("warm-up", "GET", REFERENCE_PATH, job[0]), jobs[:50])
        floor = Clients(port, clients)
        wall = floor.run(lambda job: floor.call("GET units", "GET", REFERENCE_PATH, job[0]), jobs)
        reference = summary(floor, wall, len(jobs))
        log(f"reference: {len(jobs):,} GETs in {wall:.1f} s")
        forms = Clients(port, clients)
        wall = forms.run(lambda job: submit_form(forms, job), jobs)
        burst = summary(forms, wall, len(jobs))
        log(f"burst: {len(jobs):,} forms in {wall:.1f} s, errors {burst['errors']}")
    finally:
        stop_server(server)
    server_log = log_path.read_text(errors="replace")[-3000:]
    log_path.unlink(missing_ok=True)
    return {"communes": len(jobs), "units": world["units"], "build_s": world["build_s"],
            "open_s": world["open_s"], "server": label, "clients": clients,
            "reference": reference, "burst": burst, "check": check(world),
            "provisional": measure_provisional(world), "server_log": server_log}  # fmt: skip
