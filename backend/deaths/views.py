"""Deaths pages: the phone-first death report form (from the person's page), its correction, the
county death register (去世信息备案) with its CSV/XLSX export, the late-report notices, and the
county's funeral subsidy setting."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import ResidentId
from backend.core.permissions import allow, can
from backend.core.web import overview_panel, page, redirect
from backend.deaths import export, services
from backend.deaths.schemas import DeathIn
from backend.registry import services as registry
from backend.residents import services as residents

FIELDS = ("died_at", "place", "cause", "certificate_no", "reporter", "funeral_arrangements", "reason")
LIMITS = {"place": 200, "cause": 200, "certificate_no": 50, "reporter": 100, "funeral_arrangements": 500, "reason": 300}


def _scope(request: Request):
    return request.scope["user"].scope


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _parse(form: Any) -> tuple[dict[str, str], DeathIn | None, dict[str, str]]:
    values = {name: _text(form, name) for name in FIELDS}
    errors: dict[str, str] = {}
    died_at = None
    if not values["died_at"]:
        errors["died_at"] = _("A value is required.")
    else:
        try:
            died_at = dates.parse_datetime(values["died_at"])
        except ValueError:
            errors["died_at"] = _("Not a valid date and time (write 2026-11-02 14:30).")
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = _("At most {n} characters.").format(n=limit)
    if errors:
        return values, None, errors
    return values, DeathIn(died_at=died_at, **{name: values[name] for name in FIELDS if name != "died_at"}), {}


async def _form(request: Request, resident_id: int, values: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200, correcting: bool = False):
    scope = _scope(request)
    person = await residents.get_resident(scope, resident_id)
    history = await services.death_history(scope, resident_id)
    return page(
        request, "deaths/report_form.html", status_code=status_code, person=person, values=values,
        errors=errors or {}, history=history, record=history[-1] if history else None, correcting=correcting,
    )


@get("/residents/{resident_id:int}/death", opt=allow("report_death"))
async def death_page(request: Request, resident_id: ResidentId) -> object:
    """The report form, or the record in force with its history when a death is recorded."""
    return await _form(request, resident_id, {"died_at": dates.local(dates.now_utc()).strftime("%Y-%m-%dT%H:%M")})


async def _reshow_report(request: Request, values: dict[str, str], errors: dict[str, str], correcting: bool = False):
    """The form again with the refused fields marked (``backend.core.textguard``); None for a
    field the form does not show (the guard's own error page names it)."""
    if not set(errors) <= set(FIELDS):
        return None
    shown = {name: values.get(name, "") for name in FIELDS}
    return await _form(request, request.path_params["resident_id"], shown, errors, status_code=400, correcting=correcting)


async def _reshow_correction(request: Request, values: dict[str, str], errors: dict[str, str]):
    return await _reshow_report(request, values, errors, correcting=True)


# funeral_arrangements is the form's one textarea: it may hold line breaks.
@post("/residents/{resident_id:int}/death", opt={**allow("report_death"), "multiline": ("funeral_arrangements",), "text_form": _reshow_report}, status_code=200)
async def death_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    await residents.get_resident(scope, resident_id)  # out of scope: 404 before anything else
    values, data, errors = _parse(await request.form())
    if data is not None:
        try:
            await services.report_death(scope, resident_id, data)
            return redirect(f"/residents/{resident_id}/death")
        except Invalid as invalid:
            errors = invalid.errors
    return await _form(request, resident_id, values, errors, status_code=400)


@get("/residents/{resident_id:int}/death/correct", opt=allow("report_death"))
async def correction_page(request: Request, resident_id: ResidentId) -> object:
    record = await services.death_of(_scope(request), resident_id)
    if record is None:
        return redirect(f"/residents/{resident_id}/death")
    values = {
        "died_at": dates.local(record.died_at).strftime("%Y-%m-%dT%H:%M"), "place": record.place, "cause": record.cause,
        "certificate_no": record.certificate_no, "reporter": record.reporter,
        "funeral_arrangements": record.funeral_arrangements, "reason": "",
    }
    return await _form(request, resident_id, values, correcting=True)


@post("/residents/{resident_id:int}/death/correct", opt={**allow("report_death"), "multiline": ("funeral_arrangements",), "text_form": _reshow_correction}, status_code=200)
async def correction_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    await residents.get_resident(scope, resident_id)
    values, data, errors = _parse(await request.form())
    if data is not None:
        try:
            await services.correct_death(scope, resident_id, data)
            return redirect(f"/residents/{resident_id}/death")
        except Invalid as invalid:
            errors = invalid.errors
    return await _form(request, resident_id, values, errors, status_code=400, correcting=True)


# --- the county's death register ---------------------------------------------------------------


@get("/counties/{code:str}/deaths", opt=allow("view_deaths"))
async def register_page(request: Request, code: FromPath[str], month: FromQuery[str | None] = None) -> object:
    scope = _scope(request)
    county = await registry.get_county(scope, code)
    errors: dict[str, str] = {}
    try:
        chosen = services.parse_month_param(month)
    except Invalid as invalid:
        chosen, errors = None, invalid.errors
    return page(
        request, "deaths/register.html", county=county, records=await services.county_deaths(scope, code, chosen),
        month=dates.month_text(chosen) if chosen else "", errors=errors,
        notices=await services.late_notices(scope, county_code=code),
        subsidy=await services.subsidy_on(scope, code, dates.today()),
    )


@get("/counties/{code:str}/deaths/export", opt=allow("view_deaths"))
async def register_export(request: Request, code: FromPath[str], format: FromQuery[str] = "csv", month: FromQuery[str | None] = None) -> Response:
    scope = _scope(request)
    rows = await services.export_rows(scope, code, services.parse_month_param(month))
    suffix = dates.month_text(services.parse_month_param(month)) if month else "all"
    if format == "xlsx":
        body = export.to_xlsx(rows)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, media, format = export.to_csv(rows), "text/csv", "csv"
    return Response(
        body, media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="deaths-{code}-{suffix}.{format}"',
            "Cache-Control": "no-store",
        },
    )


