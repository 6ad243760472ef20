"""Registry pages: the overview per role, counties, homes, county parameters."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms, todo
from backend.core.errors import Invalid
from backend.core.formatting import day
from backend.core.i18n import N_, _
from backend.core.panels import county_panels
from backend.core.permissions import allow
from backend.core.web import USER, overview_panels, page, redirect
from backend.registry import rules, services
from backend.registry.schemas import CountyIn, CountyPatch, HomeIn, HomePatch, ParametersIn

NAME = forms.Text(max_length=100)
PROVINCE = forms.Text(max_length=50)


def _within(name: str, required: bool = True) -> forms.Integer:
    low, high = rules.PARAMETER_RANGES[name]
    return forms.Integer(required=required, minimum=0 if not required else low, maximum=high)


class CountyForm(forms.Form):
    code: Annotated[
        str, forms.Text(max_length=6, pattern=rules.COUNTY_CODE_PATTERN, pattern_message=N_("The county code must be 6 digits."))
    ]
    name: Annotated[str, NAME]
    province: Annotated[str, PROVINCE]


class CountyEditForm(forms.Form):
    name: Annotated[str, NAME]
    province: Annotated[str, PROVINCE]


class ParametersForm(forms.Form):
    effective_from: Annotated[date, forms.Date()]
    residents_per_staff: Annotated[int, _within("residents_per_staff")]
    death_report_deadline_hours: Annotated[int, _within("death_report_deadline_hours")]
    extra_months_after_death: Annotated[int, _within("extra_months_after_death")]
    inspections_per_year: Annotated[int, _within("inspections_per_year")]
    dependents_per_carer: Annotated[int | None, _within("dependents_per_carer", required=False)] = None  # empty or 0: off
    admission_assessment_max_age_days: Annotated[int, _within("admission_assessment_max_age_days")] = 90
    default_area: Annotated[str, forms.Choice(rules.AREAS, N_("Choose urban or rural."))] = rules.RURAL
    hazard_days_major: Annotated[int | None, _within("hazard_days_major", required=False)] = None  # empty: kept in force
    hazard_days_ordinary: Annotated[int | None, _within("hazard_days_ordinary", required=False)] = None


HOME_CODE_MESSAGE = N_("Up to 32 characters of A–Z, 0–9 and '-'.")


class HomeEditForm(forms.Form):
    name: Annotated[str, NAME]
    beds: Annotated[int, forms.Integer(minimum=0, maximum=100_000)]
    address: Annotated[str, forms.Text(required=False, max_length=300)] = ""
    has_fire_control_room: Annotated[bool, forms.YesNo()] = False


class HomeForm(HomeEditForm, kw_only=True):
    # Letters in either case: the code is kept in capitals (``home_create``).
    code: Annotated[str, forms.Text(max_length=32, pattern=r"[A-Za-z0-9-]{1,32}", pattern_message=HOME_CODE_MESSAGE)]
    county_code: Annotated[
        str, forms.Text(max_length=6, pattern=rules.COUNTY_CODE_PATTERN, pattern_message=N_("Choose a county."))
    ]


async def _county_choices(request: Request) -> list[tuple[str, str]]:
    """(code, name) of the counties a new home may belong to (the form's select)."""
    return [(county.code, county.name) for county in await services.list_counties(request.scope["user"].scope)]


def _only(errors: dict[str, str], form: type[forms.Form]) -> bool:
    """Do these field errors all belong to fields of the form (so the form can show them)?"""
    return set(errors) <= set(forms.fields_of(form))


# --- overview -----------------------------------------------------------------------------


@get("/", opt={"access": USER})
async def overview(request: Request) -> Template:
    user = request.scope["user"]
    scope = user.scope
    if scope.kind == "home":
        home = await services.get_home(scope, user.home_code)
        return page(
            request,
            "registry/overview.html",
            home=home,
            homes=[],
            counties=[],
            panels=await overview_panels(request),
            todo=await todo.items(scope),
        )
    homes = await services.list_homes(scope)
    counties = await services.list_counties(scope)
    return page(
        request,
        "registry/overview.html",
        home=None,
        homes=homes,
        counties=counties,
        panels=await overview_panels(request),
        todo=await todo.items(scope),
    )


# --- counties -----------------------------------------------------------------------------


@get("/counties", opt=allow("view_counties"))
async def county_list(request: Request) -> Template:
    counties = await services.list_counties(request.scope["user"].scope)
    return page(request, "registry/counties.html", counties=counties)


@get("/counties/new", opt=allow("manage_registry"))
async def county_new(request: Request) -> Template:
    return page(request, "registry/county_form.html", county=None, values={})


# text_form hooks (backend.core.textguard): the form again when a field holds control characters
# (None: a field the form does not show; the guard's own page names it).


async def _reshow_county_new(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not _only(errors, CountyForm):
        return None
    shown = forms.values_of(CountyForm, values)
    return page(request, "registry/county_form.html", status_code=400, county=None, values=shown, errors=errors)


async def _reshow_county_edit(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not _only(errors, CountyEditForm):
        return None
    county = await services.get_county(request.scope["user"].scope, request.path_params["code"])
    shown = forms.values_of(CountyEditForm, values)
    return page(request, "registry/county_form.html", status_code=400, county=county, values=shown, errors=errors)


@post("/counties/new", opt={**allow("manage_registry"), "text_form": _reshow_county_new}, status_code=200)
async def county_create(request: Request) -> Template | Redirect:
    parsed = await forms.read(request, CountyForm)
    if parsed.ok:
        data = parsed.data
        try:
            county = await services.create_county(
                request.scope["user"].scope, CountyIn(code=data.code, name=data.name, province=data.province)
            )
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(f"/counties/{county.code}", flash=_("County {name} created.").format(name=county.name))
    return page(request, "registry/county_form.html", status_code=400, county=None, values=parsed.values, errors=parsed.errors)


@get("/counties/{code:str}", opt=allow("view_counties"))
async def county_detail(request: Request, code: FromPath[str]) -> Template:
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
        panels=await county_panels(request, code),
    )


@get("/counties/{code:str}/edit", opt=allow("manage_registry"))
async def county_edit(request: Request, code: FromPath[str]) -> Template:
    county = await services.get_county(request.scope["user"].scope, code)
    return page(request, "registry/county_form.html", county=county, values={"name": county.name, "province": county.province})


@post("/counties/{code:str}/edit", opt={**allow("manage_registry"), "text_form": _reshow_county_edit}, status_code=200)
async def county_update(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    parsed = await forms.read(request, CountyEditForm)
    if parsed.ok:
        try:
            await services.update_county(scope, code, CountyPatch(name=parsed.data.name, province=parsed.data.province))
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(f"/counties/{code}", flash=_("Saved."))
    return page(request, "registry/county_form.html", status_code=400, county=county, values=parsed.values, errors=parsed.errors)


@get("/counties/{code:str}/parameters", opt=allow("manage_registry"))
async def parameters_form(request: Request, code: FromPath[str]) -> Template:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    current = await services.current_parameters(scope, code)
    values: dict[str, Any] = {
        name: "" if (value := getattr(current, name)) is None else str(value) for name in rules.PARAMETER_FIELDS
    }
    values["effective_from"] = dates.today().isoformat()
    return page(request, "registry/parameters_form.html", county=county, values=values, defaults=rules.default_table())


@post("/counties/{code:str}/parameters", opt=allow("manage_registry"), status_code=200)
async def parameters_submit(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    county = await services.get_county(scope, code)
    parsed = await forms.read(request, ParametersForm)
    if parsed.ok:
        data = parsed.data
        try:
            await services.set_parameters(
                scope,
                code,
                ParametersIn(
                    effective_from=data.effective_from,
                    residents_per_staff=data.residents_per_staff,
                    death_report_deadline_hours=data.death_report_deadline_hours,
                    extra_months_after_death=data.extra_months_after_death,
                    inspections_per_year=data.inspections_per_year,
                    dependents_per_carer=data.dependents_per_carer or None,
                    admission_assessment_max_age_days=data.admission_assessment_max_age_days,
                    default_area=data.default_area,
                    hazard_days_major=data.hazard_days_major,
                    hazard_days_ordinary=data.hazard_days_ordinary,
                ),
            )
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(
                f"/counties/{code}", flash=_("Parameters saved: in force from {day}.").format(day=day(data.effective_from))
            )
    return page(
        request,
        "registry/parameters_form.html",
        status_code=400,
        county=county,
        values=parsed.values,
        errors=parsed.errors,
        defaults=rules.default_table(),
    )


# --- homes --------------------------------------------------------------------------------


@get("/homes", opt={"access": USER})
async def home_list(request: Request, county: FromQuery[str | None] = None, q: FromQuery[str | None] = None) -> Template:
    scope = request.scope["user"].scope
    homes = await services.list_homes(scope, county_code=county, search=q)
    county_name = next((home.county_name for home in homes if home.county_code == county), None) if county else None
    return page(request, "registry/homes.html", homes=homes, q=q or "", county=county or "", county_name=county_name)


@get("/homes/new", opt=allow("manage_registry"))
async def home_new(request: Request, county: FromQuery[str | None] = None) -> Template:
    return page(
        request,
        "registry/home_form.html",
        home=None,
        counties=await _county_choices(request),
        values={"county_code": county or "", "beds": "0"},
    )


async def _reshow_home_new(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not _only(errors, HomeForm):
        return None
    return page(
        request,
        "registry/home_form.html",
        status_code=400,
        home=None,
        counties=await _county_choices(request),
        values=forms.values_of(HomeForm, values),
        errors=errors,
    )


async def _reshow_home_edit(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not _only(errors, HomeEditForm):
        return None
    home = await services.get_home(request.scope["user"].scope, request.path_params["code"])
    return page(
        request,
        "registry/home_form.html",
        status_code=400,
        home=home,
        counties=[],
        values=forms.values_of(HomeEditForm, values),
        errors=errors,
    )


@post("/homes/new", opt={**allow("manage_registry"), "text_form": _reshow_home_new}, status_code=200)
async def home_create(request: Request) -> Template | Redirect:
    scope = request.scope["user"].scope
    parsed = await forms.read(request, HomeForm)
    if parsed.ok:
        data = parsed.data
        try:
            home = await services.create_home(
                scope,
                HomeIn(
                    code=data.code.upper(),
                    name=data.name,
                    county_code=data.county_code,
                    beds=data.beds,
                    address=data.address,
                    has_fire_control_room=data.has_fire_control_room,
                ),
            )
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(f"/homes/{home.code}", flash=_("Home {name} created.").format(name=home.name))
    return page(
        request,
        "registry/home_form.html",
        status_code=400,
        home=None,
        counties=await _county_choices(request),
        values=parsed.values,
        errors=parsed.errors,
    )


@get("/homes/{code:str}", opt={"access": USER})
async def home_detail(request: Request, code: FromPath[str]) -> Template:
    home = await services.get_home(request.scope["user"].scope, code)
    return page(request, "registry/home.html", home=home)


@get("/homes/{code:str}/edit", opt=allow("manage_registry"))
async def home_edit(request: Request, code: FromPath[str]) -> Template:
    home = await services.get_home(request.scope["user"].scope, code)
    values = {
        "name": home.name,
        "beds": str(home.beds),
        "address": home.address,
        "has_fire_control_room": "yes" if home.has_fire_control_room else "",
    }
    return page(request, "registry/home_form.html", home=home, counties=[], values=values)


@post("/homes/{code:str}/edit", opt={**allow("manage_registry"), "text_form": _reshow_home_edit}, status_code=200)
async def home_update(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    home = await services.get_home(scope, code)
    parsed = await forms.read(request, HomeEditForm)
    if parsed.ok:
        data = parsed.data
        try:
            await services.update_home(
                scope,
                code,
                HomePatch(
                    name=data.name,
                    beds=data.beds,
                    address=data.address,
                    has_fire_control_room=data.has_fire_control_room,
                ),
            )
        except Invalid as invalid:
            parsed.merge(invalid)
        else:
            return redirect(f"/homes/{code}", flash=_("Saved."))
    return page(
        request, "registry/home_form.html", status_code=400, home=home, counties=[], values=parsed.values, errors=parsed.errors
    )


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
