"""The administrator's user pages (/users) and the use cases behind them: only administrators get
in; every change is audited and ends with a message; a role or place change, a password reset and
disabling sign the user out (disabling also revokes API tokens); bad input is refused in Chinese
next to its field with nothing written; nobody can disable or demote the last active administrator.
"""

from __future__ import annotations

import re

import pytest

from backend.accounts import services
from backend.accounts.tables import ApiToken, Session, User
from backend.core.errors import Forbidden, Invalid
from backend.core.tables import AuditEntry
from tests.conftest import PASSWORD, make_client, post_form, sign_in

NEW_PASSWORD = "a-new-password-7"


async def newest_audit() -> dict:
    return await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).first()


async def audit_count() -> int:
    return await AuditEntry.count()


def error_of(html: str, field: str) -> str:
    """The message shown next to a field (the form macros' ``<p class="error" id="e-<field>">``)."""
    match = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', html)
    assert match, f"no error shown for {field}"
    return match.group(1)


async def follow(client, response):
    """The page a 303 leads to (with the message the save left)."""
    assert response.status_code == 303, response.text
    return await client.get(response.headers["location"])


@pytest.mark.parametrize("role", ["director", "inspector", "finance"])
async def test_only_an_administrator_opens_the_user_pages(signed_in, world, role):
    county = await world.county()
    home = await world.home(county=county)
    client, user = await signed_in(role, home=home if role == "director" else None, county=None if role == "director" else county)
    before = await User.count()
    for path in ("/users", "/users/new", f"/users/{user.id}"):
        assert (await client.get(path)).status_code == 403, path
    created = await post_form(
        client, "/users/new", {"username": "sneaky.user", "display_name": "某人", "role": "admin", "password": NEW_PASSWORD}
    )
    assert created.status_code == 403
    for action in ("disable", "enable", "password", "edit"):
        assert (
            await post_form(
                client,
                f"/users/{user.id}/{action}",
                {"confirmed": "yes", "password": NEW_PASSWORD, "role": "admin", "display_name": "某人"},
            )
        ).status_code == 403
    assert await User.count() == before
    assert (await User.select(User.role).where(User.id == user.id).first())["role"] == role
    nav = (await client.get("/")).text
    assert 'href="/users"' not in nav and 'href="/audit"' not in nav


async def test_the_administrator_creates_a_director_who_signs_in(signed_in, world, app):
    client, admin = await signed_in("admin")
    assert 'href="/users"' in (await client.get("/")).text  # the navigation offers the page
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="青城镇敬老院")
    form = await client.get("/users/new")
    assert form.status_code == 200 and "青城镇敬老院（榆中县）" in form.text
    response = await post_form(
        client,
        "/users/new",
        {
            "username": "director.qingcheng",
            "display_name": "王秀兰 院长",
            "role": "director",
            "home": home,
            "county": county,  # the county select is ignored for a director
            "password": PASSWORD,
        },
    )
    page = await follow(client, response)
    assert "已创建用户王秀兰 院长" in page.text and 'id="user-name">王秀兰 院长<' in page.text
    created = await services.get_user("director.qingcheng")
    assert created.role == "director" and created.home_code == home and created.county_code == county
    entry = await newest_audit()
    assert (entry["action"], entry["actor"], entry["entity_key"]) == ("user.create", admin.username, "director.qingcheng")
    assert '"home":"' + home in entry["after"] and '"county":null' in entry["after"]
    async with make_client(app) as browser:
        assert (await sign_in(browser, "director.qingcheng")).status_code == 303
        assert "青城镇敬老院" in (await browser.get("/")).text


