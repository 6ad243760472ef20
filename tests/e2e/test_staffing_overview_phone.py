"""The staffing pages on a phone (390×844) in Chromium: the home's page (today's ratio in large
type, the month's calendar, the chart) and the county's homes as cards, without sideways
scrolling and without breaking the Content-Security-Policy (checked by the fixtures)."""

from __future__ import annotations

import os
from datetime import timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.staffing import ratio_helpers as h

PHONE = (390, 844)
SHOTS = os.environ.get("TEKUN_SCREENSHOTS")  # a folder: save what the phone showed


async def test_the_staffing_pages_on_a_phone(world, new_page):
    today = dates.today()
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="城关镇敬老院")
    await h.residents_in(county, home, 11, today - timedelta(days=60))
    first = await h.post(home, today - timedelta(days=200), name="王院长")
    await h.post(home, today - timedelta(days=200), post="carer", name="李护理")
    await h.post(home, today - timedelta(days=200), post="cook", name="张师傅", health_cert_expires=today + timedelta(days=4))
    await h.leave(first, today, today)
    await h.leave(first, today - timedelta(days=20), today - timedelta(days=18))
    other = await world.home(county=county, name="新营乡敬老院")
    await h.post(other, today - timedelta(days=30), post="carer", name="孤单护理")

    director = await world.user("director", home=home)
    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{home}/staffing")
    big = await page.inner_text(".ratio-big")
    assert big == zh("Today {staff} staff / {required} needed").format(staff=2, required=2)
    assert await horizontal_overflow(page) == 0, "the home's staffing page scrolls sideways on a phone"
    assert await page.locator(".chart-wide svg").is_hidden()  # a narrower chart is drawn for the phone
    chart = await page.locator(".chart-narrow svg.ratio-chart").bounding_box()
    assert 300 <= chart["width"] <= PHONE[0] and chart["height"] > 150, chart
    cell = await page.locator("table.calendar td.today").bounding_box()
    assert cell["width"] >= 40, cell  # a day can be read and tapped
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/staffing-home.png", full_page=True)

    inspector = await world.user("inspector", county=county)
    page = await new_page(viewport=PHONE)
    await log_in(page, inspector.username)
    await page.goto(f"/counties/{county}/staffing")
    assert await horizontal_overflow(page) == 0, "the county's staffing view scrolls sideways on a phone"
    assert await page.locator("table.cards thead").is_hidden()  # cards, not a table, on a phone
    card = page.locator(f"tr[data-home='{other}']")
    assert zh("no trained carer") in await card.inner_text()
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/staffing-county.png", full_page=True)
