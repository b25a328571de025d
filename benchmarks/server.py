"""A real HTTP server for the benchmarks and the concurrency tests: gunicorn (threads) on
127.0.0.1 over DATABASE_URL, DEBUG off; runserver when gunicorn is not installed.

No Django import here: a process that only drives clients need not set Django up.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(port: int, workers: int, threads: int) -> tuple[list[str], str]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn:
        label = f"gunicorn (gthread), {workers} workers × {threads} threads"
        return [gunicorn, "xhht.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--worker-class", "gthread", "--threads",
                str(threads), "--keep-alive", "75", "--backlog", "2048",
                "--log-level", "warning"], label  # fmt: skip
    manage = str(ROOT / "manage.py")
    return [sys.executable, manage, "runserver", "--noreload", f"127.0.0.1:{port}"], "runserver"


def start_server(workers: int, threads: int, log_path: Path) -> tuple[subprocess.Popen, int, str]:
    """The app behind a real HTTP server on 127.0.0.1, on the bench database, DEBUG off."""
    port = _free_port()
    cmd, label = server_command(port, workers, threads)
    env = os.environ | {"DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
                        "DJANGO_SETTINGS_MODULE": "xhht.settings",
                        "DATABASE_URL": os.environ["DATABASE_URL"]}  # fmt: skip
    with log_path.open("wb") as log:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/api/v1/")
            probe.getresponse().read()
            return server, port, label
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"the server did not start: see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
