"""A director opens the safety "today" page on a phone (390×844) in Chromium: sees what is done,
still due and (on an earlier day) overdue in red, nothing scrolls sideways, and one tap on a
routine leads to its form."""

from __future__ import annotations

from datetime import time, timedelta

from backend.core import dates
from backend.safety import services
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.safety.helpers import director_scope, entry_in, home_row

PHONE = (390, 844)


async def test_director_sees_the_day_and_taps_a_routine_on_a_phone(world, new_page):
    county = await world.county(name="榆中县")
    code = await world.home(county=county, name="城关镇敬老院")
    director = await world.user("director", home=code)
    home = await home_row(code)
    scope = director_scope(home, director.username)
    # today: the daily disinfection done; two days ago: the fire patrol done, the rest missed
    await services.record_entry(scope, code, await entry_in(code, "disinfection"))
    earlier = dates.today() - timedelta(days=2)
    performed = dates.combine_local(earlier, time(9))
    await services.record_entry(scope, code, await entry_in(code, performed_at=performed), now=performed)

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/safety")
    assert "今日安全台账" in await page.inner_text("h1")
    assert await horizontal_overflow(page) == 0, "the today page scrolls sideways on a phone"
    assert "is-done" in await page.get_attribute("#routine-disinfection", "class")
    assert int(await page.inner_text("#count-pending")) > 0
    box = await page.locator("#routine-fire_patrol").bounding_box()
    assert box and box["height"] >= 56 and box["width"] >= 300, box  # one big tap target

    await page.goto(f"/homes/{code}/safety?date={earlier.isoformat()}")
    assert await horizontal_overflow(page) == 0, "an earlier day scrolls sideways on a phone"
    assert "is-done" in await page.get_attribute("#routine-fire_patrol", "class")
    night = page.locator("#routine-night_patrol")
    assert "is-overdue" in await night.get_attribute("class")
    assert await night.locator(".chip-missed").count() == 4
    colour = await night.evaluate("element => getComputedStyle(element).borderLeftColor")
    assert colour == "rgb(179, 38, 30)", colour  # overdue in red
    assert int(await page.inner_text("#count-overdue")) >= 5

    await page.goto(f"/homes/{code}/safety/entries")
    assert await horizontal_overflow(page) == 0, "the history scrolls sideways on a phone"
    assert await page.locator(".history-row").count() == 2
    await page.goto(f"/homes/{code}/safety/settings")
    assert await horizontal_overflow(page) == 0, "the settings scroll sideways on a phone"

    await page.goto(f"/homes/{code}/safety")
    async with page.expect_navigation():
        await page.click("#routine-fire_patrol")
    assert page.url.endswith(f"/homes/{code}/safety/new/fire_patrol"), page.url