async def test_the_list_filters_by_role_county_home_and_name(signed_in, world, system):
    client, _admin = await signed_in("admin")
    county, other = await world.county(name="皋兰县"), await world.county()
    home = await world.home(county=county, name="石洞镇敬老院")
    await services.create_user(system, "list.director", "director", PASSWORD, home_code=home, display_name="石洞 张院长")
    await services.create_user(system, "list.inspector", "inspector", PASSWORD, county_code=county, display_name="皋兰 李监管")
    await services.create_user(system, "list.finance", "finance", PASSWORD, county_code=other, display_name="外县 赵财务")
    page = (await client.get(f"/users?county={county}")).text
    assert "石洞 张院长" in page and "皋兰 李监管" in page and "外县 赵财务" not in page  # a director counts in the home's county
    page = (await client.get(f"/users?county={county}&role=inspector")).text
    assert "皋兰 李监管" in page and "石洞 张院长" not in page
    page = (await client.get(f"/users?home={home}")).text
    assert "石洞 张院长" in page and "皋兰 李监管" not in page
    page = (await client.get("/users?q=LIST.FIN")).text  # the username, in any case
    assert "外县 赵财务" in page and "皋兰 李监管" not in page
    page = (await client.get("/users?q=李监管")).text
    assert "皋兰 李监管" in page and "石洞 张院长" not in page
    assert (await client.get("/users?role=wizard")).status_code == 200  # a refused filter shows everyone, with the error
    listed = await services.find_users(system, role="director", home_code=home)
    assert [user.username for user in listed] == ["list.director"] and listed[0].county_name == "皋兰县"


async def test_bad_input_is_refused_in_chinese_and_nothing_is_written(signed_in, world):
    client, _admin = await signed_in("admin")
    county = await world.county()
    home = await world.home(county=county)
    taken = await world.user("inspector", county=county)
    users, entries = await User.count(), await audit_count()
    cases = [
        (
            {"username": taken.username, "display_name": "重名", "role": "inspector", "county": county, "password": NEW_PASSWORD},
            "username",
            "该用户名已被占用",
        ),
        (
            {"username": "no.home", "display_name": "无院", "role": "director", "county": county, "password": NEW_PASSWORD},
            "home",
            "院长须选择所在的供养服务设施",
        ),
        (
            {"username": "weak.password", "display_name": "弱密码", "role": "director", "home": home, "password": "short"},
            "password",
            "至少",
        ),
        (
            {"username": "same.as.name", "display_name": "同名", "role": "director", "home": home, "password": "same.as.name"},
            "password",
            "不能",
        ),
        ({"username": "no county", "display_name": "", "role": "finance", "password": NEW_PASSWORD}, "username", "字母"),
        (
            {"username": "no.county", "display_name": "无县", "role": "finance", "password": NEW_PASSWORD},
            "county",
            "须选择所属县",
        ),
        ({"username": "bad.role", "display_name": "某人", "role": "wizard", "password": NEW_PASSWORD}, "role", "请选择角色"),
        (
            {
                "username": "no.such.home",
                "display_name": "某人",
                "role": "director",
                "home": "NO-SUCH-HOME",
                "password": NEW_PASSWORD,
            },
            "home",
            "NO-SUCH-HOME",
        ),
    ]
    for data, field, words in cases:
        response = await post_form(client, "/users/new", data)
        assert response.status_code == 400, (field, response.text)
        assert "请更正下面标出的项目" in response.text
        message = error_of(response.text, field)
        assert words in message and re.search(r"[\u4e00-\u9fff]", message), (field, message)
        assert 'value="' + NEW_PASSWORD not in response.text  # a refused password is not sent back
    assert await User.count() == users and await audit_count() == entries
    # The same checks refuse the use case itself (the command line's path).
    with pytest.raises(Invalid) as invalid:
        await services.create_user(_admin.scope, taken.username, "inspector", NEW_PASSWORD, county_code=county)
    assert "username" in invalid.value.errors
    assert await User.count() == users and await audit_count() == entries


