"""The morning check's form (晨检) and the canteen licence page (食品经营许可证), issue 12 point 3.

The morning check: one card per kitchen worker on duty today (from the roster, or the cooks in post
when no roster is saved): 合格上岗 or 调离岗位 with the symptom; a worker whose health certificate
has expired (or none is recorded) can only be sent off duty. Then the checklist's items."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, people
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.safety import labels, links, services
from backend.safety.schemas import EntryIn
from backend.safety.views.food_forms import (
    client_id_of,
    item_errors,
    item_values,
    local_input,
    new_client_id,
    read_answers,
    read_performed_at,
    template_items,
)


def _scope(request: Request):
    return request.scope["user"].scope


async def _morning_page(request: Request, code: str, day: date | None = None, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await services.home_for(scope, code, "record_safety")
    now = dates.now_utc()
    day = day or dates.local(now).date()
    template, items = await template_items(home, "morning_check")
    people = await services.morning_people(home, day)
    values = context.pop("values", None) or {"performed_at": local_input(now), "client_id": new_client_id()}
    return page(
        request,
        "safety/morning_check_form.html",
        status_code=status_code,
        home=home,
        checklist=template,
        items=items,
        people=people,
        day=day,
        values=values,
        results=labels.labels(labels.RESULT_LABELS),
        symptoms=labels.labels(labels.SYMPTOM_LABELS),
        today_href=links.today_href(code),
        **context,
    )


@get("/homes/{code:str}/safety/morning-check/new", opt=allow("record_safety"))
async def morning_check_form(request: Request, code: FromPath[str]) -> Template:
    return await _morning_page(request, code)


def _checks(form: Any, people: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    checks, where = [], {}
    for person in people:
        choice = (form.get(f"fit-{person['id']}") or "").strip()
        if choice not in ("fit", "unfit"):
            continue
        where[len(checks)] = person["id"]
        check: dict[str, Any] = {"staff_id": person["id"], "fit": choice == "fit"}
        if choice == "unfit":
            check["symptom"] = (form.get(f"symptom-{person['id']}") or "").strip()
            check["note"] = (form.get(f"note-{person['id']}") or "").strip()[:200]
        checks.append(check)
    return checks, where


def _morning_errors(errors: dict[str, str], where: dict[int, int]) -> dict[str, str]:
    out = item_errors(errors)
    for field, message in errors.items():
        if field.startswith("details.checks["):
            index, _sep, name = field.removeprefix("details.checks[").partition("].")
            staff_id = where.get(int(index), 0)
            out[f"{'symptom' if name == 'symptom' else 'fit'}-{staff_id}"] = message
        elif field.startswith("details"):
            out["people"] = message
        elif field == "performed_at":
            out[field] = message
        elif not field.startswith("items."):
            out.setdefault("form", message)
    return out


@post("/homes/{code:str}/safety/morning-check/new", opt=allow("record_safety"), status_code=200)
async def record_morning_check(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    home = await services.home_for(scope, code, "record_safety")
    form = await request.form()
    _template, items = await template_items(home, "morning_check")
    errors: dict[str, str] = {}
    performed_at = read_performed_at(form, errors)
    day = dates.local(performed_at).date() if performed_at else dates.today()
    people = await services.morning_people(home, day)
    checks, where = _checks(form, people)
    values = {"performed_at": (form.get("performed_at") or "").strip(), "note": (form.get("note") or "").strip()}
    values |= item_values(form, items) | {"client_id": client_id_of(form)}
    for person in people:
        for prefix in ("fit-", "symptom-", "note-"):
            values[f"{prefix}{person['id']}"] = (form.get(f"{prefix}{person['id']}") or "").strip()
    if not errors and performed_at is not None:
        data = EntryIn(
            client_id=values["client_id"],
            routine="morning_check",
            performed_at=performed_at,
            items=read_answers(form, items),
            note=values["note"][:500],
            details={"checks": checks},
        )
        try:
            entry, _created = await services.record_entry(scope, code, data)
        except Invalid as invalid:
            errors = _morning_errors(invalid.errors, where)
        else:
            unfit = sum(not check["fit"] for check in checks)
            message = _("The morning check is recorded: {fit} fit, {unfit} sent off duty.").format(
                fit=len(checks) - unfit, unfit=unfit
            )
            if entry.hazards:
                message += " " + _("{n} hazards opened.").format(n=len(entry.hazards))
            return redirect(links.today_href(code), flash=message)
    return await _morning_page(request, code, day, status_code=400, values=values, errors=errors)


async def _licence_page(request: Request, code: str, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await services.home_for(scope, code, "view_safety")
    status = await services.licence_status(scope, code)
    context.setdefault("values", {})
    return page(
        request,
        "safety/licence.html",
        status_code=status_code,
        home=home,
        status=status,
        names=await people.display_names(
            licence.recorded_by for licence in [*status.history, *([status.current] if status.current else [])]
        ),
        hazards_href=links.hazards_href(code),
        hazard_href=links.hazard_href(code, status.hazard_id) if status.hazard_id else "",
        **context,
    )


@get("/homes/{code:str}/safety/licence", opt=allow("view_safety"))
async def licence_page(request: Request, code: FromPath[str]) -> Template:
    return await _licence_page(request, code)


@post("/homes/{code:str}/safety/licence", opt=allow("record_safety"), status_code=200)
async def record_licence(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await services.home_for(scope, code, "record_safety")
    form = await request.form()
    values = {name: (form.get(name) or "").strip() for name in ("number", "expires_on")}
    errors: dict[str, str] = {}
    try:
        expires_on = dates.parse_date(values["expires_on"])
    except ValueError:
        errors["expires_on"] = _("The expiry date, e.g. 2028-06-30.")
    if not errors:
        try:
            saved = await services.record_licence(scope, code, services.LicenceIn(number=values["number"], expires_on=expires_on))
        except Invalid as invalid:
            errors = dict(invalid.errors)
        else:
            message = _("The canteen licence {number} is recorded.").format(number=saved.number)
            if saved.expired:
                status = await services.licence_status(scope, code)
                message += " " + (
                    _("It has expired: a major hazard is opened.")
                    if status.hazard_id is not None
                    else _("It has expired (the home has no canteen: no hazard is opened).")
                )
            return redirect(links.licence_href(code), flash=message)
    return await _licence_page(request, code, status_code=400, values=values, errors=errors)


ROUTES = [morning_check_form, record_morning_check, licence_page, record_licence]
