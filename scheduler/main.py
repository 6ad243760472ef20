"""``tekun scheduler``: one APScheduler process per deployment (docs/architecture.md, "Scheduler").

Start-up: take the single-instance guard (scheduler/guard.py; a second scheduler exits with code
2 and says who holds it), start the heartbeat, run every period each job missed while the
scheduler was down (scheduler/runs.py ``catch_up``, oldest first), then add the cron triggers
(scheduler/jobs.py ``JOBS``, in TEKUN_TIMEZONE, misfire grace MISFIRE_GRACE_SECONDS, coalesced,
one instance at a time). Every cron fire goes through the same claim in ``job_run``.

SIGTERM and SIGINT stop it cleanly (exit 0, the lock released; a period cut short is run again
on the next start). A lost lease stops it with exit code 3. Started by ``tekun demo`` it is given
``--parent-pid`` and stops when that process dies, however it dies: on Linux the kernel sends it
SIGTERM (``prctl(PR_SET_PDEATHSIG)``), and everywhere a watchdog checks every
PARENT_POLL_SECONDS that its parent is still the process that started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import faulthandler
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from backend.core import dates, db
from backend.core.settings import get_settings
from scheduler import jobs, runs
from scheduler.guard import HEARTBEAT_SECONDS, Lease, guard_for, holder_text

MISFIRE_GRACE_SECONDS = 6 * 3600  # a fire late by up to six hours still runs (once: coalesced)
PARENT_POLL_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
HEARTBEAT_JOB = "keep_lock"
QUEUE_JOB = "report_queue"  # the archive's re-generation requests (scheduler/jobs.py)
QUEUE_SECONDS = 30
QUIET_JOBS = frozenset({HEARTBEAT_JOB, QUEUE_JOB})
EXIT_OK, EXIT_HELD, EXIT_LOST = 0, 2, 3
STOP_SECONDS = 10  # how long stopping waits for cancelled runs and the database pool

log = logging.getLogger("tekun.scheduler")


class QuietHeartbeat(logging.Filter):
    """Drops APScheduler's INFO lines ("Running job", "executed successfully") about the
    heartbeat (every 20 s) and the report queue's poll (every 30 s); their warnings and errors,
    and every real job's lines, stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        return not (args and getattr(args[0], "id", None) in QUIET_JOBS)


def die_with_parent(parent_pid: int) -> bool:
    """Ask the kernel for SIGTERM when the parent dies (Linux); False if it is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
                log.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))
        except (OSError, AttributeError) as exc:
            log.warning("prctl(PR_SET_PDEATHSIG) unavailable (%s); the watchdog alone stops this process", exc)
    # Checked after the prctl: a parent that died just before it was not signalled for.
    return os.getppid() == parent_pid


async def watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    """Set ``stop`` once this process's parent is no longer ``parent_pid`` (an orphan is adopted
    by another process, so its parent pid changes)."""
    while not stop.is_set():
        if os.getppid() != parent_pid:
            log.warning("the process that started the scheduler (%s) is gone; stopping", parent_pid)
            stop.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PARENT_POLL_SECONDS)


def make_scheduler(timezone) -> AsyncIOScheduler:
    return AsyncIOScheduler(
        timezone=timezone,
        job_defaults={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1},
    )


def add_cron_jobs(scheduler: AsyncIOScheduler, defined: Sequence[runs.Job], tick: Callable) -> None:
    for job in defined:
        scheduler.add_job(tick, "cron", args=[job], id=job.id, name=job.id, **job.cron)


async def _until(stop: asyncio.Event, work: asyncio.Task) -> None:
    """Wait for ``work`` unless ``stop`` comes first (then ``work`` is cancelled)."""
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not work.done():
        work.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await work


async def _cancel(tasks: set[asyncio.Task]) -> None:
    """Cancel the job runs still going (their periods stay ``running``: run again on the next
    start) and wait for them a moment."""
    for task in list(tasks):
        task.cancel()
    if tasks:
        await asyncio.wait(list(tasks), timeout=STOP_SECONDS)


async def main(
    parent_pid: int | None = None, clock: Callable[[], datetime] = dates.now_utc, defined: Sequence[runs.Job] | None = None
) -> int:
    settings = get_settings()
    tz = settings.tz
    defined = jobs.JOBS if defined is None else defined
    holder = holder_text(clock(), tz)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    watchdog = asyncio.create_task(watch_parent(parent_pid, stop)) if parent_pid else None
    guard = guard_for(settings)
    await db.start()
    try:
        if not await guard.acquire(holder):
            print(await guard.refusal(), file=sys.stderr)
            return EXIT_HELD
        lease = Lease(holder, stop.set)
        running: set[asyncio.Task] = set()
        scheduler = make_scheduler(tz)
        try:
            if guard.lease:
                scheduler.add_job(lease.keep, "interval", seconds=HEARTBEAT_SECONDS, id=HEARTBEAT_JOB, name=HEARTBEAT_JOB)
            scheduler.add_job(jobs.run_report_queue, "interval", seconds=QUEUE_SECONDS, id=QUEUE_JOB, name=QUEUE_JOB)
            scheduler.start()
            print(f"scheduler started ({holder}); jobs: {[job.id for job in defined]}", file=sys.stderr)

            async def catch_up(retry: bool = True) -> None:
                try:
                    outcomes = await runs.catch_up(defined, clock(), tz, holder, stop.is_set, retry=retry)
                except Exception:  # the ledger unreachable: the cron fires try again
                    log.exception("the catch-up failed")
                    return
                ran = [f"{o.job} {o.period} {o.status}" for o in outcomes if o.status != "busy"]
                if ran:
                    log.info("catch-up: %s periods run: %s", len(ran), ", ".join(ran))

            async def tick(job: runs.Job) -> None:
                task = asyncio.current_task()
                running.add(task)
                try:
                    await runs.run_due(job, clock(), tz, holder, stop.is_set)
                finally:
                    running.discard(task)

            await _until(stop, asyncio.create_task(catch_up()))
            if not stop.is_set():
                add_cron_jobs(scheduler, defined, tick)
                # What fell due while the catch-up ran (its cron fire is already past): once more.
                await _until(stop, asyncio.create_task(catch_up(retry=False)))
                log.info("catch-up finished; the cron triggers run from now on")
            await stop.wait()
            log.info("stopping")
            scheduler.shutdown(wait=False)
            await _cancel(running)
        finally:
            await guard.release(holder)
        print("scheduler stopped" + (" (lease lost)" if lease.lost else ""), file=sys.stderr)
        return EXIT_LOST if lease.lost else EXIT_OK
    finally:
        if watchdog is not None:
            watchdog.cancel()
        try:
            await asyncio.wait_for(db.stop(), STOP_SECONDS)
        except TimeoutError:
            log.warning("the database connections did not close within %s s; leaving them", STOP_SECONDS)


def run(parent_pid: int | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler.executors.default").addFilter(QuietHeartbeat())
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID`: every thread's stack on stderr
    if parent_pid is not None and not die_with_parent(parent_pid):
        print(f"the process that started the scheduler ({parent_pid}) is gone; not starting", file=sys.stderr)
        return 0
    return asyncio.run(main(parent_pid))


def start_child() -> subprocess.Popen:
    """``tekun scheduler`` as a child of this process, which it does not outlive."""
    command = [sys.executable, "-m", "backend.cli", "scheduler", "--parent-pid", str(os.getpid())]
    return subprocess.Popen(command, env=os.environ.copy())


def stop_child(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within ``grace_seconds``; reaped either way."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
