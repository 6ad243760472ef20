"""A director records the home's care observation on a phone (390×844) in Chromium: six big
can/cannot choices, the tier shown live before saving, then the observation on the person's page
(the county's tier unchanged)."""

from __future__ import annotations

from datetime import date

from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ResidentIn
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id, register_person

PHONE = (390, 844)


async def test_director_records_an_assessment_on_a_phone(world, new_page):
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="城关镇敬老院", beds=30)
    director = await world.user("director", home=home)
    person = await register_person(
        Scope.system(),
        ResidentIn(
            id_number=new_id("F"),
            name="马桂兰",
            county_code=county,
            approved_on=date(2024, 1, 5),
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )
    await services.record_assessment(
        Scope.system(),
        person.id,
        AssessmentIn(
            assessed_on=date(2024, 2, 1),
            eat=True,
            dress=True,
            transfer=True,
            toilet=True,
            walk=True,
            bathe=True,
        ),
    )

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{home}/roster")
    await page.click("text=马桂兰")
    assert page.url.endswith(f"/residents/{person.id}"), page.url
    assert zh("Able to care for themselves") in await page.inner_text("#person-tier")

    async with page.expect_navigation():
        await page.click("#record-observation")  # a director's six answers: the home's care observation
    assert await horizontal_overflow(page) == 0, "the assessment form scrolls sideways on a phone"
    choice = page.locator("label.big-choice.cannot:has(input[name=eat]) span")
    box = await choice.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 120, f"the choices are too small to tap: {box}"

    # Four "cannot", two "can": the tier is shown live, before saving.
    for item in ("eat", "dress", "transfer", "toilet"):
        await page.click(f"label.big-choice.cannot:has(input[name={item}]) span")
    await page.click("label.big-choice.can:has(input[name=walk]) span")
    preview = page.locator("#tier-preview")
    assert await preview.inner_text() != zh("Fully unable to care for themselves")  # five of six answered
    await page.click("label.big-choice.can:has(input[name=bathe]) span")
    assert await preview.inner_text() == zh("Fully unable to care for themselves")
    # Changing one answer to "can" (three cannot) moves it back to partial.
    await page.click("label.big-choice.can:has(input[name=toilet]) span")
    assert await preview.inner_text() == zh("Partly unable to care for themselves")
    await page.click("label.big-choice.cannot:has(input[name=toilet]) span")
    assert await preview.inner_text() == zh("Fully unable to care for themselves")

    async with page.expect_navigation():
        await page.click("#save-assessment")
    assert page.url.endswith(f"/residents/{person.id}"), page.url
    tier = await page.inner_text("#person-tier")  # the county's tier stays (domain rules §2)
    assert zh("Able to care for themselves") in tier
    assert zh("Fully unable to care for themselves") in await page.inner_text("#observations")
    assert await horizontal_overflow(page) == 0, "the person's page scrolls sideways on a phone"
    history = await services.list_assessments(Scope.system(), person.id)
    assert [(record.tier, record.authority) for record in history] == [("self_care", "county"), ("full_loss", "home")]
