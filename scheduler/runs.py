"""The job_run ledger and catch-up: each job runs once per period, and none is silently skipped.

- A period is **claimed** by ``INSERT … ON CONFLICT (job, period) DO NOTHING RETURNING``: the
  unique key lets one claimer through (SQLite, PostgreSQL, CockroachDB alike). A period whose row
  is ``failed``, or ``running`` but stale (started longer than the job's ``stale_after`` ago, or
  left by a scheduler that no longer holds the lock: ``recover_interrupted``), is claimed again by
  a conditional ``UPDATE … RETURNING`` (``attempts`` + 1), which also lets only one through.
- ``plan`` (pure) decides which periods are due as of an instant: every period after the job's
  last ``done`` one up to the current one (for a report job the period that just closed), oldest
  first, capped at ``max_catch_up`` periods (the older ones are logged as skipped), plus the
  failed ones inside that window. On the very first run only the current period is due. A job
  whose work is "the state as of now" (``catch_up="latest"``: refreshing statuses, sending
  notices) runs only the latest period; the missed ones are covered by it.
- ``run_due`` is the one path: the catch-up on start and every cron fire go through it, so a
  period never runs twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from backend.core.db import transaction
from backend.core.tables import JobRun
from scheduler import periods

log = logging.getLogger("tekun.scheduler")

# How many periods of each kind the catch-up runs at most (older missed ones are logged as skipped).
MAX_CATCH_UP = {"hourly": 48, "daily": 92, "monthly": 24, "quarterly": 8}
DEFAULT_STALE_AFTER = timedelta(hours=2)
RUNNING_PREFIX = "running in "
DETAIL_LENGTH = 2000


@dataclass(frozen=True)
class Job:
    """One scheduled job: ``function(period, now)`` for each period of ``kind``.

    ``cron``: APScheduler cron fields in TEKUN_TIMEZONE. ``closed``: the period given is the one
    that has just closed (a month's reports on the 1st of the next), not the current one.
    """

    id: str
    kind: str
    cron: dict[str, Any]
    function: Callable[[str, datetime], Awaitable[Any]]
    closed: bool = False
    catch_up: Literal["each", "latest"] = "each"
    max_catch_up: int | None = None
    stale_after: timedelta = DEFAULT_STALE_AFTER

    def __post_init__(self) -> None:
        if self.kind not in periods.KINDS:
            raise ValueError(f"job {self.id}: unknown period kind {self.kind!r}")

    @property
    def cap(self) -> int:
        return self.max_catch_up or MAX_CATCH_UP[self.kind]


@dataclass(frozen=True)
class Plan:
    run: list[str]
    skipped: list[str] = field(default_factory=list)


def current_period(job: Job, now: datetime, tz: tzinfo) -> str:
    key = periods.period_of(job.kind, now, tz)
    return periods.previous_period(job.kind, key) if job.closed else key


def plan(job: Job, now: datetime, tz: tzinfo, *, last_done: str | None, retry: Sequence[str] = ()) -> Plan:
    """The periods of ``job`` due as of ``now``, oldest first (pure)."""
    current = current_period(job, now, tz)
    if last_done is None:
        missed = [current]
    else:
        missed = periods.keys_from(job.kind, periods.next_period(job.kind, last_done), current)
    if job.catch_up == "latest":
        return Plan(run=missed[-1:], skipped=missed[:-1])
    oldest_allowed = periods.step(job.kind, current, -(job.cap - 1))
    window = [key for key in missed if key >= oldest_allowed]
    skipped = [key for key in missed if key < oldest_allowed]
    again = [key for key in retry if oldest_allowed <= key <= current and key not in window]
    return Plan(run=sorted({*window, *again}), skipped=skipped)


# --- the ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    id: int
    attempts: int


async def claim(job: str, period: str, now: datetime, holder: str, stale_after: timedelta = DEFAULT_STALE_AFTER) -> Claim | None:
    """Claim ``period`` of ``job`` for this process; None when it is done, or running elsewhere."""
    marker = (RUNNING_PREFIX + holder)[:DETAIL_LENGTH]
    async with transaction():
        rows = await JobRun.raw(
            "INSERT INTO job_run (job, period, status, started_at, finished_at, attempts, detail) "
            "VALUES ({}, {}, 'running', {}, NULL, 1, {}) ON CONFLICT (job, period) DO NOTHING RETURNING id, attempts",
            job,
            period,
            now,
            marker,
        )
        if not rows:
            rows = await JobRun.raw(
                "UPDATE job_run SET status = 'running', started_at = {}, finished_at = NULL, "
                "attempts = attempts + 1, detail = {} "
                "WHERE job = {} AND period = {} AND (status = 'failed' OR (status = 'running' AND started_at < {})) "
                "RETURNING id, attempts",
                now,
                marker,
                job,
                period,
                now - stale_after,
            )
    return Claim(id=rows[0]["id"], attempts=rows[0]["attempts"]) if rows else None


async def finish(claimed: Claim, status: str, detail: str, now: datetime) -> bool:
    """Record the end of a claimed run; False if it was taken over meanwhile (stale)."""
    rows = await JobRun.raw(
        "UPDATE job_run SET status = {}, finished_at = {}, detail = {} "
        "WHERE id = {} AND attempts = {} AND status = 'running' RETURNING id",
        status,
        now,
        detail[:DETAIL_LENGTH],
        claimed.id,
        claimed.attempts,
    )
    return bool(rows)


async def recover_interrupted(holder: str, now: datetime) -> int:
    """Mark failed every run left ``running`` by another scheduler process: this one holds the
    single-instance lock, so that process is gone (run again by the catch-up). How many."""
    rows = await JobRun.raw(
        "UPDATE job_run SET status = 'failed', finished_at = {}, detail = {} "
        "WHERE status = 'running' AND detail <> {} RETURNING id",
        now,
        "interrupted: the scheduler stopped during the run",
        (RUNNING_PREFIX + holder)[:DETAIL_LENGTH],
    )
    return len(rows)


async def last_done(job: str) -> str | None:
    row = (
        await JobRun.select(JobRun.period)
        .where((JobRun.job == job) & (JobRun.status == "done"))
        .order_by(JobRun.period, ascending=False)
        .first()
    )
    return row["period"] if row else None


async def retryable(job: str, now: datetime, stale_after: timedelta) -> list[str]:
    """The periods of ``job`` that failed, or whose run is stale."""
    rows = await JobRun.select(JobRun.period).where(
        (JobRun.job == job)
        & ((JobRun.status == "failed") | ((JobRun.status == "running") & (JobRun.started_at < now - stale_after)))
    )
    return sorted(row["period"] for row in rows)


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    job: str
    period: str
    status: str  # done, failed, or "busy" (claimed elsewhere, or done already)
    attempts: int = 0
    detail: str = ""


async def run_period(job: Job, period: str, now: datetime, holder: str) -> Outcome:
    claimed = await claim(job.id, period, now, holder, job.stale_after)
    if claimed is None:
        return Outcome(job.id, period, "busy")
    started = time.monotonic()
    try:
        result = await job.function(period, now)
    except Exception as exc:  # noqa: BLE001 (recorded, retried on the next start or tick)
        detail = f"{type(exc).__name__}: {exc}"
        log.exception("job %s period %s failed (attempt %s)", job.id, period, claimed.attempts)
        await finish(claimed, "failed", detail, now + timedelta(seconds=time.monotonic() - started))
        return Outcome(job.id, period, "failed", claimed.attempts, detail)
    detail = "" if result is None else str(result)
    if not await finish(claimed, "done", detail, now + timedelta(seconds=time.monotonic() - started)):
        log.warning("job %s period %s finished after its run was taken over as stale", job.id, period)
    log.info("job %s period %s done (attempt %s) %s", job.id, period, claimed.attempts, detail)
    return Outcome(job.id, period, "done", claimed.attempts, detail)


async def run_due(
    job: Job, now: datetime, tz: tzinfo, holder: str, stop: Callable[[], bool] | None = None, *, retry: bool = True
) -> list[Outcome]:
    """Run every period of ``job`` due as of ``now``, oldest first (the catch-up and each cron
    fire). ``stop``: checked between periods; when true the rest waits for the next start.
    ``retry``: also the failed and stale periods inside the catch-up window."""
    again = await retryable(job.id, now, job.stale_after)
    due = plan(job, now, tz, last_done=await last_done(job.id), retry=again if retry else ())
    if not retry:
        due = Plan(run=[key for key in due.run if key not in again], skipped=due.skipped)
    if due.skipped:
        if job.catch_up == "latest":
            log.info(
                "job %s: %s missed periods (%s … %s) covered by the run of %s",
                job.id,
                len(due.skipped),
                due.skipped[0],
                due.skipped[-1],
                due.run[-1],
            )
        else:
            log.warning(
                "job %s: %s missed periods older than the catch-up limit of %s are NOT run: %s … %s",
                job.id,
                len(due.skipped),
                job.cap,
                due.skipped[0],
                due.skipped[-1],
            )
    outcomes = []
    for period in due.run:
        if stop is not None and stop():
            break
        outcomes.append(await run_period(job, period, now, holder))
    return outcomes


async def catch_up(
    jobs: Sequence[Job], now: datetime, tz: tzinfo, holder: str, stop: Callable[[], bool] | None = None, *, retry: bool = True
) -> list[Outcome]:
    """On start: every job's missed periods, job by job in the order given, oldest first (first
    the runs an earlier scheduler process left ``running`` are marked failed, to be run again)."""
    await recover_interrupted(holder, now)
    outcomes = []
    for job in jobs:
        if stop is not None and stop():
            break
        try:
            outcomes.extend(await run_due(job, now, tz, holder, stop, retry=retry))
        except Exception:  # e.g. a ledger row of another kind: this job waits, the others run
            log.exception("job %s: its catch-up could not be planned", job.id)
    return outcomes
