"""Named process locks with a heartbeat, kept in the database (see ProcessLock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.core.dates import now_utc
from backend.core.db import transaction
from backend.core.tables import ProcessLock

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def acquire(name: str, holder: str, stale_after: timedelta) -> bool:
    """Take the lock if free, stale, or already ours; False when another live process holds it."""
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
    """Refresh our hold; False if the lock was taken over (we must stop)."""
    rows = await ProcessLock.raw(
        "UPDATE process_lock SET heartbeat_at = {} WHERE name = {} AND holder = {} RETURNING id",
        now_utc(),
        name,
        holder,
    )
    return bool(rows)


async def release(name: str, holder: str) -> None:
    await ProcessLock.update({ProcessLock.holder: "", ProcessLock.heartbeat_at: EPOCH}).where(
        (ProcessLock.name == name) & (ProcessLock.holder == holder)
    )


async def holder_of(name: str) -> dict | None:
    return await ProcessLock.select().where(ProcessLock.name == name).first()
