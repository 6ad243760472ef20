"""The admission warning on a phone (390×844) in Chromium (issue 11 point 5): an inspector admits
a person to a home at the staff ratio, sees the warning sentence and the confirmation button,
confirms, and sees the admission recorded; the breach is recorded with who confirmed it."""

from __future__ import annotations

from backend.core import dates, formatting
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.residents.tables import Placement
from backend.staffing.tables import RatioBreach
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.staffing.admission_helpers import add_staff, assessed, fill, home_id

PHONE = (390, 844)


async def test_the_admission_warning_appears_when_an_admission_would_break_the_ratio(world, new_page):
    system = Scope.system()
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="城关镇敬老院", beds=30)
    hid = await home_id(system, home)
    await fill(system, county, home, 10)
    await add_staff(hid, 1)  # 10 residents, 1 staff: the 11th admission breaks the ratio
    inspector = await world.user("inspector", county=county)
    person = await assessed(system, county, "马秀珍")

    page = await new_page(viewport=PHONE)
    await log_in(page, inspector.username)
    await page.goto(f"/residents/{person.id}/placement")
    await page.check("input[name=kind][value=admit]")
    await page.select_option("select[name=home_code]", home)
    async with page.expect_navigation():
        await page.click("form.card button.primary[type=submit]")

    warning = page.locator("#breach-confirm")
    sentence = f"入住后需要 2 名工作人员，现有 1 名（{formatting.day(dates.today())}起）。"
    assert sentence in await warning.inner_text()
    button = warning.locator("button[type=submit]")
    assert (await button.inner_text()).strip() == "确认入住（低于配比）"
    assert await horizontal_overflow(page) == 0, "the confirmation step scrolls sideways on a phone"
    assert await Placement.count().where(Placement.resident == person.id) == 0  # nothing written yet

    async with page.expect_navigation():
        await button.click()
    assert page.url.endswith(f"/residents/{person.id}"), page.url
    text = await page.inner_text("main")
    assert zh("Admission recorded.") in text and "城关镇敬老院" in text
    breach = await RatioBreach.select().where(RatioBreach.home == hid).first()
    assert breach["confirmed_by"] == inspector.username and breach["subject"] == "马秀珍"
