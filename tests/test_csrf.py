"""CSRF on the pages: the token is bound to the session (or, before sign-in, to the pre-session
cookie), a token of another session is refused, and the Origin (or Referer) must be the site's
own. The JSON API takes no cookie, so it needs no token. Tokens are read from the rendered forms,
as a browser gets them."""

from __future__ import annotations

import re

import pytest

from backend.core.csrf import origin_refusal
from backend.core.errors import NotFound
from backend.core.security import Scope
from backend.registry import services as registry
from tests.conftest import PASSWORD, make_client, unique_county_code

EXPIRED = "表单已过期或并非由本网站提交"
OWN = "http://testserver.local"


def token_in(html: str) -> str:
    tokens = set(re.findall(r'name="_csrf_token" value="([^"]*)"', html))
    assert len(tokens) == 1 and all(tokens), tokens  # every form of the page carries the same token
    return tokens.pop()


async def form_token(client, path: str = "/account") -> str:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return token_in(response.text)


async def county_exists(code: str) -> bool:
    try:
        await registry.get_county(Scope.system(), code)
    except NotFound:
        return False
    return True


async def create_county(client, token: str | None, headers: dict | None = None):
    code = unique_county_code()
    data = {"code": code, "name": "跨站测试县", "province": "甘肃省"}
    if token is not None:
        data["_csrf_token"] = token
    response = await client.post("/counties/new", data=data, headers=headers or {})
    return response, code


async def test_the_own_sessions_token_is_accepted(signed_in):
    admin, _user = await signed_in("admin")
    response, code = await create_county(admin, await form_token(admin, "/counties/new"))
    assert response.status_code == 303, response.text
    assert await county_exists(code)


async def test_a_token_from_another_session_is_refused(app, signed_in):
    admin, user = await signed_in("admin")
    # The same user signed in a second time (another browser): another session, another token.
    other = make_client(app)
    async with other:
        await other.get("/login")
        login = {"username": user.username, "password": PASSWORD, "next": "/", "_csrf_token": await form_token(other, "/login")}
        assert (await other.post("/login", data=login)).status_code == 303
        foreign = await form_token(other, "/counties/new")
    own = await form_token(admin, "/counties/new")
    assert foreign != own

    response, code = await create_county(admin, foreign)
    assert response.status_code == 403
    assert EXPIRED in response.text
    assert not await county_exists(code)  # nothing written


async def test_missing_altered_and_login_form_tokens_are_refused(client, signed_in):
    admin, user = await signed_in("admin")
    own = await form_token(admin, "/counties/new")
    anonymous_token = await form_token(client, "/login")  # the login form's token (pre-session)
    altered = own[:-1] + ("0" if own[-1] != "0" else "1")
    for token in (None, "", altered, own[:32], anonymous_token):
        response, code = await create_county(admin, token)
        assert response.status_code == 403, token
        assert EXPIRED in response.text
        assert not await county_exists(code)
    # The header is accepted in place of the form field (for scripts on the page).
    response, code = await create_county(admin, None, headers={"X-CSRFToken": own})
    assert response.status_code == 303 and await county_exists(code)


async def test_the_token_dies_with_the_session(signed_in):
    admin, _user = await signed_in("admin")
    token = await form_token(admin, "/counties/new")
    assert (await admin.post("/logout", data={"_csrf_token": token})).status_code == 303
    response, code = await create_county(admin, token)
    assert response.status_code == 403
    assert not await county_exists(code)


