"""``tekun scheduler``: one APScheduler process per deployment, guarded by a database lock.

A second instance finds the lock held (heartbeat younger than STALE_AFTER) and refuses to start
with exit code 2. Jobs are defined in code (scheduler/jobs.py) with a generous misfire grace time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
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

log = logging.getLogger("tekun.scheduler")


async def main() -> int:
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
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
        stop = asyncio.Event()
        scheduler = AsyncIOScheduler(
            timezone=get_settings().timezone,
            job_defaults={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1},
        )
        scheduler.add_job(
            jobs.keep_lock, "interval", seconds=HEARTBEAT_SECONDS, args=[holder, stop.set], id="keep_lock"
        )
        scheduler.start()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(f"scheduler started ({holder}); jobs: {[job.id for job in scheduler.get_jobs()]}", file=sys.stderr)
        await stop.wait()
        scheduler.shutdown(wait=False)
        await locks.release(jobs.LOCK_NAME, holder)
        print("scheduler stopped", file=sys.stderr)
        return 0
    finally:
        await db.stop()


def run() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(main())
