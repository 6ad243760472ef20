"""A home's safety "today" (issue 12 point 6): what is due, done and overdue for a day, meals and
night slots as chips, back-filled entries counted, the open hazards; a director sees only their
home (404 for another), an inspector any home of their county."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from backend.core import dates
from backend.safety import services
from tests.safety.helpers import director_scope, entry_in, home_row

# The food routines may need details of their own (samples, the kitchen staff): the meal routine
# used here is tableware disinfection, which has none.
MEAL = "tableware_disinfection"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return dates.combine_local(day, time(hour, minute))


async def _a_day(code: str, day: date) -> None:
    """Fire patrol done on time (one failed item); breakfast's tableware on time, lunch's
    back-filled the next morning, dinner's missing; the 22:00 night patrol done, 0/2/4 missing."""
    home = await home_row(code)
    scope = director_scope(home)
    record = services.record_entry
    await record(scope, code, await entry_in(code, performed_at=at(day, 9), fail={"hydrants": "遮挡"}), now=at(day, 9, 5))
    await record(scope, code, await entry_in(code, MEAL, performed_at=at(day, 8)), now=at(day, 8, 10))
    await record(scope, code, await entry_in(code, MEAL, performed_at=at(day, 13)), now=at(day + timedelta(days=1), 9))
    await record(scope, code, await entry_in(code, "night_patrol", performed_at=at(day, 22, 30)), now=at(day, 22, 40))


async def test_a_day_with_some_done_some_missing_and_a_back_filled_entry(world):
    code = await world.home()
    home = await home_row(code)
    day = dates.today() - timedelta(days=5)
    await _a_day(code, day)
    page = await services.today_page(director_scope(home), code, day, now=at(day + timedelta(days=1), 12))
    by = {r.routine: r for r in page.routines}
    assert set(by) == set(services.ROUTINES)
    patrol = by["fire_patrol"]
    assert (patrol.due, patrol.done, patrol.on_time, patrol.overdue, patrol.group) == (1, 1, 1, False, "fire")
    meal = by[MEAL]
    assert (meal.due, meal.done, meal.on_time, meal.late, meal.missing) == (3, 2, 1, 1, ("dinner",))
    assert [(c.slot, c.state, c.late) for c in meal.chips] == [
        ("breakfast", "done", False),
        ("lunch", "done", True),
        ("dinner", "missed", False),
    ]
    night = by["night_patrol"]
    assert [(c.slot, c.state) for c in night.chips] == [("22", "done"), ("0", "missed"), ("2", "missed"), ("4", "missed")]
    assert night.overdue and night.missing == ("0", "2", "4")
    overdue = {r.routine for r in page.routines if r.overdue}
    assert overdue == {"night_patrol", MEAL, "food_sample", "morning_check", "disinfection", "ventilation"}
    assert page.overdue == 6 and page.backfilled == 1 and page.open_hazards == 1 and page.major_hazards == 0
    # a purchase inspection is never overdue; the longer routines are not overdue inside their period
    assert not by["purchase_inspection"].overdue and by["purchase_inspection"].due == 0
    assert by["fire_inspection"].last_done is None and not by["fire_inspection"].overdue
    assert [group for group, _rows in page.groups] == ["fire", "food", "infection"]


async def test_the_same_day_seen_in_the_morning_shows_what_is_still_due(world):
    code = await world.home()
    home = await home_row(code)
    day = dates.today() - timedelta(days=3)
    await _a_day(code, day)
    page = await services.today_page(director_scope(home), code, day, now=at(day, 10))
    by = {r.routine: r for r in page.routines}
    # at 10:00 the lunch and dinner are still due, the night is ahead; nothing of them is missed
    assert [(c.slot, c.state) for c in by[MEAL].chips] == [("breakfast", "done"), ("lunch", "done"), ("dinner", "due")]
    assert by["night_patrol"].pending == 3 and not by["night_patrol"].overdue
    assert by["disinfection"].pending == 1 and not by["disinfection"].overdue


async def test_a_monthly_routine_shows_when_it_was_last_done(world):
    code = await world.home()
    home = await home_row(code)
    day = dates.today() - timedelta(days=40)
    scope = director_scope(home)
    await services.record_entry(scope, code, await entry_in(code, "fire_inspection", performed_at=at(day, 10)), now=at(day, 11))
    later = day + timedelta(days=35)  # another month: not done this month, last done on ``day``
    page = await services.today_page(scope, code, later, now=at(later, 12))
    inspection = {r.routine: r for r in page.routines}["fire_inspection"]
    assert dates.local(inspection.last_done).date() == day
    assert inspection.done == 0 and inspection.due == 1
    same = {r.routine: r for r in (await services.today_page(scope, code, day, now=at(day, 12))).routines}
    assert same["fire_inspection"].done == 1


