"""A director's day on a phone, in Chromium: "今日待办" on the overview shows an overdue assessment,
tapping it opens the assessment form, saving it leaves a message and takes it off the list; the
residents lists (roster, due list, person's page, public roster) fit a 390 px phone without
sideways scrolling, even inside their boxes; the public roster prints on A4; at 1366 px no table
cuts a column."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ResidentIn
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id, register_person

PHONE = (390, 844)
DESKTOP = (1366, 900)
A4_CONTENT_WIDTH = 703  # CSS px of A4 portrait (210 mm) less the public roster's 12 mm margins
ALL_CAN = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), True)

# Every table on the page: its width against the box it sits in and the viewport.
TABLES_JS = """() => [...document.querySelectorAll('table')].map(t => ({
    cls: t.className, width: t.scrollWidth, box: t.parentElement.clientWidth,
    boxScroll: t.parentElement.scrollWidth, viewport: document.documentElement.clientWidth}))"""


async def _home_with_people(world, names: list[str]):
    county = await world.county(name="永登县")
    home = await world.home(county=county, name="永登县中心敬老院", beds=60)
    people = []
    for index, name in enumerate(names):
        person = await register_person(
            Scope.system(),
            ResidentIn(
                id_number=new_id("F" if index % 2 else "M"),
                name=name,
                county_code=county,
                approved_on=date(2020, 1, 5),
                home_code=home,
                admitted_on=date(2020, 2, 1),
            ),
        )
        people.append(person)
    return county, home, people


async def test_a_directors_to_do_shows_an_overdue_assessment_that_opens_the_form(world, new_page):
    county, home, (late, fresh) = await _home_with_people(world, ["欧阳秀兰", "李长顺"])
    today = dates.today()
    await services.record_assessment(Scope.system(), late.id, AssessmentIn(assessed_on=today - timedelta(days=420), **ALL_CAN))
    await services.record_assessment(Scope.system(), fresh.id, AssessmentIn(assessed_on=today - timedelta(days=20), **ALL_CAN))
    director = await world.user("director", home=home)

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto("/")
    todo = page.locator("#todo")
    item = todo.locator("li.todo-item[data-kind=assessment_overdue]", has_text="欧阳秀兰")
    assert await item.count() == 1, await todo.inner_text()
    assert zh("Annual review") in await item.inner_text()
    assert "李长顺" not in await todo.inner_text()  # assessed twenty days ago: nothing due
    assert await horizontal_overflow(page) == 0

    async with page.expect_navigation():
        await item.locator("a").click()
    # The county assesses (domain rules §2): the item opens the person's page, which offers the
    # home's two actions (a change of condition, its own care observation).
    assert page.url.endswith(f"/residents/{late.id}"), page.url
    assert await page.locator(f"a[href='/residents/{late.id}/condition-change']").is_visible()
    async with page.expect_navigation():
        await page.click("#record-observation")
    assert await page.locator("#assess").is_visible() and await page.locator("#observation-notice").is_visible()
    assert await page.locator("#f-reason").input_value() == "annual"

    for item_name in ("eat", "dress"):
        await page.click(f"label.big-choice.cannot:has(input[name={item_name}]) span")
    for item_name in ("transfer", "toilet", "walk", "bathe"):
        await page.click(f"label.big-choice.can:has(input[name={item_name}]) span")
    async with page.expect_navigation():
        await page.click("#save-assessment")
    assert page.url.endswith(f"/residents/{late.id}"), page.url
    flash = zh("Care observation saved ({tier}); the tier in force is the county's.").format(
        tier=zh("Partly unable to care for themselves")
    )
    assert await page.locator("p.flash").inner_text() == flash

    await page.goto("/")
    assert "欧阳秀兰" in await page.locator("#todo").inner_text()  # an observation is not the review
    assert await page.locator("p.flash").count() == 0  # the message was shown once
    await services.record_assessment(Scope.system(), late.id, AssessmentIn(assessed_on=today, **ALL_CAN))  # the county's
    await page.goto("/")
    assert "欧阳秀兰" not in await page.locator("#todo").inner_text()  # done: off the list


async def test_residents_lists_fit_a_phone_and_keep_every_column_on_a_desktop(world, new_page):
    names = ["欧阳秀兰", "司马长顺", "诸葛桂英", "上官福禄", "慕容春花", "张三"]
    county, home, people = await _home_with_people(world, names)
    for person in people[:3]:
        await services.record_assessment(
            Scope.system(),
            person.id,
            AssessmentIn(assessed_on=dates.today() - timedelta(days=400), **{**ALL_CAN, "bathe": False}),
        )
    director = await world.user("director", home=home)
    inspector = await world.user("inspector", county=county)
    lists = [f"/homes/{home}/roster", f"/homes/{home}/due", f"/residents/{people[0].id}", f"/homes/{home}/roster/print"]

    phone = await new_page(viewport=PHONE)
    await log_in(phone, director.username)
    for path in lists:
        await phone.goto(path)
        assert await horizontal_overflow(phone) == 0, f"{path} scrolls sideways on a phone"
        for table in await phone.evaluate(TABLES_JS):
            assert table["width"] <= table["viewport"], f"{path}: a {table['width']} px table on a {table['viewport']} px phone"
            assert table["boxScroll"] <= table["box"], f"{path}: the table scrolls inside its box: {table}"
    await phone.goto(f"/homes/{home}/roster")
    name = phone.locator("table.roster td.lead a", has_text="欧阳秀兰")
    box = await name.bounding_box()
    assert box["height"] < 40, f"the name wraps on a phone card: {box}"  # one line, not two characters a line

    county_phone = await new_page(viewport=PHONE)
    await log_in(county_phone, inspector.username)
    for path in ("/residents", "/residents/due"):
        await county_phone.goto(path)
        assert await horizontal_overflow(county_phone) == 0, f"{path} scrolls sideways on a phone"
        for table in await county_phone.evaluate(TABLES_JS):
            assert table["width"] <= table["viewport"] and table["boxScroll"] <= table["box"], f"{path}: {table}"

    # The public roster on paper: A4 portrait, a bordered table as wide as the page and no wider.
    await phone.goto(f"/homes/{home}/roster/print")
    await phone.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    await phone.emulate_media(media="print")
    printed = await phone.evaluate(TABLES_JS)
    assert printed and all(table["width"] <= A4_CONTENT_WIDTH for table in printed), printed
    assert await phone.locator("table.print-table thead").first.is_visible()  # a table with its header, not cards
    assert await phone.locator("header.top").is_hidden()
    pdf = await phone.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    desktop = await new_page(viewport=DESKTOP)
    await log_in(desktop, inspector.username)
    for path in [*lists, "/residents", "/residents/due"]:
        await desktop.goto(path)
        assert await horizontal_overflow(desktop) == 0, path
        for table in await desktop.evaluate(TABLES_JS):
            assert table["boxScroll"] <= table["box"], f"{path}: a column is cut at 1366 px: {table}"
        headers = desktop.locator("table thead th")
        for index in range(await headers.count()):
            assert await headers.nth(index).is_visible(), f"{path}: column {index + 1} is hidden at 1366 px"
