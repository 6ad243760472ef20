"""The week's duty roster (值班表) at ``/homes/{code}/duty?week=YYYY-MM-DD`` (its Monday): a card
per day with its day and night shifts as name chips, who is on leave, a "copy last week" action
that pre-fills the form. The gaps are shown before saving: the first submit with gaps answers the
form again with the gaps and a "save with gaps" button; a submit without gaps saves at once.

"今日待办": a director's home with nobody on tonight's night shift (today's item) or tomorrow's
(an item for soon)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.core import dates, forms, todo
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import MAX_RECORD_ID
from backend.core.permissions import allow, can
from backend.core.web import overview_panel, page, redirect
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.roster_schemas import ShiftIn
from backend.staffing.tables import SHIFTS


def _scope(request: Request):
    return request.scope["user"].scope


def _field(day: date, shift: str) -> str:
    return f"{day.isoformat()}.{shift}"


def gaps_key(week: services.RosterWeek) -> str:
    """What the user was shown: the confirmation holds only for the same gaps."""
    return ";".join(f"{g.day.isoformat()}:{g.shift}:{g.kind}:{g.on_duty}:{g.certified}" for g in week.gaps)


def gap_note(gap) -> str:
    """A gap said shortly inside its shift's box (the day and shift are its heading)."""
    if gap.kind == "empty":
        return _("Nobody on duty.")
    return _("{certified} of the two certified operators.").format(certified=gap.certified)


def _days(week: services.RosterWeek, errors: dict[str, str]) -> list[dict[str, Any]]:
    """What the template shows of each day: its shifts' choices, who is chosen, the gaps."""
    gaps = {(g.day, g.shift): gap_note(g) for g in week.gaps}
    out = []
    for day in week.days:
        shifts = []
        for shift in SHIFTS:
            name = _field(day, shift)
            shifts.append(
                {
                    "shift": shift,
                    "label": _(services.SHIFT_LABELS[shift]),
                    "field": name,
                    "options": week.available(day),
                    "chosen": week.assigned.get((day, shift), set()),
                    "stale": week.unavailable_assigned(day, shift),
                    "gap": gaps.get((day, shift)),
                    "error": errors.get(name),
                }
            )
        out.append({"day": day, "label": services.day_label(day), "on_leave": week.on_leave(day), "shifts": shifts})
    return out


def _render(request: Request, week: services.RosterWeek, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("errors", {})
    context.setdefault("confirming", False)
    context.setdefault("copied", False)
    return page(
        request,
        "staffing/duty.html",
        status_code=status_code,
        home=week.home,
        week=week,
        monday=week.monday,
        previous=week.monday - timedelta(days=7),
        following=week.monday + timedelta(days=7),
        this_week=services.monday_of(dates.today()),
        days=_days(week, context["errors"]),
        gap_messages=[services.gap_message(g) for g in week.gaps],
        gaps_key=gaps_key(week),
        **context,
    )


@get("/homes/{code:str}/duty", opt=allow("view_staffing"))
async def duty_week(
    request: Request, code: FromPath[str], week: FromQuery[str | None] = None, copy: FromQuery[str | None] = None
) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)  # out of scope: 404 before the week is read
    day = services.parse_week_day(week)
    monday = services.monday_of(day)
    if week and week != monday.isoformat():  # another day (or form) of a week: its week, at that day
        return redirect(f"/homes/{code}/duty?week={monday.isoformat()}{'&copy=last' if copy else ''}#day-{day.isoformat()}")
    if copy:
        return _render(request, await services.copy_previous_week(scope, code, monday), copied=True)
    return _render(request, await services.week_roster(scope, code, monday))


def _read_shifts(form: Any, monday: date) -> tuple[list[ShiftIn], dict[str, str]]:
    """The chips ticked, per shift field (``2026-12-07.night`` = staff ids); not a number: refused."""
    shifts, errors = [], {}
    for offset in range(7):
        day = monday + timedelta(days=offset)
        for shift in SHIFTS:
            name = _field(day, shift)
            raw = form.getall(name, []) if hasattr(form, "getall") else ([form[name]] if form.get(name) else [])
            ids = []
            for value in raw:
                if isinstance(value, str) and value.isdigit() and len(value) < 16 and int(value) <= MAX_RECORD_ID:
                    ids.append(int(value))
                else:
                    errors.setdefault(name, _("Choose people from the list."))
            shifts.append(ShiftIn(day=day, shift=shift, staff_ids=ids))
    return shifts, errors


@post("/homes/{code:str}/duty", opt=allow("manage_roster"), status_code=200)
async def save_duty_week(request: Request, code: FromPath[str], week: FromQuery[str | None] = None) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)  # out of scope: 404 before the form is read
    monday = services.parse_week(week)
    form = await request.form()
    shifts, errors = _read_shifts(form, monday)
    try:
        checked = await services.check_week(scope, code, monday, shifts)
    except Invalid as invalid:
        errors.update(invalid.errors)
        checked = None
    if errors or checked is None:
        shown = await services.week_roster(scope, code, monday)
        shown.assigned = {(s.day, s.shift): set(s.staff_ids) for s in shifts if s.staff_ids}
        return _render(request, shown, status_code=400, errors=errors)
    if checked.gaps and not (forms.confirmed(form) and form.get("gaps_seen") == gaps_key(checked)):
        return _render(request, checked, confirming=True)
    saved = await services.save_week(scope, code, monday, shifts)
    message = _("The duty roster is saved.")
    if saved.gaps:
        message = _("The duty roster is saved with {count} gaps.").format(count=len(saved.gaps))
    return redirect(f"/homes/{code}/duty?week={monday.isoformat()}", flash=message)


@todo.source
async def uncovered_nights_soon(scope) -> list[todo.Item]:
    """A director: tonight's night shift with nobody on duty (today), tomorrow night's (soon)."""
    today = dates.today()
    items = []
    for code, night in await services.own_uncovered_nights(scope, today, today + timedelta(days=1)):
        tonight = night == today
        items.append(
            todo.Item(
                label=_("Nobody is on duty tonight") if tonight else _("Nobody is on duty tomorrow night"),
                href=f"/homes/{code}/duty?week={services.monday_of(night).isoformat()}#day-{night.isoformat()}",
                urgency=todo.TODAY if tonight else todo.SOON,
                due=night,
                kind="night_uncovered",
            )
        )
    return items


@overview_panel
async def duty_panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    """On a director's overview: the way to this week's duty roster and the leave, with the
    number of gaps this week."""
    user = request.scope["user"]
    if user.scope.kind != "home" or not can(user.role, "manage_roster") or not user.home_code:
        return None
    week = await services.week_roster(user.scope, user.home_code, services.monday_of(dates.today()))
    return ("staffing/duty_panel.html", {"home_code": user.home_code, "gaps": len(week.gaps)})


ROUTES = [duty_week, save_duty_week]
