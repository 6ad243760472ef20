"""A director keeps the staff register on a phone (390×844) in Chromium: adds a post (the form
refuses a kitchen worker without a health-certificate date, in Chinese), sees it on the list,
and ends a post whose departure would break the ratio through the confirmation step."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.residents.schemas import ResidentIn
from backend.staffing import services
from backend.staffing.schemas import StaffIn
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id, register_person

PHONE = (390, 844)


async def test_director_keeps_the_staff_register_on_a_phone(world, new_page):
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="城关镇敬老院", beds=30)
    director = await world.user("director", home=home)
    system = Scope.system()
    for _ in range(11):
        await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name="对象",
                county_code=county,
                approved_on=date(2024, 1, 1),
                home_code=home,
                admitted_on=date(2024, 1, 5),
            ),
        )
    for no in ("A1", "A2"):
        await services.create_staff(
            system, home, StaffIn(staff_no=no, name=f"员工{no}", post="manager", hired_on=date(2024, 1, 2))
        )

    page = await new_page(viewport=PHONE)
    await log_in(page, director.username)
    await page.goto(f"/homes/{home}/staff")
    assert await horizontal_overflow(page) == 0, "the staff list scrolls sideways on a phone"
    async with page.expect_navigation():
        await page.click("#add-staff")
    assert await horizontal_overflow(page) == 0, "the add form scrolls sideways on a phone"
    await page.fill("#f-staff_no", "K01")
    await page.fill("#f-name", "王师傅")
    await page.select_option("#f-post", "cook")
    await page.fill("#f-hired_on", (dates.today() + timedelta(days=60)).isoformat())
    async with page.expect_navigation():
        await page.click("#staff-form button[type=submit]")
    assert "炊事岗位须填写健康证到期日期" in await page.inner_text("#e-health_cert_expires")
    await page.fill("#f-health_cert_expires", "2027-03-01")
    async with page.expect_navigation():
        await page.click("#staff-form button[type=submit]")
    assert page.url.endswith(f"/homes/{home}/staff/K01"), page.url
    assert await horizontal_overflow(page) == 0, "the post's page scrolls sideways on a phone"

    # 11 residents need 2 staff; the kitchen worker starts in 60 days, so ending A2 today breaks the ratio.
    await page.goto(f"/homes/{home}/staff/A2")
    await page.fill("#f-left_reason", "辞职")
    async with page.expect_navigation():
        await page.click("#end-form button[type=submit]")
    warning = await page.inner_text("#breach-warning")
    assert "需要 2 名工作人员" in warning and "现有 1 名" in warning, warning
    assert await horizontal_overflow(page) == 0, "the confirmation step scrolls sideways on a phone"
    async with page.expect_navigation():
        await page.click("#breach-warning button[type=submit]")
    assert "已办理离职" in await page.content()
    assert (await services.get_staff(system, home, "A2")).left_on is not None
