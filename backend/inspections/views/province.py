"""The province view (``/province``, administrators; issue 13 point 6): the counties side by
side (rates, overdue tasks, open major hazards, late death reports, links to their archived
reports) and the province's total (the sum of the counties' counts)."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from backend.core import dates
from backend.core.permissions import allow
from backend.core.web import page
from backend.inspections import page_rules, services

First = Annotated[str | None, QueryParameter(name="from")]
Last = Annotated[str | None, QueryParameter(name="to")]


@get("/province", opt=allow("view_province"))
async def province(request: Request, first: First = None, last: Last = None) -> Template:
    scope = request.scope["user"].scope
    today = dates.today()
    months, errors = page_rules.month_range(first, last, today)
    if months is None:
        months, _errors = page_rules.month_range(None, None, today)
    view = await services.province_rates(scope, months)
    sides = await services.province_sides(scope, [row.county for row in view.counties], months)
    return page(
        request,
        "inspections/province.html",
        status_code=400 if errors else 200,
        errors=errors,
        v=view,
        sides=sides,
        values={"from": first or months[0], "to": last or months[1]},
    )


ROUTES = [province]
