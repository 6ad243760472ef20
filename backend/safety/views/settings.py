"""A home's safety settings at ``/homes/{code}/safety/settings`` (domain rules §6b): the meal windows
(``HH:MM-HH:MM``), the night-patrol hours (``22,0,2,4``) and whether the home has a canteen
(without one the food routines are not due). The home's director or an administrator."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.safety import links, services


class SettingsForm(forms.Form, kw_only=True):
    breakfast: Annotated[str, forms.Text(max_length=20)]
    lunch: Annotated[str, forms.Text(max_length=20)]
    dinner: Annotated[str, forms.Text(max_length=20)]
    night_slots: Annotated[str, forms.Text(max_length=40)]
    has_canteen: Annotated[bool, forms.YesNo()] = False


def _values(settings: services.HomeSettings) -> dict[str, str]:
    values = settings.values()
    return {
        **{name: str(values[name]) for name in ("breakfast", "lunch", "dinner", "night_slots")},
        "has_canteen": "yes" if values["has_canteen"] else "",
    }


def _render(
    request: Request,
    home: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    saved: bool = True,
) -> Template:
    return page(
        request,
        "safety/settings.html",
        status_code=status_code,
        home=home,
        values=values,
        errors=errors,
        saved=saved,
        links=links,
    )


@get("/homes/{code:str}/safety/settings", opt=allow("record_safety"))
async def safety_settings(request: Request, code: FromPath[str]) -> Template:
    scope = request.scope["user"].scope
    home = await services.home_for(scope, code, "record_safety")
    current = await services.home_settings(scope, code)
    return _render(request, home, _values(current), {}, saved=current.saved)


@post("/homes/{code:str}/safety/settings", opt=allow("record_safety"), status_code=200)
async def save_safety_settings(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    home = await services.home_for(scope, code, "record_safety")  # out of scope: 404 before the form is read
    parsed = await forms.read(request, SettingsForm)
    if parsed.ok:
        data = parsed.data
        assert data is not None
        try:
            _saved, changed = await services.save_settings(
                scope, code, data.breakfast, data.lunch, data.dinner, data.night_slots, data.has_canteen
            )
            message = _("The settings are saved.") if changed else _("Nothing changed.")
            return redirect(links.settings_href(code), flash=message)
        except Invalid as invalid:
            parsed.merge(invalid)
    return _render(request, home, parsed.values, parsed.errors, 400)


ROUTES = [safety_settings, save_safety_settings]
