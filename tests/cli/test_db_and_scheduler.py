"""Migrations from zero on a fresh database (of this leg's kind), and the single scheduler."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time

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


def test_a_second_scheduler_refuses_to_start():
    env = os.environ.copy()
    first = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "scheduler"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "scheduler started" not in line and time.monotonic() < deadline:
            line = first.stderr.readline()
        assert "scheduler started" in line
        second = subprocess.run(
            [sys.executable, "-m", "backend.cli", "scheduler"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 2
        assert "another scheduler is running" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
    assert first.returncode == 0
    # Once the first has stopped, a new one may start (the lock was released).
    again = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "scheduler"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "scheduler started" not in line and time.monotonic() < deadline:
            line = again.stderr.readline()
        assert "scheduler started" in line
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=30)


async def test_a_stale_lock_can_be_taken_over():
    from datetime import timedelta

    from backend.core import locks

    assert await locks.acquire("test-lock", "crashed", timedelta(seconds=90))
    assert not await locks.acquire("test-lock", "newcomer", timedelta(seconds=90))
    await asyncio.sleep(0.05)
    assert await locks.acquire("test-lock", "newcomer", timedelta(milliseconds=1))
    assert not await locks.heartbeat("test-lock", "crashed")
    assert await locks.heartbeat("test-lock", "newcomer")
