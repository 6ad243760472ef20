"""What the residents pages share: the acting scope, a page with the label sets, the textguard
hook of a person's form, and the checks of a form that need the person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from litestar import Request
from litestar.response import Template

from backend.core import forms
from backend.core.i18n import _
from backend.core.security import Scope
from backend.core.web import page
from backend.residents import services
from backend.residents.labels import MODE_LABELS, STATUS_LABELS, TIER_LABELS, labels
from backend.residents.schemas import ResidentOut


def scope_of(request: Request) -> Scope:
    return request.scope["user"].scope


def resident_page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """A residents page: ``page()`` with the label sets as ``L``."""
    return page(request, template, status_code=status_code, L=labels(), **context)


def shown(values: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: values.get(name, "") for name in names}


Reshow = Callable[[Request, dict[str, str], dict[str, str]], Awaitable[Template | None]]


def text_form(template: str, names: tuple[str, ...], **context: Any) -> Reshow:
    """The ``text_form`` hook of a person's form (``backend.core.textguard``): the form again,
    with the fields that hold control characters marked; None for a field the form does not
    show (the guard's own error page names it)."""

    async def reshow(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
        if not set(errors) <= set(names):
            return None
        person = await services.get_resident(scope_of(request), request.path_params["resident_id"])
        return resident_page(
            request, template, status_code=400, person=person, values=shown(values, names), errors=errors, **context
        )

    return reshow


def value_of(parsed: forms.Parsed, name: str) -> Any:
    """One field's typed value even when another field was refused (None if this one was)."""
    if parsed.data is not None:
        return getattr(parsed.data, name)
    if name in parsed.errors:
        return None
    try:
        return forms.fields_of(parsed.form)[name](parsed.values[name])
    except (forms.Missing, forms.Refused):
        return None


def not_before(parsed: forms.Parsed, name: str, first: date | None) -> None:
    """Refuse a date field dated before ``first`` (the approval date)."""
    day = value_of(parsed, name)
    if first is not None and day is not None and day < first:
        parsed.error(name, _("The date is before the approval date."))


def not_before_approval(parsed: forms.Parsed, person: ResidentOut, name: str) -> None:
    not_before(parsed, name, person.approved_on)


def register_filters(mode: str | None, tier: str | None, status: str | None) -> dict[str, str]:
    """The roster's and the register's filters as chosen (unknown values: no filter)."""
    return {
        "mode": mode if mode in MODE_LABELS else "",
        "tier": tier if tier in TIER_LABELS else "",
        "status": status if status in STATUS_LABELS else "",
    }
