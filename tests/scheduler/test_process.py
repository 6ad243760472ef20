"""The real ``tekun scheduler`` process on a fresh database of this leg's kind: it starts, catches
up, refuses a second instance, stops on SIGTERM releasing its lock; a lock left by a killed
process does not block for ever (SQLite: the kernel frees it; PostgreSQL: the stale lease is
taken over). Also the lease heartbeat and its quiet log, in this process."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.core import db, locks
from scheduler import guard
from scheduler.main import HEARTBEAT_JOB, QuietHeartbeat, make_scheduler
from tests.cli.helpers import ROOT
from tests.conftest import DATA_DIR, DATABASE_URL, LEG
from tests.processes import wait_for

JOB_IDS = ["generate_tasks", "refresh_tasks", "open_licence_hazards", "send_notices", "monthly_reports", "quarterly_reports"]


def fresh_url() -> str:
    if LEG == "sqlite":
        return f"sqlite:///{DATA_DIR / ('sched-' + secrets.token_hex(4) + '.sqlite3')}"
    base, _, _ = DATABASE_URL.rpartition("/")
    return f"{base}/tekun_sched_{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
async def fresh():
    url = fresh_url()
    upgrade = subprocess.run(
        [sys.executable, "-m", "backend.cli", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "TEKUN_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    yield url
    await db.drop_database(url)


class Scheduler:
    """One ``tekun scheduler`` process, its stderr in a file."""

    def __init__(self, url: str, tmp_path: Path, name: str) -> None:
        self.log = tmp_path / f"{name}.log"
        self.handle = open(self.log, "w")  # noqa: SIM115 (closed in end())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "scheduler"],
            cwd=ROOT,
            env={**os.environ, "TEKUN_DATABASE_URL": url},
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    @property
    def text(self) -> str:
        return self.log.read_text()

    def wait_started(self) -> None:
        assert wait_for(lambda: "scheduler started" in self.text or self.process.poll() is not None, 60), self.text
        assert "scheduler started" in self.text, self.text

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # faulthandler: the threads' stacks into the log
            time.sleep(2)
            raise AssertionError(f"the scheduler did not stop on SIGTERM within 60 s: {self.text}") from None

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.handle.close()


def refused(url: str) -> subprocess.CompletedProcess:
    """A scheduler expected to refuse to start (it would otherwise run until the timeout)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "backend.cli", "scheduler"],
            cwd=ROOT,
            env={**os.environ, "TEKUN_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the scheduler did not refuse to start: {exc.stderr}") from exc


async def pg(url: str, sql: str, *args):
    import asyncpg

    connection = await asyncpg.connect(**db.pg_config(url))
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


def lock_file(url: str) -> Path:
    path = db.sqlite_path(url)
    return path.with_name(path.name + ".scheduler.lock")