async def test_an_edit_changes_role_place_and_name_ends_access_and_is_audited(signed_in, world, system, app):
    client, admin = await signed_in("admin")
    county, other = await world.county(name="永登县"), await world.county(name="城关区")
    person = await world.user("inspector", county=county)
    token, _ = await services.login(person.username, PASSWORD, "198.51.100.21")
    api_token = await services.create_api_token(system, person.username, "script")
    response = await post_form(
        client, f"/users/{person.id}/edit", {"display_name": "城关 王财务", "role": "finance", "county": other, "home": ""}
    )
    page = await follow(client, response)
    assert "已保存" in page.text and "城关 王财务" in page.text
    changed = await services.get_user(person.username)
    assert (changed.role, changed.county_code, changed.display_name) == ("finance", other, "城关 王财务")
    assert await services.user_for_session(token) is None and await services.user_for_token(api_token) is None
    entry = await newest_audit()
    assert (entry["action"], entry["actor"], entry["entity_key"]) == ("user.update", admin.username, person.username)
    assert '"role":"inspector"' in entry["before"] and '"role":"finance"' in entry["after"]
    # A new name alone keeps the user signed in.
    token, _ = await services.login(person.username, PASSWORD, "198.51.100.21")
    await services.update_user(admin.scope, person.id, "finance", county_code=other, display_name="城关 王淑芬")
    assert (await services.user_for_session(token)).display_name == "城关 王淑芬"
    entry = await newest_audit()
    assert entry["action"] == "user.update" and "display_name" in entry["after"] and "role" not in entry["after"]
    # Nothing changed: nothing written.
    entries = await audit_count()
    await post_form(client, f"/users/{person.id}/edit", {"display_name": "城关 王淑芬", "role": "finance", "county": other})
    assert await audit_count() == entries
    # Refused: a director without a home, shown next to the field; nothing written.
    response = await post_form(client, f"/users/{person.id}/edit", {"display_name": "某人", "role": "director", "county": other})
    assert response.status_code == 400 and "院长须选择" in error_of(response.text, "home")
    assert (await services.get_user(person.username)).role == "finance" and await audit_count() == entries


async def test_disabling_asks_first_then_ends_sessions_and_tokens(signed_in, world, system, app):
    client, admin = await signed_in("admin")
    county = await world.county()
    person = await world.user("finance", county=county)
    token, _ = await services.login(person.username, PASSWORD, "198.51.100.22")
    api_token = await services.create_api_token(system, person.username, "script")
    entries = await audit_count()
    asked = await post_form(client, f"/users/{person.id}/disable")
    assert asked.status_code == 200 and "请确认" in asked.text and 'name="confirmed" value="yes"' in asked.text
    assert "将不能再登录" in asked.text and "API 令牌全部作废" in asked.text
    assert (await services.user_for_session(token)) is not None and await audit_count() == entries  # nothing yet
    page = await follow(client, await post_form(client, f"/users/{person.id}/disable", {"confirmed": "yes"}))
    assert "已停用" in page.text
    assert not (await User.select(User.active).where(User.id == person.id).first())["active"]
    assert await services.user_for_session(token) is None and not await Session.exists().where(Session.user == person.id)
    assert await services.user_for_token(api_token) is None
    assert await ApiToken.count().where((ApiToken.user == person.id) & ApiToken.revoked_at.is_null()) == 0
    entry = await newest_audit()
    assert (entry["action"], entry["actor"], entry["entity_key"]) == ("user.disable", admin.username, person.username)
    with pytest.raises(services.LoginRefused):
        await services.authenticate(person.username, PASSWORD, "198.51.100.22")
    # Enabled again: the password works, the revoked token stays revoked.
    page = await follow(client, await post_form(client, f"/users/{person.id}/enable"))
    assert "可以重新登录" in page.text
    assert (await services.authenticate(person.username, PASSWORD, "198.51.100.22")).id == person.id
    assert await services.user_for_token(api_token) is None
    assert (await newest_audit())["action"] == "user.enable"