def _count(html: str, name: str) -> int:
    match = re.search(rf'id="count-{name}">(\d+)<', html)
    assert match, f"no count-{name} on the page"
    return int(match[1])


async def test_the_page_shows_the_counts_chips_and_links(world, signed_in):
    code = await world.home()
    day = dates.today() - timedelta(days=5)
    await _a_day(code, day)
    client, _user = await signed_in("director", home=code)
    response = await client.get(f"/homes/{code}/safety", params={"date": day.isoformat()})
    assert response.status_code == 200, response.text
    html = response.text
    # seen days later: everything of that day whose deadline passed without an entry is overdue
    assert _count(html, "overdue") == 6 and _count(html, "backfilled") == 1 and _count(html, "hazards") == 1
    assert "消防" in html and "食品" in html and "传染病防控" in html
    assert f'href="/homes/{code}/safety/new/fire_patrol"' in html
    assert f'href="/homes/{code}/hazards"' in html and f'href="/homes/{code}/safety/entries"' in html
    # missed: tableware's dinner, the three meals' food samples, three night slots
    assert html.count('data-state="missed"') == 7 and 'data-slot="lunch" data-state="done"' in html
    assert "补录" in html
    card = re.search(r'<a class="routine-card[^"]*" id="routine-night_patrol".*?</a>', html, re.S)[0]
    assert "is-overdue" in card and "已完成 1/4" in card, card


async def test_a_bad_date_is_refused_in_chinese(world, signed_in):
    code = await world.home()
    client, _user = await signed_in("director", home=code)
    response = await client.get(f"/homes/{code}/safety", params={"date": "2026-02-30"})
    assert response.status_code == 400
    assert 'id="e-date"' in response.text and "日期" in response.text


async def test_a_director_is_refused_another_home_and_an_inspector_sees_the_county(world, signed_in):
    county = await world.county()
    code, other = await world.home(county=county), await world.home(county=county)
    client, _user = await signed_in("director", home=code)
    assert (await client.get(f"/homes/{other}/safety")).status_code == 404
    assert (await client.get(f"/homes/{code}/safety")).status_code == 200
    inspector, _user = await signed_in("inspector", county=county)
    response = await inspector.get(f"/homes/{other}/safety")
    assert response.status_code == 200
    assert 'href="/homes/' not in re.search(r'id="group-fire".*?</section>', response.text, re.S)[0]  # no "record" links
    stranger, _user = await signed_in("inspector", county=await world.county())
    assert (await stranger.get(f"/homes/{code}/safety")).status_code == 404
    finance, _user = await signed_in("finance", county=county)
    assert (await finance.get(f"/homes/{code}/safety")).status_code == 403


async def test_today_shows_last_nights_missed_patrols(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    day = dates.today() - timedelta(days=2)
    night = day - timedelta(days=1)
    for performed in (at(night, 22, 10), at(day, 0, 20)):
        await services.record_entry(scope, code, await entry_in(code, "night_patrol", performed_at=performed), now=performed)
    seen_that_morning = await services.today_page(scope, code, day, now=at(day, 10))
    patrol = {r.routine: r for r in seen_that_morning.routines}["night_patrol"]
    assert patrol.missed_before == ("2", "4") and not patrol.overdue and patrol.pending == 4
    assert seen_that_morning.overdue >= 1
    # looking back at that day later, the night before is that night's own page
    later = await services.today_page(scope, code, day, now=at(day + timedelta(days=3), 10))
    assert {r.routine: r for r in later.routines}["night_patrol"].missed_before == ()


async def test_yesterdays_patrol_not_done_is_overdue_today_once_the_home_keeps_its_ledger(world):
    """A daily routine left undone yesterday shows today ("昨日未做") and is counted overdue, once the
    home kept its ledger through yesterday (its first entry earlier); the home's first day is not
    held against it."""
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    today = dates.today()
    now = dates.now_utc()
    page = await services.today_page(scope, code, today, now)
    assert {r.routine: r for r in page.routines}["fire_patrol"].missed_before == ()
    two_days_ago = dates.combine_local(today - timedelta(days=2), time(9))
    await services.record_entry(scope, code, await entry_in(code, performed_at=two_days_ago), now=two_days_ago)
    page = await services.today_page(scope, code, today, now)
    routines = {r.routine: r for r in page.routines}
    assert routines["fire_patrol"].missed_before == ("",)  # yesterday: not done
    assert routines["disinfection"].missed_before == ("",)
    assert routines["fire_inspection"].missed_before == ()  # last month: the ledger began after its first day
    yesterday = dates.combine_local(today - timedelta(days=1), time(9))
    await services.record_entry(scope, code, await entry_in(code, performed_at=yesterday), now=yesterday)
    routines = {r.routine: r for r in (await services.today_page(scope, code, today, now)).routines}
    assert routines["fire_patrol"].missed_before == ()
