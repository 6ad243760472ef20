"""Single-instance locks: a lease row in the database (PostgreSQL, CockroachDB) or a file lock
beside the database file (SQLite).

**Lease** (table ``process_lock``): taken by ``INSERT … ON CONFLICT DO NOTHING`` and a conditional
``UPDATE … RETURNING`` (free, stale, or already ours), renewed by ``heartbeat``; a lease whose
heartbeat is older than ``stale_after`` may be taken over, so a crashed process does not block
its replacement. A holder whose ``heartbeat`` finds the row taken over must stop. Nothing
CockroachDB lacks (no advisory locks, no session state). The holders' clocks are compared, so
the hosts must keep time (NTP); the staleness limit (90 s for the scheduler) leaves margin.

**File lock** (``FileLock``): ``fcntl.flock`` non-blocking on ``<database file>.scheduler.lock``,
which holds the holder's text for the refusal message. The kernel releases it when the process
ends, however it ends, so a killed scheduler never blocks the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backend.core.dates import now_utc
from backend.core.db import transaction
from backend.core.tables import ProcessLock

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def acquire(name: str, holder: str, stale_after: timedelta) -> bool:
    """Take the lease if free, stale, or already ours; False when another live process holds it."""
    now = now_utc()
    async with transaction():
        await ProcessLock.raw(
            "INSERT INTO process_lock (name, holder, heartbeat_at) VALUES ({}, '', {}) ON CONFLICT (name) DO NOTHING",
            name,
            EPOCH,
        )
        taken = await ProcessLock.raw(
            "UPDATE process_lock SET holder = {}, heartbeat_at = {} "
            "WHERE name = {} AND (holder = {} OR holder = '' OR heartbeat_at < {}) RETURNING id",
            holder,
            now,
            name,
            holder,
            now - stale_after,
        )
    return bool(taken)


async def heartbeat(name: str, holder: str) -> bool:
    """Renew our lease; False if it was taken over (we must stop)."""
    rows = await ProcessLock.raw(
        "UPDATE process_lock SET heartbeat_at = {} WHERE name = {} AND holder = {} RETURNING id",
        now_utc(),
        name,
        holder,
    )
    return bool(rows)


async def release(name: str, holder: str) -> None:
    """Give the lease back (only if it is still ours)."""
    await ProcessLock.update({ProcessLock.holder: "", ProcessLock.heartbeat_at: EPOCH}).where(
        (ProcessLock.name == name) & (ProcessLock.holder == holder)
    )


async def holder_of(name: str) -> dict | None:
    return await ProcessLock.select().where(ProcessLock.name == name).first()


class FileLock:
    """An exclusive, non-blocking ``flock`` on ``path``; the file holds the holder's text."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, holder: str) -> bool:
        """Take the lock (True) or find it held by another process (False)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return True

    def holder(self) -> str:
        """The text the holder wrote (empty when none, or it could not be read)."""
        try:
            return self.path.read_text(errors="replace").strip()
        except OSError:
            return ""

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
