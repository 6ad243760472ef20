"""JSON API for the register, placements and assessments (/api/v1). Bearer tokens only.

ID numbers are masked in every response except ``POST …/id-number``, which returns one
person's full number to the roles that need it and records the view in the audit log.
"""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from backend.core import dates
from backend.core.limits import PageNumber, PageSize, ResidentId
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS, USER
from backend.residents import services
from backend.residents.queue_api import QUEUE_ROUTES
from backend.residents.schemas import (
    AssessmentIn,
    AssessmentOut,
    CapabilityIn,
    CapabilityOut,
    ConditionChangeIn,
    PlacementIn,
    PlacementOut,
    ResidentIn,
    ResidentOut,
    ResidentPage,
    StateOn,
    TaskOut,
)


class DueDate(msgspec.Struct):
    due_on: date


class FullId(msgspec.Struct):
    id_number: str


class ResidentController(Controller):
    path = "/api/v1/residents"
    tags = ["residents"]
    opt = {"access": USER}

    @get("/", summary="The register in your scope (IDs masked), filtered and paginated", responses=API_ERRORS)
    async def search(
        self,
        actor: NamedDependency[Scope],
        county: FromQuery[str | None] = None,
        home: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        mode: FromQuery[str | None] = None,
        tier: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        page: PageNumber = 1,
        per_page: PageSize = 50,
    ) -> ResidentPage:
        filters = services.RegisterFilter(home_code=home, county_code=county, search=q, mode=mode, tier=tier, status=status)
        return await services.search_register(actor, filters, page=page, per_page=per_page)

    @post("/", opt=allow("register_residents"), summary="Register a confirmed tekun person", responses=API_BODY_ERRORS)
    async def register(self, actor: NamedDependency[Scope], data: JSONBody[ResidentIn]) -> ResidentOut:
        return await services.register_resident(actor, data)

    @get("/{resident_id:int}", summary="One person (ID masked)", responses=API_ERRORS)
    async def get_one(self, actor: NamedDependency[Scope], resident_id: ResidentId) -> ResidentOut:
        return await services.get_resident(actor, resident_id)

    @post(
        "/{resident_id:int}/id-number",
        opt=allow("reveal_id_number"),
        status_code=200,
        summary="The full ID number (audited)",
        responses=API_ERRORS,
    )
    async def full_id(self, actor: NamedDependency[Scope], resident_id: ResidentId) -> FullId:
        return FullId(await services.reveal_id_number(actor, resident_id))

    @get("/{resident_id:int}/state", summary="Home, mode and tier at the end of a day", responses=API_ERRORS)
    async def state(self, actor: NamedDependency[Scope], resident_id: ResidentId, on: FromQuery[date | None] = None) -> StateOn:
        return await services.state_on(actor, resident_id, on or dates.today())

    @get("/{resident_id:int}/placements", summary="Placement history", responses=API_ERRORS)
    async def list_placements(self, actor: NamedDependency[Scope], resident_id: ResidentId) -> list[PlacementOut]:
        return await services.placements(actor, resident_id)

    @post(
        "/{resident_id:int}/placements",
        opt=allow("record_placement", multiline=("note",)),
        summary="Admission, transfer or discharge",
        responses=API_BODY_ERRORS,
    )
    async def add_placement(
        self, actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[PlacementIn]
    ) -> ResidentOut:
        return await services.record_placement(actor, resident_id, data)

    @get("/{resident_id:int}/assessments", summary="Self-care assessments", responses=API_ERRORS)
    async def list_assessments(self, actor: NamedDependency[Scope], resident_id: ResidentId) -> list[AssessmentOut]:
        return await services.list_assessments(actor, resident_id)

    @post(
        "/{resident_id:int}/assessments",
        opt=allow("record_assessment", "record_observation"),
        summary="Record a self-care assessment (the tier is derived); a director's is the home's care observation",
        responses=API_BODY_ERRORS,
    )
    async def add_assessment(
        self, actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[AssessmentIn]
    ) -> AssessmentOut:
        return await services.record_assessment(actor, resident_id, data)

    @get("/{resident_id:int}/capability-assessments", summary="GB/T 42195 assessments", responses=API_ERRORS)
    async def list_capability(self, actor: NamedDependency[Scope], resident_id: ResidentId) -> list[CapabilityOut]:
        return await services.list_capability(actor, resident_id)

    @post(
        "/{resident_id:int}/capability-assessments",
        opt=allow("record_capability"),
        summary="Record a GB/T 42195 assessment",
        responses=API_BODY_ERRORS,
    )
    async def add_capability(
        self, actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[CapabilityIn]
    ) -> CapabilityOut:
        return await services.record_capability(actor, resident_id, data)

    @post(
        "/{resident_id:int}/condition-changes",
        opt=allow("report_condition_change", multiline=("note",)),
        summary="Report a change of self-care ability",
        responses=API_BODY_ERRORS,
    )
    async def condition_change(
        self, actor: NamedDependency[Scope], resident_id: ResidentId, data: JSONBody[ConditionChangeIn]
    ) -> DueDate:
        return DueDate(await services.report_condition_change(actor, resident_id, data))


@get(
    "/api/v1/assessments/due",
    opt={"access": USER},
    tags=["residents"],
    summary="Re-assessments and annual reviews due",
    responses=API_ERRORS,
)
async def due_assessments(
    actor: NamedDependency[Scope],
    home: FromQuery[str | None] = None,
    county: FromQuery[str | None] = None,
    overdue: FromQuery[bool] = False,
) -> list[TaskOut]:
    return await services.due_assessments(actor, home_code=home, county_code=county, overdue_only=overdue)


ROUTES = [ResidentController, due_assessments, *QUEUE_ROUTES]
