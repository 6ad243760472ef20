"""The county register (search, filters, pages) and registering a confirmed (认定) person."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.limits import PageNumber
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.registry import services as registry
from backend.residents import services
from backend.residents.labels import AREA_LABELS, GENDER_LABELS
from backend.residents.schemas import ResidentIn
from backend.residents.views._common import (
    not_before,
    register_filters,
    resident_page,
    scope_of,
    shown,
    value_of,
)
from backend.residents.views.placements import breach_confirm, breach_warning

PER_PAGE = 50


def _page_link(request: Request, number: int) -> str:
    params = {key: value for key, value in request.query_params.items() if key != "page" and value}
    params["page"] = str(number)
    return f"{request.url.path}?{urlencode(params)}"


def _county_of(request: Request, chosen: str | None) -> str | None:
    """The county a list is narrowed to: any the administrator chooses, else the user's own."""
    user = request.scope["user"]
    return (chosen or None) if scope_of(request).kind == "all" else user.county_code


@get("/residents", opt=allow("view_register"))
async def county_register(
    request: Request,
    q: FromQuery[str | None] = None,
    county: FromQuery[str | None] = None,
    home: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
    tier: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    page: PageNumber = 1,
) -> Template:
    scope = scope_of(request)
    county_code = _county_of(request, county)
    chosen = register_filters(mode, tier, status)
    if chosen["status"] == "former":
        chosen["status"] = ""
    filters = services.RegisterFilter(
        county_code=county_code,
        home_code=home or None,
        search=q or None,
        mode=chosen["mode"] or None,
        tier=chosen["tier"] or None,
        status=chosen["status"] or None,
    )
    result = await services.search_register(scope, filters, page=max(1, page), per_page=PER_PAGE)
    pages = max(1, -(-result.total // result.per_page))
    return resident_page(
        request,
        "residents/register.html",
        result=result,
        pages=pages,
        chosen=chosen,
        q=q or "",
        county=county or "",
        home=home or "",
        homes=await registry.list_homes(scope, county_code=county_code),
        counties=await registry.list_counties(scope) if scope.kind == "all" else [],
        previous_link=_page_link(request, result.page - 1) if result.page > 1 else None,
        next_link=_page_link(request, result.page + 1) if result.page < pages else None,
    )


# --- registering a person ---------------------------------------------------------------------


class RegisterForm(forms.Form, kw_only=True):
    id_number: Annotated[str, forms.Text(max_length=18)]
    name: Annotated[str, forms.Text(max_length=50)]
    gender: Annotated[str, forms.Choice(tuple(GENDER_LABELS), N_("Choose male or female."), required=False)] = ""
    county_code: Annotated[str, forms.Text(required=False, max_length=12)] = ""
    approved_on: Annotated[date, forms.Date(not_in_future=True)]
    home_code: Annotated[str, forms.Text(required=False, max_length=40)] = ""
    admitted_on: Annotated[date | None, forms.Date(required=False, not_in_future=True)] = None
    # registered with a home: never assessed by the county yet, so only as an emergency admission
    emergency_reason: Annotated[str, forms.Text(required=False, max_length=300)] = ""
    area: Annotated[str, forms.Choice(tuple(AREA_LABELS), N_("Choose urban or rural."), required=False)] = ""


REGISTER_FIELDS = tuple(forms.fields_of(RegisterForm))


async def _register_form(
    request: Request, values: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    scope = scope_of(request)
    county_code = values.get("county_code") or _county_of(request, None)
    return resident_page(
        request,
        "residents/register_form.html",
        status_code=status_code,
        values=values,
        errors=errors or {},
        counties=await registry.list_counties(scope) if scope.kind == "all" else [],
        homes=await registry.list_homes(scope, county_code=county_code or None),
    )


@get("/residents/new", opt=allow("register_residents"))
async def register_new(request: Request) -> Template:
    values = {"county_code": request.scope["user"].county_code or "", "approved_on": dates.today().isoformat()}
    return await _register_form(request, values)


async def _reshow_register(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not set(errors) <= set(REGISTER_FIELDS):
        return None
    return await _register_form(request, shown(values, REGISTER_FIELDS), errors, status_code=400)


@post("/residents/new", opt=allow("register_residents", text_form=_reshow_register), status_code=200)
async def register_submit(request: Request) -> Template | Redirect:
    submitted = await request.form()
    parsed = forms.parse(RegisterForm, submitted)
    parsed.values["id_number"] = parsed.values["id_number"].upper()
    if scope_of(request).kind != "all":  # inspectors register in their own county only
        parsed.values["county_code"] = request.scope["user"].county_code or ""
    not_before(parsed, "admitted_on", value_of(parsed, "approved_on"))
    if parsed.ok:
        data = parsed.data
        try:
            person = await services.register_resident(
                scope_of(request),
                ResidentIn(
                    id_number=parsed.values["id_number"],
                    name=data.name,
                    county_code=parsed.values["county_code"],
                    approved_on=data.approved_on,
                    gender=data.gender or None,
                    home_code=data.home_code or None,
                    admitted_on=data.admitted_on,
                    emergency_reason=data.emergency_reason if data.home_code else "",
                    area=data.area or "",
                    confirm_breach=forms.confirmed(submitted),
                ),
            )
            return redirect(f"/residents/{person.id}", flash=_("Registered {name}.").format(name=person.name))
        except Invalid as invalid:
            if (warning := breach_warning(invalid)) is not None:  # registered with a home below the staff ratio
                home = (await registry.homes_by_code([data.home_code])).get(data.home_code) or {}
                values = shown(parsed.values, REGISTER_FIELDS)
                name, day = data.name, data.admitted_on or dates.today()
                return breach_confirm(
                    request, "/residents/new", "/residents/new", values, warning, name, home.get("name", ""), day
                )
            parsed.merge(invalid)
    return await _register_form(request, parsed.values, parsed.errors, status_code=400)


ROUTES = [county_register, register_new, register_submit]
