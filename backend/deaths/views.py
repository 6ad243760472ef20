"""Deaths pages: the phone-first death report form (from the person's page) with its confirmation
step, its correction, the county death register (去世信息备案) with its CSV/XLSX export, the
late-report notices (read by each user for themselves), the county's funeral subsidy setting, and
the deaths' items of "今日待办"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, cast

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, formatting, forms, money
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import ResidentId
from backend.core.permissions import allow
from backend.core.web import page, redirect, safe_next
from backend.deaths import export, services, todo_items  # noqa: F401 - todo_items registers the to-do sources
from backend.deaths.schemas import DeathIn
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents import services as residents
from backend.residents.views import MODE_LABELS, STATUS_LABELS

MULTILINE = ("funeral_arrangements",)  # the form's one textarea: it may hold line breaks


class DeathForm(forms.Form):
    died_at: Annotated[datetime, forms.DateTime()]
    # "死亡时间不详": only the date is known; the time typed is ignored (a datetime-local input
    # always carries one) and the report deadline runs from the end of that day.
    time_unknown: Annotated[bool, forms.YesNo()] = False
    place: Annotated[str, forms.Text(required=False, max_length=200)] = ""
    cause: Annotated[str, forms.Text(required=False, max_length=200)] = ""
    certificate_no: Annotated[str, forms.Text(required=False, max_length=50)] = ""
    reporter: Annotated[str, forms.Text(required=False, max_length=100)] = ""
    funeral_arrangements: Annotated[str, forms.Text(required=False, max_length=500, multiline=True)] = ""


class CorrectionForm(DeathForm, kw_only=True):
    reason: Annotated[str, forms.Text(max_length=300)]


class SubsidyForm(forms.Form):
    effective_from: Annotated[date, forms.Date()]
    amount: Annotated[int, forms.Money(maximum_fen=registry_rules.FUNERAL_SUBSIDY_MAX_FEN)]


class NoticeForm(forms.Form):
    notice_id: Annotated[int, forms.Integer(minimum=1, maximum=2**31 - 1)]
    next: Annotated[str, forms.Text(required=False, max_length=300)] = ""


def _scope(request: Request):
    return request.scope["user"].scope


def _yuan(text: str) -> str:
    """A yuan text of the services ("6020.00") as the page shows money (¥6,020.00)."""
    return formatting.cny(money.parse_yuan(text))


def _death_in(data: DeathForm) -> DeathIn:
    return DeathIn(
        died_at=data.died_at,
        died_time_known=not data.time_unknown,
        place=data.place,
        cause=data.cause,
        certificate_no=data.certificate_no,
        reporter=data.reporter,
        funeral_arrangements=data.funeral_arrangements,
        reason=getattr(data, "reason", ""),
    )


def _labels(person: Any) -> dict[str, str]:
    """The person's state in words (the residents' labels)."""
    return {"mode": _(MODE_LABELS[person.mode]) if person.mode else "", "status": _(STATUS_LABELS[person.status])}


async def _form(
    request: Request,
    resident_id: int,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    correcting: bool = False,
) -> Template:
    scope = _scope(request)
    person = await residents.get_resident(scope, resident_id)
    history = await services.death_history(scope, resident_id)
    return page(
        request,
        "deaths/report_form.html",
        status_code=status_code,
        person=person,
        labels=_labels(person),
        values=values,
        errors=errors or {},
        history=history,
        record=history[-1] if history else None,
        correcting=correcting,
        yuan=_yuan,
    )


@get("/residents/{resident_id:int}/death", opt=allow("report_death"))
async def death_page(request: Request, resident_id: ResidentId) -> Template:
    """The report form, or the record in force with its history when a death is recorded."""
    return await _form(request, resident_id, {"died_at": dates.local(dates.now_utc()).strftime("%Y-%m-%dT%H:%M")})


async def _reshow_report(
    request: Request, values: dict[str, str], errors: dict[str, str], correcting: bool = False
) -> Template | None:
    """The form again with the refused fields marked (``backend.core.textguard``); None for a
    field the form does not show (the guard's own error page names it)."""
    shown_fields = forms.fields_of(CorrectionForm if correcting else DeathForm)
    if not set(errors) <= set(shown_fields):
        return None
    shown = {name: values.get(name, "") for name in shown_fields}
    return await _form(request, request.path_params["resident_id"], shown, errors, status_code=400, correcting=correcting)


async def _reshow_correction(request: Request, values: dict[str, str], errors: dict[str, str]) -> Template | None:
    return await _reshow_report(request, values, errors, correcting=True)


def consequences(plan: services.DeathPlan) -> list[str]:
    """What recording the death will do, sentence by sentence (the confirmation step)."""
    name, day = plan.name, formatting.day(plan.died_on)
    if plan.died_time_known:
        first = _("The death of {name} is recorded as at {time}; the time of the report is the moment you confirm.").format(
            name=name, time=formatting.moment(plan.died_at)
        )
    else:
        first = _(
            "The death of {name} is recorded on {day}, time unknown; the report deadline runs from the end of that day, and the time of the report is the moment you confirm."
        ).format(name=name, day=day)
    lines = [
        first,
        _("The stipend is paid up to and including {month} and stops from {next} on.").format(
            month=formatting.month(plan.last_entitled_month), next=formatting.month(plan.stops_from)
        ),
    ]
    if plan.home_name:
        lines.append(
            _("The stay in {home} ends on {day}: the placement is closed and the bed is freed.").format(
                home=plan.home_name, day=day
            )
        )
    lines += [
        _("Open re-assessment tasks of {name} are cancelled.").format(name=name),
        _("The record of {name} is locked: no assessment, placement or payment dated after {day} can be recorded.").format(
            name=name, day=day
        ),
        _("Funeral subsidy: {amount} (the county's amount in force on the day of death).").format(
            amount=_yuan(plan.funeral_subsidy)
        ),
    ]
    hours = formatting.number(plan.hours_to_report, 1)
    if plan.late:
        lines.append(
            _(
                "The report is late: {hours} h after the death, the county's deadline is {deadline} h. The county's staff are notified."
            ).format(hours=hours, deadline=plan.deadline_hours)
        )
    else:
        lines.append(
            _("The report is on time: {hours} h after the death (the county's deadline is {deadline} h).").format(
                hours=hours, deadline=plan.deadline_hours
            )
        )
    lines.append(
        _("A death report cannot be withdrawn: a mistake is put right later by a correction, a new record that is audited.")
    )
    return lines


async def _confirm(request: Request, resident_id: int, values: dict[str, str], plan: services.DeathPlan) -> Template:
    person = await residents.get_resident(_scope(request), resident_id)
    return page(
        request,
        "deaths/report_confirm.html",
        person=person,
        labels=_labels(person),
        values=values,
        plan=plan,
        what=consequences(plan),
    )


@post(
    "/residents/{resident_id:int}/death",
    opt={**allow("report_death"), "multiline": MULTILINE, "text_form": _reshow_report},
    status_code=200,
)
async def death_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    """Two steps: the first post checks the form and says what will happen (nothing written);
    the second, with ``confirmed=yes``, records the death."""
    scope = _scope(request)
    await residents.get_resident(scope, resident_id)  # out of scope: 404 before anything else
    submitted = await request.form()
    parsed = forms.parse(DeathForm, submitted)
    if submitted.get("edit") == "yes":  # "change the report" on the confirmation page
        return await _form(request, resident_id, parsed.values)
    if parsed.data is not None:
        try:
            if forms.confirmed(submitted):
                await services.report_death(scope, resident_id, _death_in(parsed.data))
                return redirect(f"/residents/{resident_id}/death", flash=_("The death is recorded."))
            plan = cast(services.DeathPlan, await services.report_death(scope, resident_id, _death_in(parsed.data), dry_run=True))
            return await _confirm(request, resident_id, parsed.values, plan)
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _form(request, resident_id, parsed.values, parsed.errors, status_code=400)


@get("/residents/{resident_id:int}/death/correct", opt=allow("report_death"))
async def correction_page(request: Request, resident_id: ResidentId) -> Template | Redirect:
    record = await services.death_of(_scope(request), resident_id)
    if record is None:
        return redirect(f"/residents/{resident_id}/death")
    values = {
        "died_at": dates.local(record.died_at).strftime("%Y-%m-%dT%H:%M"),
        "time_unknown": "" if record.died_time_known else "yes",
        "place": record.place,
        "cause": record.cause,
        "certificate_no": record.certificate_no,
        "reporter": record.reporter,
        "funeral_arrangements": record.funeral_arrangements,
        "reason": "",
    }
    return await _form(request, resident_id, values, correcting=True)


@post(
    "/residents/{resident_id:int}/death/correct",
    opt={**allow("report_death"), "multiline": MULTILINE, "text_form": _reshow_correction},
    status_code=200,
)
async def correction_submit(request: Request, resident_id: ResidentId) -> Template | Redirect:
    scope = _scope(request)
    await residents.get_resident(scope, resident_id)
    parsed = await forms.read(request, CorrectionForm)
    if parsed.data is not None:
        try:
            await services.correct_death(scope, resident_id, _death_in(parsed.data))
            return redirect(f"/residents/{resident_id}/death", flash=_("The correction is recorded."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _form(request, resident_id, parsed.values, parsed.errors, status_code=400, correcting=True)


# --- the county's death register ---------------------------------------------------------------


@get("/counties/{code:str}/deaths", opt=allow("view_deaths"))
async def register_page(request: Request, code: FromPath[str], month: FromQuery[str | None] = None) -> Template:
    scope = _scope(request)
    county = await registry.get_county(scope, code)
    errors: dict[str, str] = {}
    try:
        chosen = services.parse_month_param(month)
    except Invalid as invalid:
        chosen, errors = None, invalid.errors
    return page(
        request,
        "deaths/register.html",
        county=county,
        records=await services.county_deaths(scope, code, chosen),
        month=dates.month_text(chosen) if chosen else "",
        errors=errors,
        notices=await services.late_notices(scope, county_code=code),
        subsidy=await services.subsidy_on(scope, code, dates.today()),
        yuan=_yuan,
    )


@get("/counties/{code:str}/deaths/export", opt=allow("view_deaths"))
async def register_export(
    request: Request, code: FromPath[str], format: FromQuery[str] = "csv", month: FromQuery[str | None] = None
) -> Response:
    scope = _scope(request)
    chosen = services.parse_month_param(month)
    rows = await services.export_rows(scope, code, chosen)
    suffix = dates.month_text(chosen) if chosen else "all"
    if format == "xlsx":
        body = export.to_xlsx(rows)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, media, format = export.to_csv(rows), "text/csv", "csv"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="deaths-{code}-{suffix}.{format}"',
            "Cache-Control": "no-store",
        },
    )


@post("/counties/{code:str}/deaths/notices/seen", opt=allow("view_deaths"), status_code=200)
async def notice_seen(request: Request, code: FromPath[str]) -> Template | Redirect:
    """The signed-in user has read a late-report notice (for themselves: the others still see it)."""
    scope = _scope(request)
    await registry.get_county(scope, code)  # out of scope: 404 first
    parsed = await forms.read(request, NoticeForm)
    if parsed.data is None:  # a hidden field: only a hand-made request gets it wrong
        return page(request, "error.html", status_code=400, title=_("Invalid input"), detail=_("Choose a notice."))
    await services.mark_notice_seen(scope, code, parsed.data.notice_id)
    back = safe_next(parsed.data.next) if parsed.data.next else f"/counties/{code}/deaths"
    return redirect(back, flash=_("Marked as read. The others who follow deaths still see the notice until they read it."))


@get("/deaths/notices", opt=allow("view_deaths"))
async def notices_page(request: Request) -> Template:
    """Late death reports the user has not read, in their county (every county for an administrator)."""
    return page(request, "deaths/notices.html", notices=await services.late_notices(_scope(request)))


# --- funeral subsidy (county parameter) ----------------------------------------------------------


async def _subsidy_page(
    request: Request, code: str, values: dict[str, str], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    scope = _scope(request)
    county = await registry.get_county(scope, code)
    return page(
        request,
        "deaths/subsidy_form.html",
        status_code=status_code,
        county=county,
        values=values,
        errors=errors or {},
        current=await services.subsidy_on(scope, code, dates.today()),
        history=await services.subsidy_history(scope, code),
        yuan=_yuan,
    )


@get("/counties/{code:str}/deaths/subsidy", opt=allow("set_funeral_subsidy"))
async def subsidy_form(request: Request, code: FromPath[str]) -> Template:
    current = await services.subsidy_on(_scope(request), code, dates.today())
    return await _subsidy_page(request, code, {"effective_from": dates.today().isoformat(), "amount": current.amount})


@post("/counties/{code:str}/deaths/subsidy", opt=allow("set_funeral_subsidy"), status_code=200)
async def subsidy_submit(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_county(scope, code)  # out of scope: 404 first
    parsed = await forms.read(request, SubsidyForm)
    if parsed.data is not None:
        try:
            await services.set_funeral_subsidy(scope, code, parsed.data.effective_from, money.yuan_text(parsed.data.amount))
            return redirect(f"/counties/{code}/deaths", flash=_("The funeral subsidy is saved."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _subsidy_page(request, code, parsed.values, parsed.errors, status_code=400)


ROUTES = [
    death_page,
    death_submit,
    correction_page,
    correction_submit,
    register_page,
    register_export,
    notice_seen,
    notices_page,
    subsidy_form,
    subsidy_submit,
]
