"""A director fills a week's duty roster on a phone (390×844) in Chromium: name chips big enough
to tap, one night left empty, the submit shows the gap naming that night before anything is
saved; "go back and fix" leads to the night, the director ticks someone and the week is saved."""

from __future__ import annotations

from datetime import timedelta

from backend.core.i18n import gettext as zh
from backend.staffing import services
from backend.staffing.tables import RosterShift
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.staffing.roster_helpers import add_post, home_id, monday

PHONE = (390, 844)


def chip(day, shift: str, staff_id: int) -> str:
    return f'label.chip:has(input[name="{day.isoformat()}.{shift}"][value="{staff_id}"]) span'


async def test_director_fills_a_week_and_sees_the_empty_night(world, system, new_page):
    code = await world.home(name="东岗镇敬老院")
    hid = await home_id(system, code)
    day_worker = await add_post(hid, "王白班")
    night_worker = await add_post(hid, "李夜班")
    director = await world.user("director", home=code)
    week = monday(1)
    wednesday = week + timedelta(days=2)

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/duty?week={week.isoformat()}")
    assert await horizontal_overflow(page) == 0, "the duty week scrolls sideways on a phone"
    box = await page.locator(chip(week, "night", night_worker)).bounding_box()
    assert box["height"] >= 44 and box["width"] >= 80, f"the name chips are too small to tap: {box}"

    for offset in range(7):
        day = week + timedelta(days=offset)
        await page.click(chip(day, "day", day_worker))
        if day != wednesday:  # Wednesday night is left empty
            await page.click(chip(day, "night", night_worker))
    async with page.expect_navigation():
        await page.click("#save-roster")

    warning = page.locator("#duty-gaps")
    expected = zh("{day}: nobody is on the night shift.").format(day=services.day_label(wednesday))
    assert expected in await warning.inner_text()
    assert await RosterShift.count().where(RosterShift.home == hid) == 0, "saved before the gap was confirmed"
    assert await page.is_checked(f'input[name="{week.isoformat()}.night"][value="{night_worker}"]')  # what was ticked stays
    assert await horizontal_overflow(page) == 0

    # Go back and fix: the link leads to Wednesday, where the director ticks the night worker.
    await page.click("#fix-gaps")
    assert page.url.endswith(f"#day-{wednesday.isoformat()}")
    await page.click(chip(wednesday, "night", night_worker))
    async with page.expect_navigation():
        await page.click("#save-roster")
    assert "#duty-gaps" not in page.url and await page.locator("#duty-gaps").count() == 0
    assert zh("The duty roster is saved.") in await page.inner_text("body")
    assert await RosterShift.count().where(RosterShift.home == hid) == 14
    week_read = await services.week_roster(system, code, week)
    assert week_read.gaps == [] and week_read.assigned[(wednesday, "night")] == {night_worker}
