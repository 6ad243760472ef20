"""The floors page of a county (``/counties/{code}/standards/floors``): the floors of the basic
living amount entered (domain-rules §8), those not entered, and the form to enter one.

Reading: finance and inspectors of the county, admins (``view_reconciliation``); entering:
finance and admins (``set_standards``). Another county is "not found"."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import redirect
from backend.stipends import floor_rules, reports, services
from backend.stipends.labels import label
from backend.stipends.views import stipend_page


def _scope(request: Request) -> Scope:
    return request.scope["user"].scope


def _defaults() -> dict[str, str]:
    """The form as first shown: 1.3 × 低保 from next month (the default multiple of §8)."""
    return {
        "kind": "dibao",
        "area": "rural",
        "mode": "",
        "effective_from": dates.month_text(dates.add_months(dates.month_of(dates.today()), 1)),
        "amount": "",
        "ratio": floor_rules.ratio_text(floor_rules.DEFAULT_RATIO["dibao"]),
        "source": "",
    }


async def _floors_page(
    request: Request, code: str, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    scope = _scope(request)
    county = await reports.county_in_scope(scope, code)
    floors = await services.list_floors(scope, code)
    entered = {(floor.kind, floor.area, floor.mode) for floor in floors}
    missing = [services.floor_name(key) for key in floor_rules.floor_keys() if key not in entered]
    return stipend_page(
        request,
        "stipends/floors.html",
        status_code=status_code,
        county=county,
        floors=floors,
        missing=missing,
        values=values,
        errors=errors or {},
        kind_options=[(kind, label("floor_kind", kind)) for kind in floor_rules.KINDS],
        area_options=[(area, label("floor_area", area)) for area in floor_rules.AREAS],
        mode_options=[(mode, label("mode", mode)) for mode in floor_rules.MODES],
        default_ratio={kind: floor_rules.ratio_text(value) for kind, value in floor_rules.DEFAULT_RATIO.items()},
    )


@get("/counties/{code:str}/standards/floors", opt=allow("view_reconciliation"))
async def floors_page(request: Request, code: FromPath[str]) -> Template:
    return await _floors_page(request, code, _defaults())


async def _reshow_floor(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    """The form again when a field holds control characters (``backend.core.textguard``)."""
    if not set(errors) <= set(services.FLOOR_FIELDS):
        return None
    shown = {name: values.get(name, "")[:200] for name in services.FLOOR_FIELDS}
    return await _floors_page(request, request.path_params["code"], shown, errors, status_code=400)


@post("/counties/{code:str}/standards/floors", opt={**allow("set_standards"), "text_form": _reshow_floor}, status_code=200)
async def floor_submit(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await reports.county_in_scope(scope, code)  # another county: 404 before anything is read
    values = forms.values_of(services.FloorForm, await request.form())
    try:
        saved = await services.add_floor(scope, code, values)
    except Invalid as invalid:
        shown = {name: value[:200] for name, value in values.items()}
        return await _floors_page(request, code, shown, invalid.errors, status_code=400)
    message = _("The floor “{floor}” from {month} is saved.").format(floor=saved.name, month=saved.effective_from)
    return redirect(f"/counties/{code}/standards/floors", flash=message)


ROUTES: list[Any] = [floors_page, floor_submit]
