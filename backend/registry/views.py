"""Registry pages: the overview per role, counties, homes, county parameters."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery

from backend.core import dates, todo
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import USER, overview_panels, page, redirect
from backend.registry import rules, services
from backend.registry.schemas import CountyIn, CountyPatch, HomeIn, HomePatch, ParametersIn


def _int(form: dict, name: str, errors: dict[str, str], required: bool = True) -> int | None:
    raw = str(form.get(name, "")).strip()
    if not raw:
        if required:
            errors[name] = _("A value is required.")
        return None
    try:
        return int(raw)
    except ValueError:
        errors[name] = _("A whole number is required.")
        return None


def _date(form: dict, name: str, errors: dict[str, str]) -> date | None:
    raw = str(form.get(name, "")).strip()
    try:
        return dates.parse_date(raw)
    except ValueError:
        errors[name] = _("Not a valid date (write 2026-11-02).")
        return None


def _text(form: dict, name: str) -> str:
    return str(form.get(name, "")).strip()


# --- overview -----------------------------------------------------------------------------


@get("/", opt={"access": USER})
async def overview(request: Request) -> object:
    user = request.scope["user"]
    scope = user.scope
    if user.role == "director":
        home = await services.get_home(scope, user.home_code)
        return page(request, "registry/overview.html", home=home, homes=[], counties=[], panels=await overview_panels(request),
                    todo=await todo.items(scope))
    homes = await services.list_homes(scope)
    counties = await services.list_counties(scope)
    return page(request, "registry/overview.html", home=None, homes=homes, counties=counties, panels=await overview_panels(request),
                todo=await todo.items(scope))


# --- counties -----------------------------------------------------------------------------


@get("/counties", opt=allow("view_counties"))
async def county_list(request: Request) -> object:
    counties = await services.list_counties(request.scope["user"].scope)
    return page(request, "registry/counties.html", counties=counties)


@get("/counties/new", opt=allow("manage_registry"))
async def county_new(request: Request) -> object:
    return page(request, "registry/county_form.html", county=None, values={})


# text_form hooks (backend.core.textguard): the form again when a field holds control characters.


# (None: a field the form does not show; the guard's own page names it.)
COUNTY_FIELDS = ("code", "name", "province")
HOME_FIELDS = ("code", "name", "county_code", "beds", "address", "has_fire_control_room")


async def _reshow_county_new(request: Request, values: dict[str, str], errors: dict[str, str]):
    if not set(errors) <= set(COUNTY_FIELDS):
        return None
    shown = {name: values.get(name, "") for name in ("code", "name", "province")}
    return page(request, "registry/county_form.html", status_code=400, county=None, values=shown, errors=errors)


async def _reshow_county_edit(request: Request, values: dict[str, str], errors: dict[str, str]):
    if not set(errors) <= set(COUNTY_FIELDS):
        return None
    code = request.path_params["code"]
    county = await services.get_county(request.scope["user"].scope, code)
    shown = {"code": code, **{name: values.get(name, "") for name in ("name", "province")}}
    return page(request, "registry/county_form.html", status_code=400, county=county, values=shown, errors=errors)


@post("/counties/new", opt={**allow("manage_registry"), "text_form": _reshow_county_new}, status_code=200)
async def county_create(request: Request) -> object:
    form = await request.form()
    values = {name: _text(form, name) for name in ("code", "name", "province")}
    try:
        county = await services.create_county(request.scope["user"].scope, CountyIn(**values))
    except Invalid as invalid:
        return page(request, "registry/county_form.html", status_code=400, county=None, values=values, errors=invalid.errors)
    return redirect(f"/counties/{county.code}")


@get("/counties/{code:str}", opt=allow("view_counties"))
async def county_detail(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    return page(
        request,
        "registry/county.html",
        county=county,
        homes=await services.list_homes(scope, county_code=code),
        parameters=await services.current_parameters(scope, code),
        history=await services.parameter_history(scope, code),
        defaults=rules.default_table(),
    )


@get("/counties/{code:str}/edit", opt=allow("manage_registry"))
async def county_edit(request: Request, code: FromPath[str]) -> object:
    county = await services.get_county(request.scope["user"].scope, code)
    return page(request, "registry/county_form.html", county=county, values={"code": county.code, "name": county.name, "province": county.province})


@post("/counties/{code:str}/edit", opt={**allow("manage_registry"), "text_form": _reshow_county_edit}, status_code=200)
async def county_update(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    form = await request.form()
    values = {name: _text(form, name) for name in ("name", "province")}
    try:
        await services.update_county(scope, code, CountyPatch(**values))
    except Invalid as invalid:
        county = await services.get_county(scope, code)
        return page(request, "registry/county_form.html", status_code=400, county=county, values={"code": code, **values}, errors=invalid.errors)
    return redirect(f"/counties/{code}")


@get("/counties/{code:str}/parameters", opt=allow("manage_registry"))
async def parameters_form(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    current = await services.current_parameters(scope, code)
    values: dict[str, Any] = {name: getattr(current, name) for name in rules.PARAMETER_FIELDS}
    values["effective_from"] = dates.today().isoformat()
    return page(request, "registry/parameters_form.html", county=county, values=values, defaults=rules.default_table())


@post("/counties/{code:str}/parameters", opt=allow("manage_registry"), status_code=200)
async def parameters_submit(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    form = await request.form()
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {name: _int(form, name, errors, required=name != "dependents_per_carer") for name in rules.PARAMETER_FIELDS}
    if parsed["dependents_per_carer"] == 0:
        parsed["dependents_per_carer"] = None
    parsed["effective_from"] = _date(form, "effective_from", errors)
    values = {name: _text(form, name) for name in (*rules.PARAMETER_FIELDS, "effective_from")}
    if not errors:
        try:
            await services.set_parameters(scope, code, ParametersIn(**parsed))
            return redirect(f"/counties/{code}")
        except Invalid as invalid:
            errors = invalid.errors
    return page(request, "registry/parameters_form.html", status_code=400, county=county, values=values, errors=errors, defaults=rules.default_table())


# --- homes --------------------------------------------------------------------------------


@get("/homes", opt={"access": USER})
async def home_list(request: Request, county: FromQuery[str | None] = None, q: FromQuery[str | None] = None) -> object:
    homes = await services.list_homes(request.scope["user"].scope, county_code=county, search=q)
    return page(request, "registry/homes.html", homes=homes, q=q or "", county=county or "")


def _home_values(form: dict) -> dict[str, Any]:
    return {
        "code": _text(form, "code").upper(),
        "name": _text(form, "name"),
        "county_code": _text(form, "county_code"),
        "beds": _text(form, "beds"),
        "address": _text(form, "address"),
        "has_fire_control_room": form.get("has_fire_control_room") in ("on", "1", "true"),
    }


@get("/homes/new", opt=allow("manage_registry"))
async def home_new(request: Request, county: FromQuery[str | None] = None) -> object:
    counties = await services.list_counties(request.scope["user"].scope)
    return page(request, "registry/home_form.html", home=None, counties=counties, values={"county_code": county or "", "beds": "0"})


async def _reshow_home_new(request: Request, values: dict[str, str], errors: dict[str, str]):
    if not set(errors) <= set(HOME_FIELDS):
        return None
    counties = await services.list_counties(request.scope["user"].scope)
    return page(request, "registry/home_form.html", status_code=400, home=None, counties=counties, values=_home_values(values), errors=errors)


async def _reshow_home_edit(request: Request, values: dict[str, str], errors: dict[str, str]):
    if not set(errors) <= set(HOME_FIELDS):
        return None
    home = await services.get_home(request.scope["user"].scope, request.path_params["code"])
    shown = {**_home_values(values), "code": home.code, "county_code": home.county_code}
    return page(request, "registry/home_form.html", status_code=400, home=home, counties=[], values=shown, errors=errors)


@post("/homes/new", opt={**allow("manage_registry"), "text_form": _reshow_home_new}, status_code=200)
async def home_create(request: Request) -> object:
    scope = request.scope["user"].scope
    values = _home_values(await request.form())
    errors: dict[str, str] = {}
    beds = _int({"beds": values["beds"]}, "beds", errors)
    if not errors:
        try:
            home = await services.create_home(scope, HomeIn(**{**values, "beds": beds}))
            return redirect(f"/homes/{home.code}")
        except Invalid as invalid:
            errors = invalid.errors
    counties = await services.list_counties(scope)
    return page(request, "registry/home_form.html", status_code=400, home=None, counties=counties, values=values, errors=errors)


@get("/homes/{code:str}", opt={"access": USER})
async def home_detail(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    home = await services.get_home(scope, code)
    return page(request, "registry/home.html", home=home)


@get("/homes/{code:str}/edit", opt=allow("manage_registry"))
async def home_edit(request: Request, code: FromPath[str]) -> object:
    home = await services.get_home(request.scope["user"].scope, code)
    values = {
        "code": home.code,
        "name": home.name,
        "county_code": home.county_code,
        "beds": str(home.beds),
        "address": home.address,
        "has_fire_control_room": home.has_fire_control_room,
    }
    return page(request, "registry/home_form.html", home=home, counties=[], values=values)


@post("/homes/{code:str}/edit", opt={**allow("manage_registry"), "text_form": _reshow_home_edit}, status_code=200)
async def home_update(request: Request, code: FromPath[str]) -> object:
    scope = request.scope["user"].scope
    home = await services.get_home(scope, code)
    values = _home_values(await request.form())
    values["code"], values["county_code"] = home.code, home.county_code
    errors: dict[str, str] = {}
    beds = _int({"beds": values["beds"]}, "beds", errors)
    if not errors:
        try:
            await services.update_home(
                scope,
                code,
                HomePatch(
                    name=values["name"],
                    beds=beds,
                    address=values["address"],
                    has_fire_control_room=values["has_fire_control_room"],
                ),
            )
            return redirect(f"/homes/{code}")
        except Invalid as invalid:
            errors = invalid.errors
    return page(request, "registry/home_form.html", status_code=400, home=home, counties=[], values=values, errors=errors)


ROUTES = [
    overview,
    county_list,
    county_new,
    county_create,
    county_detail,
    county_edit,
    county_update,
    parameters_form,
    parameters_submit,
    home_list,
    home_new,
    home_create,
    home_detail,
    home_edit,
    home_update,
]
