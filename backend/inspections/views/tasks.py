"""A home's tasks page (``/homes/{code}/tasks``, phone-first): what is due today, what is overdue,
then the on-time rates by routine of this month and the months before, and the home's on-site
inspections; the county records a visit at ``/homes/{code}/inspections/new``. The director's
"今日待办" gets the home's overdue tasks and today's from here."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from backend.core import dates, forms, todo
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.inspections import page_rules, services
from backend.inspections.labels import STATUS_LABELS, labels
from backend.inspections.rate_schemas import VisitIn


class VisitForm(forms.Form):
    visited_on: Annotated[date, forms.Date(not_in_future=True)]
    findings: Annotated[str, forms.Text(max_length=4000, multiline=True)]
    corrects: Annotated[int | None, forms.Integer(required=False, minimum=1, maximum=2**31 - 1)] = None
    reason: Annotated[str, forms.Text(required=False, max_length=1000, multiline=True)] = ""


@get("/homes/{code:str}/tasks", opt=allow("view_tasks"))
async def home_tasks(request: Request, code: FromPath[str]) -> Template:
    scope = request.scope["user"].scope
    view = await services.home_tasks_page(scope, code)
    return page(
        request,
        "inspections/home_tasks.html",
        v=view,
        status_labels=labels(STATUS_LABELS),
        until=lambda moment: page_rules.until_words(dates.local(moment), view.today),
        period_words=lambda first, last: page_rules.period_words(first, last, view.today),
        short_day=lambda day: page_rules.short_day(day, view.today),
        months=list(reversed(page_rules.months_between(view.rates.from_month, view.rates.to_month))),
    )


async def _visit_page(request: Request, code: str, status_code: int = 200, **context) -> Template:
    scope = request.scope["user"].scope
    view = await services.home_tasks_page(scope, code)
    context.setdefault("values", {"visited_on": dates.today().isoformat()})
    return page(request, "inspections/visit_new.html", status_code=status_code, v=view, **context)


@get("/homes/{code:str}/inspections/new", opt=allow("record_inspection_visit"))
async def visit_new(request: Request, code: FromPath[str]) -> Template:
    values = {"visited_on": dates.today().isoformat()}
    if corrects := request.query_params.get("corrects"):
        values["corrects"] = corrects
    return await _visit_page(request, code, values=values)


@post(
    "/homes/{code:str}/inspections/new",
    opt={**allow("record_inspection_visit"), "multiline": ("findings", "reason")},
    status_code=200,
)
async def visit_create(request: Request, code: FromPath[str]) -> Template | Redirect:
    scope = request.scope["user"].scope
    parsed = await forms.read(request, VisitForm)
    if parsed.ok and parsed.data is not None:
        data = parsed.data
        try:
            await services.record_inspection_visit(
                scope,
                code,
                VisitIn(visited_on=data.visited_on, findings=data.findings, corrects=data.corrects, reason=data.reason),
            )
            return redirect(f"/homes/{code}/tasks#visits", flash=_("The on-site inspection is recorded."))
        except Invalid as invalid:
            parsed.merge(invalid)
    return await _visit_page(request, code, status_code=400, values=parsed.values, errors=parsed.errors)


@todo.source
async def tasks_due(scope) -> list[todo.Item]:
    """A director's home: its tasks overdue, due today and of a period running on, one item each,
    counted as the tasks page and the daily notice count them (services.task_counts)."""
    if scope.kind != "home" or scope.home_id is None:
        return []
    from backend.registry import services as registry

    home = (await registry.homes_by_id([scope.home_id])).get(scope.home_id)
    if home is None:
        return []
    counts = (await services.task_counts([scope.home_id])).get(scope.home_id, services.TaskCounts())
    href = f"/homes/{home['code']}/tasks"
    items = []
    if counts.overdue:
        label = _("Tasks overdue: {n}").format(n=counts.overdue)
        items.append(todo.Item(label=label, href=href + "#overdue", urgency=todo.OVERDUE, kind="tasks_overdue"))
    if counts.due_today:
        label = _("Tasks due today: {n} left").format(n=counts.due_today)
        items.append(todo.Item(label=label, href=href + "#today", urgency=todo.TODAY, kind="tasks_today"))
    if counts.running:
        label = _("Tasks of periods running: {n}").format(n=counts.running)
        items.append(todo.Item(label=label, href=href + "#running", urgency=todo.SOON, kind="tasks_running"))
    return items


ROUTES = [home_tasks, visit_new, visit_create]
