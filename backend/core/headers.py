"""Security headers on every response: pages, API answers, static files and error pages.

Applied as the application's ``before_send`` hook, which wraps the ASGI ``send`` outside the
router, so responses no route produced (404, 405) and the error pages get them too.

- ``Content-Security-Policy``: only the site's own scripts, styles and images; no inline script
  or style, no plugins, no framing, forms post only to this site. The Swagger UI page
  (``/api/schema``) also needs ``data:`` images (its stylesheet draws its icons so).
- ``X-Frame-Options: DENY`` for browsers older than ``frame-ancestors``; ``nosniff``.
- ``Referrer-Policy: same-origin``: the full address goes to the site itself (the CSRF check may
  read it when ``Origin`` is missing), nothing to other sites: addresses carry resident ids and
  searched names.
- ``Cache-Control: no-store`` on every answer except static files and ``/health``: pages and API
  answers hold personal data and must not stay in a shared or a browser cache.
- ``Strict-Transport-Security`` only when cookies are ``Secure`` (``TEKUN_COOKIE_SECURE=1``):
  that is the deployment's statement that users reach tekun over HTTPS.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

_COMMON = (
    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_POLICY = f"{_COMMON}; img-src 'self'"
API_DOCS_POLICY = f"{_COMMON}; img-src 'self' data:"
API_DOCS_PATH = "/api/schema"
HSTS = "max-age=31536000"
CACHEABLE_PREFIXES = ("/static/",)
CACHEABLE_PATHS = frozenset({"/health"})


def content_security_policy(path: str) -> str:
    if path == API_DOCS_PATH or path.startswith(API_DOCS_PATH + "/"):
        return API_DOCS_POLICY
    return PAGE_POLICY


def may_be_cached(path: str) -> bool:
    return path in CACHEABLE_PATHS or path.startswith(CACHEABLE_PREFIXES)


def security_headers_hook(hsts: bool):
    """The ``before_send`` hook; ``hsts`` is ``settings.cookie_secure``."""

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        path = scope.get("path", "")
        headers = MutableScopeHeaders.from_message(message)
        headers["Content-Security-Policy"] = content_security_policy(path)
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        if not may_be_cached(path):
            headers["Cache-Control"] = "no-store"
        if hsts:
            headers["Strict-Transport-Security"] = HSTS

    return add_security_headers
