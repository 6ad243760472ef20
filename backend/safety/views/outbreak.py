"""Outbreak pages (issue 12 point 4; domain rules §5b). The home reports a suspected outbreak in two
taps: "报告疑似疫情" opens the form (cases 2 and onset now by default, editable), and each symptom is a
big button that sends it. The county's page lists its homes' reports, unacknowledged first, with
their timeliness (及时 / 迟报 and the hours), and the inspector acknowledges each."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, people
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.safety import labels, links, rules, services

ReportId = Annotated[int, record_id("The outbreak report's record id")]


def _scope(request: Request):
    return request.scope["user"].scope


async def _home_page(request: Request, code: str, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await services.home_for(scope, code, "view_safety")
    reports = await services.home_outbreaks(scope, code)
    context.setdefault("open_form", False)
    context.setdefault("values", {"cases": str(rules.OUTBREAK_MIN_CASES), "onset_at": ""})
    return page(
        request,
        "safety/outbreaks.html",
        status_code=status_code,
        home=home,
        reports=reports,
        names=await people.display_names(name for r in reports for name in (r.reported_by, r.acknowledged_by)),
        symptoms=labels.labels(labels.OUTBREAK_SYMPTOM_LABELS),
        now_input=dates.local(dates.now_utc()).strftime("%Y-%m-%dT%H:%M"),
        **context,
    )


@get("/homes/{code:str}/outbreaks", opt=allow("view_safety"))
async def outbreaks_page(request: Request, code: FromPath[str]) -> Template:
    return await _home_page(request, code)


@post("/homes/{code:str}/outbreaks", opt=allow("report_outbreak"), status_code=200)
async def report_outbreak(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await services.home_for(scope, code, "report_outbreak")
    form = await request.form()
    values = {name: (form.get(name) or "").strip() for name in ("symptom", "cases", "onset_at", "note")}
    errors: dict[str, str] = {}
    cases = int(values["cases"]) if values["cases"].isascii() and values["cases"].isdigit() and len(values["cases"]) < 7 else None
    if cases is None:
        errors["cases"] = _("How many residents have the symptom (at least 1)?")
    onset_at = None
    if values["onset_at"]:
        try:
            onset_at = dates.parse_datetime(values["onset_at"])
        except ValueError:
            errors["onset_at"] = _("The onset: date and time, e.g. 2026-11-10 08:00.")
    if not errors:
        data = services.OutbreakIn(symptom=values["symptom"], cases=cases or 0, onset_at=onset_at, note=values["note"][:500])
        try:
            report = await services.report_outbreak(scope, code, data)
        except Invalid as invalid:
            errors = dict(invalid.errors)
        else:
            message = _("The suspected outbreak is reported to the county.")
            if report.late:
                message += " " + _("Reported late: {hours} hours after the onset.").format(hours=report.hours)
            return redirect(links.outbreaks_href(code), flash=message)
    return await _home_page(request, code, status_code=400, values=values, errors=errors, open_form=True)


async def _county_page(request: Request, code: str, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    reports = await services.county_outbreaks(scope, code)
    county = await registry.find_county(scope, code)
    context.setdefault("ack_errors", {})
    return page(
        request,
        "safety/county_outbreaks.html",
        status_code=status_code,
        county=county,
        reports=reports,
        names=await people.display_names(name for r in reports for name in (r.reported_by, r.acknowledged_by)),
        symptoms=labels.labels(labels.OUTBREAK_SYMPTOM_LABELS),
        **context,
    )


@get("/counties/{code:str}/outbreaks", opt=allow("view_safety"))
async def county_outbreaks_page(request: Request, code: FromPath[str]) -> Template:
    return await _county_page(request, code)


@post("/counties/{code:str}/outbreaks/{report_id:int}/acknowledge", opt=allow("acknowledge_outbreak"), status_code=200)
async def acknowledge_outbreak(request: Request, code: FromPath[str], report_id: ReportId) -> Template | Redirect:
    scope = _scope(request)
    reports = await services.county_outbreaks(scope, code)  # out of scope: 404 first
    if report_id not in {report.id for report in reports}:
        return await _county_page(request, code, status_code=404, ack_errors={report_id: _("No such outbreak report.")})
    report = await services.acknowledge_outbreak(scope, report_id)
    return redirect(
        links.county_outbreaks_href(code), flash=_("The report of {home} is acknowledged.").format(home=report.home_name)
    )


ROUTES = [outbreaks_page, report_outbreak, county_outbreaks_page, acknowledge_outbreak]
