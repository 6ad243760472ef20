"""The county's hazard view in Chromium (issue 12 point 6): an inspector, on a desktop (1366 px)
and on a phone (390 px), sees the major hazard waiting for verification first, opens it and
verifies it; the page does not scroll sideways on the phone."""

from __future__ import annotations

import os

import pytest

from backend.core.i18n import gettext as zh
from backend.safety import services
from backend.safety.hazard_schemas import FixIn, ManualHazardIn
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.safety.helpers import director_scope, home_row

SHOTS = os.environ.get("TEKUN_SCREENSHOTS")  # a folder: save what the browser showed


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
async def test_an_inspector_sees_a_major_hazard_first_and_verifies_it(world, new_page, viewport):
    county = await world.county(name="榆中县")
    calm = await world.home(county=county, name="新营乡敬老院")
    busy = await world.home(county=county, name="城关镇敬老院")
    inspector = await world.user("inspector", county=county)
    await services.open_hazard(inspector.scope, calm, ManualHazardIn(title="指示灯不亮"))
    await services.open_hazard(inspector.scope, calm, ManualHazardIn(title="配电箱无盖", major=True))
    waiting = await services.open_hazard(inspector.scope, busy, ManualHazardIn(title="安全出口上锁", major=True))
    await services.record_fix(director_scope(await home_row(busy)), waiting.hazard.id, FixIn(note="挂锁已拆除"))

    page = await new_page(viewport=viewport)
    await log_in(page, inspector.username)
    await page.goto(f"/counties/{county}/hazards")
    first = page.locator("#major-hazards li").first
    assert await first.get_attribute("data-hazard") == str(waiting.hazard.id)
    assert zh("Awaiting county verification") in await first.inner_text()
    assert await page.locator("#homes tbody tr").first.get_attribute("data-home") == busy
    if viewport[0] < 600:
        assert await horizontal_overflow(page) == 0, "the county's hazard view scrolls sideways on a phone"
        assert await page.locator("table.cards thead").is_hidden()  # cards on a phone
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/county-hazards-{viewport[0]}.png", full_page=True)
    async with page.expect_navigation():
        await first.locator("a").click()
    await page.fill("#verify-form textarea[name=note]", "现场核验，后门已畅通")
    button = page.locator("#verify-form button[type=submit]")
    box = await button.bounding_box()
    assert box["height"] >= 44, box  # a tap target
    async with page.expect_navigation():
        await button.click()
    assert zh("Verified: the hazard is closed.") in await page.inner_text("main")
    assert zh("Closed") in await page.inner_text("#hazard-status")
    if viewport[0] < 600:
        assert await horizontal_overflow(page) == 0, "the hazard page scrolls sideways on a phone"
    await page.goto(f"/counties/{county}/hazards")
    assert await page.locator(f"#major-hazards li[data-hazard='{waiting.hazard.id}']").count() == 0


async def test_the_board_and_a_hazard_on_a_director_phone(world, new_page):
    code = await world.home(name="城关镇敬老院")
    home = await home_row(code)
    director = await world.user("director", home=code)
    major = await services.open_hazard(
        director_scope(home), code, ManualHazardIn(title="安全出口上锁，后门长期上锁无法开启", major=True, note="x" * 300)
    )
    page = await new_page(viewport=(390, 844))
    await log_in(page, director.username)
    await page.goto(f"/homes/{code}/hazards")
    card = page.locator(f"li[data-hazard='{major.hazard.id}']")
    assert zh("Major hazard") in await card.inner_text()
    assert await horizontal_overflow(page) == 0, "the hazard board scrolls sideways on a phone"
    async with page.expect_navigation():
        await card.locator("a").click()
    assert await page.locator("#fix-form").count() == 1 and await page.locator("#verify-form").count() == 0
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/hazard-phone.png", full_page=True)
    assert await horizontal_overflow(page) == 0, "the hazard page scrolls sideways on a phone"