@post("/counties/{code:str}/deaths/notices/seen", opt=allow("view_deaths"), status_code=200)
async def notice_seen(request: Request, code: FromPath[str]) -> object:
    scope = _scope(request)
    await registry.get_county(scope, code)  # out of scope: 404 first
    form = await request.form()
    try:
        notice_id = int(_text(form, "notice_id"))
    except ValueError:
        raise Invalid({"notice_id": _("Choose a notice.")}) from None
    await services.mark_notice_seen(scope, code, notice_id)
    return redirect(f"/counties/{code}/deaths")


@get("/deaths/notices", opt=allow("view_deaths"))
async def notices_page(request: Request) -> object:
    """Late death reports not yet seen, in the user's county (every county for an administrator)."""
    return page(request, "deaths/notices.html", notices=await services.late_notices(_scope(request)))


# --- funeral subsidy (county parameter) ----------------------------------------------------------


@get("/counties/{code:str}/deaths/subsidy", opt=allow("set_funeral_subsidy"))
async def subsidy_form(request: Request, code: FromPath[str]) -> object:
    scope = _scope(request)
    county = await registry.get_county(scope, code)
    current = await services.subsidy_on(scope, code, dates.today())
    return page(
        request, "deaths/subsidy_form.html", county=county, current=current,
        history=await services.subsidy_history(scope, code),
        values={"effective_from": dates.today().isoformat(), "amount": current.amount},
    )


@post("/counties/{code:str}/deaths/subsidy", opt=allow("set_funeral_subsidy"), status_code=200)
async def subsidy_submit(request: Request, code: FromPath[str]) -> object:
    scope = _scope(request)
    county = await registry.get_county(scope, code)
    form = await request.form()
    values = {name: _text(form, name) for name in ("effective_from", "amount")}
    errors: dict[str, str] = {}
    try:
        effective_from = dates.parse_date(values["effective_from"])
    except ValueError:
        errors["effective_from"] = _("Not a valid date (write 2026-11-02).")
    if not errors:
        try:
            await services.set_funeral_subsidy(scope, code, effective_from, values["amount"])
            return redirect(f"/counties/{code}/deaths")
        except Invalid as invalid:
            errors = invalid.errors
    return page(
        request, "deaths/subsidy_form.html", status_code=400, county=county, values=values, errors=errors,
        current=await services.subsidy_on(scope, code, dates.today()), history=await services.subsidy_history(scope, code),
    )


@overview_panel
async def late_notices_panel(request: Request):
    """Late death reports not yet seen, at the top of the overview of the county's staff."""
    scope = request.scope["user"].scope
    if not can(scope.role, "view_deaths"):
        return None
    notices = await services.late_notices(scope)
    return ("deaths/_notices.html", {"notices": notices}) if notices else None


ROUTES = [
    death_page, death_submit, correction_page, correction_submit, register_page, register_export,
    notice_seen, notices_page, subsidy_form, subsidy_submit,
]
