"""Account pages: sign in and out, the language switch, the user's own account and tokens."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from backend.accounts import rules, services
from backend.accounts.auth import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    session_cookie_value,
    session_token,
)
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import recent_audit, verify_all
from backend.core.permissions import allow
from backend.core.settings import LANGUAGES, get_settings
from backend.core.web import PUBLIC, USER, page, redirect, safe_next


def client_address(request: Request) -> str:
    """The one place that decides who the client is: the TCP peer, or, when the peer is one of
    TEKUN_TRUSTED_PROXIES, what its X-Forwarded-For says (uvicorn is told not to rewrite the peer
    from headers itself: ``proxy_headers=False`` in ``tekun serve``)."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.getall("x-forwarded-for", [])
    return rules.client_address(peer, forwarded, get_settings().trusted_proxies)


@get("/login", opt={"access": PUBLIC}, name="login")
async def login_page(request: Request, next: FromQuery[str | None] = None) -> object:
    if request.scope.get("user"):
        return redirect(safe_next(next))
    return page(request, "accounts/login.html", next=safe_next(next), username="", error=None)


@post("/login", opt={"access": PUBLIC}, status_code=200)
async def login_submit(request: Request) -> object:
    form = await request.form()
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    try:
        token, _user = await services.login(username, password, client_address(request))
    except services.LoginRefused as refused:
        response = page(
            request,
            "accounts/login.html",
            status_code=429 if refused.locked else 401,
            next=target,
            username=username,
            error=refused.message,
        )
        if refused.locked:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    response = redirect(target)
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie_value(token),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_max_hours * 3600,
        path="/",
    )
    return response


@post("/logout", opt={"access": PUBLIC}, status_code=303)
async def logout(request: Request) -> Redirect:
    token = session_token(request.cookies.get(SESSION_COOKIE))
    if token:
        await services.logout(token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/lang/{code:str}", opt={"access": PUBLIC})
async def switch_language(code: FromPath[str], next: FromQuery[str | None] = None) -> Redirect:
    response = redirect(safe_next(next))
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@get("/account", opt={"access": USER})
async def account_page(request: Request) -> object:
    return page(request, "accounts/account.html", new_token=None)


@post("/account/password", opt={"access": USER}, status_code=200)
async def change_password(request: Request) -> object:
    user = request.scope["user"]
    form = await request.form()
    current = str(form.get("current", ""))
    new = str(form.get("new", ""))
    errors: dict[str, str] = {}
    if new != str(form.get("confirm", "")):
        errors["confirm"] = _("The two new passwords differ.")
    try:
        await services.authenticate(user.username, current, client_address(request))
    except services.LoginRefused as refused:
        errors["current"] = refused.message
    if not errors:
        try:
            await services.set_password(user.scope, user.username, new)
        except Invalid as invalid:
            errors.update(invalid.errors)
    if errors:
        return page(request, "accounts/account.html", status_code=400, errors=errors, new_token=None)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@post("/account/tokens", opt={"access": USER}, status_code=200)
async def create_token(request: Request) -> object:
    user = request.scope["user"]
    form = await request.form()
    try:
        token = await services.create_api_token(user.scope, user.username, str(form.get("name", "")))
    except Invalid as invalid:
        return page(request, "accounts/account.html", status_code=400, errors=invalid.errors, new_token=None)
    return page(request, "accounts/account.html", new_token=token)


ROUTES = [login_page, login_submit, logout, switch_language, account_page, change_password, create_token]


@get("/audit", opt=allow("view_audit"))
async def audit_page(request: Request, verify: FromQuery[bool] = False) -> object:
    entries = await recent_audit(200)
    broken = await verify_all() if verify else None
    return page(request, "accounts/audit.html", entries=entries, verified=verify, broken=broken)


ROUTES.append(audit_page)