async def test_a_password_reset_signs_the_user_out_and_is_audited(signed_in, world, app):
    client, admin = await signed_in("admin")
    person = await world.user("director", home=await world.home())
    token, _ = await services.login(person.username, PASSWORD, "198.51.100.23")
    entries = await audit_count()
    weak = await post_form(client, f"/users/{person.id}/password", {"password": "1234"})
    assert weak.status_code == 400 and "至少需要 8 个字符" in error_of(weak.text, "password")
    assert await audit_count() == entries and await services.user_for_session(token) is not None
    page = await follow(client, await post_form(client, f"/users/{person.id}/password", {"password": NEW_PASSWORD}))
    assert "已重设" in page.text
    assert await services.user_for_session(token) is None
    assert (await services.authenticate(person.username, NEW_PASSWORD, "198.51.100.23")).id == person.id
    entry = await newest_audit()
    assert (entry["action"], entry["actor"], entry["entity_key"]) == ("user.password_reset", admin.username, person.username)


async def test_the_use_cases_refuse_other_roles(world):
    county = await world.county()
    inspector = await world.user("inspector", county=county)
    other = await world.user("finance", county=county)
    for attempt in (
        services.find_users(inspector.scope),
        services.find_user(inspector.scope, other.id),
        services.create_user(inspector.scope, "made.by.inspector", "finance", NEW_PASSWORD, county_code=county),
        services.update_user(inspector.scope, other.id, "admin"),
        services.disable_user(inspector.scope, other.id),
        services.enable_user(inspector.scope, other.id),
        services.reset_password(inspector.scope, other.id, NEW_PASSWORD),
        services.audit_page(inspector.scope),
    ):
        with pytest.raises(Forbidden):
            await attempt


@pytest.fixture
async def only_admin(world):
    """One administrator who is the only active one: every other active administrator of the
    test database is set inactive for the test (directly, unaudited) and active again after."""
    admin = await world.user("admin")
    others = [
        row["id"]
        for row in await User.select(User.id).where((User.role == "admin") & (User.active == True) & (User.id != admin.id))  # noqa: E712
    ]
    if others:
        await User.update({User.active: False}).where(User.id.is_in(others))
    try:
        yield admin
    finally:
        if others:
            await User.update({User.active: True}).where(User.id.is_in(others))


async def test_nobody_can_disable_or_demote_the_last_active_administrator(only_admin, world, system, app):
    county = await world.county()
    async with make_client(app) as client:
        assert (await sign_in(client, only_admin.username)).status_code == 303
        entries = await audit_count()
        response = await post_form(client, f"/users/{only_admin.id}/disable", {"confirmed": "yes"})
        assert response.status_code == 400 and "最后一位在用的系统管理员，不能停用" in response.text
        response = await post_form(
            client, f"/users/{only_admin.id}/edit", {"display_name": "某人", "role": "inspector", "county": county}
        )
        assert response.status_code == 400 and "不能更改其角色" in error_of(response.text, "role")
        assert (await client.get("/users")).status_code == 200  # still signed in, still an administrator
    with pytest.raises(Invalid) as refused:
        await services.disable_user(system, only_admin.id)  # not even from the command line
    assert "active" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await services.set_role(system, only_admin.username, "finance", county_code=county)
    assert "role" in refused.value.errors
    row = await User.select(User.role, User.active).where(User.id == only_admin.id).first()
    assert row["role"] == "admin" and row["active"] and await audit_count() == entries
    # With a second administrator, the first may step down.
    second = await world.user("admin")
    await services.update_user(second.scope, only_admin.id, "inspector", county_code=county)
    assert (await services.get_user(only_admin.username)).role == "inspector"
    with pytest.raises(Invalid):
        await services.disable_user(second.scope, second.id)  # now the second is the last one
    await services.update_user(system, only_admin.id, "admin")  # (restore an administrator for the tests that follow)
