"""Residents pages: the home's roster and its printable public roster, a person's page with its
timeline and forms (placements, end of support, condition change, self-care and GB/T 42195
assessments), the county register, the due lists, and the audited full-ID view."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.limits import PageNumber, ResidentId
from backend.core.permissions import allow, can
from backend.core.web import USER, page, redirect
from backend.registry import services as registry
from backend.residents import capability, rules, services
from backend.residents.schemas import (
    AssessmentIn,
    CapabilityIn,
    ConditionChangeIn,
    PlacementIn,
    ResidentIn,
)

TIER_LABELS = {
    "self_care": N_("Able to care for themselves"),
    "partial": N_("Partly unable to care for themselves"),
    "full_loss": N_("Fully unable to care for themselves"),
    "unassessed": N_("Not assessed"),
}
ITEM_LABELS = {
    "eat": N_("Eat"),
    "dress": N_("Dress"),
    "transfer": N_("Get in and out of bed"),
    "toilet": N_("Use the toilet"),
    "walk": N_("Walk indoors"),
    "bathe": N_("Bathe"),
}
MODE_LABELS = {"concentrated": N_("Concentrated support"), "dispersed": N_("Dispersed support")}
STATUS_LABELS = {
    "in_home": N_("Living in a home"),
    "dispersed": N_("Dispersed support"),
    "ended": N_("Support ended"),
    "died": N_("Deceased"),
    "former": N_("Formerly in this home"),
}
GENDER_LABELS = {"M": N_("Male"), "F": N_("Female")}
EVENT_LABELS = {
    "approved": N_("Approved as a tekun person"),
    "died": N_("Died"),
    "admit": N_("Admitted"),
    "transfer": N_("Transferred"),
    "discharge": N_("Discharged to dispersed support"),
    "assessment": N_("Self-care assessment"),
    "capability": N_("GB/T 42195 assessment"),
    "condition_change": N_("Condition change reported"),
    "ended": N_("Support ended"),
}
REASON_LABELS = {
    "admission": N_("On admission"),
    "annual": N_("Annual review"),
    "change": N_("Condition changed"),
    "correction": N_("Correction"),
    "other": N_("Other"),
}
TASK_LABELS = {"reassessment": N_("Re-assessment after a condition change"), "annual_review": N_("Annual review")}
TASK_STATUS_LABELS = {"open": N_("Due"), "overdue": N_("Overdue"), "done": N_("Done")}


def labels() -> dict[str, dict[str, str]]:
    """Every label set, translated for this request."""
    sets = {
        "tier": TIER_LABELS, "item": ITEM_LABELS, "mode": MODE_LABELS, "status": STATUS_LABELS,
        "gender": GENDER_LABELS, "event": EVENT_LABELS, "reason": REASON_LABELS,
        "task": TASK_LABELS, "task_status": TASK_STATUS_LABELS,
    }
    return {name: {key: _(text) for key, text in values.items()} for name, values in sets.items()}


def _resident_page(request: Request, template: str, status_code: int = 200, **context: Any):
    return page(request, template, status_code=status_code, L=labels(), **context)


def _shown(values: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {name: values.get(name, "") for name in names}


def text_form(template: str, names: tuple[str, ...], **context: Any):
    """The ``text_form`` hook of a person's form (``backend.core.textguard``): the form again,
    with the fields that hold control characters marked; None for a field the form does not
    show (the guard's own error page names it)."""

    async def reshow(request: Request, values: dict[str, str], errors: dict[str, str]):
        if not set(errors) <= set(names):
            return None
        person = await services.get_resident(_scope(request), request.path_params["resident_id"])
        return _resident_page(request, template, status_code=400, person=person, values=_shown(values, names), errors=errors, **context)

    return reshow


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _date(form: Any, name: str, errors: dict[str, str], required: bool = True) -> date | None:
    raw = _text(form, name)
    if not raw:
        if required:
            errors[name] = _("A value is required.")
        return None
    try:
        return dates.parse_date(raw)
    except ValueError:
        errors[name] = _("Not a valid date (write 2026-11-02).")
        return None


def _not_before_approval(person: Any, day: date | None, field: str, errors: dict[str, str]) -> None:
    if day is not None and field not in errors and day < person.approved_on:
        errors[field] = _("The date is before the approval date.")


def _scope(request: Request):
    return request.scope["user"].scope


def _can(request: Request, roles: tuple[str, ...]) -> bool:
    return request.scope["user"].role in roles


def _filters(mode: str | None, tier: str | None, status: str | None) -> dict[str, str]:
    return {
        "mode": mode if mode in MODE_LABELS else "",
        "tier": tier if tier in TIER_LABELS else "",
        "status": status if status in STATUS_LABELS else "",
    }


# --- the home's roster, public roster and due list ------------------------------------------


@get("/homes/{code:str}/roster", opt={"access": USER})
async def home_roster(
    request: Request,
    code: FromPath[str],
    mode: FromQuery[str | None] = None,
    tier: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> object:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    chosen = _filters(mode, tier, status)
    result = await services.roster(
        scope, code, services.RegisterFilter(mode=chosen["mode"] or None, tier=chosen["tier"] or None, status=chosen["status"] or None)
    )
    return _resident_page(request, "residents/roster.html", home=home, result=result, chosen=chosen)


@get("/homes/{code:str}/roster/print", opt={"access": USER})
async def home_public_roster(request: Request, code: FromPath[str]) -> object:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    result = await services.roster(scope, code, services.RegisterFilter(status="in_home"))
    return _resident_page(request, "residents/public_roster.html", home=home, result=result, today=dates.today())


@get("/homes/{code:str}/due", opt={"access": USER})
async def home_due(request: Request, code: FromPath[str], overdue: FromQuery[bool] = False) -> object:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    tasks = await services.due_assessments(scope, home_code=code, overdue_only=overdue)
    return _resident_page(request, "residents/due.html", home=home, county=None, tasks=tasks, overdue=overdue, counties=[], may_write=can(request.scope["user"].role, "record_assessment"))


# --- the county register and its due list ----------------------------------------------------


def _page_link(request: Request, number: int) -> str:
    params = {key: value for key, value in request.query_params.items() if key != "page" and value}
    params["page"] = str(number)
    return f"{request.url.path}?{urlencode(params)}"


@get("/residents", opt=allow("view_register"))
async def county_register(
    request: Request,
    q: FromQuery[str | None] = None,
    county: FromQuery[str | None] = None,
    home: FromQuery[str | None] = None,
    mode: FromQuery[str | None] = None,
    tier: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    page: PageNumber = 1,  # noqa: F811 (shadows the page() helper, which is not used here)
) -> object:
    scope = _scope(request)
    user = request.scope["user"]
    county_code = county if user.role == "admin" else user.county_code
    chosen = _filters(mode, tier, status)
    if chosen["status"] == "former":
        chosen["status"] = ""
    filters = services.RegisterFilter(
        county_code=county_code or None, home_code=home or None, search=q or None,
        mode=chosen["mode"] or None, tier=chosen["tier"] or None, status=chosen["status"] or None,
    )
    result = await services.search_register(scope, filters, page=max(1, page), per_page=50)
    pages = max(1, -(-result.total // result.per_page))
    return _resident_page(
        request,
        "residents/register.html",
        result=result,
        pages=pages,
        chosen=chosen,
        q=q or "",
        county=county or "",
        home=home or "",
        homes=await registry.list_homes(scope, county_code=county_code or None),
        counties=await registry.list_counties(scope) if user.role == "admin" else [],
        previous_link=_page_link(request, result.page - 1) if result.page > 1 else None,
        next_link=_page_link(request, result.page + 1) if result.page < pages else None,
    )


@get("/residents/due", opt=allow("view_register"))
async def county_due(request: Request, county: FromQuery[str | None] = None, overdue: FromQuery[bool] = False) -> object:
    scope = _scope(request)
    user = request.scope["user"]
    county_code = county if user.role == "admin" else user.county_code
    tasks = await services.due_assessments(scope, county_code=county_code or None, overdue_only=overdue)
    counties = await registry.list_counties(scope) if user.role == "admin" else []
    return _resident_page(request, "residents/due.html", home=None, county=county or "", tasks=tasks, overdue=overdue, counties=counties, may_write=can(request.scope["user"].role, "record_assessment"))


# --- registering a person ---------------------------------------------------------------------

REGISTER_FIELDS = ("id_number", "name", "gender", "county_code", "approved_on", "home_code", "admitted_on")


async def _register_form(request: Request, values: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200):
    scope = _scope(request)
    user = request.scope["user"]
    county_code = values.get("county_code") or (user.county_code if user.role != "admin" else None)
    return _resident_page(
        request,
        "residents/register_form.html",
        status_code=status_code,
        values=values,
        errors=errors or {},
        counties=await registry.list_counties(scope) if user.role == "admin" else [],
        homes=await registry.list_homes(scope, county_code=county_code or None),
    )


@get("/residents/new", opt=allow("register_residents"))
async def register_new(request: Request) -> object:
    user = request.scope["user"]
    values = {"county_code": user.county_code or "", "approved_on": dates.today().isoformat()}
    return await _register_form(request, values)


async def _reshow_register(request: Request, values: dict[str, str], errors: dict[str, str]):
    if not set(errors) <= set(REGISTER_FIELDS):
        return None
    return await _register_form(request, _shown(values, REGISTER_FIELDS), errors, status_code=400)


@post("/residents/new", opt={**allow("register_residents"), "text_form": _reshow_register}, status_code=200)
async def register_submit(request: Request) -> object:
    user = request.scope["user"]
    form = await request.form()
    values = {name: _text(form, name) for name in REGISTER_FIELDS}
    values["id_number"] = values["id_number"].upper()
    if user.role != "admin":
        values["county_code"] = user.county_code or ""
    errors: dict[str, str] = {}
    approved_on = _date(form, "approved_on", errors)
    admitted_on = _date(form, "admitted_on", errors, required=False)
    for name in ("id_number", "name"):
        if not values[name]:
            errors[name] = _("A value is required.")
    if approved_on and admitted_on and admitted_on < approved_on and "admitted_on" not in errors:
        errors["admitted_on"] = _("The date is before the approval date.")
    if not errors:
        try:
            person = await services.register_resident(
                _scope(request),
                ResidentIn(
                    id_number=values["id_number"], name=values["name"], county_code=values["county_code"],
                    approved_on=approved_on, gender=values["gender"] or None,
                    home_code=values["home_code"] or None, admitted_on=admitted_on,
                ),
            )
            return redirect(f"/residents/{person.id}")
        except Invalid as invalid:
            errors = invalid.errors
    return await _register_form(request, values, errors, status_code=400)


# --- a person's page and the full ID -------------------------------------------------------------


async def _person_context(request: Request, resident_id: int) -> dict[str, Any]:
    shown = await services.person_page(_scope(request), resident_id)
    person = shown["person"]
    return {
        **shown,
        "may_write": can(request.scope["user"].role, "record_assessment") and await services.may_record(_scope(request), resident_id),
        "may_end": can(request.scope["user"].role, "register_residents") and person.ended_on is None,
        "may_reveal": can(request.scope["user"].role, "reveal_id_number"),
        "full_id": None,
    }


@get("/residents/{resident_id:int}", opt={"access": USER})
async def person_detail(request: Request, resident_id: ResidentId) -> object:
    return _resident_page(request, "residents/person.html", **await _person_context(request, resident_id))


@post("/residents/{resident_id:int}/id-number", opt=allow("reveal_id_number"), status_code=200)
async def person_full_id(request: Request, resident_id: ResidentId) -> object:
    context = await _person_context(request, resident_id)
    context["full_id"] = await services.reveal_id_number(_scope(request), resident_id)
    response = _resident_page(request, "residents/person.html", **context)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- placements -----------------------------------------------------------------------------------

PLACEMENT_KINDS = ("admit", "transfer", "discharge")


async def _placement_form(request: Request, person, values: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200):
    homes = await registry.list_homes(_scope(request), county_code=person.county_code)
    return _resident_page(
        request, "residents/placement_form.html", status_code=status_code,
        person=person, values=values, errors=errors or {}, homes=homes, kinds=PLACEMENT_KINDS,
    )


def _default_kind(person) -> str:
    return "admit" if person.home_code is None else "transfer"


@get("/residents/{resident_id:int}/placement", opt=allow("record_placement"))
async def placement_new(request: Request, resident_id: ResidentId, kind: FromQuery[str | None] = None) -> object:
    person = await services.get_resident(_scope(request), resident_id)
    kind = kind if kind in PLACEMENT_KINDS else _default_kind(person)
    user = request.scope["user"]
    home_code = user.home_code if user.role == "director" and kind == "admit" else ""
    return await _placement_form(request, person, {"kind": kind, "event_date": dates.today().isoformat(), "home_code": home_code})


async def _reshow_placement(request: Request, values: dict[str, str], errors: dict[str, str]):
    names = ("kind", "event_date", "home_code", "note")
    if not set(errors) <= set(names):
        return None
    person = await services.get_resident(_scope(request), request.path_params["resident_id"])
    return await _placement_form(request, person, _shown(values, names), errors, status_code=400)


@post("/residents/{resident_id:int}/placement", opt={**allow("record_placement"), "text_form": _reshow_placement}, status_code=200)
async def placement_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    person = await services.get_resident(scope, resident_id)  # out of scope: 404 before anything else
    form = await request.form()
    values = {name: _text(form, name) for name in ("kind", "event_date", "home_code", "note")}
    errors: dict[str, str] = {}
    if values["kind"] not in PLACEMENT_KINDS:
        errors["kind"] = _("Choose admission, transfer or discharge.")
    event_date = _date(form, "event_date", errors)
    _not_before_approval(person, event_date, "event_date", errors)
    if values["kind"] in rules.INTO_A_HOME and not values["home_code"]:
        errors["home_code"] = _("Choose the home.")
    if len(values["note"]) > 300:
        errors["note"] = _("At most 300 characters.")
    if not errors:
        try:
            await services.record_placement(
                scope, resident_id,
                PlacementIn(kind=values["kind"], event_date=event_date, home_code=values["home_code"] or None if values["kind"] != "discharge" else None, note=values["note"]),
            )
            return redirect(f"/residents/{resident_id}")
        except Invalid as invalid:
            errors = invalid.errors
    return await _placement_form(request, person, values, errors, status_code=400)


# --- end of support -----------------------------------------------------------------------------


@get("/residents/{resident_id:int}/end", opt=allow("register_residents"))
async def end_new(request: Request, resident_id: ResidentId) -> object:
    person = await services.get_resident(_scope(request), resident_id)
    return _resident_page(request, "residents/end_form.html", person=person, values={"ended_on": dates.today().isoformat()})


@post("/residents/{resident_id:int}/end", opt={**allow("register_residents"), "text_form": text_form("residents/end_form.html", ("ended_on", "reason"))}, status_code=200)
async def end_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    person = await services.get_resident(scope, resident_id)
    form = await request.form()
    values = {name: _text(form, name) for name in ("ended_on", "reason")}
    errors: dict[str, str] = {}
    ended_on = _date(form, "ended_on", errors)
    _not_before_approval(person, ended_on, "ended_on", errors)
    if not values["reason"]:
        errors["reason"] = _("Give the reason (at most 200 characters).")
    if not errors:
        try:
            await services.end_support(scope, resident_id, ended_on, values["reason"])
            return redirect(f"/residents/{resident_id}")
        except Invalid as invalid:
            errors = invalid.errors
    return _resident_page(request, "residents/end_form.html", status_code=400, person=person, values=values, errors=errors)


# --- condition change -----------------------------------------------------------------------------


@get("/residents/{resident_id:int}/condition-change", opt=allow("record_assessment"))
async def change_new(request: Request, resident_id: ResidentId) -> object:
    person = await services.get_resident(_scope(request), resident_id)
    return _resident_page(request, "residents/change_form.html", person=person, values={"reported_on": dates.today().isoformat()})


# note is a textarea: it may hold line breaks.
@post("/residents/{resident_id:int}/condition-change", opt={
    **allow("record_assessment"), "multiline": ("note",),
    "text_form": text_form("residents/change_form.html", ("reported_on", "reported_by", "note")),
}, status_code=200)
async def change_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    person = await services.get_resident(scope, resident_id)
    form = await request.form()
    values = {name: _text(form, name) for name in ("reported_on", "reported_by", "note")}
    errors: dict[str, str] = {}
    reported_on = _date(form, "reported_on", errors)
    _not_before_approval(person, reported_on, "reported_on", errors)
    if not values["note"]:
        errors["note"] = _("Describe the change.")
    for name, limit in (("note", 300), ("reported_by", 100)):
        if len(values[name]) > limit:
            errors[name] = _("At most {n} characters.").format(n=limit)
    if not errors:
        try:
            await services.report_condition_change(scope, resident_id, ConditionChangeIn(reported_on=reported_on, reported_by=values["reported_by"], note=values["note"]))
            return redirect(f"/residents/{resident_id}")
        except Invalid as invalid:
            errors = invalid.errors
    return _resident_page(request, "residents/change_form.html", status_code=400, person=person, values=values, errors=errors)


# --- the self-care assessment (phone-first, with a preview of the tier) -------------------------------

ASSESSMENT_REASONS = tuple(REASON_LABELS)


def _answers(form: Any, errors: dict[str, str]) -> dict[str, bool]:
    answers: dict[str, bool] = {}
    for item in rules.ITEMS:
        raw = _text(form, item)
        if raw == "yes":
            answers[item] = True
        elif raw == "no":
            answers[item] = False
        else:
            errors[item] = _("Answer: can or cannot do it alone.")
    return answers


@get("/residents/{resident_id:int}/assessment", opt=allow("record_assessment"))
async def assessment_new(request: Request, resident_id: ResidentId, reason: FromQuery[str | None] = None) -> object:
    person = await services.get_resident(_scope(request), resident_id)
    if reason not in ASSESSMENT_REASONS:
        reason = "annual" if person.last_assessed_on else "admission"
    values = {"assessed_on": dates.today().isoformat(), "assessor": request.scope["user"].display_name, "reason": reason}
    return _resident_page(request, "residents/assessment_form.html", person=person, values=values, tier=None, items=rules.ITEMS, reasons=ASSESSMENT_REASONS)


@post("/residents/{resident_id:int}/assessment", opt={**allow("record_assessment"), "text_form": text_form(
    "residents/assessment_form.html", ("assessed_on", "assessor", "reason", *rules.ITEMS), tier=None, items=rules.ITEMS, reasons=ASSESSMENT_REASONS,
)}, status_code=200)
async def assessment_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    person = await services.get_resident(scope, resident_id)
    form = await request.form()
    values: dict[str, Any] = {name: _text(form, name) for name in ("assessed_on", "assessor", "reason", *rules.ITEMS)}
    errors: dict[str, str] = {}
    answers = _answers(form, errors)
    assessed_on = _date(form, "assessed_on", errors)
    if values["reason"] not in ASSESSMENT_REASONS:
        errors["reason"] = _("Choose the reason.")
    if len(values["assessor"]) > 100:
        errors["assessor"] = _("At most {n} characters.").format(n=100)
    tier = rules.care_tier(answers) if len(answers) == len(rules.ITEMS) else None
    if _text(form, "action") == "save" and not errors:
        try:
            await services.record_assessment(
                scope, resident_id,
                AssessmentIn(assessed_on=assessed_on, assessor=values["assessor"], reason=values["reason"], **answers),
            )
            return redirect(f"/residents/{resident_id}")
        except Invalid as invalid:
            errors = invalid.errors
    status_code = 400 if errors else 200
    return _resident_page(
        request, "residents/assessment_form.html", status_code=status_code,
        person=person, values=values, errors=errors, tier=tier, items=rules.ITEMS, reasons=ASSESSMENT_REASONS,
    )


# --- the GB/T 42195 capability assessment -------------------------------------------------------------


def _capability_context(person, values: dict[str, Any]) -> dict[str, Any]:
    data = capability.spec()
    groups: dict[str, list] = {}
    for item in data.items:
        groups.setdefault(item.indicator, []).append(item)
    return {"person": person, "values": values, "spec": data, "groups": groups}


@get("/residents/{resident_id:int}/capability", opt=allow("record_assessment"))
async def capability_new(request: Request, resident_id: ResidentId) -> object:
    person = await services.get_resident(_scope(request), resident_id)
    values = {"assessed_on": dates.today().isoformat(), "assessor": request.scope["user"].display_name, "risk_events": "0"}
    return _resident_page(request, "residents/capability_form.html", **_capability_context(person, values))


@post("/residents/{resident_id:int}/capability", opt=allow("record_assessment"), status_code=200)
async def capability_submit(request: Request, resident_id: ResidentId) -> object:
    scope = _scope(request)
    person = await services.get_resident(scope, resident_id)
    form = await request.form()
    data = capability.spec()
    values: dict[str, Any] = {name: _text(form, name) for name in ("assessed_on", "assessor", "risk_events")}
    values["coma"] = form.get("coma") in ("on", "1", "true")
    values["dementia"] = form.get("dementia") in ("on", "1", "true")
    errors: dict[str, str] = {}
    assessed_on = _date(form, "assessed_on", errors)
    scores: dict[str, int] = {}
    for item in data.items:
        raw = _text(form, f"score_{item.key}")
        values[f"score_{item.key}"] = raw
        if not (raw.isdecimal() and len(raw) <= 3) or not 0 <= int(raw) <= item.maximum:
            errors[f"score_{item.key}"] = _("Give a score from 0 to {maximum}.").format(maximum=item.maximum)
        else:
            scores[item.key] = int(raw)
    risk_events = 0
    if not (values["risk_events"].isdecimal() and len(values["risk_events"]) <= 3) or int(values["risk_events"]) > 100:
        errors["risk_events"] = _("A whole number from 0 to 100 is required.")
    else:
        risk_events = int(values["risk_events"])
    if len(values["assessor"]) > 100:
        errors["assessor"] = _("At most {n} characters.").format(n=100)
    if not errors:
        try:
            await services.record_capability(
                scope, resident_id,
                CapabilityIn(assessed_on=assessed_on, scores=scores, coma=values["coma"], dementia=values["dementia"], risk_events=risk_events, assessor=values["assessor"]),
            )
            return redirect(f"/residents/{resident_id}")
        except Invalid as invalid:
            errors = invalid.errors
    return _resident_page(request, "residents/capability_form.html", status_code=400, errors=errors, **_capability_context(person, values))


ROUTES = [
    home_roster,
    home_public_roster,
    home_due,
    county_register,
    county_due,
    register_new,
    register_submit,
    person_detail,
    person_full_id,
    placement_new,
    placement_submit,
    end_new,
    end_submit,
    change_new,
    change_submit,
    assessment_new,
    assessment_submit,
    capability_new,
    capability_submit,
]
