"""JSON API of the daily ratio (interfaces §5) and the county's staffing view (/api/v1, tag
``staffing``). Bearer tokens only; a home or county outside the scope answers 404; a bad range,
month or sort 400 naming the parameter."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_ERRORS
from backend.staffing import services
from backend.staffing.ratio_schemas import CountyOverviewOut, RatioSeriesOut

TAGS = ["staffing"]


@get(
    "/api/v1/homes/{code:str}/staffing-ratio",
    opt=allow("view_staffing"),
    tags=TAGS,
    summary="The home's daily staff ratio from one day to another (interfaces §5)",
    responses=API_ERRORS,
)
async def staffing_ratio(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    first: Annotated[str | None, QueryParameter(name="from", description="first day, YYYY-MM-DD")] = None,
    last: Annotated[str | None, QueryParameter(name="to", description="last day, YYYY-MM-DD")] = None,
) -> RatioSeriesOut:
    """Every day from ``from`` to ``to`` (at most ``MAX_DAYS`` days): residents present,
    dependent residents, staff and carers in post, the numbers required, compliant, shortfall."""
    return await services.home_ratio(actor, code, first, last)


@get(
    "/api/v1/counties/{code:str}/staffing",
    opt=allow("view_staffing"),
    tags=TAGS,
    summary="The county's homes: today's ratio, the month's non-compliant days, staff, carers, trained carers",
    responses=API_ERRORS,
)
async def county_staffing(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    month: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
) -> CountyOverviewOut:
    """``month``: YYYY-MM (default this month; its days up to today are counted); ``sort``: one of
    code, name, ratio, noncompliant, staff, carers, trained, with ``-`` in front for descending."""
    return await services.county_overview(actor, code, month, sort)


ROUTES = [staffing_ratio, county_staffing]
