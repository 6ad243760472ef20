"""Who is asking: a session cookie for pages, a Bearer token for the JSON API.

Sets ``scope["user"]`` (a CurrentUser or None) and the request's language. The JSON API under
``/api/`` accepts only Bearer tokens, never the cookie, so it needs no CSRF token; pages accept
only the cookie and are protected by the CSRF middleware (backend/core/csrf.py: a token bound
to the session, and the Origin check).
"""

from __future__ import annotations

import hmac

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.accounts import services
from backend.core.i18n import reset_language, set_language
from backend.core.security import sign
from backend.core.settings import get_settings

SESSION_COOKIE = "tekun_session"
LANGUAGE_COOKIE = "tekun_lang"


def session_cookie_value(token: str) -> str:
    """The cookie carries the session token signed with TEKUN_SECRET_KEY: a forged or altered
    cookie is rejected before the database is asked."""
    return f"{token}.{sign(get_settings().secret_key, token)}"


def session_token(cookie: str | None) -> str | None:
    token, _, signature = (cookie or "").rpartition(".")
    if not token or not hmac.compare_digest(signature, sign(get_settings().secret_key, token)):
        return None
    return token


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = ASGIConnection(scope)
        user = None
        if scope["path"].startswith("/api/"):
            header = connection.headers.get("authorization", "")
            if header[:7].lower() == "bearer " and header[7:].strip():
                user = await services.user_for_token(header[7:].strip())
            scope["auth"] = "token" if user else None
        else:
            token = session_token(connection.cookies.get(SESSION_COOKIE))
            if token:
                user = await services.user_for_session(token)
            scope["auth"] = "session" if user else None
        scope["user"] = user
        language = connection.cookies.get(LANGUAGE_COOKIE)
        marker = set_language(language)
        try:
            await self.app(scope, receive, send)
        finally:
            reset_language(marker)
