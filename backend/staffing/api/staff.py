"""JSON API of the staff register and training (issue 11 point 7): ``/api/v1/homes/{code}/staff``.

ID numbers are masked in every answer. Ending a post (PATCH with ``left_on``) that would put the
home below the staff ratio answers 400 naming ``confirm_breach`` with the warning; the same
PATCH with ``"confirm_breach": true`` ends the post and records the breach."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.staffing import services
from backend.staffing.schemas import StaffIn, StaffOut, StaffPatch, TrainingIn, TrainingOut


class StaffController(Controller):
    path = "/api/v1/homes/{code:str}/staff"
    tags = ["staffing"]
    opt = allow("view_staffing")

    @get("/", summary="The home's staff: current posts first, then former ones (IDs masked)", responses=API_ERRORS)
    async def list_posts(
        self, actor: NamedDependency[Scope], code: FromPath[str], include_former: FromQuery[bool] = True
    ) -> list[StaffOut]:
        return await services.list_staff(actor, code, include_former=include_former)

    @post("/", opt=allow("manage_staff"), summary="Add a post to the home", responses=API_BODY_ERRORS)
    async def create(self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[StaffIn]) -> StaffOut:
        return await services.create_staff(actor, code, data)

    @get("/{staff_no:str}", summary="One post (ID masked)", responses=API_ERRORS)
    async def get_one(self, actor: NamedDependency[Scope], code: FromPath[str], staff_no: FromPath[str]) -> StaffOut:
        return await services.get_staff(actor, code, staff_no)

    @patch(
        "/{staff_no:str}",
        opt=allow("manage_staff"),
        summary="Change a post; left_on ends it (confirm_breach: true when the ratio would break)",
        responses=API_BODY_ERRORS,
    )
    async def change(
        self, actor: NamedDependency[Scope], code: FromPath[str], staff_no: FromPath[str], data: JSONBody[StaffPatch]
    ) -> StaffOut:
        return await services.update_staff(actor, code, staff_no, data)

    @get("/{staff_no:str}/training", summary="The post's training records, latest first", responses=API_ERRORS)
    async def training(self, actor: NamedDependency[Scope], code: FromPath[str], staff_no: FromPath[str]) -> list[TrainingOut]:
        return await services.list_training(actor, code, staff_no)

    @post(
        "/{staff_no:str}/training", opt=allow("manage_staff"), summary="Record a training of the post", responses=API_BODY_ERRORS
    )
    async def record(
        self, actor: NamedDependency[Scope], code: FromPath[str], staff_no: FromPath[str], data: JSONBody[TrainingIn]
    ) -> TrainingOut:
        return await services.record_training(actor, code, staff_no, data)


ROUTES = [StaffController]
