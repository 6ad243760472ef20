"""Safety JSON API: food samples and the canteen licence (issue 12 points 3 and 7). Samples and
morning checks are recorded as entries (``POST …/safety-entries`` with ``details``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.safety import services

TAGS = ["safety"]
SampleId = Annotated[int, record_id("The food sample's record id")]


@get(
    "/api/v1/homes/{code:str}/food-samples",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="A home's food samples (留样) taken from…to (local days; by default the last week), the latest first",
    responses=API_ERRORS,
)
async def home_food_samples(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    first: Annotated[date | None, QueryParameter(name="from", description="first day, YYYY-MM-DD")] = None,
    last: Annotated[date | None, QueryParameter(name="to", description="last day, YYYY-MM-DD")] = None,
) -> list[services.SampleOut]:
    return await services.list_samples(actor, code, first, last)


@post(
    "/api/v1/food-samples/{sample_id:int}/discard",
    opt=allow("record_safety"),
    tags=TAGS,
    summary="Record that a sample was discarded (once; before its 48 h it is flagged discarded_early)",
    responses=API_ERRORS,
    status_code=200,
)
async def discard_food_sample(actor: NamedDependency[Scope], sample_id: SampleId) -> services.SampleOut:
    return await services.discard_sample(actor, sample_id)


@get(
    "/api/v1/homes/{code:str}/canteen-licence",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="The home's canteen licence (食品经营许可证) in force, the earlier ones, the open licence hazard",
    responses=API_ERRORS,
)
async def canteen_licence(actor: NamedDependency[Scope], code: FromPath[str]) -> services.LicenceStatus:
    return await services.licence_status(actor, code)


@post(
    "/api/v1/homes/{code:str}/canteen-licence",
    opt=allow("record_safety"),
    tags=TAGS,
    summary="Record the canteen licence (it is then in force; already expired, it opens a major hazard)",
    responses=API_BODY_ERRORS,
)
async def record_canteen_licence(
    actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[services.LicenceIn]
) -> services.LicenceOut:
    return await services.record_licence(actor, code, data)


ROUTES = [home_food_samples, discard_food_sample, canteen_licence, record_canteen_licence]
