"""A director reports a death on a phone (390×844) in Chromium; the county's inspector then sees
the late report at once on the death register. Uses the browser fixtures of tests/e2e."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.core import dates
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.residents.schemas import ResidentIn
from backend.residents.tables import Resident
from tests.e2e.conftest import base_url, browser, new_page  # noqa: F401 - the browser fixtures
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id, register_person

PHONE = (390, 844)
pytestmark = pytest.mark.browser


async def test_a_director_reports_a_late_death_on_a_phone(world, new_page):  # noqa: F811
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="和平镇敬老院", beds=20)
    director = await world.user("director", home=home)
    inspector = await world.user("inspector", county=county)
    person = await register_person(
        Scope.system(),
        ResidentIn(
            id_number=new_id("M"),
            name="马福贵",
            county_code=county,
            approved_on=date(2024, 1, 5),
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/residents/{person.id}/death")
    assert await horizontal_overflow(page) == 0, "the death report form scrolls sideways on a phone"
    died = dates.local(dates.now_utc() - timedelta(hours=26)).strftime("%Y-%m-%dT%H:%M")
    await page.fill("#f-died_at", died)
    await page.fill("#f-place", "本院")
    await page.fill("#f-cause", "心力衰竭")
    await page.fill("#f-certificate_no", "YZ-2026-001")
    await page.fill("#f-reporter", "王院长")
    await page.fill("#f-funeral_arrangements", "县殡仪馆火化")
    async with page.expect_navigation():
        await page.click("form.card button.primary")
    assert await page.locator("#death-confirm").count() == 1  # asked first (tests/e2e/test_death_confirmation.py)
    assert await horizontal_overflow(page) == 0, "the confirmation step scrolls sideways on a phone"
    async with page.expect_navigation():
        await page.click("#death-confirm button.danger")
    assert page.url.endswith(f"/residents/{person.id}/death"), page.url
    assert await page.locator("#late-flag").count() == 1
    assert "YZ-2026-001" in await page.inner_text("#death-record")
    assert await horizontal_overflow(page) == 0

    record = await deaths.death_of(Scope.system(), person.id)
    assert record.late and record.home_code == home and record.reporter == "王院长"
    assert (await Resident.select(Resident.home).where(Resident.id == person.id).first())["home"] is None

    county_page = await new_page(viewport=PHONE)
    await log_in(county_page, inspector.username)
    await county_page.goto(f"/counties/{county}/deaths")
    assert "马福贵" in await county_page.inner_text("#late-notices")
    assert await horizontal_overflow(county_page) == 0, "the death register scrolls sideways on a phone"