async def test_the_login_form_is_bound_to_its_browser(app, world):
    user = await world.user("director", home=await world.home())
    async with make_client(app) as first, make_client(app) as second:
        page = await first.get("/login")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("tekun_csrf=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        first_token = token_in(page.text)
        second_token = await form_token(second, "/login")
        assert first_token != second_token
        login = {"username": user.username, "password": PASSWORD, "next": "/"}
        refused = await second.post("/login", data={**login, "_csrf_token": first_token})
        assert refused.status_code == 403 and EXPIRED in refused.text
        assert "tekun_session" not in second.cookies
        accepted = await second.post("/login", data={**login, "_csrf_token": second_token})
        assert accepted.status_code == 303 and "tekun_session" in second.cookies
        # Once signed in, the pre-session token no longer works: forms carry the session's token.
        assert await form_token(second) != second_token


async def test_the_pre_session_cookie_is_set_on_html_pages_only(client):
    for path in ("/health", "/static/tekun.css", "/api/v1/counties/"):
        response = await client.get(path)
        assert "set-cookie" not in response.headers, path
    assert "tekun_csrf" not in client.cookies
    assert (await client.get("/login")).headers["set-cookie"].startswith("tekun_csrf=")
    again = await client.get("/login")  # kept, not replaced on every page
    assert "set-cookie" not in again.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.local.evil.example"},
        {"Origin": "http://testserver.local:8080"},  # the same host on another port is another origin
        {"Origin": "https://testserver.local"},  # another scheme: not this site (cookies are not Secure)
        {"Origin": "null"},
        {"Origin": "http://evil.example", "Referer": f"{OWN}/counties/new"},  # Origin decides
        {"Referer": "https://evil.example/page"},
        {"Referer": "not a url"},
    ],
)
async def test_a_foreign_origin_is_refused_even_with_a_valid_token(signed_in, headers):
    admin, _user = await signed_in("admin")
    response, code = await create_county(admin, await form_token(admin, "/counties/new"), headers=headers)
    assert response.status_code == 403, headers
    assert EXPIRED in response.text
    assert not await county_exists(code)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": OWN},
        {"Origin": "HTTP://TESTSERVER.LOCAL:80"},
        {"Referer": f"{OWN}/counties/new?x=1"},
        {},  # neither header (not a browser): the token alone decides
    ],
)
async def test_the_own_origin_is_accepted(signed_in, headers):
    admin, _user = await signed_in("admin")
    response, code = await create_county(admin, await form_token(admin, "/counties/new"), headers=headers)
    assert response.status_code == 303, (headers, response.text)
    assert await county_exists(code)


def test_origin_rule_behind_a_tls_proxy():
    """With TEKUN_COOKIE_SECURE=1 the site is served over HTTPS even if TLS ends at a proxy that
    does not say so: https with the request's Host is the own origin."""
    headers = {"host": "tekun.example.cn", "origin": "https://tekun.example.cn"}
    assert origin_refusal(headers, "http", assume_https=True) is None
    assert origin_refusal(headers, "http", assume_https=False) is not None
    assert origin_refusal({**headers, "origin": "https://evil.example"}, "http", assume_https=True) is not None
    assert origin_refusal({"host": "[::1]:8000", "origin": "http://[::1]:8000"}, "http", False) is None
    assert origin_refusal({"host": "bad:port:x", "origin": "http://bad"}, "http", False) is not None
    assert origin_refusal({"origin": "http://testserver.local"}, "http", False) is not None  # no Host


async def test_the_api_refuses_the_session_cookie_and_needs_no_token(signed_in, bearer, client):
    admin, user = await signed_in("admin")
    assert "tekun_session" in admin.cookies
    listed = await admin.get("/api/v1/counties/")
    assert listed.status_code == 401 and listed.headers["www-authenticate"] == "Bearer"
    code = unique_county_code()
    body = {"code": code, "name": "接口测试县", "province": "甘肃省"}
    refused = await admin.post("/api/v1/counties/", json=body, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 401
    assert not await county_exists(code)
    # With a Bearer token the API answers, whatever the Origin: no cookie, no CSRF.
    created = await client.post("/api/v1/counties/", json=body, headers={**await bearer(user), "Origin": "https://evil.example"})
    assert created.status_code == 201, created.text
    assert await county_exists(code)
