"""Placements: admission, transfer and discharge (to dispersed support), dated, kept as history."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import N_, _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.web import redirect
from backend.registry import services as registry
from backend.residents import rules, services
from backend.residents.schemas import PlacementIn, ResidentOut
from backend.residents.views._common import (
    not_before_approval,
    resident_page,
    scope_of,
    shown,
    value_of,
)

PLACEMENT_KINDS = ("admit", "transfer", "discharge")
SAVED = {
    "admit": N_("Admission recorded."),
    "transfer": N_("Transfer recorded."),
    "discharge": N_("Discharge recorded: the person now has dispersed support."),
}


class PlacementForm(forms.Form, kw_only=True):
    kind: Annotated[str, forms.Choice(PLACEMENT_KINDS, N_("Choose admission, transfer or discharge."))]
    event_date: Annotated[date, forms.Date(not_in_future=True)]
    home_code: Annotated[str, forms.Text(required=False, max_length=40)] = ""
    note: Annotated[str, forms.Text(required=False, max_length=300)] = ""
    # 紧急收住 (inspectors, administrators): an admission without a recent county assessment
    emergency: Annotated[str, forms.Choice(("yes",), required=False)] = ""
    emergency_reason: Annotated[str, forms.Text(required=False, max_length=300)] = ""


PLACEMENT_FIELDS = tuple(forms.fields_of(PlacementForm))


def breach_warning(invalid: Invalid) -> str | None:
    """The warning of a refusal that only waits for the user's confirmation (the staff ratio:
    ``confirm_breach`` the one field refused), else None."""
    return invalid.errors["confirm_breach"] if set(invalid.errors) == {"confirm_breach"} else None


def breach_confirm(
    request: Request, action: str, back: str, values: dict[str, str], warning: str, person_name: str, home_name: str, day: date
) -> Template:
    """The confirmation step of an admission below the staff ratio (nothing written yet): the
    warning, and a button that posts the same values again with ``confirmed=yes``."""
    what = [warning, _("If you confirm, the admission is recorded, and so is the breach of the ratio with your name.")]
    return resident_page(
        request,
        "residents/breach_confirm.html",
        action=action,
        back=back,
        values=values,
        what=what,
        person_name=person_name,
        home_name=home_name,
        day=day,
    )


async def _placement_form(
    request: Request, person: ResidentOut, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    homes = await registry.list_homes(scope_of(request), county_code=person.county_code)
    return resident_page(
        request,
        "residents/placement_form.html",
        status_code=status_code,
        person=person,
        values=values,
        errors=errors or {},
        homes=homes,
        kinds=PLACEMENT_KINDS,
        max_age_days=await services.admission_max_age(person.id, dates.today()),
    )


@get("/residents/{resident_id:int}/placement", opt=allow("record_placement"))
async def placement_new(request: Request, resident_id: ResidentId, kind: FromQuery[str | None] = None) -> Template:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)
    if kind not in PLACEMENT_KINDS:
        kind = "admit" if person.home_code is None else "transfer"
    home_code = request.scope["user"].home_code if scope.kind == "home" and kind == "admit" else ""
    return await _placement_form(
        request, person, {"kind": kind, "event_date": dates.today().isoformat(), "home_code": home_code or ""}
    )


async def _reshow_placement(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    if not set(errors) <= set(PLACEMENT_FIELDS):
        return None
    person = await services.get_resident(scope_of(request), request.path_params["resident_id"])
    return await _placement_form(request, person, shown(values, PLACEMENT_FIELDS), errors, status_code=400)


@post("/residents/{resident_id:int}/placement", opt=allow("record_placement", text_form=_reshow_placement), status_code=200)
async def placement_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = scope_of(request)
    person = await services.get_resident(scope, resident_id)  # out of scope: 404 before anything else
    submitted = await request.form()
    parsed = forms.parse(PlacementForm, submitted)
    not_before_approval(parsed, person, "event_date")
    if value_of(parsed, "kind") in rules.INTO_A_HOME and not parsed.values["home_code"]:
        parsed.error("home_code", _("Choose the home."))
    if parsed.ok:
        data = parsed.data
        try:
            await services.record_placement(
                scope,
                resident_id,
                PlacementIn(
                    kind=data.kind,
                    event_date=data.event_date,
                    note=data.note,
                    home_code=data.home_code or None if data.kind != "discharge" else None,
                    emergency=data.kind == "admit" and data.emergency == "yes",
                    emergency_reason=data.emergency_reason if data.kind == "admit" else "",
                    confirm_breach=forms.confirmed(submitted),
                ),
            )
            return redirect(f"/residents/{resident_id}", flash=_(SAVED[data.kind]))
        except Forbidden as refused:  # a director asking for an emergency admission
            parsed.error("emergency", str(refused))
        except Invalid as invalid:
            if (warning := breach_warning(invalid)) is not None:
                home = (await registry.homes_by_code([data.home_code])).get(data.home_code) or {}
                action = f"/residents/{resident_id}/placement"
                values = shown(parsed.values, PLACEMENT_FIELDS)
                return breach_confirm(
                    request,
                    action,
                    f"/residents/{resident_id}",
                    values,
                    warning,
                    person.name,
                    home.get("name", ""),
                    data.event_date,
                )
            parsed.merge(invalid)
    return await _placement_form(request, person, parsed.values, parsed.errors, status_code=400)


ROUTES = [placement_new, placement_submit]
