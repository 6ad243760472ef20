"""Stipend reporting pages: the county's finance dashboard, the findings table, a person's payment
history beside their entitlement, the standards page and form, the recovery list (追回清单, XLSX)
and the reconciliation report (PDF).

Finance and inspectors of the county and admins; directors are refused (403), another county's
or person's pages are "not found". HTML pages show masked ID numbers only; the XLSX recovery
list carries full ones and is audited. Reviewing findings and approving runs is on the run page
(``/stipends/runs/{run_id}``, backend/stipends/views.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms, people, xlsx
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import overview_panel, redirect
from backend.stipends import floor_views, reports, rules, services
from backend.stipends.views import stipend_page


def _scope(request: Request) -> Scope:
    return request.scope["user"].scope


@get("/counties/{code:str}/stipends", opt=allow("view_reconciliation"))
async def dashboard_page(request: Request, code: FromPath[str]) -> Template:
    data = await reports.dashboard(_scope(request), code)
    names = await people.display_names(run.get("created_by") for run in data.get("runs", []))
    return stipend_page(request, "stipends/dashboard.html", names=names, **data)


@get("/counties/{code:str}/stipends/findings", opt=allow("view_reconciliation"))
async def findings_page(
    request: Request,
    code: FromPath[str],
    finding_code: FromQuery[str] = "",
    status: FromQuery[str] = "",
    month: FromQuery[str] = "",
    q: FromQuery[str] = "",
    source: FromQuery[str] = "payments",
) -> Template:
    scope = _scope(request)
    await reports.county_in_scope(scope, code)  # scope first: another county is 404 whatever the filters
    filters = {"finding_code": finding_code, "status": status, "month": month.strip(), "q": q.strip()[:64], "source": source}
    errors: dict[str, str] = {}
    try:
        chosen = reports.parse_month_filter(month)
        data = await reports.findings(scope, code, code=finding_code, status=status, month=chosen, q=filters["q"], source=source)
    except Invalid as invalid:
        errors = invalid.errors
        data = await reports.findings(scope, code)
        data["findings"], data["total"] = [], 0
    return stipend_page(
        request,
        "stipends/findings.html",
        status_code=400 if errors else 200,
        filters=filters,
        errors=errors,
        statuses=reports.REVIEW_STATUSES,
        **data,
    )


@get("/counties/{code:str}/stipends/recovery.xlsx", opt=allow("view_reconciliation"))
async def recovery_export(request: Request, code: FromPath[str], month: FromQuery[str] = "") -> Response:
    scope = _scope(request)
    await reports.county_in_scope(scope, code)
    chosen = reports.parse_month_filter(month)
    body = await reports.recovery_xlsx(scope, code, chosen)
    suffix = dates.month_text(chosen) if chosen else "all"
    return Response(
        body,
        media_type=xlsx.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="recovery-{code}-{suffix}.xlsx"',
            "Cache-Control": "no-store",
        },
    )


# The reconciliation report of a run (/counties/{code}/stipends/runs/{run_id}/report.pdf) moved to
# backend/reports/views.py (issue 13): it is now the archived report in the look of every report.


@get("/residents/{resident_id:int}/payments", opt=allow("view_reconciliation"))
async def history_page(request: Request, resident_id: ResidentId, months: FromQuery[str] = "12") -> Template:
    scope = _scope(request)
    try:
        span = int(months)
    except ValueError:
        span = 0
    errors: dict[str, str] = {}
    try:
        data = await reports.payment_history(scope, resident_id, span)
    except Invalid as invalid:
        errors = invalid.errors
        data = await reports.payment_history(scope, resident_id, 12)
    return stipend_page(request, "stipends/history.html", status_code=400 if errors else 200, errors=errors, **data)


# --- standards ------------------------------------------------------------------------------------


@get("/counties/{code:str}/standards", opt=allow("view_reconciliation"))
async def standards_page(request: Request, code: FromPath[str]) -> Template:
    data = await reports.standards_page_data(_scope(request), code)
    return stipend_page(request, "stipends/standards.html", **data)


async def _form_page(
    request: Request,
    code: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    base: Any = None,
) -> Template:
    data = await reports.standards_page_data(_scope(request), code)
    return stipend_page(
        request,
        "stipends/standard_form.html",
        status_code=status_code,
        values=values,
        errors=errors or {},
        fields=rules.AMOUNT_FIELDS,
        base=base,
        **data,
    )


@get("/counties/{code:str}/standards/new", opt=allow("set_standards"))
async def standard_form(
    request: Request, code: FromPath[str], base_month: FromQuery[str] = "", base_area: FromQuery[str] = ""
) -> Template:
    """A new standard from a month: prefilled with the standard in force that month (for the
    area ``base_area`` when given: the row the link was next to)."""
    scope = _scope(request)
    await reports.county_in_scope(scope, code)
    errors: dict[str, str] = {}
    try:
        month = reports.parse_month_filter(base_month, "base_month") or dates.add_months(dates.month_of(dates.today()), 1)
    except Invalid as invalid:
        errors, month = invalid.errors, dates.add_months(dates.month_of(dates.today()), 1)
    base = await services.standard_for(scope, code, month, base_area or None)
    return await _form_page(
        request, code, reports.standard_form_values(base, month), errors, status_code=400 if errors else 200, base=base
    )


async def _reshow_standard(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    """The form again when a field holds control characters (``backend.core.textguard``)."""
    if not set(errors) <= set(reports.STANDARD_FORM_FIELDS):
        return None
    code = request.path_params["code"]
    await reports.county_in_scope(_scope(request), code)
    shown = {name: values.get(name, "")[:40] for name in reports.STANDARD_FORM_FIELDS}
    return await _form_page(request, code, shown, errors, status_code=400)


@post("/counties/{code:str}/standards/new", opt={**allow("set_standards"), "text_form": _reshow_standard}, status_code=200)
async def standard_submit(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await reports.county_in_scope(scope, code)  # another county: 404 before anything is read
    parsed = await forms.read(request, reports.StandardForm)
    if parsed.ok:
        try:
            result = await reports.save_standard(scope, code, parsed.data)
            saved = dates.month_text(parsed.data.effective_from)
            flash = _("The standard from {month} is saved.").format(month=saved)
            if result.warnings:  # below a floor (or the legacy column): said at once, in full beside the row
                flash += " " + _("Warnings: {count}, shown with the standard below.").format(count=len(result.warnings))
            return redirect(f"/counties/{code}/standards", flash=flash)
        except Invalid as invalid:
            parsed.merge(invalid)
    shown = {name: value[:40] for name, value in parsed.values.items()}
    return await _form_page(request, code, shown, parsed.errors, status_code=400)


@overview_panel
async def stipends_panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    """Links to the stipend pages, with the number of findings still to review, on the overview
    page of the county's finance officers and inspectors."""
    data = await reports.overview(request.scope["user"].scope)
    return ("stipends/_overview.html", data) if data is not None else None


ROUTES = [
    dashboard_page,
    findings_page,
    recovery_export,
    history_page,
    standards_page,
    standard_form,
    standard_submit,
    *floor_views.ROUTES,
]
