"""A hand-counted fixture of tasks for the inspection pages and API (tests/inspections/test_pages*,
test_api*): county X with homes A and B, county Y with home C; every task of last month has ended.

Last month (month ``M``):
- A: fire_patrol done on time; fire_patrol done late (补录); fire_patrol missed (overdue);
  night_patrol 4 of 4 on time; fire_patrol cancelled (counts nowhere)
  → expected 7, done 6, on time 5, late 1, missed 1 (on-time rate 5/7 = 71.4 %);
- B: fire_patrol missed (overdue) → 1, 0, 0 (0 %);
- county X: 8, 6, 5 → on-time rate 5/8 = 62.5 % (the mean of the homes' rates would be 35.7 %);
- C (county Y): fire_patrol done on time → 1, 1, 1.
Today: A has one fire_patrol open and due today (not yet counted in any rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from backend.core import dates
from backend.inspections.tables import CANCELLED, DONE, OPEN, OVERDUE, Task
from backend.registry.tables import Home


async def ids_of(code: str) -> tuple[int, int]:
    row = await Home.select(Home.id, Home.county).where(Home.code == code).first()
    return row["id"], row["county"]


async def add_task(home: str, routine: str, day: date, expected: int, done: int, on_time: int, status: str = DONE) -> int:
    home_id, county_id = await ids_of(home)
    now = dates.now_utc()
    deadline = dates.combine_local(day + timedelta(days=1), time(2, 0))  # the day's end plus the 2 h grace
    task = Task(
        home=home_id,
        county=county_id,
        source="safety",
        routine=routine,
        period=day.isoformat(),
        period_start=day,
        period_end=day,
        month=f"{day:%Y-%m}",
        due_at=deadline - timedelta(hours=2),
        deadline=deadline,
        expected=expected,
        done=done,
        on_time=on_time,
        status=status,
        created_at=now,
        updated_at=now,
    )
    await task.save()
    return task.id


@dataclass(frozen=True)
class RatesWorld:
    county_x: str
    county_y: str
    home_a: str
    home_b: str
    home_c: str
    month: str  # last month, YYYY-MM
    today_task: int
    overdue_a: int


async def rates_world(world) -> RatesWorld:
    county_x = await world.county(name="达标县")
    county_y = await world.county(name="外县")
    home_a = await world.home(county_x, name="甲敬老院")
    home_b = await world.home(county_x, name="乙敬老院")
    home_c = await world.home(county_y, name="丙敬老院")
    today = dates.today()
    first = dates.add_months(dates.month_of(today), -1)
    await add_task(home_a, "fire_patrol", first, 1, 1, 1)
    await add_task(home_a, "fire_patrol", first + timedelta(days=1), 1, 1, 0)
    overdue_a = await add_task(home_a, "fire_patrol", first + timedelta(days=2), 1, 0, 0, OVERDUE)
    await add_task(home_a, "night_patrol", first, 4, 4, 4)
    await add_task(home_a, "fire_patrol", first + timedelta(days=3), 1, 0, 0, CANCELLED)
    await add_task(home_b, "fire_patrol", first, 1, 0, 0, OVERDUE)
    await add_task(home_c, "fire_patrol", first, 1, 1, 1)
    today_task = await add_task(home_a, "fire_patrol", today, 1, 0, 0, OPEN)
    return RatesWorld(county_x, county_y, home_a, home_b, home_c, dates.month_text(first), today_task, overdue_a)
