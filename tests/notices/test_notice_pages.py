"""The notice pages and API: the list (newest first, unread marked, linking to where it is acted
on), the count in the navigation, "mark all read" (CSRF refused without its token), the e-mail
setting page, GET /api/v1/notices for the token's user only."""

from __future__ import annotations

from backend.core import dates
from backend.notices import services
from tests.conftest import post_form
from tests.notices.helpers import add_task, morning


async def director_with_a_notice(world, signed_in):
    home = await world.home(name="平安院")
    client, director = await signed_in("director", home=home)
    await add_task(home, "fire_patrol", dates.today())
    await add_task(home, "kitchen_clean", dates.today())
    await services.send_notices(morning())
    return client, director, home


async def test_the_list_shows_the_notice_and_the_count_in_the_navigation(world, signed_in):
    client, _director, _home = await director_with_a_notice(world, signed_in)
    overview = await client.get("/")
    assert 'href="/notices"' in overview.text and "提醒 (1)" in overview.text
    response = await client.get("/notices")
    assert response.status_code == 200
    assert "平安院：今日到期任务 2 项，逾期任务 0 项。" in response.text
    assert 'class="card unread"' in response.text and "未读" in response.text
    assert 'id="mark-all-read"' in response.text


async def test_mark_all_read_needs_the_csrf_token(world, signed_in):
    client, director, _home = await director_with_a_notice(world, signed_in)
    refused = await client.post("/notices/read", data={})
    assert refused.status_code == 403
    assert await services.unread_count(director.scope) == 1
    response = await post_form(client, "/notices/read")
    assert response.status_code == 303 and response.headers["location"] == "/notices"
    assert await services.unread_count(director.scope) == 0
    page = await client.get("/notices")
    assert "已将 1 条提醒标为已读。" in page.text and 'class="card unread"' not in page.text
    assert "提醒 (1)" not in (await client.get("/")).text


async def test_another_user_sees_none_of_them(world, signed_in):
    _client, _director, home = await director_with_a_notice(world, signed_in)
    other_client, _other = await signed_in("inspector", county=await world.county())
    response = await other_client.get("/notices")
    assert response.status_code == 200 and "平安院" not in response.text and 'id="no-notices"' in response.text


async def test_a_visitor_is_sent_to_sign_in(client):
    response = await client.get("/notices")
    assert response.status_code in (302, 303, 401)


async def test_the_api_answers_the_tokens_users_notices(world, signed_in, bearer, client):
    _c, director, _home = await director_with_a_notice(world, signed_in)
    response = await client.get("/api/v1/notices", headers=await bearer(director))
    assert response.status_code == 200
    [notice] = response.json()
    assert notice["kind"] == "tasks_today" and notice["read"] is False and notice["href"] == f"/homes/{_home}/tasks"
    assert "今日到期任务 2 项" in notice["text"]
    other = await world.user("inspector", county=await world.county())
    assert (await client.get("/api/v1/notices", headers=await bearer(other))).json() == []
    assert (await client.get("/api/v1/notices?unread_only=true", headers=await bearer(director))).json() != []
    assert (await client.get("/api/v1/notices")).status_code == 401


async def test_the_setting_page_saves_a_valid_address_and_refuses_a_bad_one(world, signed_in):
    client, director = await signed_in("director", home=await world.home())
    account = await client.get("/account")
    assert 'href="/account/notices"' in account.text
    page = await client.get("/account/notices")
    assert page.status_code == 200 and 'name="email"' in page.text and 'id="email-off"' in page.text
    refused = await post_form(client, "/account/notices", {"email": "zhang@", "email_enabled": "yes"})
    assert refused.status_code == 400 and "请填写一个电子邮箱地址" in refused.text and 'value="zhang@"' in refused.text
    assert (await services.notice_setting(director.scope)).email == ""
    saved = await post_form(client, "/account/notices", {"email": "zhang@example.org", "email_enabled": "yes"})
    assert saved.status_code == 303
    setting = await services.notice_setting(director.scope)
    assert (setting.email, setting.email_enabled) == ("zhang@example.org", True)
    again = await client.get("/account/notices")
    assert "提醒设置已保存。" in again.text and "checked" in again.text
    assert (await client.post("/account/notices", data={"email": "a@example.org"})).status_code == 403


async def test_the_list_reads_on_a_phone(world, signed_in):
    client, _director, _home = await director_with_a_notice(world, signed_in)
    response = await client.get("/notices")
    assert '<meta name="viewport"' in response.text and "<script" not in response.text
