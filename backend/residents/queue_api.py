"""JSON API of the admission queue and the county's concentration rate of dependent persons
(/api/v1). Bearer tokens only; ID numbers masked."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import RecordId
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS, USER
from backend.residents import services
from backend.residents.queue_schemas import AcceptIn, ApplicationIn, ApplicationOut, CloseIn, ConcentrationOut, OfferIn


def _month(text: str | None, field: str):
    if not text:
        return None
    try:
        return dates.parse_month(text)
    except ValueError:
        raise Invalid({field: _("Enter a month as YYYY-MM.")}) from None


@get(
    "/api/v1/counties/{code:str}/concentration-rate",
    opt=allow("view_concentration_rate"),
    tags=["residents"],
    summary="The concentration rate of dependent persons by month (default: the last 12 months)",
    responses=API_ERRORS,
)
async def concentration_rate(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    first: Annotated[
        str | None, QueryParameter(name="from", pattern=r"^\d{4}-\d{2}$", description="First month, YYYY-MM")
    ] = None,
    last: Annotated[str | None, QueryParameter(name="to", pattern=r"^\d{4}-\d{2}$", description="Last month, YYYY-MM")] = None,
) -> ConcentrationOut:
    this_month = dates.month_of(dates.today())
    to_month = _month(last, "to") or this_month
    from_month = _month(first, "from") or dates.add_months(min(to_month, this_month), -11)
    return await services.concentration_rates(actor, code, from_month, to_month)


@get(
    "/api/v1/counties/{code:str}/admission-queue",
    opt=allow("view_admission_queue"),
    tags=["residents"],
    summary="The county's admission queue in order (open and offered applications, with positions)",
    responses=API_ERRORS,
)
async def admission_queue(actor: NamedDependency[Scope], code: FromPath[str]) -> list[ApplicationOut]:
    return await services.admission_queue(actor, code)


class ApplicationController(Controller):
    path = "/api/v1/admission-applications"
    tags = ["residents"]
    opt = {"access": USER}

    @post(
        "/",
        opt=allow("manage_admission_queue", multiline=("note",)),
        summary="Record a dispersed person's application for a place in a home",
        responses=API_BODY_ERRORS,
    )
    async def create(self, actor: NamedDependency[Scope], data: JSONBody[ApplicationIn]) -> ApplicationOut:
        return await services.record_application(actor, data)

    @get("/{application_id:int}", opt=allow("view_admission_queue"), summary="One application", responses=API_ERRORS)
    async def get_one(self, actor: NamedDependency[Scope], application_id: RecordId) -> ApplicationOut:
        return await services.get_application(actor, application_id)

    @post(
        "/{application_id:int}/offer",
        opt=allow("manage_admission_queue"),
        status_code=200,
        summary="Offer a place in a home",
        responses=API_BODY_ERRORS,
    )
    async def offer(self, actor: NamedDependency[Scope], application_id: RecordId, data: JSONBody[OfferIn]) -> ApplicationOut:
        return await services.offer_place(actor, application_id, data)

    @post(
        "/{application_id:int}/accept",
        opt=allow("manage_admission_queue", multiline=("note",)),
        status_code=200,
        summary="The offer accepted: record the admission (all the admission rules apply) and close the application",
        responses=API_BODY_ERRORS,
    )
    async def accept(self, actor: NamedDependency[Scope], application_id: RecordId, data: JSONBody[AcceptIn]) -> ApplicationOut:
        return await services.accept_offer(actor, application_id, data)

    @post(
        "/{application_id:int}/decline",
        opt=allow("manage_admission_queue"),
        status_code=200,
        summary="The offer declined: the application waits in the queue again",
        responses=API_BODY_ERRORS,
    )
    async def decline(self, actor: NamedDependency[Scope], application_id: RecordId, data: JSONBody[CloseIn]) -> ApplicationOut:
        return await services.decline_offer(actor, application_id, data)

    @post(
        "/{application_id:int}/withdraw",
        opt=allow("manage_admission_queue"),
        status_code=200,
        summary="Withdraw the application (closed, with the reason)",
        responses=API_BODY_ERRORS,
    )
    async def withdraw(self, actor: NamedDependency[Scope], application_id: RecordId, data: JSONBody[CloseIn]) -> ApplicationOut:
        return await services.withdraw_application(actor, application_id, data)


QUEUE_ROUTES = [concentration_rate, admission_queue, ApplicationController]
