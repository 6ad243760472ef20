"""JSON API for stipend standards and reconciliation runs (/api/v1). Bearer tokens only.

Everything hangs under a county (``/api/v1/counties/{code}/…``), so scope is the county's:
finance and inspectors of that county, and admins. ID numbers are masked except in the document
of interfaces.md §4 (the shape of ``tekun reconcile --json``), which exists to give finance the
full numbers: ``POST …/stipend-runs`` answers with it and ``GET …/stipend-runs/{run_id}/report``
returns it; each such answer writes one audit record (``reconcile.view``) naming whose numbers
it showed (their digests, ``citizen_id.disclosure``). The review state masks them.
"""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.stipends import services, workflow
from backend.stipends.schemas import (
    FindingReviewOut,
    FloorIn,
    FloorOut,
    ReconcileIn,
    ReconcileReport,
    ReviewIn,
    RunOut,
    RunReviewOut,
    StandardOut,
)


class StipendController(Controller):
    path = "/api/v1/counties/{code:str}"
    tags = ["stipends"]
    opt = allow("view_reconciliation")

    @get("/standards", summary="The county's stipend standards, oldest first (monthly, yuan)", responses=API_ERRORS)
    async def standards(self, actor: NamedDependency[Scope], code: FromPath[str]) -> list[StandardOut]:
        return await services.list_standards(actor, code)

    @get(
        "/stipend-floors",
        summary="The floors of the basic living amount the county entered (domain rules §8), per floor oldest first",
        responses=API_ERRORS,
    )
    async def floors(self, actor: NamedDependency[Scope], code: FromPath[str]) -> list[FloorOut]:
        return await services.list_floors(actor, code)

    @post(
        "/stipend-floors",
        summary="Enter a floor (the same kind, area, mode and month again corrects it); finance and admins",
        status_code=201,
        opt=allow("set_standards"),
        responses=API_BODY_ERRORS,
    )
    async def add_floor(self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[FloorIn]) -> FloorOut:
        return await services.add_floor(actor, code, msgspec.structs.asdict(data))

    @get("/stipend-runs", summary="Reconciliation runs of the county, newest first", responses=API_ERRORS)
    async def runs(self, actor: NamedDependency[Scope], code: FromPath[str], month: FromQuery[str | None] = None) -> list[RunOut]:
        return await services.list_runs_text(actor, code, month)

    @post(
        "/stipend-runs",
        summary="Reconcile a month (payments or claims) and store the run",
        status_code=201,
        responses=API_BODY_ERRORS,
    )
    async def reconcile(self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[ReconcileIn]) -> ReconcileReport:
        return await services.reconcile_text(actor, code, data.month, data.source)

    @get("/stipend-runs/{run_id:str}", summary="One run with its stale check", responses=API_ERRORS)
    async def run(self, actor: NamedDependency[Scope], code: FromPath[str], run_id: FromPath[str]) -> RunOut:
        return await services.get_run(actor, run_id, county_code=code)

    @get("/stipend-runs/{run_id:str}/report", summary="The findings of a run (interfaces §4 shape)", responses=API_ERRORS)
    async def report(self, actor: NamedDependency[Scope], code: FromPath[str], run_id: FromPath[str]) -> ReconcileReport:
        return await services.get_report(actor, run_id, county_code=code, audit=True)

    @get(
        "/stipend-runs/{run_id:str}/review",
        summary="The run's review state and its findings with their reviews",
        responses=API_ERRORS,
    )
    async def review_state(self, actor: NamedDependency[Scope], code: FromPath[str], run_id: FromPath[str]) -> RunReviewOut:
        return await workflow.run_review(actor, run_id, county_code=code)

    @post(
        "/stipend-runs/{run_id:str}/reviews",
        summary="Review one finding: confirmed, explained (note) or dismissed (reason)",
        status_code=200,
        opt={**allow("review_reconciliation"), "multiline": ("note",)},
        responses=API_BODY_ERRORS,
    )
    async def review(
        self, actor: NamedDependency[Scope], code: FromPath[str], run_id: FromPath[str], data: JSONBody[ReviewIn]
    ) -> FindingReviewOut:
        return await workflow.review_finding(actor, run_id, data.position, data.status, data.note, county_code=code)

    @post(
        "/stipend-runs/{run_id:str}/approve",
        summary="Approve the run (a finance user who imported none of its lines)",
        status_code=200,
        opt=allow("review_reconciliation"),
        responses=API_ERRORS,
    )
    async def approve(self, actor: NamedDependency[Scope], code: FromPath[str], run_id: FromPath[str]) -> RunReviewOut:
        return await workflow.approve_run(actor, run_id, county_code=code)


ROUTES = [StipendController]
