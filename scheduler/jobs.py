"""Scheduled jobs: thin adapters over services, each ``async def job(period: str, now: datetime)``.

``JOBS`` lists them in the order the catch-up runs them (tasks before the notices and reports
that read them). Cron fields are in TEKUN_TIMEZONE; ``scheduler/runs.py`` claims each period in
the ``job_run`` ledger, so a period runs once however it is reached (cron fire or catch-up).
The other domains are imported inside the functions (the scheduler may import anything; this
keeps ``import scheduler.jobs`` cheap).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from scheduler import periods
from scheduler.runs import Job

log = logging.getLogger("tekun.scheduler")

# --- inspections (issue 13): the tasks -----------------------------------------------------


async def generate_tasks(period: str, now: datetime):
    """Daily: every task whose period starts on or before the day, statuses as of ``now``."""
    from backend.inspections import services as inspections

    return await inspections.generate_tasks(through=periods.day_of(period), now=now)


async def refresh_tasks(period: str, now: datetime):
    """Hourly: open tasks whose period has ended become overdue, counts refreshed."""
    from backend.inspections import services as inspections

    return await inspections.refresh_tasks(now=now)


# --- safety (issue 12): the canteen licence -------------------------------------------------


async def open_licence_hazards(period: str | None = None, now: datetime | None = None, *, today: date | None = None) -> list[int]:
    """Daily: a major hazard for each home whose canteen licence has expired (idempotent)."""
    from backend.safety import services as safety

    if today is None and period is not None:
        today = periods.day_of(period)
    opened = await safety.open_licence_hazards(today, now)
    if opened:
        log.info("canteen licences expired: %s hazards opened", len(opened))
    return opened


# --- notices (issue 13) ---------------------------------------------------------------------


async def run_report_queue() -> int:
    """Every 30 s (not a ledgered period): render the re-generations asked for on the archive page
    that no web process has taken (one asked just before the web server restarted, say); claiming
    a request is one conditional UPDATE, so the web process and this one never render it twice."""
    from backend.reports import services as reports

    handled = await reports.run_queue()
    if handled:
        log.info("report queue: %s requests rendered", handled)
    return handled


async def send_notices(period: str, now: datetime):
    """Hourly: the in-app notices now due, and the e-mails not yet sent (idempotent)."""
    from backend.notices import services as notices

    return await notices.send_notices(now)


# --- reports (issue 13) ---------------------------------------------------------------------


async def monthly_reports(period: str, now: datetime) -> dict[str, int]:
    """The 1st of each month: the month that has just closed, for every home and county."""
    from backend.reports import services as reports

    return {kind: await reports.issue_period_reports(kind, period) for kind in ("home-monthly", "county-monthly")}


async def quarterly_reports(period: str, now: datetime) -> dict[str, int]:
    """The first day of each quarter: the bulletin of the quarter that has just closed."""
    from backend.reports import services as reports

    return {"county-quarterly": await reports.issue_period_reports("county-quarterly", period)}


JOBS: list[Job] = [
    Job("generate_tasks", "daily", {"hour": 0, "minute": 5}, generate_tasks),
    Job("refresh_tasks", "hourly", {"minute": 0}, refresh_tasks, catch_up="latest"),
    Job("open_licence_hazards", "daily", {"hour": 0, "minute": 20}, open_licence_hazards),
    Job("send_notices", "hourly", {"minute": 10}, send_notices, catch_up="latest"),
    Job("monthly_reports", "monthly", {"day": 1, "hour": 2, "minute": 0}, monthly_reports, closed=True),
    Job(
        "quarterly_reports",
        "quarterly",
        {"month": "1,4,7,10", "day": 1, "hour": 3, "minute": 0},
        quarterly_reports,
        closed=True,
    ),
]
