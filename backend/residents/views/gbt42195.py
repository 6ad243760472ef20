"""The GB/T 42195 capability assessment: a separate instrument for care plans (it never changes
the stipend tier). Its items come from gbt42195.toml, so its form struct is made from that data."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.residents import capability, services
from backend.residents.schemas import CapabilityIn, ResidentOut
from backend.residents.views._common import resident_page, scope_of

SCORE = "score_"


@cache
def capability_form() -> type[forms.Form]:
    """The form: date, assessor, adjustments, and one score (0…the item's maximum) per item."""
    fields: list[tuple[str, Any, Any]] = [
        ("assessed_on", Annotated[date, forms.Date(not_in_future=True)], msgspec.NODEFAULT),
        ("assessor", Annotated[str, forms.Text(required=False, max_length=100)], ""),
        ("coma", Annotated[bool, forms.YesNo()], False),
        ("dementia", Annotated[bool, forms.YesNo()], False),
        ("risk_events", Annotated[int, forms.Integer(minimum=0, maximum=100, required=False, empty=0)], 0),
    ]
    for item in capability.spec().items:
        fields.append((SCORE + item.key, Annotated[int, forms.Integer(minimum=0, maximum=item.maximum)], msgspec.NODEFAULT))
    return msgspec.defstruct("CapabilityForm", fields, bases=(forms.Form,), kw_only=True, module=__name__)


def _capability_context(person: ResidentOut, values: dict[str, Any]) -> dict[str, Any]:
    data = capability.spec()
    groups: dict[str, list] = {}
    for item in data.items:
        groups.setdefault(item.indicator, []).append(item)
    return {"person": person, "values": values, "spec": data, "groups": groups}


@get("/residents/{resident_id:int}/capability", opt=allow("record_capability"))
async def capability_new(request: Request, resident_id: ResidentId) -> Template:
    person = await services.get_resident(scope_of(request), resident_id)
    values = {"assessed_on": dates.today().isoformat(), "assessor": request.scope["user"].display_name, "risk_events": "0"}
    return resident_page(request, "residents/capability_form.html", **_capability_context(person, values))


@post("/residents/{resident_id:int}/capability", opt=allow("record_capability"), status_code=200)
async def capability_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)
    parsed = await forms.read(request, capability_form())
    if parsed.ok:
        data: Any = parsed.data
        scores = {item.key: getattr(data, SCORE + item.key) for item in capability.spec().items}
        try:
            saved = await services.record_capability(
                scope,
                resident_id,
                CapabilityIn(
                    assessed_on=data.assessed_on,
                    scores=scores,
                    coma=data.coma,
                    dementia=data.dementia,
                    risk_events=data.risk_events,
                    assessor=data.assessor,
                ),
            )
            flash = _("GB/T 42195 assessment saved: level {level}, {name}.").format(level=saved.level, name=saved.level_name)
            return redirect(f"/residents/{resident_id}", flash=flash)
        except Invalid as invalid:
            parsed.merge(invalid)
    return resident_page(
        request,
        "residents/capability_form.html",
        status_code=400,
        errors=parsed.errors,
        **_capability_context(person, parsed.values),
    )


ROUTES = [capability_new, capability_submit]
