"""A director records lunch's food samples on a phone (390×844) in Chromium: a 100 g dish is refused
in Chinese next to its row (nothing stored), corrected to 150 g and saved; the samples page lists it."""

from __future__ import annotations

from backend.core import dates
from backend.safety.tables import FoodSample, SafetyEntry
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.safety.food_helpers import add_cook, earlier_today
from tests.safety.helpers import home_row

PHONE = (390, 844)


async def test_director_records_lunch_samples_on_a_phone(world, new_page):
    home = await world.home(name="城关镇敬老院")
    director = await world.user("director", home=home)
    home_id = (await home_row(home))["id"]
    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{home}/safety/food-sample/new")
    async with page.expect_navigation():
        await page.click(".meal-tabs a[href='?meal=lunch']")
    assert await horizontal_overflow(page) == 0, "the sample form scrolls sideways on a phone"

    local = dates.local(earlier_today(0.25))
    await page.fill("#f-performed_at", local.strftime("%Y-%m-%dT%H:%M"))
    await page.fill("#f-taken_at", local.strftime("%H:%M"))
    await page.fill("#f-dish-0", "红烧肉")
    await page.fill("#f-grams-0", "100")
    await page.fill("#f-keeper", "王芳")
    await page.fill("#f-fridge", "1号留样柜")
    for label in await page.query_selector_all("fieldset.answer .big-choice.can"):
        await label.click()
    async with page.expect_navigation():
        await page.click("#sample-form button[type=submit]")
    error = await page.inner_text("#e-grams-0")
    assert "留样量不少于 125 克" in error and "餐饮服务食品安全操作规范" in error, error
    assert await horizontal_overflow(page) == 0, "the refused form scrolls sideways on a phone"
    assert await SafetyEntry.count().where(SafetyEntry.home == home_id) == 0
    assert await page.input_value("#f-dish-0") == "红烧肉"
    await page.fill("#f-grams-0", "150")
    async with page.expect_navigation():
        await page.click("#sample-form button[type=submit]")
    assert page.url.endswith(f"/homes/{home}/safety/samples"), page.url
    assert "红烧肉" in await page.inner_text("table.samples") and "午餐留样已登记" in await page.content()
    assert await horizontal_overflow(page) == 0, "the samples page scrolls sideways on a phone"
    rows = await FoodSample.select(FoodSample.grams, FoodSample.meal).where(FoodSample.home == home_id)
    assert rows == [{"grams": 150, "meal": "lunch"}]


async def test_the_other_food_and_outbreak_pages_fit_a_phone(world, new_page):
    county = await world.county()
    home = await world.home(county=county, name="城关镇敬老院")
    director = await world.user("director", home=home)
    inspector = await world.user("inspector", county=county)
    await add_cook((await home_row(home))["id"], "王师傅", None)
    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    for path in ("safety/morning-check/new", "safety/licence", "safety/samples", "outbreaks"):
        await page.goto(f"/homes/{home}/{path}")
        assert await horizontal_overflow(page) == 0, f"{path} scrolls sideways on a phone"
    # the outbreak report in two taps: open, then the symptom sends it
    await page.click("details.report > summary")
    async with page.expect_navigation():
        await page.click("#outbreak-form button[value=diarrhoea]")
    assert "疑似疫情已报告县级" in await page.content()
    assert await horizontal_overflow(page) == 0
    other = await new_page(viewport=PHONE)
    await log_in(other, inspector.username)
    await other.goto(f"/counties/{county}/outbreaks")
    assert "城关镇敬老院" in await other.inner_text("table") and await horizontal_overflow(other) == 0
    async with other.expect_navigation():
        await other.click("table form button[type=submit]")
    assert "已确认" in await other.content()