async def lock_is_free(url: str) -> bool:
    if LEG == "sqlite":
        with open(lock_file(url), "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle, fcntl.LOCK_UN)
            return True
    rows = await pg(url, "SELECT holder FROM process_lock WHERE name = 'scheduler'")
    return not rows or rows[0]["holder"] == ""


async def job_runs(url: str) -> dict[str, set[str]]:
    if LEG == "sqlite":
        import sqlite3

        with sqlite3.connect(db.sqlite_path(url)) as connection:
            rows = connection.execute("SELECT job, status FROM job_run").fetchall()
    else:
        rows = [(row["job"], row["status"]) for row in await pg(url, "SELECT job, status FROM job_run")]
    found: dict[str, set[str]] = {}
    for job, status in rows:
        found.setdefault(job, set()).add(status)
    return found


async def test_the_real_scheduler_catches_up_on_start_and_stops_on_sigterm_releasing_its_lock(fresh, tmp_path):
    first = Scheduler(fresh, tmp_path, "first")
    try:
        first.wait_started()
        assert not await lock_is_free(fresh)
        # The catch-up ran each job's current period (first start) before the cron triggers.
        assert wait_for(lambda: "catch-up finished" in first.text, 120), first.text
        ran = await job_runs(fresh)
        assert set(ran) == set(JOB_IDS), ran
        assert all(statuses <= {"done", "failed"} for statuses in ran.values()), ran
        assert first.stop() == 0, first.text
        assert "scheduler stopped" in first.text
        assert await lock_is_free(fresh)
    finally:
        first.end()


async def test_sigterm_during_the_catch_up_stops_it_and_the_next_start_finishes_what_was_cut_short(fresh, tmp_path):
    early = Scheduler(fresh, tmp_path, "early")
    try:
        early.wait_started()
        assert early.stop() == 0, early.text  # at once: the catch-up may still be running
        assert await lock_is_free(fresh)
    finally:
        early.end()
    after = Scheduler(fresh, tmp_path, "after")
    try:
        after.wait_started()
        assert wait_for(lambda: "catch-up finished" in after.text, 120), after.text
        ran = await job_runs(fresh)
        assert set(ran) == set(JOB_IDS) and all("running" not in statuses for statuses in ran.values()), ran
        assert after.stop() == 0
    finally:
        after.end()


async def test_a_second_scheduler_exits_2_saying_who_holds_the_lock_while_the_first_runs(fresh, tmp_path):
    first = Scheduler(fresh, tmp_path, "first")
    try:
        first.wait_started()
        second = refused(fresh)
        assert second.returncode == 2, second.stderr
        assert "another scheduler is running" in second.stderr
        assert f"pid {first.process.pid} on " in second.stderr and " since " in second.stderr, second.stderr
        assert "scheduler started" not in second.stderr
        assert first.stop() == 0
    finally:
        first.end()
    # Once the first has stopped, a new one may start (the lock was released).
    again = Scheduler(fresh, tmp_path, "again")
    try:
        again.wait_started()
        assert again.stop() == 0
    finally:
        again.end()


@pytest.mark.skipif(LEG != "sqlite", reason="the file lock is SQLite's guard")
async def test_sqlite_a_lock_left_by_a_killed_scheduler_does_not_block(fresh, tmp_path):
    killed = Scheduler(fresh, tmp_path, "killed")
    try:
        killed.wait_started()
        killed.process.kill()
        killed.process.wait(timeout=30)
    finally:
        killed.end()
    assert f"pid {killed.process.pid} on " in lock_file(fresh).read_text()  # its text is left behind
    after = Scheduler(fresh, tmp_path, "after")
    try:
        after.wait_started()
        assert f"pid {after.process.pid} on " in lock_file(fresh).read_text()
        assert after.stop() == 0
    finally:
        after.end()


@pytest.mark.skipif(LEG == "sqlite", reason="the lease row is the guard of PostgreSQL and CockroachDB")
async def test_postgres_the_lease_of_a_killed_scheduler_is_taken_over_once_stale(fresh, tmp_path):
    killed = Scheduler(fresh, tmp_path, "killed")
    try:
        killed.wait_started()
        killed.process.kill()
        killed.process.wait(timeout=30)
    finally:
        killed.end()
    blocked = refused(fresh)  # its heartbeat is still fresh
    assert blocked.returncode == 2 and f"pid {killed.process.pid} on " in blocked.stderr, blocked.stderr
    await pg(
        fresh,
        "UPDATE process_lock SET heartbeat_at = $1 WHERE name = 'scheduler'",
        datetime.now(UTC) - guard.STALE_AFTER - timedelta(seconds=5),
    )
    successor = Scheduler(fresh, tmp_path, "successor")
    try:
        successor.wait_started()
        rows = await pg(fresh, "SELECT holder FROM process_lock WHERE name = 'scheduler'")
        assert f"pid {successor.process.pid} on " in rows[0]["holder"]
        assert successor.stop() == 0
    finally:
        successor.end()


async def test_a_lease_taken_over_stops_its_holder():
    stopped = []
    name = "scheduler-test-" + secrets.token_hex(3)
    assert await locks.acquire(name, "mine", guard.STALE_AFTER)
    lease = guard.Lease("mine", lambda: stopped.append(True), name=name)
    await lease.keep()
    assert not stopped and not lease.lost
    await asyncio.sleep(0.01)
    assert await locks.acquire(name, "usurper", timedelta(milliseconds=1))  # as if we were stale
    await lease.keep()
    assert stopped == [True] and lease.lost


async def test_the_heartbeat_is_not_logged_at_info_real_jobs_are(caplog):
    executor_log = logging.getLogger("apscheduler.executors.default")
    quiet = QuietHeartbeat()
    executor_log.addFilter(quiet)
    beats, runs = [], []

    async def beat():
        beats.append(1)

    async def real():
        runs.append(1)

    scheduler = make_scheduler("Asia/Shanghai")
    try:
        with caplog.at_level(logging.INFO, logger="apscheduler.executors.default"):
            scheduler.add_job(beat, "interval", seconds=0.1, id=HEARTBEAT_JOB, name=HEARTBEAT_JOB)
            scheduler.add_job(real, "interval", seconds=0.1, id="real_job", name="real_job")
            scheduler.start()
            await asyncio.sleep(0.6)
            scheduler.shutdown(wait=False)
    finally:
        executor_log.removeFilter(quiet)
    assert beats and runs
    # The executor's lines only: the scheduler's own "Added job …" lines (shown when another test
    # left the root logger at INFO) are not the filter's business.
    executed = "\n".join(r.getMessage() for r in caplog.records if r.name == "apscheduler.executors.default")
    assert "real_job" in executed
    assert HEARTBEAT_JOB not in executed


async def test_a_stale_lease_can_be_taken_over():
    name = "test-lock-" + secrets.token_hex(3)
    assert await locks.acquire(name, "crashed", timedelta(seconds=90))
    assert not await locks.acquire(name, "newcomer", timedelta(seconds=90))
    await asyncio.sleep(0.05)
    assert await locks.acquire(name, "newcomer", timedelta(milliseconds=1))
    assert not await locks.heartbeat(name, "crashed")
    assert await locks.heartbeat(name, "newcomer")
    await locks.release(name, "crashed")  # not its lease any more: nothing happens
    assert (await locks.holder_of(name))["holder"] == "newcomer"
    await locks.release(name, "newcomer")
    assert (await locks.holder_of(name))["holder"] == ""
