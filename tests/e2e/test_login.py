"""Signing in through the real login page in Chromium: Chinese by default, the English switch,
the Chinese error on a wrong password, and a phone-sized screen without sideways scrolling."""

from __future__ import annotations

import re

from tests.e2e.helpers import horizontal_overflow, log_in

PHONE = (390, 844)


async def _director(world, home_name: str):
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name=home_name, beds=60)
    user = await world.user("director", home=home)
    return home, user


async def test_director_signs_in_and_sees_the_home_in_chinese(world, new_page):
    home, director = await _director(world, "青城镇特困人员供养服务中心")
    page = await new_page()
    await page.goto("/")
    assert page.url.endswith("/login?next=/"), page.url  # not signed in: sent to the login page
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    assert await page.inner_text("h1") == "登录"
    assert await page.inner_text("label[for=username]") == "用户名"

    await log_in(page, director.username)

    assert re.search(r"/$", page.url), page.url
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    assert await page.inner_text("#home-name") == "青城镇特困人员供养服务中心"
    facts = await page.inner_text("dl.facts")
    assert "机构编码" in facts and home in facts
    assert "床位数" in facts and "60" in facts
    assert "榆中县" in facts
    assert "今日待办" in await page.inner_text("main")
    header = await page.inner_text("header.top")
    assert "概览" in header and "本院" in header and "退出登录" in header
    assert "青城镇特困人员供养服务中心" in header  # who is signed in, and for which home
    assert "Sign out" not in header and "Overview" not in header
    assert "Home code" not in await page.inner_text("body")

    await page.click("nav.nav >> text=本院")
    assert page.url.endswith(f"/homes/{home}"), page.url
    assert await page.inner_text("#home-name") == "青城镇特困人员供养服务中心"
    assert await page.locator("nav.nav a[aria-current=page]").inner_text() == "本院"


async def test_wrong_password_shows_the_error_in_chinese(world, new_page):
    _home, director = await _director(world, "和平镇敬老院")
    page = await new_page()
    await page.goto("/login")
    await page.fill("#username", director.username)
    await page.fill("#password", "not-the-password")
    async with page.expect_navigation() as navigation:
        await page.click("form[action='/login'] button[type=submit]")
    response = await navigation.value
    assert response.status == 401

    assert await page.inner_text("#login-error") == "用户名或密码错误。"
    assert await page.get_attribute("#login-error", "role") == "alert"
    assert await page.inner_text("h1") == "登录"  # still on the login page, not signed in
    assert await page.input_value("#username") == director.username  # kept for the next try
    assert await page.input_value("#password") == ""
    cookies = {cookie["name"] for cookie in await page.context.cookies()}
    assert "tekun_session" not in cookies
    await page.goto("/")
    assert "/login" in page.url

    # The right password still works afterwards (one failure is not a lock).
    await log_in(page, director.username)
    assert await page.inner_text("#home-name") == "和平镇敬老院"


async def test_english_switch_and_back(world, new_page):
    home, director = await _director(world, "夏官营镇敬老院")
    page = await new_page()
    await log_in(page, director.username)
    assert await page.inner_text("#home-name") == "夏官营镇敬老院"

    await page.click("header.top a.lang:text-is('English')")
    assert page.url.endswith("/"), page.url  # the switch returns to the same page
    assert await page.locator("html").get_attribute("lang") == "en"
    header = await page.inner_text("header.top")
    assert "Overview" in header and "My home" in header and "Sign out" in header
    assert "概览" not in header and "退出登录" not in header
    facts = await page.inner_text("dl.facts")
    assert "Home code" in facts and "Beds" in facts and "机构编码" not in facts
    assert "To do today" in await page.inner_text("main")
    assert await page.inner_text("#home-name") == "夏官营镇敬老院"  # data is not translated

    # The choice sticks to the browser: the next page is English too.
    await page.goto(f"/homes/{home}")
    assert await page.locator("html").get_attribute("lang") == "en"
    assert "Home code" in await page.inner_text("dl.facts")

    await page.click("header.top a.lang:text-is('简体中文')")
    assert page.url.endswith(f"/homes/{home}"), page.url
    assert await page.locator("html").get_attribute("lang") == "zh-CN"
    assert "机构编码" in await page.inner_text("dl.facts")
    assert "本院" in await page.inner_text("header.top")


async def test_english_login_page_shows_the_error_in_english(world, new_page):
    _home, director = await _director(world, "金崖镇敬老院")
    page = await new_page(locale="en-US")
    await page.goto("/login")
    await page.click("a.lang:text-is('English')")
    assert page.url.endswith("/login"), page.url
    assert await page.inner_text("h1") == "Sign in"
    await page.fill("#username", director.username)
    await page.fill("#password", "wrong-password-1")
    async with page.expect_navigation():
        await page.click("form[action='/login'] button[type=submit]")
    assert await page.inner_text("#login-error") == "Wrong username or password."


async def _check_phone_layout(page) -> None:
    assert await horizontal_overflow(page) == 0, f"horizontal scroll on {page.url}"
    width = page.viewport_size["width"]
    links = page.locator("nav.nav a")
    boxes = []
    for index in range(await links.count()):
        link = links.nth(index)
        assert await link.is_visible()
        box = await link.bounding_box()
        label = await link.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label!r} sticks out: {box}"
        assert box["height"] >= 32, f"{label!r} is too small to tap: {box}"
        boxes.append((label, box))
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"{first!r} and {second!r} overlap"
    sign_out = page.locator("header.top button:text-is('退出登录')")
    box = await sign_out.bounding_box()
    assert await sign_out.is_visible() and box["x"] + box["width"] <= width


async def test_phone_no_sideways_scroll_and_the_navigation_works(world, new_page):
    home, director = await _director(world, "连搭镇中心敬老院（特困人员供养服务中心）")
    admin = await world.user("admin")
    for user in (director, admin):
        page = await new_page(viewport=PHONE)
        await page.goto("/login")
        assert await horizontal_overflow(page) == 0, "the login page scrolls sideways"
        await log_in(page, user.username)
        await _check_phone_layout(page)
        # Every navigation link leads to its page, which again fits the phone.
        targets = await page.locator("nav.nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(targets) >= 3
        for href in targets:
            await page.goto("/")
            await page.locator(f"nav.nav a[href='{href}']").click()
            await page.wait_for_load_state()
            assert page.url.endswith(href) or page.url.endswith(href + "/"), (href, page.url)
            current = await page.locator("nav.nav a[aria-current=page]").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            assert href in current, (href, current)  # the link of the page one is on is marked
            await _check_phone_layout(page)
        if user is director:
            assert f"/homes/{home}" in targets
