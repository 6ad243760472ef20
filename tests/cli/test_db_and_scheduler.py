"""Migrations from zero on a fresh database (of this leg's kind)."""

import os
import secrets
import subprocess
import sys

from backend.core import db
from tests.cli.helpers import ROOT
from tests.conftest import DATA_DIR, DATABASE_URL, LEG


def fresh_url() -> str:
    if LEG == "sqlite":
        return f"sqlite:///{DATA_DIR / ('fresh-' + secrets.token_hex(4) + '.sqlite3')}"
    base, _, _ = DATABASE_URL.rpartition("/")
    return f"{base}/tekun_fresh_{secrets.token_hex(4)}"


def run(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEKUN_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


async def test_db_upgrade_applies_every_migration_from_zero_and_is_safe_to_repeat():
    url = fresh_url()
    try:
        first = run(url, "db", "upgrade")
        assert first.returncode == 0, first.stderr
        assert "database is up to date" in first.stderr
        # One line per app, nothing contradictory (Piccolo's own report said "2 migrations
        # already complete" and "2 migrations not yet run" of the same two).
        apps = [line for line in first.stderr.splitlines() if ": applied " in line]
        assert {line.split(":")[0] for line in apps} >= {"core", "registry", "accounts", "residents"}, first.stderr
        assert "already complete" not in first.stderr and "up to date (" not in first.stderr
        second = run(url, "db", "upgrade")
        assert second.returncode == 0, second.stderr
        assert [line.split(":")[0] for line in second.stderr.splitlines() if ": up to date (" in line] == [
            line.split(":")[0] for line in apps
        ]
        assert ": applied " not in second.stderr
        verify = run(url, "audit", "verify")
        assert verify.returncode == 0, verify.stderr
    finally:
        await db.drop_database(url)


# The scheduler's process tests (a second one refused, a stale lease taken over, SIGTERM) are in
# tests/scheduler/test_process.py, on a fresh database: its start-up now runs the jobs.
