"""A director fills a week's duty roster on a phone (390×844) in Chromium: name chips big enough
to tap, one night left empty, the submit shows the gap naming that night before anything is
saved; "go back and fix" leads to the night, the director ticks someone and the week is saved."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh
from backend.registry import services as registry
from backend.registry.schemas import HomePatch
from backend.staffing import services
from backend.staffing.roster_schemas import LeaveIn
from backend.staffing.tables import RosterShift
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.staffing.roster_helpers import add_post, home_id, monday

PHONE = (390, 844)


def chip(day, shift: str, staff_id: int) -> str:
    return f'label.chip:has(input[name="{day.isoformat()}.{shift}"][value="{staff_id}"]) > span'


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
    assert box["height"] >= 40 and box["width"] >= 44, f"the name chips are too small to tap: {box}"

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


NAMES = ("王建国", "李秀英", "张伟", "刘芳", "陈志强", "杨丽", "赵敏", "黄海涛", "周婷", "吴刚")


async def test_the_week_is_compact_on_a_phone(world, system, new_page):
    """Ten people, a fire control room, nothing saved yet (every shift a gap): the week is about
    3,470 px tall on a 390 px phone (6,228 px with one shift under the other and wide chips), the
    day and night shifts side by side, the chips still tall enough to tap (40 px), the 消 mark
    saying what it means."""
    code = await world.home(name="西岭乡敬老院")
    hid = await home_id(system, code)
    await registry.update_home(system, code, HomePatch(has_fire_control_room=True))
    ids = [await add_post(hid, name, fire_operator_cert=index % 3 == 0) for index, name in enumerate(NAMES)]
    director = await world.user("director", home=code)
    week = monday(1)

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/duty?week={week.isoformat()}")
    await page.screenshot(path="/tmp/fix1-duty-390.png", full_page=True)
    height = await page.evaluate("document.documentElement.scrollHeight")
    print(f"duty week at 390 px: {height} px tall")
    assert height <= 3600, f"the duty week is {height} px tall on a phone (6,228 px before the grid)"
    assert await horizontal_overflow(page) == 0
    day_box = await page.locator(f"#day-{week.isoformat()} .shift-day").bounding_box()
    night_box = await page.locator(f"#day-{week.isoformat()} .shift-night").bounding_box()
    assert abs(day_box["y"] - night_box["y"]) < 2 and night_box["x"] > day_box["x"], "the shifts are not side by side"
    for staff_id in ids:
        box = await page.locator(chip(week, "night", staff_id)).bounding_box()
        assert box["height"] >= 40 and box["width"] >= 44, f"a name chip is too small to tap: {box}"
    mark = page.locator(f"{chip(week, 'day', ids[0])} .cert")
    assert await mark.inner_text() == zh("Fire op.")
    assert await mark.get_attribute("aria-label") == zh("Holds a fire-facility operator certificate")


async def test_the_leave_list_reads_on_a_phone(world, system, new_page):
    """The leave page at 390 px: the list's title is one line (a caption stacked one character a
    line), and each card shows the reason as a desktop row does."""
    code = await world.home(name="南山镇敬老院")
    hid = await home_id(system, code)
    staff = await add_post(hid, "孙护理")
    today = dates.today()
    await services.record_leave(
        system,
        code,
        LeaveIn(staff_id=staff, first_day=today, last_day=today + timedelta(days=2), approved_by="院长", reason="探亲"),
    )
    director = await world.user("director", home=code)
    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/leave")
    await page.screenshot(path="/tmp/fix1-leave-390.png", full_page=True)
    title = await page.locator("#leave-list-title").bounding_box()
    assert title["height"] < 60 and title["width"] > 60, f"the list's title is stacked: {title}"
    reason = page.locator('table.leave-list td:has-text("探亲")')
    assert await reason.is_visible(), "the reason is left out on a phone"
    assert await horizontal_overflow(page) == 0
