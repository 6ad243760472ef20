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


# --- safety (issue 12): the canteen licence -------------------------------------------------


async def open_licence_hazards(today=None) -> list[int]:
    """Daily: a major hazard for each home whose canteen licence has expired (idempotent)."""
    from backend.safety import services as safety

    opened = await safety.open_licence_hazards(today)
    if opened:
        log.info("canteen licences expired: %s hazards opened", len(opened))
    return opened


# Daily jobs: (id, function, hour, minute) in TEKUN_TIMEZONE; scheduler/main.py adds each.
DAILY_JOBS = [("open_licence_hazards", open_licence_hazards, 0, 20)]
