"""Single-instance locks: a lease row in the database (PostgreSQL, CockroachDB) or a file lock
beside the database file (SQLite).

**Lease** (table ``process_lock``): taken by ``INSERT … ON CONFLICT DO NOTHING`` and a conditional
``UPDATE … RETURNING`` (free, stale, or already ours), renewed by ``heartbeat``; a lease whose
heartbeat is older than ``stale_after`` may be taken over, so a crashed process does not block
its replacement. A holder whose ``heartbeat`` finds the row taken over must stop. Nothing
CockroachDB lacks (no advisory locks, no session state). On PostgreSQL and CockroachDB the
lease's times are the database's clock (``CURRENT_TIMESTAMP``), so the schedulers' hosts need not
agree on the time; on SQLite (one host) this process's clock.

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

from backend.core import db
from backend.core.dates import now_utc
from backend.core.tables import ProcessLock

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _clock() -> tuple[str, list]:
    """The SQL of "now" for the lease and its arguments: the database's clock on PostgreSQL and
    CockroachDB (every host's scheduler compares the same clock), this process's on SQLite (one
    host)."""
    if db.is_sqlite():
        return "{}", [now_utc()]
    return "CURRENT_TIMESTAMP", []


async def acquire(name: str, holder: str, stale_after: timedelta) -> bool:
    """Take the lease if free, stale, or already ours; False when another live process holds it."""
    now_sql, now_args = _clock()
    if db.is_sqlite():
        stale_sql, stale_args = "{}", [now_args[0] - stale_after]
    else:
        stale_sql, stale_args = "CURRENT_TIMESTAMP - CAST({} AS INTERVAL)", [stale_after]
    async with db.transaction():
        await ProcessLock.raw(
            "INSERT INTO process_lock (name, holder, heartbeat_at) VALUES ({}, '', {}) ON CONFLICT (name) DO NOTHING",
            name,
            EPOCH,
        )
        taken = await ProcessLock.raw(
            f"UPDATE process_lock SET holder = {{}}, heartbeat_at = {now_sql} "
            f"WHERE name = {{}} AND (holder = {{}} OR holder = '' OR heartbeat_at < {stale_sql}) RETURNING id",
            holder,
            *now_args,
            name,
            holder,
            *stale_args,
        )
    return bool(taken)


async def heartbeat(name: str, holder: str) -> bool:
    """Renew our lease; False if it was taken over (we must stop)."""
    now_sql, now_args = _clock()
    rows = await ProcessLock.raw(
        f"UPDATE process_lock SET heartbeat_at = {now_sql} WHERE name = {{}} AND holder = {{}} RETURNING id",
        *now_args,
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
