"""Scheduled jobs. Each is a thin adapter over a service; later issues add task generation,
overdue checks and the monthly reports here."""

from __future__ import annotations

import logging

from backend.core import locks

log = logging.getLogger("tekun.scheduler")

LOCK_NAME = "scheduler"


async def keep_lock(holder: str, on_lost) -> None:
    """Refresh the single-instance lock; stop this process if another one took it over."""
    if not await locks.heartbeat(LOCK_NAME, holder):
        log.error("scheduler lock lost to another process; stopping")
        on_lost()
