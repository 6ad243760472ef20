"""Inspections JSON API (issue 13 points 3 and 6): on-time rates of a home, a county (per home
and the total) and the province (per county and the total; administrators), a home's tasks, and
the on-site inspections (现场检查) with the county's plan. ``from``/``to`` are months
(``YYYY-MM``, default: this month and the five before); a bad one answers 400 naming it;
outside the scope, 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from backend.core import dates
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.inspections import services
from backend.inspections.rate_schemas import (
    CountyRatesOut,
    HomeRatesOut,
    HomeTaskOut,
    PlanRowOut,
    ProvinceRatesOut,
    VisitIn,
    VisitOut,
)

TAGS = ["inspections"]
First = Annotated[str | None, QueryParameter(name="from", description="First month, YYYY-MM (default: five months before `to`)")]
Last = Annotated[str | None, QueryParameter(name="to", description="Last month, YYYY-MM (default: this month)")]


def _months(first: str | None, last: str | None) -> tuple[str, str]:
    return services.months_or_invalid(first, last, dates.today())


@get(
    "/api/v1/homes/{code:str}/on-time-rates",
    opt=allow("view_tasks"),
    tags=TAGS,
    summary="A home's on-time rates by routine and month (expected, done, on time, late = 补录, the two rates)",
    responses=API_ERRORS,
)
async def home_on_time_rates(
    actor: NamedDependency[Scope], code: FromPath[str], first: First = None, last: Last = None
) -> HomeRatesOut:
    return await services.home_rates(actor, code, _months(first, last))


@get(
    "/api/v1/counties/{code:str}/on-time-rates",
    opt=allow("view_compliance"),
    tags=TAGS,
    summary="A county's on-time rates per home and its total (the sum of the homes' counts); sort: on_time, done, overdue, name",
    responses=API_ERRORS,
)
async def county_on_time_rates(
    actor: NamedDependency[Scope], code: FromPath[str], first: First = None, last: Last = None, sort: FromQuery[str | None] = None
) -> CountyRatesOut:
    return await services.county_rates(actor, code, _months(first, last), sort=sort)


@get(
    "/api/v1/on-time-rates",
    opt=allow("view_province"),
    tags=TAGS,
    summary="The province: on-time rates per county and the province's total (the sum of the counties' counts); administrators",
    responses=API_ERRORS,
)
async def province_on_time_rates(actor: NamedDependency[Scope], first: First = None, last: Last = None) -> ProvinceRatesOut:
    return await services.province_rates(actor, _months(first, last))


@get(
    "/api/v1/homes/{code:str}/tasks",
    opt=allow("view_tasks"),
    tags=TAGS,
    summary="A home's tasks (status: open, done, overdue, cancelled; due_from/due_to bound the period's end)",
    responses=API_ERRORS,
)
async def home_tasks(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    status: FromQuery[str | None] = None,
    due_from: FromQuery[date | None] = None,
    due_to: FromQuery[date | None] = None,
) -> list[HomeTaskOut]:
    return await services.home_tasks(actor, code, status=status, due_from=due_from, due_to=due_to)


@get(
    "/api/v1/homes/{code:str}/inspection-visits",
    opt=allow("view_tasks"),
    tags=TAGS,
    summary="A home's on-site inspections by the county, newest first",
    responses=API_ERRORS,
)
async def home_visits(actor: NamedDependency[Scope], code: FromPath[str]) -> list[VisitOut]:
    return await services.list_visits(actor, code)


@post(
    "/api/v1/homes/{code:str}/inspection-visits",
    opt={**allow("record_inspection_visit"), "multiline": ("findings", "reason")},
    tags=TAGS,
    summary="Record an on-site inspection of a home of the county (a correction names the visit it corrects and a reason)",
    responses=API_BODY_ERRORS,
)
async def record_visit(actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[VisitIn]) -> VisitOut:
    return await services.record_inspection_visit(actor, code, data)


@get(
    "/api/v1/counties/{code:str}/inspection-plan",
    opt=allow("view_compliance"),
    tags=TAGS,
    summary="The county's on-site inspection plan: each home's last visit and its status in the plan's period now (done, due, overdue)",
    responses=API_ERRORS,
)
async def county_inspection_plan(actor: NamedDependency[Scope], code: FromPath[str]) -> list[PlanRowOut]:
    return await services.county_plan(actor, code)


ROUTES = [
    home_on_time_rates,
    county_on_time_rates,
    province_on_time_rates,
    home_tasks,
    home_visits,
    record_visit,
    county_inspection_plan,
]
