"""The single-instance guard of the scheduler: one process per deployment.

- SQLite: ``fcntl.flock`` on ``<database file>.scheduler.lock`` (``locks.FileLock``). Only
  processes on the same host can share an SQLite file anyway; the kernel frees the lock when the
  holder ends, however it ends.
- PostgreSQL / CockroachDB: the lease row ``process_lock`` named ``scheduler``, renewed every
  HEARTBEAT_SECONDS by the ``keep_lock`` job, stale (taken over) after STALE_AFTER without a
  renewal. A holder that finds its lease taken over, or cannot renew it for STALE_AFTER (the
  database unreachable: someone else may have it by now), stops.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from backend.core import db, locks
from backend.core.settings import Settings

log = logging.getLogger("tekun.scheduler")

LOCK_NAME = "scheduler"
HEARTBEAT_SECONDS = 20
STALE_AFTER = timedelta(seconds=90)


def holder_text(now: datetime, tz) -> str:
    """Who holds the lock, for the refusal message of a second scheduler (unique per process)."""
    since = now.astimezone(tz)
    return f"pid {os.getpid()} on {socket.gethostname()} since {since:%Y-%m-%d %H:%M:%S %Z} [{uuid.uuid4().hex[:8]}]"


def lock_file(settings: Settings) -> Path:
    path = db.sqlite_path(settings.database_url)
    return path.with_name(path.name + ".scheduler.lock")


class FileGuard:
    lease = False

    def __init__(self, path: Path) -> None:
        self.lock = locks.FileLock(path)

    async def acquire(self, holder: str) -> bool:
        return self.lock.acquire(holder)

    async def refusal(self) -> str:
        return (
            f"another scheduler is running ({self.lock.holder() or 'holder unknown'}; lock file "
            f"{self.lock.path}); refusing to start"
        )

    async def release(self, holder: str) -> None:
        self.lock.release()


class LeaseGuard:
    lease = True

    async def acquire(self, holder: str) -> bool:
        return await locks.acquire(LOCK_NAME, holder, STALE_AFTER)

    async def refusal(self) -> str:
        current = await locks.holder_of(LOCK_NAME)
        if not current or not current["holder"]:
            return "another scheduler was starting at the same moment; refusing to start"
        return (
            f"another scheduler is running ({current['holder']}, last heartbeat "
            f"{current['heartbeat_at']:%Y-%m-%d %H:%M:%S} UTC; its lease may be taken over once the "
            f"heartbeat is {int(STALE_AFTER.total_seconds())} s old); refusing to start"
        )

    async def release(self, holder: str) -> None:
        await locks.release(LOCK_NAME, holder)


def guard_for(settings: Settings) -> FileGuard | LeaseGuard:
    return FileGuard(lock_file(settings)) if settings.is_sqlite else LeaseGuard()


class Lease:
    """The heartbeat of a lease (the ``keep_lock`` job). ``on_lost`` stops the process."""

    def __init__(
        self, holder: str, on_lost: Callable[[], None], clock: Callable[[], float] = time.monotonic, name: str = LOCK_NAME
    ) -> None:
        self.name = name
        self.holder = holder
        self.on_lost = on_lost
        self.clock = clock
        self.renewed = clock()
        self.lost = False

    async def keep(self) -> None:
        try:
            ok = await locks.heartbeat(self.name, self.holder)
        except Exception as exc:  # noqa: BLE001 (the database may come back before the lease is stale)
            silent = self.clock() - self.renewed
            if silent >= STALE_AFTER.total_seconds():
                log.error("the scheduler lease could not be renewed for %.0f s (%s); stopping", silent, exc)
                self._lose()
            else:
                log.warning("renewing the scheduler lease failed (%s); trying again", exc)
            return
        if not ok:
            log.error("the scheduler lease was taken over by another process; stopping")
            self._lose()
            return
        self.renewed = self.clock()

    def _lose(self) -> None:
        self.lost = True
        self.on_lost()
