"""A production start is safe: no demo key, no demo accounts, `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from units.models import OrgUnit

ROOT = Path(__file__).resolve().parents[2]
# What docs/deploy.md tells an administrator to set, with a key of the kind it shows.
DEPLOY_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "kq7V2w9-Zt3xNf8rLp4sYh6jMd1cBa5eGu0oRi2TnWv8XyQk3J",
    "ALLOWED_HOSTS": "xhht.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://xhht.example.gov.vn",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "BEHIND_TLS_PROXY": "true",
    "PROXY_COUNT": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process whose environment holds only PATH, HOME and `env`."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "DATABASE_URL") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_and_without_a_secret_key_the_process_refuses_to_start():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Chưa đặt SECRET_KEY" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_an_empty_secret_key_counts_as_none():
    result = manage("check", DEBUG="false", SECRET_KEY="")
    assert "Chưa đặt SECRET_KEY" in result.stderr


def test_the_demo_says_so_to_use_the_demo_key():
    assert manage("check", DEBUG="false", XHHT_DEMO="true").returncode == 0


def test_check_deploy_is_clean_with_the_documented_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **DEPLOY_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_still_warns_about_the_demo_key():
    env = DEPLOY_ENV | {"XHHT_DEMO": "true"}
    del env["SECRET_KEY"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.django_db
def test_load_demo_refuses_a_server_that_is_not_a_demo(settings):
    settings.DEBUG = False
    settings.XHHT_DEMO = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("load_demo", "--if-empty")
    assert not OrgUnit.objects.exists()


def test_a_production_start_never_loads_the_demo_nor_runs_as_one():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve = makefile.split("\nserve: install\n", 1)[1].split("\n\n", 1)[0]
    assert "manage.py migrate" in serve and "gunicorn xhht.wsgi" in serve
    assert "load_demo" not in serve
    assert "serve worker: export XHHT_DEMO = false" in makefile
    assert "serve worker: export DEBUG = false" in makefile
