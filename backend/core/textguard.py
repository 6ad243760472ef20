"""Text is clean: control characters are refused in every request, before the handler runs.

One ASGI middleware (``TextGuardMiddleware``, wired in ``backend/app.py``) looks at everything a
handler could read as text — path parameters and the path, query parameters, form fields
(URL-encoded, and the text parts and file names of multipart forms; never a file's content) and
JSON bodies — and refuses the request with 400 if any value holds:

- a C0 control character other than tab, line feed and carriage return, DEL, a C1 control
  character (U+0080–U+009F), NUL, or a lone surrogate (never text);
- a tab, line feed or carriage return, unless the route declares the field multi-line:
  ``opt={..., "multiline": ("note",)}`` (a textarea; for JSON the last key of the field's path).

Answers name the field: the JSON API gets ``{"errors": {"field": "message"}}`` from the same
handler as ``Invalid``; a page gets the route's own form again with the error next to the field
when the route declares how to show it (``opt={"text_form": coroutine(request, values, errors)}``,
answering None when the form has no place for one of the fields), otherwise an error page that
names the field. Routes the caller may not use are passed on untouched, so 401/403 still come
first. Nothing reaches a handler, so nothing is written.

The body is read here once (within the route's ``request_max_body_size``) and left in the
connection state, where the handler's ``request.form()`` / ``request.json()`` find it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.core import web
from backend.core.errors import DomainError, Invalid
from backend.core.i18n import _

# Refused everywhere: C0 except tab, LF, CR; DEL; C1; lone surrogates.
_NEVER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Refused outside multi-line fields: any control character, tab, LF and CR included.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_JSON_STARTS = tuple(b'{["')

Reshow = Callable[[Request, dict[str, str], dict[str, str]], Awaitable[Response | None]]


def problem(text: str, multiline: bool = False) -> str | None:
    """The translated reason ``text`` is refused, or None when it is clean."""
    found = (_NEVER if multiline else _NOT_ONE_LINE).search(text)
    if found is None:
        return None
    char, position = found.group(), found.start() + 1
    if char in "\t\n\r":
        return _("Tabs and line breaks are not allowed in this field (character {position}).").format(position=position)
    return _("Contains a control character ({code}, character {position}): remove it.").format(
        code=f"U+{ord(char):04X}", position=position
    )


def _printable(name: str) -> str:
    """A field name as it can be shown (a name may itself hold control characters)."""
    return name.encode("unicode_escape").decode("ascii") if _NOT_ONE_LINE.search(name) else name


def _json_fields(value: Any) -> Iterator[tuple[str, str, str]]:
    """(field path, last key, text) for every string in a decoded JSON document, keys included.
    Iterative: a deeply nested document cannot exhaust the stack here."""
    stack: list[tuple[str, str, Any]] = [("", "", value)]
    while stack:
        path, leaf, item = stack.pop()
        if isinstance(item, str):
            yield path or "body", leaf, item
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    yield name, "", key  # a key is a name: one line
                stack.append((name, str(key), child))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                stack.append((f"{path}[{index}]", leaf, item[index]))


def _check(errors: dict[str, str], field: str, text: str, multiline: bool) -> None:
    key = _printable(field)
    if key not in errors and (reason := problem(text, multiline)) is not None:
        errors[key] = reason


async def refusals(request: Request, multiline_fields: frozenset[str] = frozenset()) -> tuple[dict[str, str], dict[str, str]]:
    """(errors by field, the form's text values) of a request; no errors when it is clean."""
    errors: dict[str, str] = {}
    for name, value in request.scope.get("path_params", {}).items():
        if isinstance(value, str):
            _check(errors, name, value, False)
    if not errors:
        _check(errors, "path", request.scope["path"], False)
    query = request.scope.get("query_string", b"")
    if query:
        # Raw bytes are UTF-8 (a raw "一" is E4 B8 80: no C1 character), %XX escapes too.
        for name, value in parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True, errors="replace"):
            _check(errors, name, name, False)
            _check(errors, name, value, False)
    values: dict[str, str] = {}
    if request.method not in _BODY_METHODS:
        return errors, values
    content_type, _options = request.content_type
    body = await request.body()  # kept in the connection state for the handler
    if content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        for name, value in (await request.form()).multi_items():
            _check(errors, name, name, False)
            if isinstance(value, UploadFile):
                _check(errors, name, value.filename or "", False)
            else:
                values.setdefault(name, value)
                _check(errors, name, value, name in multiline_fields)
    if content_type != RequestEncodingType.MULTI_PART and body.lstrip()[:1] and body.lstrip()[0] in _JSON_STARTS:
        # Any body that is JSON, whatever its Content-Type: that is how the handler will read it.
        try:
            document = msgspec.json.decode(body)
        except (msgspec.DecodeError, RecursionError, ValueError):
            document = None  # not JSON: the handler answers for it
        for field, leaf, text in _json_fields(document):
            _check(errors, field, text, leaf in multiline_fields)
    return errors, values


def _error_handler(exc: Exception):
    for kind in type(exc).__mro__:
        if kind in web.EXCEPTION_HANDLERS:
            return web.EXCEPTION_HANDLERS[kind]
    return web.handle_internal


def marked(text: str, multiline: bool = False) -> str:
    """``text`` with each refused character shown as U+FFFD, so that the user sees where it was."""
    return (_NEVER if multiline else _NOT_ONE_LINE).sub("\ufffd", text)


async def _refusal(request: Request, errors: dict[str, str], values: dict[str, str], multiline: frozenset[str]) -> Response:
    if web.is_api(request.url.path):
        return web.handle_invalid(request, Invalid(errors))
    reshow: Reshow | None = request.route_handler.opt.get("text_form")
    if reshow is not None and values and all(field in values for field in errors):
        shown = {name: marked(value, name in multiline) if name in errors else value for name, value in values.items()}
        response = await reshow(request, shown, errors)
        if response is not None:  # None: the form has no place for one of these fields
            return response
    listed = _("; ").join(_("{field}: {message}").format(field=field, message=message) for field, message in errors.items())
    return web.page(
        request,
        "error.html",
        status_code=400,
        title=_("Invalid input"),
        detail=_("These fields contain characters that are not allowed: {fields}").format(fields=listed),
    )


class TextGuardMiddleware:
    """Refuses a request holding control characters before its handler runs (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        if scope["type"] != "http" or handler is None:
            await self.app(scope, receive, send)
            return
        request: Request = scope["litestar_app"].request_class(scope, receive)
        try:
            web.access_guard(request, handler)
        except HTTPException:
            await self.app(scope, receive, send)  # the route's guard answers (401, 403) as always
            return
        try:
            multiline = frozenset(handler.opt.get("multiline", ()))
            errors, values = await refusals(request, multiline)
            response = await _refusal(request, errors, values, multiline) if errors else None
        except (HTTPException, DomainError) as exc:  # body too large, bad multipart; 404 while re-showing a form
            response = _error_handler(exc)(request, exc)
        if response is None:
            await self.app(scope, receive, send)
            return
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)
