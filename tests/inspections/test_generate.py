"""Task generation (issue 13, point 2) from the safety templates: one task per home, routine and
period, counted from the entries (due, done, done late = not on time, overdue), the same tasks
when generated twice, the future ones of a closed home cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend.inspections import services
from backend.inspections.tables import Task
from backend.registry.tables import Home
from backend.safety import services as safety
from tests.safety.helpers import director_scope, entry_in, home_row

ZONE_OFFSET = timedelta(hours=8)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment given in Asia/Shanghai, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - ZONE_OFFSET


async def opened(world, on: date = date(2026, 11, 1), **kwargs) -> dict:
    code = await world.home(**kwargs)
    await Home.update({Home.created_at: local(on, 9)}).where(Home.code == code)
    return await home_row(code)


async def tasks_of(home: dict, routine: str | None = None) -> dict[tuple[str, str, str], dict]:
    query = Task.select().where(Task.home == home["id"])
    if routine:
        query = query.where(Task.routine == routine)
    return {(row["routine"], row["period"], row["subject"]): row for row in await query}


async def record(home: dict, routine: str, performed: datetime, recorded: datetime, **extra):
    data = await entry_in(home["code"], routine, performed_at=performed, **extra)
    await safety.record_entry(director_scope(home), home["code"], data, now=recorded)


async def test_safety_routines_give_one_task_per_period_with_its_expected_count(world):
    home = await opened(world)
    now = local(date(2026, 11, 10), 12)
    await services.generate_tasks(date(2026, 11, 10), now=now)
    tasks = await tasks_of(home)
    patrols = sorted(period for routine, period, _s in tasks if routine == "fire_patrol")
    assert patrols == [f"2026-11-{day:02d}" for day in range(1, 11)]  # from the day it opened to through
    night = tasks[("night_patrol", "2026-11-03", "")]
    assert night["expected"] == 4 and night["status"] == "overdue" and night["done"] == 0
    assert tasks[("fire_inspection", "2026-11", "")]["expected"] == 1
    assert tasks[("fire_inspection", "2026-11", "")]["status"] == "open"
    assert ("fire_system_test", "2026", "") in tasks  # the year running when generation starts
    meals = [row for (routine, _p, _s), row in tasks.items() if routine == "food_sample"]
    assert meals and all(row["expected"] == 3 for row in meals)
    assert not any(row["routine"] == "purchase_inspection" for row in tasks.values())  # an event routine
    assert all(
        row["county"] == home["county_id"] and row["month"] == row["period_end"].strftime("%Y-%m") for row in tasks.values()
    )
