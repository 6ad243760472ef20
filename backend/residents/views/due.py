"""Assessments due: the home's and the county's lists, and what they add to "今日待办".

Each due item says why it is due (``TaskOut.reason``): someone never assessed owes the admission
assessment (入住评估), others the annual review (年度复核) or the re-assessment after a reported
condition change. A director's to-do lists each person whose assessment is overdue or due within
``SOON_DAYS`` days, and every open re-assessment, each linking to the assessment form; county
staff who record assessments get one line per home (and one for dispersed support), counted, so
their list stays short.
"""

from __future__ import annotations

from datetime import date

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.core import dates, todo
from backend.core.i18n import _
from backend.core.permissions import allow, can
from backend.core.security import Scope
from backend.core.web import USER
from backend.registry import services as registry
from backend.residents import services
from backend.residents.labels import label
from backend.residents.schemas import TaskOut
from backend.residents.views._common import resident_page, scope_of

SOON_DAYS = 7


@get("/homes/{code:str}/due", opt={"access": USER})
async def home_due(request: Request, code: FromPath[str], overdue: FromQuery[bool] = False) -> Template:
    scope = scope_of(request)
    home = await registry.get_home(scope, code)
    tasks = await services.due_assessments(scope, home_code=code, overdue_only=overdue)
    unassessed = [item for item in await services.admitted_unassessed(scope) if item["home_code"] == code]
    return resident_page(
        request,
        "residents/due.html",
        home=home,
        county="",
        tasks=tasks,
        overdue=overdue,
        counties=[],
        home_names={},
        unassessed=unassessed,
    )


@get("/residents/due", opt=allow("view_register"))
async def county_due(request: Request, county: FromQuery[str | None] = None, overdue: FromQuery[bool] = False) -> Template:
    scope = scope_of(request)
    county_code = (county or None) if scope.kind == "all" else request.scope["user"].county_code
    tasks = await services.due_assessments(scope, county_code=county_code, overdue_only=overdue)
    counties = await registry.list_counties(scope) if scope.kind == "all" else []
    homes = await registry.list_homes(scope, county_code=county_code)
    return resident_page(
        request,
        "residents/due.html",
        home=None,
        county=county or "",
        tasks=tasks,
        overdue=overdue,
        counties=counties,
        home_names={home.code: home.name for home in homes},
        # per county (an administrator chooses one): it reads every placed person's history
        unassessed=await services.admitted_unassessed(scope, county_code=county_code) if county_code else [],
    )


# --- 今日待办 --------------------------------------------------------------------------------------


def _pressing(task: TaskOut, today: date) -> bool:
    """On the to-do list: overdue, due within SOON_DAYS days, or an open re-assessment."""
    if task.reason == "change" or task.status == "overdue" or task.due_on is None:
        return True
    return (task.due_on - today).days <= SOON_DAYS


def _urgency(task: TaskOut, today: date) -> str:
    if task.status == "overdue":
        return todo.OVERDUE
    return todo.TODAY if task.due_on == today else todo.SOON


def _person_item(task: TaskOut, today: date) -> todo.Item:
    never = task.reason == "admission" and task.due_on is None
    return todo.Item(
        label=label("due_reason", task.reason),
        detail=_("{name} (never assessed)").format(name=task.name) if never else task.name,
        href=f"/residents/{task.resident_id}",
        urgency=_urgency(task, today),
        due=task.due_on,
        kind="assessment_overdue" if task.status == "overdue" else "assessment_due",
    )


def _counts(overdue: int, soon: int) -> str:
    if overdue and soon:
        return _("{overdue} overdue, {soon} due soon").format(overdue=overdue, soon=soon)
    return _("{count} overdue").format(count=overdue) if overdue else _("{count} due soon").format(count=soon)


@todo.source
async def assessments_due(scope: Scope) -> list[todo.Item]:
    """A director's assessments overdue or due soon, and open re-assessments, one item per person.
    County staff have the county's due list (/residents/due) instead: counting it per home on
    every overview cost the page 25 ms at county scale (benchmarks, issue 9)."""
    if not can(scope.role, "report_condition_change") or scope.kind != "home":
        return []
    today = dates.today()
    items = []
    for home in await registry.list_homes(scope):  # the director's own home
        tasks = await services.due_assessments(scope, home_code=home.code)
        items += [_person_item(task, today) for task in tasks if _pressing(task, today)]
    return items


@todo.source
async def emergency_admissions_due(scope: Scope) -> list[todo.Item]:
    """The county's: each emergency admission whose assessment is still owed (10 working days
    after the admission), linking to the assessment form."""
    if not can(scope.role, "record_assessment") or scope.kind != "county":
        return []
    today = dates.today()
    return [
        todo.Item(
            label=label("due_reason", "emergency_admission"),
            detail=task["name"],
            href=f"/residents/{task['resident_id']}/assessment?reason=admission",
            urgency=todo.OVERDUE if task["due_on"] < today else todo.TODAY if task["due_on"] == today else todo.SOON,
            due=task["due_on"],
            kind="assessment_overdue" if task["due_on"] < today else "assessment_due",
        )
        for task in await services.emergency_tasks(scope)
    ]


ROUTES = [home_due, county_due]
