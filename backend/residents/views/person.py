"""A person's page (facts, timeline, assessments) and the audited view of the full ID number."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template

from backend.core import dates, death_times, people
from backend.core.errors import NotFound
from backend.core.limits import ResidentId
from backend.core.permissions import allow, can
from backend.core.web import USER
from backend.registry import services as registry
from backend.residents import services
from backend.residents.views._common import resident_page, scope_of


async def _county_name(request: Request, code: str) -> str:
    user = request.scope["user"]
    if code == user.county_code and user.county_name:
        return user.county_name
    try:
        return (await registry.get_county(scope_of(request), code)).name
    except NotFound:
        return code


async def _death_time(person: Any) -> str | None:
    """The time of death on the clock (``14:30``) when it is known; None when only the date is
    (时间不详), or when the person is alive."""
    if person.died_on is None:
        return None
    death = (await death_times.times_of_death([person.id])).get(person.id)
    return dates.local(death.died_at).strftime("%H:%M") if death is not None and death.time_known else None


async def _person_context(request: Request, resident_id: int) -> dict[str, Any]:
    scope = scope_of(request)
    shown = await services.person_page(scope, resident_id)
    person = shown["person"]
    return {
        **shown,
        "death_time": await _death_time(person),
        "county_name": await _county_name(request, person.county_code),
        # An area the register leaves empty is the county's default (in force today, as shown).
        "default_area": ""
        if person.area
        else (await registry.parameters_on(scope, person.county_code, dates.today())).default_area,
        # Writes dated today are offered only where the services accept them (a director: for
        # someone placed in the home today).
        "writable": any(can(scope.role, action) for action in ("record_assessment", "report_condition_change"))
        and await services.may_record(scope, resident_id),
        # 入住前未评估: an admission (by import, or before the rule) without a prior county assessment
        "unassessed_admission": next(iter(await services.admitted_unassessed(scope, resident_id=resident_id)), None),
        "full_id": None,
        "names": await people.display_names(event.get("by") for event in shown["events"]),
    }


@get("/residents/{resident_id:int}", opt={"access": USER})
async def person_detail(request: Request, resident_id: ResidentId) -> Template:
    return resident_page(request, "residents/person.html", **await _person_context(request, resident_id))


@post("/residents/{resident_id:int}/id-number", opt=allow("reveal_id_number"), status_code=200)
async def person_full_id(request: Request, resident_id: ResidentId) -> Template:
    context = await _person_context(request, resident_id)
    context["full_id"] = await services.reveal_id_number(scope_of(request), resident_id)
    response = resident_page(request, "residents/person.html", **context)
    response.headers["Cache-Control"] = "no-store"
    return response


ROUTES = [person_detail, person_full_id]
