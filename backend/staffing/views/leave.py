"""The home's leave page (请销假): the leave of the last weeks and the coming ones, a form to record
an approved leave (with a confirmation step when it would put the home below the staff ratio),
销假 and cancelling."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.limits import MAX_RECORD_ID, record_id
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.staffing import services
from backend.staffing.roster_schemas import LeaveIn

# The page lists leave ending this many days ago or later (older leave: the API's first/last).
SHOWN_DAYS = 60
LeaveId = Annotated[int, record_id("The leave's record id")]


class LeaveForm(forms.Form):
    staff_id: Annotated[int, forms.Integer(minimum=1, maximum=MAX_RECORD_ID)]
    first_day: Annotated[date, forms.Date()]
    last_day: Annotated[date, forms.Date()]
    approved_by: Annotated[str, forms.Text(max_length=100)]
    reason: Annotated[str, forms.Text(required=False, max_length=200)] = ""


class ReturnForm(forms.Form):
    returned_on: Annotated[date, forms.Date()]


def _scope(request: Request):
    return request.scope["user"].scope


async def _page(request: Request, code: str, status_code: int = 200, **context: Any) -> Template:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    today = dates.today()
    leaves = await services.list_leave(scope, code, first=today - timedelta(days=SHOWN_DAYS))
    people = await services.posts_between(scope, code, today - timedelta(days=SHOWN_DAYS), today + timedelta(days=365))
    for name, empty in (("values", {}), ("breach", None), ("return_errors", {}), ("return_values", {})):
        context.setdefault(name, empty)
    return page(
        request,
        "staffing/leave.html",
        status_code=status_code,
        home=home,
        leaves=leaves,
        people=people,
        today=today,
        yesterday=today - timedelta(days=1),
        **context,
    )


@get("/homes/{code:str}/leave", opt=allow("view_staffing"))
async def leave_page(request: Request, code: FromPath[str]) -> Template:
    return await _page(request, code)


@post("/homes/{code:str}/leave", opt=allow("manage_roster"), status_code=200)
async def record_leave(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)  # out of scope: 404 before anything is read
    form = await request.form()
    parsed = forms.parse(LeaveForm, form)
    if parsed.ok:
        data = parsed.data
        leave = LeaveIn(
            staff_id=data.staff_id,
            first_day=data.first_day,
            last_day=data.last_day,
            approved_by=data.approved_by,
            reason=data.reason,
            confirm_breach=forms.confirmed(form),
        )
        try:
            saved = await services.record_leave(scope, code, leave)
            return redirect(f"/homes/{code}/leave", flash=_("The leave of {name} is recorded.").format(name=saved.name))
        except Invalid as invalid:
            if set(invalid.errors) == {"confirm_breach"}:
                return await _page(request, code, values=parsed.values, breach=invalid.errors["confirm_breach"])
            parsed.merge(invalid)
    return await _page(request, code, status_code=400, values=parsed.values, errors=parsed.errors)


@post("/homes/{code:str}/leave/{leave_id:int}/return", opt=allow("manage_roster"), status_code=200)
async def return_from_leave(request: Request, code: FromPath[str], leave_id: LeaveId) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)
    parsed = await forms.read(request, ReturnForm)
    if parsed.ok:
        try:
            saved = await services.return_from_leave(scope, code, leave_id, parsed.data.returned_on)
            return redirect(f"/homes/{code}/leave", flash=_("The return of {name} is recorded.").format(name=saved.name))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _page(
        request, code, status_code=400, return_errors={leave_id: parsed.errors}, return_values={leave_id: parsed.values}
    )


@post("/homes/{code:str}/leave/{leave_id:int}/cancel", opt=allow("manage_roster"), status_code=200)
async def cancel_leave(request: Request, code: FromPath[str], leave_id: LeaveId) -> Template | Redirect:
    scope = _scope(request)
    await registry.get_home(scope, code)
    try:
        saved = await services.cancel_leave(scope, code, leave_id)
    except Invalid as invalid:
        return await _page(request, code, status_code=400, return_errors={leave_id: invalid.errors})
    return redirect(f"/homes/{code}/leave", flash=_("The leave of {name} is cancelled.").format(name=saved.name))


ROUTES = [leave_page, record_leave, return_from_leave, cancel_leave]
