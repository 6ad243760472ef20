"""JSON API of the duty roster (值班表): a home's week (named by its Monday) with its gaps and who
is on leave; PUT replaces the week. Gaps do not block the API's save (a client may save a draft
and fill it later, as the page does after its confirmation); they are in the answer."""

from __future__ import annotations

from litestar import get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.staffing import services
from backend.staffing.roster_schemas import DutyWeekIn, DutyWeekOut

TAGS = ["staffing"]


@get(
    "/api/v1/homes/{code:str}/duty",
    opt=allow("view_staffing"),
    tags=TAGS,
    summary="A home's duty roster of a week (week: its Monday, default this week), with gaps and leave",
    responses=API_ERRORS,
)
async def duty_week(actor: NamedDependency[Scope], code: FromPath[str], week: FromQuery[str | None] = None) -> DutyWeekOut:
    monday = services.parse_week(week)
    return (await services.week_roster(actor, code, monday)).out()


@put(
    "/api/v1/homes/{code:str}/duty",
    opt=allow("manage_roster"),
    tags=TAGS,
    summary="Replace a week's duty roster (shifts not listed have nobody); the answer lists the gaps left",
    responses=API_BODY_ERRORS,
)
async def save_duty_week(
    actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[DutyWeekIn], week: FromQuery[str | None] = None
) -> DutyWeekOut:
    monday = services.parse_week(week)
    return (await services.save_week(actor, code, monday, data.shifts)).out(saved=True)


ROUTES = [duty_week, save_duty_week]
