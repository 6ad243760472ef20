"""A death report asks for confirmation first, in a real Chromium at phone width: the first send
says what will happen and records nothing; "change the report" keeps what was typed; only the
confirmation records the death, with a flash message."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.deaths.tables import DeathRecord
from backend.residents.schemas import ResidentIn
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id, register_person

PHONE = (390, 844)


async def test_a_death_report_asks_for_confirmation_before_it_is_recorded(world, new_page):
    county = await world.county(name="皋兰县")
    home = await world.home(county=county, name="石洞镇敬老院", beds=30)
    director = await world.user("director", home=home)
    person = await register_person(
        Scope.system(),
        ResidentIn(
            id_number=new_id("F"),
            name="杨秀英",
            county_code=county,
            approved_on=date(2024, 1, 5),
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )
    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/residents/{person.id}/death")
    died = dates.local(dates.now_utc() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    await page.fill("#f-died_at", died)
    await page.fill("#f-place", "本院")
    await page.fill("#f-reporter", "张院长")
    await page.fill("#f-funeral_arrangements", "县殡仪馆\n火化")
    async with page.expect_navigation():
        await page.click("#death-form button.primary")

    # The confirmation step: what will happen, in Chinese, and nothing recorded yet.
    confirm = page.locator("#death-confirm")
    assert await confirm.count() == 1
    said = await confirm.inner_text()
    assert zh("Please confirm") in said and "石洞镇敬老院" in said and "供养金" in said and "锁定" in said
    assert (
        zh("A death report cannot be withdrawn: a mistake is put right later by a correction, a new record that is audited.")
        in said
    )
    assert await horizontal_overflow(page) == 0, "the confirmation step scrolls sideways on a phone"
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0

    # Change the report: the form again with what was typed; nothing recorded.
    async with page.expect_navigation():
        await page.click("#death-edit button")
    assert await page.input_value("#f-reporter") == "张院长"
    assert await page.input_value("#f-died_at") == died
    await page.fill("#f-cause", "心力衰竭")
    async with page.expect_navigation():
        await page.click("#death-form button.primary")
    assert "心力衰竭" in await page.inner_text("#death-values")
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0

    # Confirmed: recorded, with a flash message, and the record in force shown.
    async with page.expect_navigation():
        await page.click("#death-confirm button.danger")
    assert page.url.endswith(f"/residents/{person.id}/death"), page.url
    assert zh("The death is recorded.") in await page.inner_text(".flash")
    assert "心力衰竭" in await page.inner_text("#death-record")
    record = await deaths.death_of(Scope.system(), person.id)
    assert record is not None and record.reporter == "张院长" and not record.late
    assert record.funeral_arrangements.replace("\r\n", "\n") == "县殡仪馆\n火化"
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 1
