"""Security headers on every kind of answer: pages, API answers, static files, the Swagger page
and error pages (401 redirect, 403, 404, 405, 500), through the real application."""

from __future__ import annotations

import dataclasses

import pytest
from litestar import get

from backend.core.headers import API_DOCS_POLICY, PAGE_POLICY
from backend.core.settings import get_settings
from backend.core.web import PUBLIC
from tests.conftest import make_client, unique_county_code

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; img-src 'self'"
)


def assert_hardened(response, *, cacheable: bool = False, csp: str = PAGE_CSP) -> None:
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    assert headers.get("content-security-policy") == csp, where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    if cacheable:
        assert "no-store" not in headers.get("cache-control", ""), where
    else:
        assert headers.get("cache-control") == "no-store", where
    assert "strict-transport-security" not in headers, where  # cookies are not Secure in the suite
    assert len(headers.get_list("content-security-policy")) == 1, where


def test_the_policy_allows_no_inline_script_or_style():
    assert PAGE_POLICY == PAGE_CSP
    for policy in (PAGE_POLICY, API_DOCS_POLICY):
        assert "unsafe" not in policy and "*" not in policy and "http" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert API_DOCS_POLICY == PAGE_CSP.replace("img-src 'self'", "img-src 'self' data:")


async def test_pages_signed_out_and_in(client, signed_in, world):
    login = await client.get("/login")
    assert login.status_code == 200 and "text/html" in login.headers["content-type"]
    assert_hardened(login)

    home = await world.home(name="安全头测试院")
    director, _user = await signed_in("director", home=home)
    for path in ("/", f"/homes/{home}", f"/homes/{home}/roster", "/account"):
        response = await director.get(path)
        assert response.status_code == 200, path
        assert_hardened(response)


async def test_api_answers(client, world, bearer, system):
    admin = await world.user("admin")
    headers = await bearer(admin)
    listed = await client.get("/api/v1/counties/", headers=headers)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/json")
    assert_hardened(listed)
    refused = await client.get("/api/v1/counties/")  # no token: 401 JSON
    assert refused.status_code == 401
    assert_hardened(refused)
    missing = await client.get(f"/api/v1/counties/{unique_county_code()}", headers=headers)  # never created
    assert missing.status_code == 404
    assert_hardened(missing)
    invalid = await client.post("/api/v1/counties/", headers=headers, json={"code": "x"})
    assert invalid.status_code == 400
    assert_hardened(invalid)


