"""Safety JSON API: outbreak reports (issue 12 points 4 and 7; domain rules §5b)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.safety import services

TAGS = ["safety"]
ReportId = Annotated[int, record_id("The outbreak report's record id")]


@get(
    "/api/v1/homes/{code:str}/outbreaks",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="A home's outbreak reports, unacknowledged first",
    responses=API_ERRORS,
)
async def home_outbreaks(actor: NamedDependency[Scope], code: FromPath[str]) -> list[services.OutbreakOut]:
    return await services.home_outbreaks(actor, code)


@post(
    "/api/v1/homes/{code:str}/outbreaks",
    opt=allow("report_outbreak"),
    tags=TAGS,
    summary="Report a suspected outbreak (cases 2 and onset now by default; late when more than 24 h after the onset)",
    responses=API_BODY_ERRORS,
)
async def report_outbreak(
    actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[services.OutbreakIn]
) -> services.OutbreakOut:
    return await services.report_outbreak(actor, code, data)


@post(
    "/api/v1/outbreaks/{report_id:int}/acknowledge",
    opt=allow("acknowledge_outbreak"),
    tags=TAGS,
    summary="The county acknowledges an outbreak report (again: the same answer)",
    responses=API_ERRORS,
    status_code=200,
)
async def acknowledge_outbreak(actor: NamedDependency[Scope], report_id: ReportId) -> services.OutbreakOut:
    return await services.acknowledge_outbreak(actor, report_id)


@get(
    "/api/v1/counties/{code:str}/outbreaks",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="The county's outbreak reports, unacknowledged first, with their timeliness",
    responses=API_ERRORS,
)
async def county_outbreaks(actor: NamedDependency[Scope], code: FromPath[str]) -> list[services.OutbreakOut]:
    return await services.county_outbreaks(actor, code)


ROUTES = [home_outbreaks, report_outbreak, acknowledge_outbreak, county_outbreaks]
