"""Catch-up with the real task generation: the scheduler down for five days, then started with the
clock moved forward, creates the missed days' tasks once and marks the right ones overdue."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import date, timedelta

from backend.inspections.tables import Task
from scheduler import jobs, runs
from tests.inspections.test_generate import local, opened, record

HOLDER = "pid 1 on test since now [tasks]"


def generate_job() -> runs.Job:
    job = next(job for job in jobs.JOBS if job.id == "generate_tasks")
    assert job.function is jobs.generate_tasks and job.kind == "daily"
    return dataclasses.replace(job, id=f"generate_tasks_test_{secrets.token_hex(3)}")


async def patrols(home: dict) -> list[dict]:
    return await Task.select().where((Task.home == home["id"]) & (Task.routine == "fire_patrol")).order_by(Task.period)


async def test_five_days_down_the_missed_days_tasks_exist_once_and_the_ended_ones_are_overdue(world):
    from backend.core.settings import get_settings

    tz = get_settings().tz
    home = await opened(world, on=date(2026, 11, 1))
    job = generate_job()
    first_start = local(date(2026, 11, 10), 10)
    outcomes = await runs.catch_up([job], first_start, tz, HOLDER)
    assert [(o.period, o.status) for o in outcomes] == [("2026-11-10", "done")]
    assert [row["period"] for row in await patrols(home)] == [f"2026-11-{day:02d}" for day in range(1, 11)]

    # While the scheduler is down, the director records the patrol of the 12th (on time).
    await record(home, "fire_patrol", local(date(2026, 11, 12), 9), local(date(2026, 11, 12), 9, 5))

    later = first_start + timedelta(days=5)
    outcomes = await runs.catch_up([job], later, tz, HOLDER)
    assert [(o.period, o.status) for o in outcomes] == [
        ("2026-11-11", "done"),
        ("2026-11-12", "done"),
        ("2026-11-13", "done"),
        ("2026-11-14", "done"),
        ("2026-11-15", "done"),
    ]
    rows = await patrols(home)
    assert [row["period"] for row in rows] == [f"2026-11-{day:02d}" for day in range(1, 16)]  # each once
    status = {row["period"]: row["status"] for row in rows}
    assert status["2026-11-12"] == "done"
    assert status["2026-11-15"] == "open"  # today, as the clock says: not over yet
    assert all(status[f"2026-11-{day:02d}"] == "overdue" for day in (*range(1, 12), 13, 14)), status

    # A second start at the same moment runs nothing and changes nothing.
    assert await runs.catch_up([job], later, tz, HOLDER) == []
    assert [(row["period"], row["status"]) for row in await patrols(home)] == [(row["period"], row["status"]) for row in rows]
