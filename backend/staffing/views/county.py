"""The county's view of its homes' staffing (issue 11 point 6): today's ratio, the month's
non-compliant days, staff in post (homes under 3 marked), carers and trained carers (homes
without one marked), sortable by any column on the server; and ``/staffing``, which takes each
user to their staffing page (an administrator chooses the county)."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page
from backend.registry import services as registry
from backend.staffing import services


@get("/counties/{code:str}/staffing", opt=allow("view_staffing"))
async def county_staffing(
    request: Request, code: FromPath[str], month: FromQuery[str | None] = None, sort: FromQuery[str | None] = None
) -> Template:
    scope = request.scope["user"].scope
    county = await registry.get_county(scope, code)
    errors: dict[str, str] = {}
    try:
        chosen = services.parse_month(month)
    except Invalid as invalid:
        chosen, errors = None, dict(invalid.errors)
    try:
        overview = await services.county_overview(scope, code, chosen, sort)
    except Invalid:
        # the API names the keys (for programs); the page says it in words and keeps the default order
        errors["sort"] = _("This sort order is unknown: the homes are shown by home code.")
        overview = await services.county_overview(scope, code, chosen)
    chosen_month = dates.parse_month(overview.month)
    return page(
        request,
        "staffing/county.html",
        status_code=400 if errors else 200,
        errors=errors,
        county=county,
        o=overview,
        month=chosen_month,
        previous_month=dates.month_text(dates.add_months(chosen_month, -1)),
        next_month=dates.month_text(dates.add_months(chosen_month, 1)),
        few_staff=services.FEW_STAFF,
    )


@get("/staffing", opt=allow("view_staffing"))
async def staffing_index(request: Request) -> Template | Redirect:
    """A director goes to the home's page, a county's staff to the county's; an administrator
    picks a county."""
    user = request.scope["user"]
    scope = user.scope
    if scope.kind == "home":
        return Redirect(f"/homes/{user.home_code}/staffing")
    if scope.kind == "county":
        return Redirect(f"/counties/{user.county_code}/staffing")
    return page(request, "staffing/county_index.html", counties=await registry.list_counties(scope))


ROUTES = [county_staffing, staffing_index]
