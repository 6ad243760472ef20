"""In Chromium: an administrator creates a director for a home on the user pages, signs out, and
the new director signs in and sees their home; disabling asks first and then locks the user out;
on a phone the user pages do not scroll sideways."""

from __future__ import annotations

import secrets

from tests.e2e.helpers import horizontal_overflow, log_in

PHONE = (390, 844)
DIRECTOR_PASSWORD = "qingcheng-2026"


async def test_an_administrator_creates_a_director_who_signs_in_and_sees_the_home(world, new_page):
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="青城镇特困人员供养服务中心", beds=60)
    admin = await world.user("admin")
    username = "director.qc" + secrets.token_hex(2)

    page = await new_page(viewport=PHONE)
    await log_in(page, admin.username)
    await page.click("nav.nav >> text=用户管理")
    assert page.url.endswith("/users"), page.url
    assert await horizontal_overflow(page) == 0
    await page.click("text=新增用户")
    await page.fill("#f-username", username)
    await page.fill("#f-display_name", "王秀兰 院长")
    await page.select_option("#f-role", "director")
    await page.select_option("#f-home", home)
    await page.fill("#f-password", DIRECTOR_PASSWORD)
    assert await horizontal_overflow(page) == 0
    async with page.expect_navigation():
        await page.click("form[action='/users/new'] button[type=submit]")
    assert "已创建用户王秀兰 院长" in await page.inner_text("p.flash")
    assert await page.inner_text("#user-name") == "王秀兰 院长"
    assert "青城镇特困人员供养服务中心" in await page.inner_text("dl.facts")
    assert await horizontal_overflow(page) == 0

    async with page.expect_navigation():
        await page.click("header.top button:text-is('退出登录')")
    assert "/login" in page.url

    await log_in(page, username, DIRECTOR_PASSWORD)
    assert await page.inner_text("#home-name") == "青城镇特困人员供养服务中心"
    header = await page.inner_text("header.top")
    assert "王秀兰 院长" in header and "本院" in header and "用户管理" not in header
    assert (await page.goto("/users")).status == 403


async def test_disabling_asks_first_and_the_user_can_no_longer_sign_in(world, new_page):
    county = await world.county(name="皋兰县")
    inspector = await world.user("inspector", county=county)
    admin = await world.user("admin")

    theirs = await new_page()
    await log_in(theirs, inspector.username)
    assert "/login" not in theirs.url

    page = await new_page(viewport=PHONE)
    await log_in(page, admin.username)
    await page.goto(f"/users/{inspector.id}")
    await page.click("button:text-is('停用用户…')")
    confirm = await page.inner_text("section.confirm")
    assert "请确认" in confirm and "将不能再登录" in confirm
    assert await horizontal_overflow(page) == 0
    async with page.expect_navigation():
        await page.click("section.confirm button[type=submit]")
    assert "已停用" in await page.inner_text("p.flash")
    assert "已停用" in await page.inner_text("#user-status")

    await theirs.goto("/")
    assert "/login" in theirs.url  # their open session ended
    await theirs.fill("#username", inspector.username)
    await theirs.fill("#password", "correct-horse-42")
    async with theirs.expect_navigation():
        await theirs.click("form[action='/login'] button[type=submit]")
    assert await theirs.inner_text("#login-error") == "用户名或密码错误。"
