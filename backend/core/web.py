"""The web edge shared by every domain: access rules, error pages, templates, page helpers.

Access is declared on every route handler as ``opt={"access": ...}``: ``"public"``, ``"user"``
(any signed-in user) or a tuple of roles. One app-wide guard enforces it; a handler without a
declaration is refused (fail closed), and a test walks the route table to keep it that way.
What a user may *see* is then decided by the services through the user's Scope.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import MediaType, Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template

from backend.core import formatting, people
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import LANGUAGE_NAMES, N_, _, current_language, gettext, ngettext
from backend.core.nav import nav_for
from backend.core.permissions import Permissions
from backend.core.security import sign
from backend.core.settings import get_settings

log = logging.getLogger("tekun.web")

# An installed wheel carries the templates inside the package (setup.py copies them there); a
# checkout, an editable install and the test suite read the top-level templates/ folder.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
_PACKAGED_TEMPLATES = PACKAGE_DIR / "templates"
TEMPLATE_DIR = _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else PACKAGE_DIR.parent / "templates"
STATIC_DIR = TEMPLATE_DIR / "static"

PUBLIC = "public"
USER = "user"
# Routes Litestar adds itself (the OpenAPI schema and its docs pages) are public.
FRAMEWORK_PUBLIC_PREFIXES = ("/api/schema",)


def access(*roles: str) -> dict[str, Any]:
    """``opt`` for a handler open to these roles (every role for ``access()``... use USER)."""
    return {"access": tuple(roles)}


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def access_rule(handler: BaseRouteHandler, path: str) -> Any:
    rule = handler.opt.get("access")
    if rule is None and path.startswith(FRAMEWORK_PUBLIC_PREFIXES):
        return PUBLIC
    return rule


def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    rule = access_rule(handler, connection.scope["path"])
    if rule == PUBLIC:
        return
    if rule is None:
        log.error("route %s has no access rule; refused", connection.scope["path"])
        raise PermissionDeniedException()
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException()
    if rule == USER:
        return
    if user.role not in rule:
        raise PermissionDeniedException()


# --- templates ------------------------------------------------------------------------------


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = formatting.day
    env.filters["datetime"] = formatting.moment
    env.filters["month"] = formatting.month
    env.filters["cny"] = formatting.cny
    env.filters["number"] = formatting.number
    env.filters["percent"] = formatting.percent
    env.filters["who"] = people.who
    env.globals["language_names"] = LANGUAGE_NAMES
    env.globals["current_language"] = current_language
    env.globals["quote"] = quote
    return env


template_engine = JinjaTemplateEngine.from_environment(make_environment())

ROLE_LABELS = {
    "director": N_("Director"),
    "inspector": N_("Inspector"),
    "assessor": N_("Assessor (commissioned assessment agency)"),
    "finance": N_("Finance"),
    "admin": N_("Administrator"),
}


# --- overview panels ---------------------------------------------------------------------------
# The overview page ("/", registry) shows panels that other domains contribute without the registry
# depending on them: each panel is an async function (request) -> (template, context) or None.
OVERVIEW_PANELS: list = []


def overview_panel(function):
    """Register an overview panel (a decorator; domains use it in their views module)."""
    OVERVIEW_PANELS.append(function)
    return function


async def overview_panels(request: Request) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for panel in OVERVIEW_PANELS:
        if (result := await panel(request)) is not None:
            shown.append(result)
    return shown


FLASH_COOKIE = "tekun_flash"


def _flash_value(message: str) -> str:
    text = base64.urlsafe_b64encode(message.encode("utf-8")).decode("ascii")
    return f"{text}.{sign(get_settings().secret_key, 'flash:' + text)}"


def _flash_message(cookie: str | None) -> str | None:
    """The message a redirect left for the next page (signed, so nobody else can write it)."""
    text, _sep, signature = (cookie or "").rpartition(".")
    if not text or not hmac.compare_digest(signature, sign(get_settings().secret_key, "flash:" + text)):
        return None
    try:
        return base64.urlsafe_b64decode(text.encode("ascii")).decode("utf-8")[:500]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """A page for the signed-in user (or a visitor), with the navigation, ``can`` (the permission
    matrix for the user's role) and the message the last save left (``flash``)."""
    user = request.scope.get("user")
    context.setdefault("errors", {})
    context.setdefault("message", None)
    flash = _flash_message(request.cookies.get(FLASH_COOKIE))
    response = Template(
        template_name=template,
        context={
            "user": user,
            "nav": nav_for(user, request.scope.get("tekun_unread_notices", 0)),  # type: ignore[call-overload]
            "can": Permissions(user.role if user else None),
            "role_label": _(ROLE_LABELS[user.role]) if user else "",
            "lang": current_language(),
            "path": request.url.path,
            "query": request.url.query,
            "flash": flash,
            **context,
        },
        status_code=status_code,
        # Handlers that return a Template say HTML here, or a handler typed with a JSON default
        # media type would send the page's source as text.
        media_type=MediaType.HTML,
    )
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(path: str, flash: str | None = None) -> Redirect:
    """A 303 to ``path``; ``flash`` is shown once on the page it leads to ("已保存")."""
    response = Redirect(path=path, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE,
            _flash_value(flash),
            path="/",
            max_age=120,
            httponly=True,
            samesite="lax",
            secure=get_settings().cookie_secure,
        )
    return response


def safe_next(value: str | None) -> str:
    """Only same-site relative paths are followed after sign-in or a language switch."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


# --- errors ---------------------------------------------------------------------------------


def _error_response(request: Request, status: int, title: str, detail: str, extra: dict | None = None):
    if is_api(request.url.path):
        return Response(
            {"status_code": status, "detail": detail, **(extra or {})},
            status_code=status,
            media_type=MediaType.JSON,
        )
    return page(request, "error.html", status_code=status, title=title, detail=detail)


def _refusal(exc: HTTPException) -> str:
    """What a 400 refused: each parameter or field by name with the validator's reason (Litestar's
    own detail repeats the whole URL, however long), else the detail, shortened."""
    problems = exc.extra if isinstance(exc.extra, list) else []
    named = [f"{item['key']}: {item.get('message', '')}" for item in problems if isinstance(item, dict) and item.get("key")]
    if named:
        return "; ".join(named[:10])
    detail = str(exc.detail)
    return detail if len(detail) <= 200 else detail[:200] + "…"


def handle_http(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException) or status == 401:
        if is_api(request.url.path):
            return Response(
                {"status_code": 401, "detail": _("A valid API token is required (Authorization: Bearer …).")},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
                media_type=MediaType.JSON,
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target)}", status_code=303)
    if isinstance(exc, PermissionDeniedException) or status == 403:
        detail = _("You do not have permission to do this.")
        if "CSRF" in str(exc.detail):
            detail = _("The form has expired or was not sent by this site. Reload the page and try again.")
        return _error_response(request, 403, _("Not allowed"), detail)
    if isinstance(exc, NotFoundException) or status == 404:
        return _error_response(request, 404, _("Not found"), _("There is nothing here, or it is not yours to see."))
    if isinstance(exc, ValidationException) or status == 400:
        extra = {"extra": exc.extra} if getattr(exc, "extra", None) else None
        return _error_response(
            request, 400, _("Invalid request"), _("The request was not understood: {detail}").format(detail=_refusal(exc)), extra
        )
    if status == 405:
        return _error_response(request, 405, _("Not allowed"), _("This method is not allowed here."))
    if status == 413:
        return _error_response(request, 413, _("Request too large"), _("The request is larger than this address accepts."))
    if status >= 500:
        log.error("HTTP %s at %s: %s", status, request.url.path, exc.detail)
        return _error_response(request, status, _("Server error"), _("Something went wrong on our side. It has been logged."))
    return _error_response(request, status, _("Error"), str(exc.detail))


def handle_not_found(request: Request, exc: NotFound) -> Response:
    return _error_response(request, 404, _("Not found"), str(exc) or _("There is nothing here, or it is not yours to see."))


def handle_forbidden(request: Request, exc: Forbidden) -> Response:
    return _error_response(request, 403, _("Not allowed"), str(exc))


def handle_invalid(request: Request, exc: Invalid) -> Response:
    return _error_response(request, 400, _("Invalid input"), _("Some fields are invalid."), {"errors": exc.errors})


# SQLSTATEs of text PostgreSQL cannot hold (a NUL character): character_not_in_repertoire,
# untranslatable_character. SQLite stores such text; PostgreSQL refuses it.
_UNSTORABLE_TEXT = {"22021", "22P05"}


def _causes(exc: BaseException):
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        yield current
        current = current.__cause__ or current.__context__
        seen += 1


def _number_overflow(exc: BaseException) -> bool:
    """A number too large for the database (SQLite raises OverflowError; asyncpg a DataError
    caused by one): the request is at fault, not the server."""
    return any(isinstance(cause, OverflowError) for cause in _causes(exc))


def _unstorable_text(exc: BaseException) -> bool:
    """Text the database cannot store (PostgreSQL and NUL): the request is at fault."""
    return any(getattr(cause, "sqlstate", None) in _UNSTORABLE_TEXT for cause in _causes(exc))


def handle_internal(request: Request, exc: Exception) -> Response:
    # Bad input that only the database noticed is still bad input (400), not a server error.
    # The write it was part of has been rolled back with its transaction.
    if _number_overflow(exc):
        return _error_response(request, 400, _("Invalid request"), _("A number in the request is too large."))
    if _unstorable_text(exc):
        return _error_response(
            request, 400, _("Invalid request"), _("The request contains a character that cannot be stored (such as NUL).")
        )
    log.exception("unhandled error at %s", request.url.path, exc_info=exc)
    return _error_response(request, 500, _("Server error"), _("Something went wrong on our side. It has been logged."))


class ApiError(msgspec.Struct):
    """The JSON body of every API error (what the handlers above answer on /api/)."""

    status_code: int
    detail: str
    extra: list[dict[str, Any]] | dict[str, Any] | None = None  # 400: each parameter or field refused
    errors: dict[str, str] | None = None  # 400: the fields of a refused body and why


_API_ERROR_DESCRIPTIONS = {
    400: "Invalid request: a parameter, field or body refused (named in `extra` or `errors`)",
    401: "No valid API token (Authorization: Bearer …)",
    403: "Your role may not do this",
    404: "Not found, or outside your scope",
    413: "The request body is too large",
}


def api_errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The ``responses`` of an API handler: the errors it may answer, documented in OpenAPI."""
    return {
        status: ResponseSpec(data_container=ApiError, description=_API_ERROR_DESCRIPTIONS[status], generate_examples=False)
        for status in statuses
    }


API_ERRORS = api_errors(400, 401, 403, 404)
API_BODY_ERRORS = api_errors(400, 401, 403, 404, 413)  # handlers that read a JSON body


EXCEPTION_HANDLERS = {
    HTTPException: handle_http,
    NotFound: handle_not_found,
    Forbidden: handle_forbidden,
    Invalid: handle_invalid,
    Exception: handle_internal,
}
