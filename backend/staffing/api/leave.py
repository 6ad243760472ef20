"""JSON API of leave (请销假): a home's leave, recording it (refused with ``confirm_breach`` when
it would put the home below the staff ratio, until the body confirms it), 销假 and cancelling."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.staffing import services
from backend.staffing.roster_schemas import LeaveIn, LeaveOut, ReturnIn

TAGS = ["staffing"]
LeaveId = Annotated[int, record_id("The leave's record id")]


@get(
    "/api/v1/homes/{code:str}/leave",
    opt=allow("view_staffing"),
    tags=TAGS,
    summary="A home's leave (请假), cancelled ones included; first/last: the days it must touch",
    responses=API_ERRORS,
)
async def home_leave(
    actor: NamedDependency[Scope], code: FromPath[str], first: FromQuery[date | None] = None, last: FromQuery[date | None] = None
) -> list[LeaveOut]:
    return await services.list_leave(actor, code, first, last)


@post(
    "/api/v1/homes/{code:str}/leave",
    opt=allow("manage_roster"),
    tags=TAGS,
    summary="Record an approved leave (400 naming confirm_breach when it breaks the staff ratio: send it again with confirm_breach true)",
    responses=API_BODY_ERRORS,
)
async def record_leave(actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[LeaveIn]) -> LeaveOut:
    return await services.record_leave(actor, code, data)


@post(
    "/api/v1/homes/{code:str}/leave/{leave_id:int}/return",
    opt=allow("manage_roster"),
    tags=TAGS,
    summary="销假: the person came back on returned_on (the leave ends the day before)",
    responses=API_BODY_ERRORS,
    status_code=200,
)
async def return_from_leave(
    actor: NamedDependency[Scope], code: FromPath[str], leave_id: LeaveId, data: JSONBody[ReturnIn]
) -> LeaveOut:
    return await services.return_from_leave(actor, code, leave_id, data.returned_on)


@post(
    "/api/v1/homes/{code:str}/leave/{leave_id:int}/cancel",
    opt=allow("manage_roster"),
    tags=TAGS,
    summary="Cancel a leave (kept, marked cancelled)",
    responses=API_ERRORS,
    status_code=200,
)
async def cancel_leave(actor: NamedDependency[Scope], code: FromPath[str], leave_id: LeaveId) -> LeaveOut:
    return await services.cancel_leave(actor, code, leave_id)


ROUTES = [home_leave, record_leave, return_from_leave, cancel_leave]
