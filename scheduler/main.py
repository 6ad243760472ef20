"""``tekun scheduler``: one APScheduler process per deployment, guarded by a database lock.

A second instance finds the lock held (heartbeat younger than STALE_AFTER) and refuses to start
with exit code 2. Jobs are defined in code (scheduler/jobs.py) with a generous misfire grace time.

SIGTERM and SIGINT stop it cleanly (the lock is released). Started by ``tekun demo`` it is given
``--parent-pid`` and stops when that process dies, however it dies: on Linux the kernel sends it
SIGTERM (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watchdog checks every
PARENT_POLL_SECONDS that its parent is still the process that started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from backend.core import db, locks
from backend.core.settings import get_settings
from scheduler import jobs

HEARTBEAT_SECONDS = 20
STALE_AFTER = timedelta(seconds=90)
MISFIRE_GRACE_SECONDS = 3600
PARENT_POLL_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

log = logging.getLogger("tekun.scheduler")


def die_with_parent(parent_pid: int) -> bool:
    """Ask the kernel for SIGTERM when the parent dies (Linux); False if it is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
                log.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))
        except (OSError, AttributeError) as exc:
            log.warning("prctl(PR_SET_PDEATHSIG) unavailable (%s); the watchdog alone stops this process", exc)
    # Checked after the prctl: a parent that died just before it was not signalled for.
    return os.getppid() == parent_pid


async def watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    """Set ``stop`` once this process's parent is no longer ``parent_pid`` (an orphan is adopted
    by another process, so its parent pid changes)."""
    while not stop.is_set():
        if os.getppid() != parent_pid:
            log.warning("the process that started the scheduler (%s) is gone; stopping", parent_pid)
            stop.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PARENT_POLL_SECONDS)


async def main(parent_pid: int | None = None) -> int:
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    watchdog = asyncio.create_task(watch_parent(parent_pid, stop)) if parent_pid else None
    await db.start()
    try:
        if not await locks.acquire(jobs.LOCK_NAME, holder, STALE_AFTER):
            current = await locks.holder_of(jobs.LOCK_NAME)
            print(
                f"another scheduler is running ({current['holder']}, last heartbeat "
                f"{current['heartbeat_at']:%Y-%m-%d %H:%M:%S} UTC); refusing to start",
                file=sys.stderr,
            )
            return 2
        scheduler = AsyncIOScheduler(
            timezone=get_settings().timezone,
            job_defaults={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1},
        )
        scheduler.add_job(jobs.keep_lock, "interval", seconds=HEARTBEAT_SECONDS, args=[holder, stop.set], id="keep_lock")
        for job_id, function, hour, minute in jobs.DAILY_JOBS:
            scheduler.add_job(function, "cron", hour=hour, minute=minute, id=job_id)
        scheduler.start()
        print(f"scheduler started ({holder}); jobs: {[job.id for job in scheduler.get_jobs()]}", file=sys.stderr)
        await stop.wait()
        scheduler.shutdown(wait=False)
        await locks.release(jobs.LOCK_NAME, holder)
        print("scheduler stopped", file=sys.stderr)
        return 0
    finally:
        if watchdog is not None:
            watchdog.cancel()
        await db.stop()


def run(parent_pid: int | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if parent_pid is not None and not die_with_parent(parent_pid):
        print(f"the process that started the scheduler ({parent_pid}) is gone; not starting", file=sys.stderr)
        return 0
    return asyncio.run(main(parent_pid))


def start_child() -> subprocess.Popen:
    """``tekun scheduler`` as a child of this process, which it does not outlive."""
    command = [sys.executable, "-m", "backend.cli", "scheduler", "--parent-pid", str(os.getpid())]
    return subprocess.Popen(command, env=os.environ.copy())


def stop_child(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within ``grace_seconds``; reaped either way."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
