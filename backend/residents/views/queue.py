"""The county's admission queue (入住轮候): the queue page, a new application, and the steps of an
application (offer a place, record the admission, a declined offer, withdrawal); the overview
panel that links to it and the county page's panel with the concentration rate of dependent
persons for the last twelve months."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import N_, _
from backend.core.limits import RecordId
from backend.core.panels import county_panel
from backend.core.permissions import allow, can
from backend.core.web import overview_panel, redirect
from backend.registry import services as registry
from backend.residents import services
from backend.residents.queue_rules import APPLICANTS
from backend.residents.queue_schemas import AcceptIn, ApplicationIn, ApplicationOut, CloseIn, OfferIn
from backend.residents.views._common import resident_page, scope_of
from backend.residents.views.placements import breach_confirm, breach_warning

APPLICANT_LABELS = {
    "self": N_("The person"),
    "township": N_("The township (street office)"),
    "county": N_("The county civil-affairs bureau"),
}
APPLICATION_STATUS_LABELS = {
    "open": N_("Waiting"),
    "offered": N_("Place offered"),
    "admitted": N_("Placed in a home"),
    "withdrawn": N_("Withdrawn"),
}
BLOCKED_LABELS = {
    "died": N_("Deceased: withdraw the application"),
    "ended": N_("Support ended: withdraw the application"),
    "in_home": N_("Already living in a home: withdraw the application"),
}


def queue_labels() -> dict[str, dict[str, str]]:
    return {
        "applicant": {key: _(value) for key, value in APPLICANT_LABELS.items()},
        "status": {key: _(value) for key, value in APPLICATION_STATUS_LABELS.items()},
        "blocked": {key: _(value) for key, value in BLOCKED_LABELS.items()},
    }


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    return resident_page(request, template, status_code=status_code, Q=queue_labels(), **context)


# --- the queue ------------------------------------------------------------------------------------


@get("/counties/{code:str}/admission-queue", opt=allow("view_admission_queue"))
async def queue_page(request: Request, code: FromPath[str]) -> Template:
    scope = scope_of(request)
    queue = await services.admission_queue(scope, code)
    closed = await services.closed_applications(scope, code, limit=20)
    county = await registry.get_county(scope, code)
    return _page(request, "residents/queue.html", county=county, queue=queue, closed=closed)


class ApplicationForm(forms.Form, kw_only=True):
    id_number: Annotated[str, forms.Text(max_length=18)]
    applicant: Annotated[str, forms.Choice(APPLICANTS, N_("Choose who applies."))]
    applied_on: Annotated[date, forms.Date(not_in_future=True)]
    preferred_home_code: Annotated[str, forms.Text(required=False, max_length=32)] = ""
    note: Annotated[str, forms.Text(required=False, max_length=300)] = ""


async def _application_form(
    request: Request, code: str, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    homes = await registry.list_homes(scope_of(request), county_code=code)
    return _page(
        request,
        "residents/queue_new.html",
        status_code=status_code,
        code=code,
        home_options=[(home.code, home.name) for home in homes],
        applicant_options=[(key, _(APPLICANT_LABELS[key])) for key in APPLICANTS],
        values=values,
        errors=errors or {},
    )


@get("/counties/{code:str}/admission-queue/new", opt=allow("manage_admission_queue"))
async def application_new(request: Request, code: FromPath[str]) -> Template:
    await services.admission_queue(scope_of(request), code)  # the county in scope, or 404
    return await _application_form(request, code, {"applicant": "township", "applied_on": dates.today().isoformat()})


@post(
    "/counties/{code:str}/admission-queue/new",
    opt=allow("manage_admission_queue", multiline=("note",)),
    status_code=200,
)
async def application_create(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = scope_of(request)
    await services.admission_queue(scope, code)  # the county in scope, or 404 before anything else
    parsed = await forms.read(request, ApplicationForm)
    if parsed.ok:
        data = parsed.data
        try:
            person = await services.find_by_id_number(scope, data.id_number)
            if person["county_code"] != code:
                raise NotFound(_("No such person."))
            await services.record_application(
                scope,
                ApplicationIn(
                    resident_id=person["id"],
                    applicant=data.applicant,
                    applied_on=data.applied_on,
                    preferred_home_code=data.preferred_home_code or None,
                    note=data.note,
                ),
            )
            return redirect(f"/counties/{code}/admission-queue", flash=_("Application recorded."))
        except NotFound:
            parsed.error("id_number", _("No person with this ID number in the county's register."))
        except Invalid as invalid:
            parsed.merge(
                Invalid({("id_number" if key == "resident_id" else key): message for key, message in invalid.errors.items()})
            )
    return await _application_form(request, code, parsed.values, parsed.errors, status_code=400)


# --- the steps of an application --------------------------------------------------------------------


class OfferForm(forms.Form, kw_only=True):
    home_code: Annotated[str, forms.Text(max_length=32)]
    offered_on: Annotated[date, forms.Date(not_in_future=True)]


class AcceptForm(forms.Form, kw_only=True):
    admitted_on: Annotated[date, forms.Date(not_in_future=True)]
    note: Annotated[str, forms.Text(required=False, max_length=300)] = ""


class CloseForm(forms.Form, kw_only=True):
    on: Annotated[date, forms.Date(not_in_future=True)]
    reason: Annotated[str, forms.Text(max_length=200)]


STEPS: dict[str, tuple[type[forms.Form], str, str]] = {
    # step: (form, the date field, the message once saved)
    "offer": (OfferForm, "offered_on", N_("Place offered.")),
    "accept": (AcceptForm, "admitted_on", N_("Admission recorded: the application is closed.")),
    "decline": (CloseForm, "on", N_("Offer declined: the application waits in the queue again.")),
    "withdraw": (CloseForm, "on", N_("Application withdrawn.")),
}
STEP_STATUSES = {"offer": ("open",), "accept": ("offered",), "decline": ("offered",), "withdraw": ("open", "offered")}


async def _step_page(
    request: Request,
    application: ApplicationOut,
    step: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    homes = await registry.list_homes(scope_of(request), county_code=application.county_code) if step == "offer" else []
    return _page(
        request,
        "residents/queue_step.html",
        status_code=status_code,
        application=application,
        step=step,
        home_options=[(home.code, f"{home.name}（{home.beds}床）") for home in homes],
        values=values,
        errors=errors or {},
    )


async def _application_for_step(request: Request, application_id: int, step: str) -> ApplicationOut:
    """The application in scope (404 otherwise, whatever the step), then the step known (404)."""
    application = await services.get_application(scope_of(request), application_id)
    if step not in STEPS:
        raise NotFound(_("No such page."))
    return application


@get("/admission-applications/{application_id:int}/{step:str}", opt=allow("manage_admission_queue"))
async def step_form(request: Request, application_id: RecordId, step: FromPath[str]) -> Template:
    application = await _application_for_step(request, application_id, step)
    values = {STEPS[step][1]: dates.today().isoformat()}
    if step == "offer":
        values["home_code"] = application.preferred_home_code or ""
    return await _step_page(request, application, step, values)


async def _run_step(request: Request, application_id: int, step: str, data: Any, confirmed: bool) -> None:
    scope = scope_of(request)
    if step == "offer":
        await services.offer_place(scope, application_id, OfferIn(home_code=data.home_code, offered_on=data.offered_on))
    elif step == "accept":
        accepted = AcceptIn(admitted_on=data.admitted_on, note=data.note, confirm_breach=confirmed)
        await services.accept_offer(scope, application_id, accepted)
    elif step == "decline":
        await services.decline_offer(scope, application_id, CloseIn(on=data.on, reason=data.reason))
    else:
        await services.withdraw_application(scope, application_id, CloseIn(on=data.on, reason=data.reason))


@post(
    "/admission-applications/{application_id:int}/{step:str}",
    opt=allow("manage_admission_queue", multiline=("note",)),
    status_code=200,
)
async def step_submit(request: Request, application_id: RecordId, step: FromPath[str]) -> Template | Redirect:
    application = await _application_for_step(request, application_id, step)  # out of scope: 404 first
    form, _date_field, saved = STEPS[step]
    submitted = await request.form()
    parsed = forms.parse(form, submitted)
    confirmed = step == "accept" and forms.confirmed(submitted)
    if application.status not in STEP_STATUSES[step]:
        parsed.error("status", _("This application is no longer waiting for this step."))
    if parsed.ok:
        queue = f"/counties/{application.county_code}/admission-queue"
        try:
            await _run_step(request, application_id, step, parsed.data, confirmed)
            return redirect(queue, flash=_(saved))
        except Invalid as invalid:
            if step == "accept" and (warning := breach_warning(invalid)) is not None:
                action = f"/admission-applications/{application_id}/accept"
                values = {name: parsed.values.get(name, "") for name in forms.fields_of(form)}
                home = application.offered_home_name or ""
                return breach_confirm(request, action, queue, values, warning, application.name, home, parsed.data.admitted_on)
            parsed.merge(invalid)
    return await _step_page(request, application, step, parsed.values, parsed.errors, status_code=400)


# --- panels ---------------------------------------------------------------------------------------


@overview_panel
async def queue_panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    """On the overview page: the county's queue (its length and places offered) for the county's
    staff; for a director, the applications naming their home, when there are any."""
    user = request.scope["user"]
    scope = user.scope
    if not can(scope.role, "view_admission_queue") or scope.kind == "all":
        return None
    if scope.kind == "home":
        code = (await registry.get_home(scope, user.home_code)).county_code
    else:
        code = user.county_code
    if not code:
        return None
    queue = await services.admission_queue(scope, code)
    if scope.kind == "home" and not queue:
        return None
    offered = sum(1 for item in queue if item.status == "offered")
    return "residents/_queue_panel.html", {
        "code": code,
        "waiting": len(queue) - offered,
        "offered": offered,
        "home": scope.kind == "home",
    }


@county_panel
async def concentration_panel(request: Request, code: str) -> tuple[str, dict[str, Any]] | None:
    """On the county page: the concentration rate of dependent persons for the last 12 months."""
    scope = scope_of(request)
    if not can(scope.role, "view_concentration_rate"):
        return None
    rates = await services.last_twelve_months(scope, code)
    return "residents/_concentration.html", {"code": code, "months": list(reversed(rates.months))}


ROUTES = [queue_page, application_new, application_create, step_form, step_submit]
