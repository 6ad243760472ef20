"""The job_run ledger and the catch-up, driven with an injected clock on the test database."""

import asyncio
import logging
import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from backend.core.tables import JobRun
from scheduler import runs
from scheduler.runs import Job

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLDER = "pid 1 on test since now [test]"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


class Recorder:
    """A job function that records each (period, now) it was called with; fails on demand."""

    def __init__(self, fail: set[str] | None = None, pause: float = 0) -> None:
        self.calls: list[tuple[str, datetime]] = []
        self.fail = set(fail or ())
        self.pause = pause

    async def __call__(self, period: str, now: datetime):
        self.calls.append((period, now))
        if self.pause:
            await asyncio.sleep(self.pause)
        if period in self.fail:
            self.fail.discard(period)
            raise RuntimeError(f"boom in {period}")
        return f"did {period}"

    @property
    def periods(self) -> list[str]:
        return [period for period, _ in self.calls]


def job_id(name: str) -> str:
    return f"test_{name}_{secrets.token_hex(3)}"


async def rows_of(job: str) -> dict[str, dict]:
    return {row["period"]: row for row in await JobRun.select().where(JobRun.job == job)}


async def test_five_days_down_start_up_runs_the_missed_periods_once_oldest_first_then_nothing():
    daily = Job(job_id("daily"), "daily", {"hour": 0, "minute": 5}, Recorder())
    monthly = Job(job_id("monthly"), "monthly", {"day": 1, "hour": 2}, Recorder(), closed=True)
    hourly = Job(job_id("hourly"), "hourly", {"minute": 0}, Recorder(), catch_up="latest")
    defined = [daily, monthly, hourly]
    first_start = at("2026-11-27T09:30")
    await runs.catch_up(defined, first_start, SHANGHAI, HOLDER)
    assert daily.function.periods == ["2026-11-27"]
    assert monthly.function.periods == ["2026-10"]
    assert hourly.function.periods == ["2026-11-27T09"]

    # Down from then until five days later.
    later = first_start + timedelta(days=5)
    outcomes = await runs.catch_up(defined, later, SHANGHAI, HOLDER)
    assert daily.function.periods == ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]
    assert monthly.function.periods == ["2026-10", "2026-11"]
    assert hourly.function.periods == ["2026-11-27T09", "2026-12-02T09"]
    assert [o.period for o in outcomes if o.job == daily.id] == [
        "2026-11-28",
        "2026-11-29",
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
    ]
    assert all(now == later for _, now in daily.function.calls[1:])  # each run sees the clock's now
    recorded = await rows_of(daily.id)
    assert sorted(recorded) == daily.function.periods
    assert {row["status"] for row in recorded.values()} == {"done"}
    assert recorded["2026-12-01"]["detail"] == "did 2026-12-01" and recorded["2026-12-01"]["attempts"] == 1

    # A second start (or a cron fire) at the same time runs nothing.
    assert await runs.catch_up(defined, later, SHANGHAI, HOLDER) == []
    assert await runs.run_due(daily, later + timedelta(minutes=5), SHANGHAI, HOLDER) == []
    assert len(daily.function.calls) == 6


async def test_a_failed_period_is_retried_with_attempts_counted_and_the_rest_still_runs():
    recorder = Recorder(fail={"2026-11-29"})
    job = Job(job_id("fails"), "daily", {"hour": 0}, recorder)
    await runs.run_due(job, at("2026-11-27T01:00"), SHANGHAI, HOLDER)
    outcomes = await runs.run_due(job, at("2026-11-30T01:00"), SHANGHAI, HOLDER)
    assert [(o.period, o.status) for o in outcomes] == [("2026-11-28", "done"), ("2026-11-29", "failed"), ("2026-11-30", "done")]
    failed = (await rows_of(job.id))["2026-11-29"]
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert "boom in 2026-11-29" in failed["detail"] and failed["finished_at"] is not None

    outcomes = await runs.run_due(job, at("2026-11-30T02:00"), SHANGHAI, HOLDER)  # the next tick
    assert [(o.period, o.status, o.attempts) for o in outcomes] == [("2026-11-29", "done", 2)]
    assert (await rows_of(job.id))["2026-11-29"]["status"] == "done"
    assert recorder.periods.count("2026-11-29") == 2 and recorder.periods.count("2026-11-30") == 1


async def test_without_retries_the_second_pass_of_the_start_up_leaves_a_failed_period_for_the_next_tick():
    job = Job(job_id("noretry"), "daily", {"hour": 0}, Recorder(fail={"2026-12-02"}))
    now = at("2026-12-02T10:00")
    assert [o.status for o in await runs.run_due(job, now, SHANGHAI, HOLDER)] == ["failed"]
    assert await runs.run_due(job, now, SHANGHAI, HOLDER, retry=False) == []
    assert [(o.status, o.attempts) for o in await runs.run_due(job, now, SHANGHAI, HOLDER)] == [("done", 2)]


