"""The county's hazard view (issue 12 point 6): every home of the county with its open, major,
waiting and overdue counts (sortable on the server; cards on a phone), the county's major hazards
first (those waiting for verification at the top); the county's ledger as XLSX; and ``/hazards``,
which takes each user to their hazards (an administrator chooses the county)."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page
from backend.registry import services as registry
from backend.safety import links, services
from backend.safety.labels import HAZARD_STATUS_LABELS, labels
from backend.safety.views.hazards import _file


@get("/counties/{code:str}/hazards", opt=allow("view_safety"))
async def county_hazards(request: Request, code: FromPath[str], sort: FromQuery[str | None] = None) -> Template:
    scope = request.scope["user"].scope
    errors: dict[str, str] = {}
    try:
        view = await services.county_hazards(scope, code, sort)
    except Invalid:
        errors["sort"] = _("This sort order is unknown: the homes are shown with those waiting for verification first.")
        view = await services.county_hazards(scope, code)
    county = await registry.get_county(scope, code)
    return page(
        request,
        "safety/county_hazards.html",
        status_code=400 if errors else 200,
        errors=errors,
        county=county,
        v=view,
        home_names={home.code: home.name for home in view.homes},
        sorts=list(services.COUNTY_SORTS),
        status_labels=labels(HAZARD_STATUS_LABELS),
        links=links,
    )


@get("/counties/{code:str}/hazards.xlsx", opt=allow("view_safety"))
async def county_ledger(request: Request, code: FromPath[str]) -> Response:
    name, body = await services.county_hazard_ledger_xlsx(request.scope["user"].scope, code)
    return _file(name, body)


@get("/hazards", opt=allow("view_safety"))
async def hazards_index(request: Request) -> Template | Redirect:
    """A director goes to the home's board, a county's staff to the county's view; an
    administrator picks a county."""
    user = request.scope["user"]
    scope = user.scope
    if scope.kind == "home":
        return Redirect(links.hazards_href(user.home_code))
    if scope.kind == "county":
        return Redirect(links.county_hazards_href(user.county_code))
    return page(request, "safety/county_index.html", counties=await registry.list_counties(scope))


ROUTES = [county_hazards, county_ledger, hazards_index]
