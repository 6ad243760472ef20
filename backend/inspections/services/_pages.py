"""Read models of a home's tasks and rates (issue 13 point 3): the tasks of a home (what is due
today, what is overdue), its on-time rates by routine and month, and the routines in words (the
safety checklists' titles read through safety.services). Set-based: one query per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.security import Scope
from backend.inspections import page_rules, rules
from backend.inspections.labels import routine_label
from backend.inspections.rate_schemas import HomeRatesOut, HomeTaskOut, MonthCountsOut, RoutineRatesOut, counts_out
from backend.inspections.services._rates import on_time_rates
from backend.inspections.tables import OPEN, OVERDUE, STATUSES, Task
from backend.registry import services as registry

TASK_LIMIT = 500


def months_or_invalid(first: str | None, last: str | None, today: date) -> tuple[str, str]:
    """The months asked for (``from``/``to``), or Invalid naming the parameter (400)."""
    months, errors = page_rules.month_range(first, last, today)
    if errors or months is None:
        raise Invalid(errors)
    return months


async def routine_titles(county_ids: list[int]) -> dict[int, dict[str, str]]:
    """county id → routine → the title of the county's checklist in force (safety.services)."""
    from backend.safety import services as safety

    in_force = await safety.templates_in_force(sorted(set(county_ids)))
    return {county_id: {routine: row["title"] for routine, row in rows.items()} for county_id, rows in in_force.items()}


def overdue_where(now: datetime):
    """Tasks overdue now: marked overdue, or still open past their deadline (the generator's
    refresh may not have run yet)."""
    return (Task.status == OVERDUE) | ((Task.status == OPEN) & (Task.deadline < now))


async def overdue_counts(key: str, ids: list[int], now: datetime) -> dict[int, int]:
    """home or county id → tasks overdue now."""
    column = Task.home if key == "home" else Task.county
    if not ids:
        return {}
    rows = await Task.select(column, Count(Task.id).as_alias("n")).where(column.is_in(ids) & overdue_where(now)).group_by(column)
    return {row[key]: int(row["n"]) for row in rows}


def _task_out(row: dict[str, Any], titles: dict[str, str], now: datetime) -> HomeTaskOut:
    deadline = dates.instant(row["deadline"])
    done_at = dates.instant(row["done_at"]) if row["done_at"] else None
    return HomeTaskOut(
        id=row["id"],
        routine=row["routine"],
        label=routine_label(row["routine"], titles),
        subject=row["subject"] or "",
        period=row["period"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        due_at=dates.instant(row["due_at"]),
        deadline=deadline,
        expected=row["expected"],
        done=row["done"],
        on_time=row["on_time"],
        status=row["status"],
        overdue=row["status"] == OVERDUE or (row["status"] == OPEN and deadline < now),
        late=row["done"] > row["on_time"],
        done_at=done_at,
    )


async def home_tasks(
    scope: Scope,
    code: str,
    *,
    status: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    limit: int = TASK_LIMIT,
    now: datetime | None = None,
) -> list[HomeTaskOut]:
    """The tasks of a home in scope (NotFound outside it), by period end, then routine; ``status``
    one of open, done, overdue (open past the deadline too), cancelled; ``due_from``/``due_to``
    bound the period's end."""
    if status is not None and status not in STATUSES:
        raise Invalid({"status": _("Choose open, done, overdue or cancelled.")})
    home = await registry.find_home(scope, code)
    now = now or dates.now_utc()
    where = Task.home == home["id"]
    if status == OVERDUE:
        where = where & overdue_where(now)
    elif status == OPEN:
        where = where & (Task.status == OPEN) & (Task.deadline >= now)
    elif status is not None:
        where = where & (Task.status == status)
    if due_from is not None:
        where = where & (Task.period_end >= due_from)
    if due_to is not None:
        where = where & (Task.period_end <= due_to)
    rows = await Task.select().where(where).order_by(Task.period_end).order_by(Task.routine).order_by(Task.id).limit(limit)
    titles = (await routine_titles([home["county_id"]])).get(home["county_id"], {})
    return [_task_out(row, titles, now) for row in rows]


async def home_rates(scope: Scope, code: str, months: tuple[str, str], *, as_of: date | None = None) -> HomeRatesOut:
    """A home's on-time rates by routine and month (every month of the range, oldest first)."""
    home = await registry.find_home(scope, code)
    as_of = as_of or dates.today()
    found = await on_time_rates(scope, months=months, as_of=as_of, group_by=("routine", "month"), home_ids=[home["id"]])
    titles = (await routine_titles([home["county_id"]])).get(home["county_id"], {})
    by_routine: dict[str, dict[str, rules.Counts]] = {}
    for rate in found:
        by_routine.setdefault(rate.routine or "", {})[rate.month or ""] = rate.counts
    every = page_rules.months_between(*months)
    routines = [
        RoutineRatesOut(
            routine=routine,
            label=routine_label(routine, titles),
            total=counts_out(rules.total(per_month.values())),
            months=[MonthCountsOut(month=month, counts=counts_out(per_month.get(month, rules.Counts()))) for month in every],
        )
        for routine, per_month in by_routine.items()
    ]
    routines.sort(key=lambda item: item.label)
    return HomeRatesOut(
        home=home["code"],
        name=home["name"],
        county=home["county_code"],
        from_month=months[0],
        to_month=months[1],
        as_of=as_of,
        total=counts_out(rules.total(rate.counts for rate in found)),
        routines=routines,
    )


@dataclass(frozen=True)
class HomeTasksPage:
    """What ``/homes/{code}/tasks`` shows: today's tasks, the overdue ones, the rates by routine
    of this month and the months before, and the home's on-site inspections."""

    home: dict[str, Any]
    today: date
    due_today: list[HomeTaskOut]
    overdue: list[HomeTaskOut]
    rates: HomeRatesOut
    this_month: str
    visits: list


async def home_tasks_page(scope: Scope, code: str, months: tuple[str, str] | None = None) -> HomeTasksPage:
    from backend.inspections.services._visits import list_visits

    home = await registry.find_home(scope, code)
    today, now = dates.today(), dates.now_utc()
    months = months or months_or_invalid(None, None, today)
    running = await home_tasks(scope, code, due_from=today, now=now)
    due_today = [task for task in running if task.period_start <= today and task.status == OPEN and not task.overdue]
    overdue = await home_tasks(scope, code, status=OVERDUE, now=now)
    # a period still running (today's) is not yet counted in the rates (on_time_rates' as_of)
    rates = await home_rates(scope, code, months, as_of=today)
    return HomeTasksPage(
        home=home,
        today=today,
        due_today=due_today,
        overdue=overdue,
        rates=rates,
        this_month=f"{today:%Y-%m}",
        visits=await list_visits(scope, code),
    )
