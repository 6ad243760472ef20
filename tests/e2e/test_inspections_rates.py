"""The inspection pages in Chromium (issue 13 point 3): a director's tasks page on a phone
(390 px: today's task, the overdue one, the month's rates by checklist; nothing scrolls
sideways) and the county's compliance view at 1366 px and 390 px (the county's total the sum of
counts, the worst home first, a home's tasks one tap away); an inspector records a visit."""

from __future__ import annotations

import os

import pytest

from backend.core import dates
from backend.core.i18n import gettext as zh
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.inspections.rates_world import add_task, rates_world

SHOTS = os.environ.get("TEKUN_SCREENSHOTS")  # a folder: save what the browser showed


async def test_a_directors_tasks_page_on_a_phone(world, new_page):
    w = await rates_world(world)
    director = await world.user("director", home=w.home_a)
    page = await new_page(viewport=(390, 844))
    await log_in(page, director.username)
    await page.goto(f"/homes/{w.home_a}/tasks")
    assert await page.locator(f"#due-today li[data-task='{w.today_task}']").count() == 1
    assert await page.locator(f"#overdue-tasks li[data-task='{w.overdue_a}']").count() == 1
    # the newest month is open; last month is one tap away
    summary = page.locator(f"#month-{w.month} summary")
    box = await summary.bounding_box()
    assert box["height"] >= 44, box
    await summary.click()
    fire = page.locator(f"#month-{w.month} tr[data-routine='fire_patrol']")
    assert "33.3%" in await fire.inner_text()
    assert await horizontal_overflow(page) == 0, "the tasks page scrolls sideways on a phone"
    assert await page.locator(f"#month-{w.month} table.cards thead").is_hidden()  # cards on a phone
    nav = await page.inner_text("nav")
    assert zh("Tasks") in nav
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/home-tasks-390.png", full_page=True)


async def test_forty_overdue_tasks_on_a_phone_are_a_few_groups(world, new_page):
    """31 morning checks missed on consecutive days and 9 others: one line per routine, the
    details one tap away (a <details>, no script); the page stays short."""
    from datetime import timedelta

    from backend.inspections.tables import OVERDUE

    w = await rates_world(world)
    today = dates.today()
    for back in range(1, 32):
        await add_task(w.home_a, "morning_check", today - timedelta(days=back), 1, 0, 0, OVERDUE)
    for back, routine in enumerate(["kitchen_clean"] * 4 + ["night_patrol"] * 4, start=2):
        await add_task(w.home_a, routine, today - timedelta(days=back), 1, 0, 0, OVERDUE)
    director = await world.user("director", home=w.home_a)
    page = await new_page(viewport=(390, 844))
    await log_in(page, director.username)
    await page.goto(f"/homes/{w.home_a}/tasks")
    groups = page.locator("#overdue-tasks > li")
    assert await groups.count() == 4  # morning_check, kitchen_clean, night_patrol, fire_patrol
    assert await groups.first.get_attribute("data-routine") == "morning_check"
    assert "31" in await groups.first.locator("summary").inner_text()
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height  # 8,161 px when the 40 were listed one by one
    first = groups.first.locator("li[data-task]")
    assert await first.first.is_hidden()
    box = await groups.first.locator("summary").bounding_box()
    assert box["height"] >= 44, box
    await groups.first.locator("summary").click()
    assert await first.count() == 31 and await first.first.is_visible()
    assert await horizontal_overflow(page) == 0, "the tasks page scrolls sideways on a phone"
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/home-tasks-grouped-390.png", full_page=True)
        await page.evaluate("document.querySelector('#overdue-tasks details').open = false")
        await page.screenshot(path=f"{SHOTS}/home-tasks-grouped-closed-390.png", full_page=True)
    print("tasks page height at 390 px:", height)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
async def test_the_county_compliance_view(world, new_page, viewport):
    w = await rates_world(world)
    inspector = await world.user("inspector", county=w.county_x)
    page = await new_page(viewport=viewport)
    await log_in(page, inspector.username)
    await page.goto(f"/counties/{w.county_x}/compliance?from={w.month}&to={w.month}")
    assert await page.inner_text("#county-on-time-rate") == "62.5%"  # 5 of 8, not the mean 35.7 %
    rows = page.locator("table.compliance tbody tr")
    assert await rows.count() == 2
    assert await rows.first.get_attribute("data-home") == w.home_b  # 0 % first
    if viewport[0] < 600:
        assert await horizontal_overflow(page) == 0, "the compliance view scrolls sideways on a phone"
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/compliance-{viewport[0]}.png", full_page=True)
    async with page.expect_navigation():
        await page.locator(f"tr[data-home='{w.home_a}'] td.lead a").click()
    assert page.url.endswith(f"/homes/{w.home_a}/tasks")
    async with page.expect_navigation():
        await page.get_by_role("link", name=zh("Record an on-site inspection")).click()
    await page.fill("#f-visited_on", dates.today().isoformat())
    await page.fill("#f-findings", "消防通道畅通，灭火器在有效期内")
    async with page.expect_navigation():
        await page.locator("form.card button[type=submit]").click()
    assert zh("The on-site inspection is recorded.") in await page.inner_text("main")
    assert "消防通道畅通" in await page.inner_text("#visit-list")
    if viewport[0] < 600:
        assert await horizontal_overflow(page) == 0, "the tasks page scrolls sideways on a phone"