async def test_a_stale_running_period_is_run_again_a_fresh_one_is_left_alone():
    job = Job(job_id("stale"), "daily", {"hour": 0}, Recorder(), stale_after=timedelta(hours=2))
    now = at("2026-12-02T10:00")
    other = "pid 2 on elsewhere since then [other]"
    assert await runs.claim(job.id, "2026-12-01", now - timedelta(hours=3), other)  # stale
    assert await runs.claim(job.id, "2026-12-02", now - timedelta(minutes=5), other)  # still running there
    assert await runs.claim(job.id, "2026-11-30", now - timedelta(hours=3), other) is not None
    await JobRun.update({JobRun.status: "done"}).where((JobRun.job == job.id) & (JobRun.period == "2026-11-30"))
    outcomes = await runs.run_due(job, now, SHANGHAI, HOLDER)
    assert [(o.period, o.status) for o in outcomes] == [("2026-12-01", "done"), ("2026-12-02", "busy")]
    assert (await rows_of(job.id))["2026-12-01"]["attempts"] == 2
    assert job.function.periods == ["2026-12-01"]


async def test_on_start_runs_left_running_by_an_earlier_scheduler_are_run_again():
    job = Job(job_id("interrupted"), "daily", {"hour": 0}, Recorder())
    now = at("2026-12-02T10:00")
    await runs.claim(job.id, "2026-12-02", now - timedelta(minutes=1), "pid 3 on gone [old]")
    outcomes = await runs.catch_up([job], now, SHANGHAI, HOLDER)
    assert [(o.period, o.status, o.attempts) for o in outcomes] == [("2026-12-02", "done", 2)]


async def test_two_claimers_of_the_same_period_one_runs():
    job = job_id("race")
    now = at("2026-12-02T10:00")
    claims = await asyncio.gather(*(runs.claim(job, "2026-12-02", now, f"holder {n}") for n in range(8)))
    assert len([c for c in claims if c is not None]) == 1
    # A failed period is claimed again by one of many, too.
    winner = next(c for c in claims if c is not None)
    assert await runs.finish(winner, "failed", "boom", now)
    claims = await asyncio.gather(*(runs.claim(job, "2026-12-02", now, f"holder {n}") for n in range(8)))
    assert [c.attempts for c in claims if c is not None] == [2]
    assert not await runs.finish(winner, "done", "late", now)  # the old attempt cannot overwrite it


async def test_two_runners_of_the_same_job_run_each_period_once():
    recorder = Recorder(pause=0.05)
    job = Job(job_id("runners"), "daily", {"hour": 0}, recorder)
    await runs.run_due(job, at("2026-11-25T01:00"), SHANGHAI, HOLDER)
    later = at("2026-11-30T01:00")
    first, second = await asyncio.gather(
        runs.run_due(job, later, SHANGHAI, "runner A"), runs.run_due(job, later, SHANGHAI, "runner B")
    )
    assert sorted(recorder.periods) == ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]
    done = sorted(o.period for o in [*first, *second] if o.status == "done")
    assert done == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]


async def test_what_the_cap_leaves_out_is_logged(caplog):
    job = Job(job_id("capped"), "daily", {"hour": 0}, Recorder(), max_catch_up=3)
    await runs.run_due(job, at("2026-11-01T01:00"), SHANGHAI, HOLDER)
    with caplog.at_level(logging.WARNING, logger="tekun.scheduler"):
        outcomes = await runs.run_due(job, at("2026-11-10T01:00"), SHANGHAI, HOLDER)
    assert [o.period for o in outcomes] == ["2026-11-08", "2026-11-09", "2026-11-10"]
    assert "6 missed periods older than the catch-up limit of 3 are NOT run: 2026-11-02 … 2026-11-07" in caplog.text


async def test_stop_between_periods_leaves_the_rest_for_the_next_start():
    recorder = Recorder()
    job = Job(job_id("stopped"), "daily", {"hour": 0}, recorder)
    await runs.run_due(job, at("2026-11-25T01:00"), SHANGHAI, HOLDER)
    outcomes = await runs.run_due(job, at("2026-11-30T01:00"), SHANGHAI, HOLDER, stop=lambda: len(recorder.calls) >= 3)
    assert [o.period for o in outcomes] == ["2026-11-26", "2026-11-27"]
    outcomes = await runs.run_due(job, at("2026-11-30T01:00"), SHANGHAI, HOLDER)
    assert [o.period for o in outcomes] == ["2026-11-28", "2026-11-29", "2026-11-30"]


async def test_a_job_whose_ledger_cannot_be_planned_does_not_hold_up_the_others(caplog):
    broken = Job(job_id("kind_changed"), "monthly", {"day": 1}, Recorder())
    await runs.claim(broken.id, "2026-12-01", at("2026-12-01T01:00"), HOLDER)  # a daily key
    await JobRun.update({JobRun.status: "done"}).where(JobRun.job == broken.id)
    fine = Job(job_id("fine"), "daily", {"hour": 0}, Recorder())
    with caplog.at_level(logging.ERROR, logger="tekun.scheduler"):
        outcomes = await runs.catch_up([broken, fine], at("2026-12-02T10:00"), SHANGHAI, HOLDER)
    assert [(o.job, o.period) for o in outcomes] == [(fine.id, "2026-12-02")]
    assert f"job {broken.id}: its catch-up could not be planned" in caplog.text