async def test_static_files_and_health_may_be_cached(client):
    css = await client.get("/static/tekun.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert_hardened(css, cacheable=True)
    script = await client.get("/static/js/assessment.js")
    assert script.status_code == 200
    assert_hardened(script, cacheable=True)
    swagger = await client.get("/static/swagger/swagger-ui-bundle.js")
    assert swagger.status_code == 200
    assert_hardened(swagger, cacheable=True)
    health = await client.get("/health")
    assert health.status_code == 200
    assert_hardened(health, cacheable=True)
    gone = await client.get("/static/no-such-file.css")
    assert gone.status_code == 404
    assert_hardened(gone, cacheable=True)


async def test_error_pages(client, signed_in, world):
    redirect = await client.get("/residents?q=x")  # not signed in: the 401 becomes a redirect
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login?next=")
    assert_hardened(redirect)

    not_found = await client.get("/no-such-page")  # no route at all: answered outside the routes
    assert not_found.status_code == 404 and "text/html" in not_found.headers["content-type"]
    assert_hardened(not_found)
    api_not_found = await client.get("/api/v1/no-such-thing")
    assert api_not_found.status_code == 404
    assert_hardened(api_not_found)

    not_allowed = await client.delete("/health")
    assert not_allowed.status_code == 405
    assert_hardened(not_allowed, cacheable=True)
    not_allowed_page = await client.put("/login")
    assert not_allowed_page.status_code == 405
    assert_hardened(not_allowed_page)

    director, _user = await signed_in("director", home=await world.home())
    forbidden = await director.get("/counties/new")  # an admin page
    assert forbidden.status_code == 403
    assert_hardened(forbidden)

    no_token = await director.post("/account/tokens", data={"name": "x"})  # the CSRF refusal page
    assert no_token.status_code == 403 and "表单已过期或并非由本网站提交" in no_token.text
    assert_hardened(no_token)


async def test_a_server_error_page():
    """A handler that fails unexpectedly: the 500 page carries the headers too (own app: the
    route must not join the shared app the route-walking tests read)."""
    from backend.app import create_app

    @get("/_test/boom", opt={"access": PUBLIC}, sync_to_thread=False)
    def boom() -> str:
        raise RuntimeError("a bug")

    app = create_app()
    app.register(boom)
    async with make_client(app) as client:
        response = await client.get("/_test/boom")
    assert response.status_code == 500 and "text/html" in response.headers["content-type"]
    assert_hardened(response)


async def test_the_swagger_page_has_its_own_policy_and_no_inline_script(client):
    page = await client.get("/api/schema")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert_hardened(page, csp=API_DOCS_POLICY)
    html = page.text
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    assert 'src="/static/js/swagger-init.js"' in html and 'data-spec-url="/api/schema/openapi.json"' in html
    assert "cdn." not in html and "https://" not in html  # nothing from outside the site
    schema = await client.get("/api/schema/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "tekun API"
    assert_hardened(schema, csp=API_DOCS_POLICY)
    # The OAuth2 redirect page (an inline script; tekun has no OAuth2 flow) is not served.
    assert (await client.get("/api/schema/oauth2-redirect.html")).status_code == 404


@pytest.mark.parametrize("secure", [False, True])
async def test_hsts_only_when_cookies_are_secure(monkeypatch, secure):
    import backend.app

    settings = dataclasses.replace(get_settings(), cookie_secure=secure)
    monkeypatch.setattr(backend.app, "get_settings", lambda: settings)
    app = backend.app.create_app()
    async with make_client(app) as client:
        client.base_url = "https://testserver.local"
        answers = [
            await client.get("/login"),
            await client.get("/static/tekun.css"),
            await client.get("/no-such-page"),
            await client.get("/api/v1/counties/"),
        ]
    for response in answers:
        hsts = response.headers.get("strict-transport-security")
        assert hsts == ("max-age=31536000" if secure else None), response.request.url
        assert response.headers["x-frame-options"] == "DENY"
    cookie = answers[0].headers["set-cookie"]
    assert cookie.startswith("tekun_csrf=") and "HttpOnly" in cookie
    assert ("Secure" in cookie) is secure


# Templates rendered only into PDFs (WeasyPrint), never served to a browser, may style inline.
# Every template of templates/reports/ is a PDF (issue 13; the archive's pages are templates/archive/).
PDF_ONLY = ("reports/",)
INLINE = (
    (r"<script(?![^>]*\ssrc=)[^>]*>", "an inline <script>"),
    (r"<style[\s>]", "a <style> element"),
    (r"\son[a-z]+\s*=", "an on… event handler attribute"),
    (r"\sstyle\s*=", "a style= attribute"),
    (r"javascript:", "a javascript: URL"),
)


def test_no_served_template_needs_inline_script_or_style():
    """What the Content-Security-Policy would refuse must not be in a page's template: a page
    that needed it would silently lose its behaviour or look in the browser."""
    import re

    from backend.core.web import TEMPLATE_DIR

    found = []
    for path in sorted(TEMPLATE_DIR.rglob("*.html")):
        name = path.relative_to(TEMPLATE_DIR).as_posix()
        if name.startswith(PDF_ONLY) or name.startswith("static/"):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {what}")
    assert found == []
    assert (TEMPLATE_DIR / "reports/_base.html").is_file()  # the exception still names a file
