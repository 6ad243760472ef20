"""The web edge every page shares: the flash message after a save (signed, shown once), the
favicon, the header, the navigation read from the permission matrix, Babel formatting."""

from __future__ import annotations

from datetime import date

from backend.core import formatting
from backend.core.i18n import reset_language, set_language
from backend.core.web import FLASH_COOKIE, _flash_message, _flash_value, nav_for, redirect


def test_a_flash_message_survives_only_with_its_signature():
    value = _flash_value("已记录入住。")
    assert _flash_message(value) == "已记录入住。"
    text, _, signature = value.rpartition(".")
    forged = _flash_value("x").rpartition(".")[0] + "." + signature
    assert _flash_message(forged) is None
    assert _flash_message(text + "." + "0" * 64) is None
    assert _flash_message("not-a-cookie") is None and _flash_message(None) is None


def test_redirect_sets_the_flash_cookie_only_when_asked():
    plain = redirect("/somewhere")
    assert plain.status_code == 303 and not plain.cookies
    flashed = redirect("/somewhere", flash="已保存。")
    (cookie,) = flashed.cookies
    assert cookie.key == FLASH_COOKIE and cookie.httponly and cookie.samesite == "lax"
    assert _flash_message(cookie.value) == "已保存。"


async def test_the_next_page_shows_the_flash_once(signed_in):
    client, _user = await signed_in("admin")
    client.cookies.set(FLASH_COOKIE, _flash_value("县区已保存。"))
    first = await client.get("/account")
    assert first.status_code == 200
    assert 'class="notice flash" role="status">县区已保存。<' in first.text
    assert FLASH_COOKIE in first.headers.get("set-cookie", "")  # deleted again
    client.cookies.delete(FLASH_COOKIE)
    second = await client.get("/account")
    assert "县区已保存。" not in second.text


async def test_a_forged_flash_is_not_shown(signed_in):
    client, _user = await signed_in("admin")
    client.cookies.set(FLASH_COOKIE, _flash_value("ok").rpartition(".")[0] + "." + "a" * 64)
    response = await client.get("/account")
    assert 'class="notice flash"' not in response.text


async def test_the_favicon_is_served(client):
    response = await client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")


async def test_the_header_does_not_repeat_the_role(signed_in, world):
    home = await world.home()
    client, user = await signed_in("director", home=home)
    text = (await client.get("/")).text
    header = text[text.index('<span class="user">') : text.index("</span>", text.index('<span class="user">'))]
    assert header.count("院长") <= 1, header


def test_the_navigation_follows_the_permission_matrix():
    class Who:
        def __init__(self, role, home_code=None, county_code=None):
            self.role, self.home_code, self.county_code = role, home_code, county_code

    def paths(user):
        return [path for path, _label in nav_for(user)]

    director = paths(Who("director", home_code="H1", county_code="620121"))
    assert "/homes/H1/claims" in director and "/residents" not in director and "/audit" not in director
    assert not any(path.endswith("/deaths") for path in director)
    finance = paths(Who("finance", county_code="620121"))
    assert "/counties/620121/stipends" in finance and "/residents" in finance and "/audit" not in finance
    admin = paths(Who("admin"))
    assert "/audit" in admin and "/counties" in admin and "/deaths/notices" in admin
    assert nav_for(None) == []


def test_formatting_in_chinese_and_english():
    marker = set_language("zh_CN")
    try:
        assert formatting.day(date(2026, 11, 2)) == "2026年11月2日"
        assert formatting.month(date(2026, 11, 1)) == "2026年11月"
        assert formatting.cny(123450) == "¥1,234.50"
        assert formatting.cny(-5) == "-¥0.05"
        assert formatting.cny(0) == "¥0.00"
        assert formatting.number(1234567) == "1,234,567"
        assert formatting.percent(0.834) == "83.4%"
        assert formatting.day(None) == "" and formatting.cny(None) == ""
    finally:
        reset_language(marker)
    marker = set_language("en")
    try:
        assert formatting.day(date(2026, 11, 2)) == "Nov 2, 2026"
        assert formatting.cny(100000000) == "¥1,000,000.00"
    finally:
        reset_language(marker)


async def test_who_did_it_is_shown_by_display_name(world):
    from backend.accounts import services as accounts  # noqa: F401 - provides the look-up
    from backend.core import people

    user = await world.user("inspector", county=await world.county())
    names = await people.display_names([user.username, "cli", None])
    assert names.get(user.username) == user.display_name
    assert "cli" not in names  # no account: a system actor in words, another name as recorded
    assert people.who(user.username, names) == user.display_name
    assert people.who("nobody.known", names) == "nobody.known" and people.who(None, names) == ""
    marker = set_language("zh_CN")
    try:
        assert people.who("cli", names) == "命令行" and people.who("scheduler") == "定时任务"
    finally:
        reset_language(marker)


def test_months_given_as_text_are_formatted_too():
    marker = set_language("zh_CN")
    try:
        assert formatting.month("2026-09") == "2026年9月"
        assert formatting.month("") == "" and formatting.month("not a month") == "not a month"
    finally:
        reset_language(marker)
