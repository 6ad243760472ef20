"""CSRF protection for the pages: a token bound to the session, and the request's origin checked.

The token is ``sign(TEKUN_SECRET_KEY, …)`` of what identifies the browser's session:

- the session token (from the ``tekun_session`` cookie) when a validly signed one is presented;
- otherwise a random pre-session value kept in the ``tekun_csrf`` cookie (HttpOnly), set on the
  first HTML page an anonymous visitor gets (the login form).

So a token taken from another session, or from before sign-in, does not verify. Every POST, PUT,
PATCH and DELETE to a page must carry the token (form field ``_csrf_token`` or header
``X-CSRFToken``), and its ``Origin`` (or, without one, its ``Referer``) must be the site's own
origin: the request's ``Host`` with the request's scheme (``https`` also when
``TEKUN_COOKIE_SECURE=1``, i.e. TLS ends at a proxy). A request with neither header is judged by
the token alone (browsers send ``Origin`` on every cross-site POST).

The JSON API under ``/api/`` is not checked: it accepts only Bearer tokens, never the cookie, so a
cross-site request to it carries no credentials.

Templates keep Litestar's interface: ``csrf_input`` / ``csrf_token`` read the token this
middleware stores in the connection's scope state.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from backend.core.security import sign

log = logging.getLogger("tekun.csrf")

PRE_SESSION_COOKIE = "tekun_csrf"
FORM_FIELD = "_csrf_token"
HEADER = "x-csrftoken"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_PREFIX = "/api/"
_PRE_SESSION_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_DEFAULT_PORTS = {"http": 80, "https": 443}

SessionTokenReader = Callable[[Mapping[str, str]], "str | None"]


def csrf_token(secret: str, session_token: str | None, pre_session: str | None) -> str | None:
    """The token for a browser holding this session token or, without one, this pre-session value.
    Prefixed so that no token equals another signature made with the same key (the session cookie's)."""
    if session_token:
        return sign(secret, f"tekun-csrf|session|{session_token}")
    if pre_session:
        return sign(secret, f"tekun-csrf|pre-session|{pre_session}")
    return None


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL, or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def own_origins(scheme: str, host: str, assume_https: bool) -> set[tuple[str, str, int]]:
    """The origins this request's site has: its scheme (and https behind a TLS proxy) with its Host."""
    schemes = {scheme.lower()} | ({"https"} if assume_https else set())
    found = set()
    for each in schemes:
        origin = _origin_of(f"{each}://{host}") if host else None
        if origin:
            found.add(origin)
    return found


def origin_refusal(headers: Mapping[str, str], scheme: str, assume_https: bool) -> str | None:
    """Why this state-changing request's Origin (or Referer) is not the site's own, or None."""
    claimed = headers.get("origin")
    source = "Origin"
    if claimed is None:
        claimed = headers.get("referer")
        source = "Referer"
        if claimed is None:
            return None
    allowed = own_origins(scheme, headers.get("host", ""), assume_https)
    if _origin_of(claimed) not in allowed:
        return f"{source} {claimed[:200]!r} is not this site"
    return None


class CSRFMiddleware:
    """Checks the token and the origin of every state-changing page request (see the module)."""

    def __init__(self, app: ASGIApp, session_token: SessionTokenReader, secret: str, cookie_secure: bool) -> None:
        self.app = app
        self.session_token = session_token
        self.secret = secret
        self.cookie_secure = cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIX):
            await self.app(scope, receive, send)
            return
        connection = ASGIConnection(scope)
        cookies = connection.cookies
        session = self.session_token(cookies)
        pre_session = cookies.get(PRE_SESSION_COOKIE)
        if pre_session is not None and not _PRE_SESSION_VALUE.fullmatch(pre_session):
            pre_session = None
        unsafe = scope["method"] in UNSAFE_METHODS
        new_pre_session = None
        if not session and not pre_session and not unsafe:
            new_pre_session = pre_session = secrets.token_urlsafe(32)
        expected = csrf_token(self.secret, session, pre_session)
        # Set before checking: a refusal page's own forms (sign out) then carry a valid token.
        ScopeState.from_scope(scope).csrf_token = expected or ""
        if unsafe:
            await self._check(scope, receive, connection, expected)
        if new_pre_session:
            send = self._setting_cookie(send, new_pre_session)
        await self.app(scope, receive, send)

    async def _check(self, scope: Scope, receive: Receive, connection: ASGIConnection, expected: str | None) -> None:
        problem = origin_refusal(connection.headers, scope.get("scheme", "http"), self.cookie_secure)
        if problem is None:
            supplied = connection.headers.get(HEADER)
            if not supplied:
                request = scope["litestar_app"].request_class(scope=scope, receive=receive)
                content_type, _ = request.content_type
                if content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
                    # The body is read whole first and kept in the connection state, as the parsed
                    # form is: the text guard and the handler read them again (a multipart form
                    # parsed straight from the stream would leave them waiting for a consumed body).
                    await request.body()
                    value = (await request.form()).get(FORM_FIELD)
                    supplied = value if isinstance(value, str) else None
            if not supplied:
                problem = "no token"
            elif expected is None or not hmac.compare_digest(supplied.encode(), expected.encode()):
                problem = "token of another session or altered"
        if problem:
            log.warning("CSRF check refused %s %s: %s", scope["method"], scope["path"], problem)
            raise PermissionDeniedException(f"CSRF verification failed: {problem}")

    def _setting_cookie(self, send: Send, value: str) -> Send:
        """Set the pre-session cookie on HTML pages only: that is where a form carries the token."""
        header = Cookie(
            key=PRE_SESSION_COOKIE, value=value, path="/", httponly=True, samesite="lax", secure=self.cookie_secure
        ).to_header(header="")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.add("set-cookie", header)
            await send(message)

        return wrapped
