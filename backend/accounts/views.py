"""Account pages: sign in and out, the language switch, the user's own account and tokens, the
audit log. The administrator's user pages are in ``user_views`` (their routes are added here)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.accounts import audit_words, rules, services
from backend.accounts.auth import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    session_cookie_value,
    session_token,
)
from backend.accounts.user_views import ROUTES as USER_ROUTES
from backend.core import forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import verify_all
from backend.core.permissions import allow
from backend.core.settings import LANGUAGES, get_settings
from backend.core.web import PUBLIC, USER, page, redirect, safe_next

PASSWORD_MAX = 1000  # characters; a longer one is a paste gone wrong (Argon2 takes any length)


def client_address(request: Request) -> str:
    """The one place that decides who the client is: the TCP peer, or, when the peer is one of
    TEKUN_TRUSTED_PROXIES, what its X-Forwarded-For says (uvicorn is told not to rewrite the peer
    from headers itself: ``proxy_headers=False`` in ``tekun serve``)."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.getall("x-forwarded-for", [])
    return rules.client_address(peer, forwarded, get_settings().trusted_proxies)


def password_of(data: Any, name: str) -> str:
    """A password exactly as typed: the form toolkit strips text, a password keeps its spaces."""
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


class LoginForm(forms.Form):
    """What was typed, for the sign-in (which checks and throttles every attempt, however odd the
    name: a refusal here would let a flood of long names past the counters)."""

    username: Annotated[str, forms.Text(required=False)] = ""
    next: Annotated[str, forms.Text(required=False)] = ""


class PasswordChangeForm(forms.Form):
    """The three passwords must be there (their text is read as typed, ``password_of``)."""

    current: Annotated[str, forms.Text(max_length=PASSWORD_MAX)]
    new: Annotated[str, forms.Text(max_length=PASSWORD_MAX)]
    confirm: Annotated[str, forms.Text(max_length=PASSWORD_MAX)]


class TokenForm(forms.Form):
    name: Annotated[str, forms.Text(max_length=100)]


@get("/login", opt={"access": PUBLIC}, name="login")
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Template | Redirect:
    if request.scope.get("user"):
        return redirect(safe_next(next))
    return page(request, "accounts/login.html", next=safe_next(next), username="", error=None)


@post("/login", opt={"access": PUBLIC}, status_code=200)
async def login_submit(request: Request) -> Template | Redirect:
    data = await request.form()
    parsed = forms.parse(LoginForm, data)
    username = parsed.values["username"]
    target = safe_next(parsed.values["next"] or "/")
    try:
        token, _user = await services.login(username, password_of(data, "password"), client_address(request))
    except services.LoginRefused as refused:
        response = page(
            request,
            "accounts/login.html",
            status_code=429 if refused.locked else 401,
            next=target,
            username=username[:150],
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
async def account_page(request: Request) -> Template:
    return page(request, "accounts/account.html", new_token=None, values={})


@post("/account/password", opt={"access": USER}, status_code=200)
async def change_password(request: Request) -> Template | Redirect:
    user = request.scope["user"]
    data = await request.form()
    parsed = forms.parse(PasswordChangeForm, data)
    new = password_of(data, "new")
    if "confirm" not in parsed.errors and new != password_of(data, "confirm"):
        parsed.error("confirm", _("The two new passwords differ."))
    if "current" not in parsed.errors:
        try:
            await services.authenticate(user.username, password_of(data, "current"), client_address(request))
        except services.LoginRefused as refused:
            parsed.error("current", refused.message)
    if parsed.ok:
        try:
            await services.set_password(user.scope, user.username, new)
        except Invalid as invalid:
            parsed.merge(Invalid({"new" if name == "password" else name: message for name, message in invalid.errors.items()}))
    if not parsed.ok:
        return page(request, "accounts/account.html", status_code=400, errors=parsed.errors, new_token=None, values={})
    response = redirect("/login", flash=_("Your password is changed. Sign in again with the new one."))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@post("/account/tokens", opt={"access": USER}, status_code=200)
async def create_token(request: Request) -> Template:
    user = request.scope["user"]
    parsed = await forms.read(request, TokenForm)
    if parsed.ok:
        try:
            token = await services.create_api_token(user.scope, user.username, parsed.data.name)
        except Invalid as invalid:
            parsed.merge(invalid)
    if not parsed.ok:
        return page(request, "accounts/account.html", status_code=400, errors=parsed.errors, new_token=None, values=parsed.values)
    # The token is shown once, on this page (not after a redirect, where it would have to be kept).
    return page(request, "accounts/account.html", new_token=token, values={}, message=_("Token created: copy it now."))


# --- the audit log ----------------------------------------------------------------------------


class AuditFilter(forms.Form):
    user: Annotated[str, forms.Text(required=False, max_length=150)] = ""
    action: Annotated[str, forms.Text(required=False, max_length=100)] = ""
    since: Annotated[date | None, forms.Date(required=False)] = None
    until: Annotated[date | None, forms.Date(required=False)] = None
    page: Annotated[int | None, forms.Integer(required=False, minimum=1, maximum=10_000_000)] = None
    verify: Annotated[bool, forms.YesNo()] = False


@get("/audit", opt=allow("view_audit"))
async def audit_page(request: Request) -> Template:
    scope = request.scope["user"].scope
    parsed = forms.parse(AuditFilter, request.query_params)
    chosen = parsed.data or AuditFilter()
    if chosen.since and chosen.until and chosen.until < chosen.since:
        parsed.error("until", _("The end date is before the start date."))
        chosen = AuditFilter()
    log = await services.audit_page(
        scope, chosen.user or None, chosen.action or None, chosen.since, chosen.until, chosen.page or 1
    )
    broken = await verify_all() if chosen.verify else None
    query = {name: parsed.values[name] for name in ("user", "action", "since", "until") if parsed.values[name]}
    return page(
        request,
        "accounts/audit.html",
        log=log,
        values=parsed.values,
        errors=parsed.errors,
        filters=query,
        users=await services.user_choices(scope),
        actions=services.action_choices(),
        verified=chosen.verify,
        broken=broken,
        broken_words=audit_words.break_text(broken.ledger, broken.reason) if broken else None,
    )


ROUTES = [
    login_page,
    login_submit,
    logout,
    switch_language,
    account_page,
    change_password,
    create_token,
    audit_page,
    *USER_ROUTES,
]
