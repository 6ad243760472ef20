"""Task generation (issue 13, point 2) from the safety templates: one task per home, routine and
period, counted from the entries (due, done, done late = not on time, overdue), the same tasks
when generated twice, the future ones of a closed home cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core.errors import Invalid, NotFound
from backend.core.security import Scope
from backend.inspections import services
from backend.inspections.tables import Task
from backend.registry import services as registry
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


async def test_done_on_time_done_late_overdue_and_a_correction_counted_once(world):
    home = await opened(world)
    day = date(2026, 11, 3)
    await record(home, "fire_patrol", local(day, 10), local(day, 10, 5))  # on time
    await record(home, "fire_patrol", local(day + timedelta(days=1), 10), local(day + timedelta(days=3), 9))  # 补录
    night = date(2026, 11, 6)
    await record(home, "night_patrol", local(night, 22, 30), local(night, 22, 40))
    await record(home, "night_patrol", local(night + timedelta(days=1), 0, 30), local(night + timedelta(days=1), 0, 40))
    entry = await entry_in(home["code"], "fire_patrol", performed_at=local(day + timedelta(days=5), 9))
    stored, _ = await safety.record_entry(director_scope(home), home["code"], entry, now=local(day + timedelta(days=5), 9, 5))
    correction = await entry_in(
        home["code"], "fire_patrol", performed_at=local(day + timedelta(days=5), 9), corrects=stored.id, correction_reason="写错"
    )
    await safety.record_entry(director_scope(home), home["code"], correction, now=local(day + timedelta(days=5), 9, 30))
    result = await services.generate_tasks(date(2026, 11, 10), now=local(date(2026, 11, 10), 12))
    assert result.created > 0
    tasks = await tasks_of(home)
    on_time = tasks[("fire_patrol", "2026-11-03", "")]
    assert (on_time["done"], on_time["on_time"], on_time["status"]) == (1, 1, "done")
    assert on_time["done_at"] == local(day, 10, 5)
    late = tasks[("fire_patrol", "2026-11-04", "")]
    assert (late["done"], late["on_time"], late["status"]) == (1, 0, "done")  # done, but late
    missed = tasks[("fire_patrol", "2026-11-05", "")]
    assert (missed["done"], missed["status"]) == (0, "overdue")
    corrected = tasks[("fire_patrol", "2026-11-08", "")]
    assert (corrected["expected"], corrected["done"], corrected["on_time"]) == (1, 1, 1)
    half = tasks[("night_patrol", "2026-11-06", "")]
    assert (half["expected"], half["done"], half["on_time"], half["status"]) == (4, 2, 2, "overdue")
    today = tasks[("fire_patrol", "2026-11-10", "")]
    assert today["status"] == "open"


async def test_a_back_filled_entry_turns_an_overdue_task_done_late(world):
    home = await opened(world)
    day = date(2026, 11, 4)
    await services.generate_tasks(date(2026, 11, 6), now=local(date(2026, 11, 6), 12))
    assert (await tasks_of(home, "fire_patrol"))[("fire_patrol", "2026-11-04", "")]["status"] == "overdue"
    await record(home, "fire_patrol", local(day, 10), local(date(2026, 11, 7), 8))
    result = await services.generate_tasks(date(2026, 11, 7), now=local(date(2026, 11, 7), 9))
    row = (await tasks_of(home, "fire_patrol"))[("fire_patrol", "2026-11-04", "")]
    assert (row["done"], row["on_time"], row["status"]) == (1, 0, "done") and result.updated >= 1


async def test_generating_the_same_range_twice_yields_the_same_tasks(world):
    home = await opened(world)
    await record(home, "fire_patrol", local(date(2026, 11, 2), 10), local(date(2026, 11, 2), 10, 5))
    now = local(date(2026, 11, 9), 12)
    first = await services.generate_tasks(date(2026, 11, 9), now=now)
    before = await Task.select().where(Task.home == home["id"]).order_by(Task.id)
    second = await services.generate_tasks(date(2026, 11, 9), now=now)
    after = await Task.select().where(Task.home == home["id"]).order_by(Task.id)
    assert first.created >= len(before) > 0
    assert (second.created, second.updated, second.cancelled, second.overdue) == (0, 0, 0, 0)
    assert after == before  # every column, updated_at included


async def test_a_closed_home_cancels_its_future_tasks_and_gets_no_new_ones(world):
    home = await opened(world)
    await services.generate_tasks(date(2026, 11, 10), now=local(date(2026, 11, 3), 12))
    await registry.close_home(Scope.system("test"), home["code"], date(2026, 11, 5))
    result = await services.generate_tasks(date(2026, 11, 12), now=local(date(2026, 11, 4), 12))
    tasks = await tasks_of(home, "fire_patrol")
    assert {period: row["status"] for (_r, period, _s), row in tasks.items() if period >= "2026-11-05"} == {
        "2026-11-05": "open",
        **{f"2026-11-{day:02d}": "cancelled" for day in range(6, 11)},
    }
    assert result.cancelled >= 5
    assert (await tasks_of(home))[("fire_inspection", "2026-11", "")]["status"] == "open"  # started before it closed


async def test_food_routines_only_where_the_home_has_a_canteen_and_the_home_s_night_slots(world):
    home = await opened(world)
    await safety.save_settings(director_scope(home), home["code"], "06:00-09:00", "11:00-13:30", "17:00-19:30", "22,1,4", False)
    await services.generate_tasks(date(2026, 11, 3), now=local(date(2026, 11, 3), 12))
    tasks = await tasks_of(home)
    assert not [key for key in tasks if key[0] in safety.FOOD_ROUTINES]
    assert tasks[("night_patrol", "2026-11-02", "")]["expected"] == 3


async def test_refresh_tasks_recounts_one_home_without_creating_anything(world):
    home = await opened(world)
    await services.generate_tasks(date(2026, 11, 6), now=local(date(2026, 11, 6), 12))
    count = await Task.count().where(Task.home == home["id"])
    await record(home, "fire_patrol", local(date(2026, 11, 5), 10), local(date(2026, 11, 7), 8))
    changed = await services.refresh_tasks(now=local(date(2026, 11, 8), 9), home_ids=[home["id"]])
    row = (await tasks_of(home, "fire_patrol"))[("fire_patrol", "2026-11-05", "")]
    assert changed >= 1 and (row["done"], row["on_time"], row["status"]) == (1, 0, "done")
    assert await Task.count().where(Task.home == home["id"]) == count  # nothing created (Nov 7 and 8 neither)


async def test_list_tasks_in_scope_by_status_and_due_day(world):
    home = await opened(world)
    other = await opened(world)
    await services.generate_tasks(date(2026, 11, 4), now=local(date(2026, 11, 4), 12))
    scope = director_scope(home)
    mine = await services.list_tasks(scope, status="overdue", limit=5000)
    assert mine and {task.home for task in mine} == {home["code"]} and {task.status for task in mine} == {"overdue"}
    days = await services.list_tasks(scope, due_from=date(2026, 11, 2), due_to=date(2026, 11, 2), limit=5000)
    assert days and all(local(date(2026, 11, 2), 0) < task.due_at <= local(date(2026, 11, 3), 0) for task in days)
    with pytest.raises(NotFound):
        await services.list_tasks(scope, home_code=other["code"])
    with pytest.raises(Invalid):
        await services.list_tasks(scope, status="late")


async def test_the_next_day_counts_only_the_new_day_and_a_late_back_fill_before_the_window(world):
    home = await opened(world, on=date(2026, 9, 1))
    await services.generate_tasks(date(2026, 10, 10), now=local(date(2026, 10, 10), 12))  # from 2026-09-01
    september = (await tasks_of(home, "fire_patrol"))[("fire_patrol", "2026-09-05", "")]
    assert september["status"] == "overdue"
    await services.generate_tasks(date(2026, 11, 14), now=local(date(2026, 11, 14), 12))  # window from 2026-10-01
    await record(home, "fire_patrol", local(date(2026, 9, 5), 10), local(date(2026, 11, 15), 9))  # 补录, 71 days on
    await record(home, "fire_patrol", local(date(2026, 11, 14), 10), local(date(2026, 11, 15), 9))
    result = await services.generate_tasks(date(2026, 11, 15), now=local(date(2026, 11, 15), 12))
    tasks = await tasks_of(home, "fire_patrol")
    assert (tasks[("fire_patrol", "2026-09-05", "")]["done"], tasks[("fire_patrol", "2026-09-05", "")]["status"]) == (1, "done")
    assert (tasks[("fire_patrol", "2026-11-14", "")]["done"], tasks[("fire_patrol", "2026-11-14", "")]["on_time"]) == (1, 0)
    assert tasks[("fire_patrol", "2026-11-15", "")]["status"] == "open" and result.created >= 1


async def test_an_entry_before_its_homes_window_but_inside_anothers_is_not_a_task_of_its_home(world):
    """Two homes with different windows: a home registered on 2026-11-10 has no task for 11-05,
    though the older home's window holds that day; its entry of 11-05 (recorded later) is not
    counted as a task of its home, and the run does not stop on it (it once raised KeyError)."""
    older = await opened(world, on=date(2026, 10, 1))
    newer = await opened(world, on=date(2026, 11, 10))
    await services.generate_tasks(date(2026, 11, 14), now=local(date(2026, 11, 14), 12))
    await record(newer, "fire_patrol", local(date(2026, 11, 5), 10), local(date(2026, 11, 15), 9))  # before it opened
    await record(older, "fire_patrol", local(date(2026, 11, 5), 10), local(date(2026, 11, 15), 9))  # 补录
    await services.generate_tasks(date(2026, 11, 15), now=local(date(2026, 11, 15), 12))
    assert ("fire_patrol", "2026-11-05", "") not in await tasks_of(newer, "fire_patrol")
    late = (await tasks_of(older, "fire_patrol"))[("fire_patrol", "2026-11-05", "")]
    assert (late["done"], late["on_time"]) == (1, 0)
