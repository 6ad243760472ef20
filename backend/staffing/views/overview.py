"""The home's staffing page (人员配备, issue 11 point 6): today's ratio in large type, the month as
a calendar of compliant and non-compliant days, the last 90 days as a chart, health certificates
expiring within 30 days, carers without care training, the breaches someone confirmed, and the
links to the staff register, leave and the duty roster."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.core import dates, people
from backend.core.errors import Invalid
from backend.core.permissions import allow
from backend.core.web import page
from backend.staffing import labels, services


@get("/homes/{code:str}/staffing", opt=allow("view_staffing"))
async def home_staffing(request: Request, code: FromPath[str], month: FromQuery[str | None] = None) -> Template:
    scope = request.scope["user"].scope
    errors: dict[str, str] = {}
    try:
        chosen = services.parse_month(month)
    except Invalid as invalid:
        chosen, errors = None, invalid.errors
    overview = await services.home_overview(scope, code, chosen)
    names = await people.display_names(breach["confirmed_by"] for breach in overview.breaches)
    return page(
        request,
        "staffing/home.html",
        status_code=400 if errors else 200,
        errors=errors,
        o=overview,
        today=dates.today(),
        month_text=dates.month_text,
        names=names,
        posts=labels.labels(labels.POST_LABELS),
        causes=labels.labels(labels.CAUSE_LABELS),
    )


ROUTES = [home_staffing]
