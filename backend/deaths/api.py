"""JSON API for death reports, the county death register and late-report notices (/api/v1).
Bearer tokens only; ID numbers masked; out of scope answers 404."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.deaths import services
from backend.deaths.schemas import DeathIn, DeathOut, NoticeOut

TAGS = ["deaths"]
MULTILINE = ("funeral_arrangements",)  # as on the form (a textarea); every other text is one line


@get(
    "/api/v1/residents/{resident_id:int}/deaths",
    opt=allow("report_death", "view_deaths"),
    tags=TAGS,
    summary="A person's death records (first report, then corrections)",
    responses=API_ERRORS,
)
async def death_history(actor: NamedDependency[Scope], resident_id: ResidentId) -> list[DeathOut]:
    return await services.death_history(actor, resident_id)


@post(
    "/api/v1/residents/{resident_id:int}/death",
    opt={**allow("report_death"), "multiline": MULTILINE},
    tags=TAGS,
    summary="Report a death (reported_at is the server's time; the record is locked, tasks cancelled, the bed released)",
    responses=API_BODY_ERRORS,
)
async def report_death(actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[DeathIn]) -> DeathOut:
    return await services.report_death(actor, resident_id, data)


@post(
    "/api/v1/residents/{resident_id:int}/death/corrections",
    opt={**allow("report_death"), "multiline": MULTILINE},
    tags=TAGS,
    summary="Correct the death record in force (a new, audited record; reason required)",
    responses=API_BODY_ERRORS,
)
async def correct_death(actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[DeathIn]) -> DeathOut:
    return await services.correct_death(actor, resident_id, data)


@get(
    "/api/v1/counties/{code:str}/deaths",
    opt=allow("view_deaths"),
    tags=TAGS,
    summary="The county death register (去世信息备案): the record in force per person",
    responses=API_ERRORS,
)
async def county_deaths(
    actor: NamedDependency[Scope], code: FromPath[str], month: FromQuery[str | None] = None
) -> list[DeathOut]:
    """``month``: YYYY-MM, the month of death."""
    return await services.county_deaths(actor, code, services.parse_month_param(month))


@get(
    "/api/v1/deaths/notices",
    opt=allow("view_deaths"),
    tags=TAGS,
    summary="Notices of late death reports in your county",
    responses=API_ERRORS,
)
async def notices(actor: NamedDependency[Scope], include_seen: FromQuery[bool] = False) -> list[NoticeOut]:
    return await services.late_notices(actor, include_seen=include_seen)


ROUTES = [death_history, report_death, correct_death, county_deaths, notices]
