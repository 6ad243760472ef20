"""A director reads their notices on a phone (390×844) and a desktop (1366×768) in Chromium: the
navigation says 提醒 (1), the list fits the screen, "全部标为已读" clears the count; the e-mail
setting page fits a phone too."""

from __future__ import annotations

from backend.core import dates
from backend.notices import services
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.notices.helpers import add_task, morning

PHONE = (390, 844)
DESKTOP = (1366, 768)


async def test_a_director_reads_and_clears_notices_on_a_phone(world, new_page):
    home = await world.home(name="城关镇敬老院")
    director = await world.user("director", home=home)
    await add_task(home, "fire_patrol", dates.today())
    await services.send_notices(morning())
    for viewport in (DESKTOP, PHONE):
        page = await new_page(viewport=viewport)
        await log_in(page, director.username)
        await page.goto("/notices")
        assert "提醒 (1)" in await page.inner_text("nav.nav")
        assert "城关镇敬老院：今日到期任务 1 项，逾期任务 0 项。" in await page.inner_text("#notices")
        assert await horizontal_overflow(page) == 0, f"the notices page scrolls sideways at {viewport}"
        await page.goto("/account/notices")
        assert await horizontal_overflow(page) == 0, f"the e-mail setting scrolls sideways at {viewport}"
    await page.goto("/notices")
    async with page.expect_navigation():
        await page.click("#mark-all-read")
    assert "已将 1 条提醒标为已读。" in await page.content()
    assert "提醒 (1)" not in await page.inner_text("nav.nav")
    assert await horizontal_overflow(page) == 0
