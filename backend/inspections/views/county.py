"""The county's compliance view (``/counties/{code}/compliance``: one row per home, sortable worst
first, the county's total the sum of the homes' counts), its on-site inspection plan
(``/counties/{code}/inspections``) and the panel of both on the county page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.panels import county_panel
from backend.core.permissions import allow, can
from backend.core.web import page
from backend.inspections import page_rules, services
from backend.inspections.labels import FREQUENCY_LABELS, PLAN_LABELS, labels
from backend.registry import services as registry

First = Annotated[str | None, QueryParameter(name="from")]
Last = Annotated[str | None, QueryParameter(name="to")]


@get("/counties/{code:str}/compliance", opt=allow("view_compliance"))
async def compliance(
    request: Request, code: FromPath[str], first: First = None, last: Last = None, sort: FromQuery[str | None] = None
) -> Template:
    """Bad months or sort: the page says which and shows the default instead (400)."""
    scope = request.scope["user"].scope
    today = dates.today()
    months, errors = page_rules.month_range(first, last, today)
    if months is None:
        months, _errors = page_rules.month_range(None, None, today)
    try:
        services.check_sort(sort)
    except Invalid as invalid:
        errors |= invalid.errors
        sort = None
    view = await services.county_rates(scope, code, months, sort=sort)
    return page(
        request,
        "inspections/compliance.html",
        status_code=400 if errors else 200,
        errors=errors,
        v=view,
        values={"from": first or months[0], "to": last or months[1]},
        sorts=page_rules.SORTS,
    )


@get("/counties/{code:str}/inspections", opt=allow("view_compliance"))
async def inspection_plan(request: Request, code: FromPath[str]) -> Template:
    scope = request.scope["user"].scope
    county = await registry.find_county(scope, code)
    plan = await services.county_plan(scope, code)
    frequency = await services.plan_frequency(county["id"], dates.today())
    period, start, end = page_rules.plan_period(frequency, dates.today())
    return page(
        request,
        "inspections/plan.html",
        county=county,
        plan=plan,
        period=period,
        period_start=start,
        period_end=end,
        frequency=labels(FREQUENCY_LABELS)[frequency],
        plan_labels=labels(PLAN_LABELS),
    )


@county_panel
async def compliance_panel(request: Request, code: str) -> tuple[str, dict[str, Any]] | None:
    """On the county page: this month's and last month's on-time rate of the county, its overdue
    tasks and its homes due or overdue for an on-site inspection."""
    scope = request.scope["user"].scope
    if not can(scope.role, "view_compliance"):
        return None
    today = dates.today()
    this_month = f"{today:%Y-%m}"
    last_month = page_rules.month_key(page_rules.month_index(this_month) - 1)
    view = await services.county_rates(scope, code, (last_month, this_month))
    plan = await services.county_plan(scope, code)
    return "inspections/_county_panel.html", {
        "code": code,
        "v": view,
        "plan_overdue": sum(1 for row in plan if row.status == "overdue"),
        "plan_due": sum(1 for row in plan if row.status == "due"),
    }


ROUTES = [compliance, inspection_plan]
