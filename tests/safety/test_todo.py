"""The safety ledgers' "今日待办" (backend/core/todo.py): for a director, one item per routine
overdue (last night's missed night patrols: "夜间巡查 2 次未做"), and the routines due today and
not yet done; each links to its form. Nothing for an inspector from here."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

import backend.safety.views  # noqa: F401 - registers the to-do sources
from backend.core import dates, todo
from backend.core.security import Scope
from backend.safety import services
from backend.safety.views.todo_items import overdue_label, safety_due_today
from tests.safety.helpers import director_scope, entry_in, home_row

MEAL = "tableware_disinfection"


@pytest.fixture
def morning(monkeypatch):
    """The clock at 10:00 two days ago (the to-do sources read it)."""
    day = dates.today() - timedelta(days=2)
    now = dates.combine_local(day, time(10))
    monkeypatch.setattr(dates, "now_utc", lambda: now)
    monkeypatch.setattr(dates, "today", lambda: day)
    return day, now


async def _morning_entries(code: str, day, now) -> None:
    """Last night's 22:00 and 00:00 patrols done (02:00 and 04:00 missed), today's fire patrol done."""
    home = await home_row(code)
    scope = director_scope(home)
    night = day - timedelta(days=1)
    for performed in (dates.combine_local(night, time(22, 10)), dates.combine_local(day, time(0, 20))):
        await services.record_entry(scope, code, await entry_in(code, "night_patrol", performed_at=performed), now=performed)
    await services.record_entry(scope, code, await entry_in(code, performed_at=now - timedelta(hours=1)), now=now)


async def test_a_director_sees_what_is_overdue_and_what_is_still_due(world, morning):
    day, now = morning
    code = await world.home()
    home = await home_row(code)
    await _morning_entries(code, day, now)
    items = await safety_due_today(director_scope(home))
    by = {item.href.rsplit("/", 1)[-1]: item for item in items}
    night = by["night_patrol"]
    assert night.urgency == todo.OVERDUE and night.label == "夜间巡查 2 次未做" and night.kind == "safety_overdue"
    assert night.href == f"/homes/{code}/safety/new/night_patrol"
    assert "fire_patrol" not in by  # done today
    meal = by[MEAL]  # 10:00: breakfast's deadline (11:00) has not passed; three meals still due
    assert meal.urgency == todo.TODAY and meal.label == "餐具消毒 还有 3 次待做" and meal.kind == "safety_due"
    assert by["disinfection"].urgency == todo.TODAY and by["disinfection"].label == "清洁消毒 待做"
    assert "purchase_inspection" not in by  # per delivery: never due
    # a monthly routine is listed only in the last week of its month, as soon, with its last day
    last_day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if (last_day - day).days >= 7:
        assert "fire_inspection" not in by
    else:
        inspection = by["fire_inspection"]  # on the month's last day: today, without a date
        if last_day > day:
            assert inspection.urgency == todo.SOON and inspection.due == last_day
        else:
            assert inspection.urgency == todo.TODAY and inspection.due is None
    assert "evacuation_drill" not in by or by["evacuation_drill"].urgency == todo.SOON


async def test_the_items_reach_the_to_do_list_and_the_overview(world, morning):
    day, now = morning
    code = await world.home()
    home = await home_row(code)
    await _morning_entries(code, day, now)
    listed = await todo.items(director_scope(home))
    kinds = [item.kind for item in listed if item.kind.startswith("safety_")]
    assert kinds and kinds[0] == "safety_overdue"  # the most pressing first


async def test_nothing_overdue_once_done_and_nothing_for_an_inspector(world, morning):
    day, now = morning
    code = await world.home()
    home = await home_row(code)
    await _morning_entries(code, day, now)
    scope = director_scope(home)
    for performed in (dates.combine_local(day, time(2, 5)), dates.combine_local(day, time(4, 5))):
        await services.record_entry(scope, code, await entry_in(code, "night_patrol", performed_at=performed), now=now)
    items = await safety_due_today(scope)
    assert not [item for item in items if item.kind == "safety_overdue"]
    county_code = (await home_row(code))["county_code"]
    inspector = Scope(user_id=None, username="inspector.test", role="inspector", county_id=home["county_id"])
    assert await safety_due_today(inspector) == []
    assert county_code  # the home is in that county
    assert await safety_due_today(Scope.system("test")) == []


async def test_an_afternoon_with_breakfast_missed_is_overdue(world, morning):
    day, _now = morning
    code = await world.home()
    home = await home_row(code)
    afternoon = dates.combine_local(day, time(15))
    items = await services.due_today(director_scope(home), now=afternoon)
    meal = {item.routine: item for item in items}[MEAL]
    assert (meal.missed, meal.pending) == (1, 2)  # breakfast missed; lunch (till 15:30) and dinner due
    labels = {item.href.rsplit("/", 1)[-1]: item.label for item in await safety_due_today(director_scope(home))}
    assert labels[MEAL] == "餐具消毒 还有 3 次待做"  # the source's clock is still 10:00


async def test_a_monthly_routine_is_listed_in_the_last_week_of_its_month(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    month_end = dates.today().replace(day=1) - timedelta(days=1)  # the last day of last month
    for day, listed in ((month_end.replace(day=1), False), (month_end - timedelta(days=6), True), (month_end, True)):
        items = {item.routine: item for item in await services.due_today(scope, now=dates.combine_local(day, time(10)))}
        assert ("fire_inspection" in items) is listed, day
        if listed:
            assert items["fire_inspection"].due == month_end and items["fire_inspection"].pending == 1
    # done in that month: not listed any more
    performed = dates.combine_local(month_end - timedelta(days=10), time(9))
    await services.record_entry(scope, code, await entry_in(code, "fire_inspection", performed_at=performed), now=performed)
    items = {item.routine for item in await services.due_today(scope, now=dates.combine_local(month_end, time(10)))}
    assert "fire_inspection" not in items and "extinguisher_check" in items


async def test_one_missed_meal_is_counted_in_the_label(world, morning):
    day, _now = morning
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    # nothing recorded: at 15:00 breakfast's tableware disinfection is missed (one of three)
    afternoon = dates.combine_local(day, time(15))
    missed = [item for item in await services.due_today(scope, now=afternoon) if item.routine == MEAL]
    assert missed[0].missed == 1
    assert overdue_label(missed[0]) == "餐具消毒 1 次未做"


async def test_the_directors_overview_lists_the_items(world, signed_in):
    code = await world.home()
    client, _user = await signed_in("director", home=code)
    html = (await client.get("/")).text
    # tonight's night patrols are due at any hour of the day
    assert 'data-kind="safety_due"' in html and f'href="/homes/{code}/safety/new/night_patrol"' in html
    assert "夜间巡查" in html
    inspector, _user = await signed_in("inspector", county=(await home_row(code))["county_code"])
    assert 'data-kind="safety_' not in (await inspector.get("/")).text
