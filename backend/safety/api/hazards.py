"""Safety JSON API: hazards and the rectification ledger (issue 12 point 7): a home's hazards,
one hazard with its history, its steps (plan, fix, the county's verification or rejection), a
hazard opened by hand, and the county's view."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.safety import services
from backend.safety.hazard_schemas import CountyHazardsOut, FixIn, HazardDetailOut, ManualHazardIn, PlanIn, RejectIn, VerifyIn
from backend.safety.schemas import HazardOut

TAGS = ["safety"]
HazardId = Annotated[int, record_id("The hazard's record id")]
# Free text of several lines: the plan, the fix, the reasons.
MULTILINE = {"multiline": ("plan", "note", "reason")}


@get(
    "/api/v1/homes/{code:str}/hazards",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="A home's hazards (status: open (default: not closed), fixed, closed or all); overdue first, then major",
    responses=API_ERRORS,
)
async def home_hazards(
    actor: NamedDependency[Scope], code: FromPath[str], status: FromQuery[str | None] = None
) -> list[HazardOut]:
    return await services.list_hazards(actor, code, status)


@post(
    "/api/v1/homes/{code:str}/hazards",
    opt={**allow("manage_hazards", "verify_hazards"), **MULTILINE},
    tags=TAGS,
    summary="Open a hazard by hand (the home or the county); its deadline from the county's parameters",
    responses=API_BODY_ERRORS,
)
async def open_hazard(actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[ManualHazardIn]) -> HazardDetailOut:
    return await services.open_hazard(actor, code, data)


@get(
    "/api/v1/hazards/{hazard_id:int}",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="One hazard with its evidence photos and history",
    responses=API_ERRORS,
)
async def hazard(actor: NamedDependency[Scope], hazard_id: HazardId) -> HazardDetailOut:
    return await services.get_hazard(actor, hazard_id)


@post(
    "/api/v1/hazards/{hazard_id:int}/plan",
    opt={**allow("manage_hazards"), **MULTILINE},
    tags=TAGS,
    summary="The person responsible and the plan of an open hazard (the home)",
    responses=API_BODY_ERRORS,
    status_code=200,
)
async def hazard_plan(actor: NamedDependency[Scope], hazard_id: HazardId, data: JSONBody[PlanIn]) -> HazardDetailOut:
    return await services.set_plan(actor, hazard_id, data)


@post(
    "/api/v1/hazards/{hazard_id:int}/fix",
    opt={**allow("manage_hazards"), **MULTILINE},
    tags=TAGS,
    summary="The home records the fix: an ordinary hazard closes, a major one waits for the county's verification",
    responses=API_BODY_ERRORS,
    status_code=200,
)
async def hazard_fix(actor: NamedDependency[Scope], hazard_id: HazardId, data: JSONBody[FixIn]) -> HazardDetailOut:
    return await services.record_fix(actor, hazard_id, data)


@post(
    "/api/v1/hazards/{hazard_id:int}/verify",
    opt={**allow("verify_hazards"), **MULTILINE},
    tags=TAGS,
    summary="The county verifies the fix of a major hazard and closes it (400 when it is not waiting for verification)",
    responses=API_BODY_ERRORS,
    status_code=200,
)
async def hazard_verify(actor: NamedDependency[Scope], hazard_id: HazardId, data: JSONBody[VerifyIn]) -> HazardDetailOut:
    return await services.verify_hazard(actor, hazard_id, data)


@post(
    "/api/v1/hazards/{hazard_id:int}/reject",
    opt={**allow("verify_hazards"), **MULTILINE},
    tags=TAGS,
    summary="The county rejects the fix of a major hazard: it is open again, with the reason",
    responses=API_BODY_ERRORS,
    status_code=200,
)
async def hazard_reject(actor: NamedDependency[Scope], hazard_id: HazardId, data: JSONBody[RejectIn]) -> HazardDetailOut:
    return await services.reject_hazard(actor, hazard_id, data)


@get(
    "/api/v1/counties/{code:str}/hazards",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="The county's hazards per home (sort: waiting, major, overdue, open, code, name) and its major hazards not closed",
    responses=API_ERRORS,
)
async def county_hazards(
    actor: NamedDependency[Scope], code: FromPath[str], sort: FromQuery[str | None] = None
) -> CountyHazardsOut:
    return await services.county_hazards(actor, code, sort)


ROUTES = [home_hazards, open_hazard, hazard, hazard_plan, hazard_fix, hazard_verify, hazard_reject, county_hazards]
