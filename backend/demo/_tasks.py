"""The demo's inspection tasks (issue 13): generated through ``inspections.services`` like the
daily job, from a month back (the demo's ledgers start then, although its homes are registered
when it loads), so that the on-time rates and the overdue lists have something to show.
Idempotent: a second load creates nothing."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates

DEMO_TASK_DAYS = 31


async def load_tasks() -> None:
    from backend.inspections import services as inspections

    today = dates.today()
    await inspections.generate_tasks(today, since=today - timedelta(days=DEMO_TASK_DAYS))
