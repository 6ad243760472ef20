"""Sign-in, sessions (shared, expiring, revoked), throttling, API tokens, user creation."""

from datetime import timedelta

import pytest

from backend.accounts import services
from backend.accounts.tables import Session
from backend.core import dates
from backend.core.errors import Invalid
from tests.cli.helpers import tekun
from tests.conftest import PASSWORD, make_client, post_form, sign_in


async def test_sign_in_and_out(app, world):
    user = await world.user("admin")
    async with make_client(app) as client:
        assert (await client.get("/")).status_code == 303
        response = await sign_in(client, user.username)
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert "HttpOnly" in response.headers["set-cookie"]
        assert (await client.get("/")).status_code == 200
        assert (await post_form(client, "/logout")).status_code == 303
        assert (await client.get("/")).status_code == 303


async def test_wrong_password_is_refused_and_says_so(app, world):
    user = await world.user("admin")
    async with make_client(app) as client:
        response = await sign_in(client, user.username, "not-the-password")
        assert response.status_code == 401
        assert 'id="login-error"' in response.text
        assert (await client.get("/")).status_code == 303


async def test_a_session_works_across_worker_processes_because_it_lives_in_the_database(app, world):
    user = await world.user("admin")
    token, _ = await services.login(user.username, PASSWORD, "198.51.100.1")
    assert await Session.exists().where(Session.user == user.id)
    assert (await services.user_for_session(token)).username == user.username


async def test_idle_and_expired_sessions_end(world):
    user = await world.user("admin")
    token, _ = await services.login(user.username, PASSWORD, "198.51.100.2")
    from backend.core.security import token_digest

    await Session.update({Session.last_seen_at: dates.now_utc() - timedelta(hours=9)}).where(
        Session.token_hash == token_digest(token)
    )
    assert await services.user_for_session(token) is None
    token, _ = await services.login(user.username, PASSWORD, "198.51.100.2")
    await Session.update({Session.expires_at: dates.now_utc() - timedelta(seconds=1)}).where(
        Session.token_hash == token_digest(token)
    )
    assert await services.user_for_session(token) is None


async def test_a_password_change_signs_the_user_out_everywhere(world, system):
    user = await world.user("admin")
    token, _ = await services.login(user.username, PASSWORD, "198.51.100.3")
    await services.set_password(system, user.username, "another-password-1")
    assert await services.user_for_session(token) is None
    await services.login(user.username, "another-password-1", "198.51.100.3")


async def test_a_role_change_ends_sessions_and_api_tokens(world, system):
    county = await world.county()
    user = await world.user("inspector", county=county)
    token, _ = await services.login(user.username, PASSWORD, "198.51.100.4")
    api_token = await services.create_api_token(system, user.username, "script")
    assert (await services.user_for_token(api_token)).role == "inspector"
    await services.set_role(system, user.username, "finance", county_code=county)
    assert await services.user_for_session(token) is None
    assert await services.user_for_token(api_token) is None


async def test_throttling_slows_then_locks_with_a_clear_message(world, waits):
    waited = waits
    user = await world.user("admin")
    address = "203.0.113.77"
    for _attempt in range(10):
        with pytest.raises(services.LoginRefused) as refused:
            await services.authenticate(user.username, "wrong", address)
        assert not refused.value.locked
        assert "用户名或密码错误" in refused.value.message
    assert waited == [1.0, 2.0, 4.0, 8.0, 8.0]  # the sixth attempt on waits, doubling, at most 8 s
    with pytest.raises(services.LoginRefused) as refused:
        await services.authenticate(user.username, PASSWORD, address)
    assert refused.value.locked and refused.value.retry_after <= 15 * 60
    assert "15 分钟" in refused.value.message
    assert len(waited) == 5  # a refused attempt does not wait: it is answered at once
    # Not a lock of the account: the right password from another address signs in.
    assert (await services.authenticate(user.username, PASSWORD, "203.0.113.78")).id == user.id


async def test_user_creation_checks_role_and_scope(world, system):
    home = await world.home()
    with pytest.raises(Invalid) as invalid:
        await services.create_user(system, "d1-bad", "director", PASSWORD)
    assert "home" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await services.create_user(system, "i1-bad", "inspector", PASSWORD, home_code=home)
    assert "county" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await services.create_user(system, "x", "wizard", "short")
    assert {"username", "role", "password"} <= set(invalid.value.errors)


async def test_user_create_command_reads_the_password_from_stdin(world):
    home = await world.home()
    result = tekun(
        "user", "create", "cli.director", "--role", "director", "--home", home, "--password-stdin", stdin="a-long-password\n"
    )
    assert result.returncode == 0, result.stderr
    user = await services.authenticate("cli.director", "a-long-password", "198.51.100.9")
    assert user.home_code == home
    again = tekun(
        "user", "create", "cli.director", "--role", "director", "--home", home, "--password-stdin", stdin="a-long-password\n"
    )
    assert again.returncode == 2 and "username" in again.stderr
    unknown = tekun(
        "user", "create", "cli.nobody", "--role", "director", "--home", "NO-SUCH", "--password-stdin", stdin="a-long-password\n"
    )
    assert unknown.returncode == 2


async def test_api_tokens_authenticate_and_bad_ones_do_not(app, world, bearer):
    county = await world.county()
    user = await world.user("finance", county=county)
    headers = await bearer(user)
    async with make_client(app) as client:
        me = await client.get("/api/v1/counties", headers=headers)
        assert me.status_code == 200 and [c["code"] for c in me.json()] == [county]
        assert (await client.get("/api/v1/counties", headers={"Authorization": "Bearer tk_nope"})).status_code == 401
        assert (await client.get("/api/v1/counties")).status_code == 401


async def test_a_forged_session_cookie_is_ignored(app, world):
    user = await world.user("admin")
    async with make_client(app) as client:
        await sign_in(client, user.username)
        cookie = client.cookies.get("tekun_session")
        token, _, signature = cookie.rpartition(".")
        client.cookies.set("tekun_session", f"{token}.{'0' * len(signature)}")
        assert (await client.get("/")).status_code == 303
        client.cookies.set("tekun_session", cookie)
        assert (await client.get("/")).status_code == 200
