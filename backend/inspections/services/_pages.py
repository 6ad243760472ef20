"""Read models of a home's tasks and rates (issue 13 point 3): the tasks of a home (what is due
today, what is overdue), its on-time rates by routine and month, and the routines in words (the
safety checklists' titles read through safety.services). Set-based: one query per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

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


@dataclass(frozen=True)
class TaskCounts:
    """A home's tasks now, the same words on the tasks page, the director's 今日待办 and the daily
    notice: ``due_today`` open tasks whose period ends today (or ended, within its grace), to do
    today; ``running`` open tasks of a period running on past today (a week, a month, a quarter);
    ``overdue`` every task past its deadline short of what was expected (no window)."""

    due_today: int = 0
    running: int = 0
    overdue: int = 0


async def task_counts(home_ids: list[int], *, now: datetime | None = None) -> dict[int, TaskCounts]:
    """home id → its TaskCounts now (three grouped counts for all the homes; the caller has
    checked the scope). A home with nothing is absent."""
    if not home_ids:
        return {}
    now = now or dates.now_utc()
    today = dates.local(now).date()
    found: dict[int, dict[str, int]] = {}
    every = sorted(set(home_ids))
    for at in range(0, len(every), 500):  # a bounded IN list (SQLite's variable limit)
        ids = every[at : at + 500]
        open_now = Task.home.is_in(ids) & (Task.status == OPEN) & (Task.deadline >= now) & (Task.period_start <= today)
        parts = {
            "due_today": open_now & (Task.period_end <= today),
            "running": open_now & (Task.period_end > today),
            "overdue": Task.home.is_in(ids) & overdue_where(now),
        }
        for name, where in parts.items():
            rows = await Task.select(Task.home, Count(Task.id).as_alias("n")).where(where).group_by(Task.home)
            for row in rows:
                found.setdefault(row["home"], {})[name] = int(row["n"])
    return {home_id: TaskCounts(**values) for home_id, values in found.items()}


async def overdue_by_routine(home_id: int, now: datetime) -> dict[str, tuple[int, date]]:
    """routine → (tasks overdue now, the latest one's period end) of a home."""
    rows = (
        await Task.select(Task.routine, Count(Task.id).as_alias("n"), Max(Task.period_end).as_alias("latest"))
        .where((Task.home == home_id) & overdue_where(now))
        .group_by(Task.routine)
    )
    return {row["routine"]: (int(row["n"]), _day(row["latest"])) for row in rows}


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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
    newest_first: bool = False,
) -> list[HomeTaskOut]:
    """The tasks of a home in scope (NotFound outside it), by period end (the latest first when
    ``newest_first``), then routine; ``status``
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
    query = Task.select().where(where).order_by(Task.period_end, ascending=not newest_first)
    rows = await query.order_by(Task.routine).order_by(Task.id).limit(limit)
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
    """What ``/homes/{code}/tasks`` shows: the tasks due today, those of a period running on, the
    overdue ones by routine (``counts``: the same numbers as the 今日待办 and the daily notice), the
    rates by routine of this month and the months before, and the home's on-site inspections."""

    home: dict[str, Any]
    today: date
    now: datetime
    counts: TaskCounts
    due_today: list[HomeTaskOut]
    running: list[HomeTaskOut]
    overdue: list[page_rules.OverdueGroup]
    rates: HomeRatesOut
    this_month: str
    visits: list


async def home_tasks_page(scope: Scope, code: str, months: tuple[str, str] | None = None) -> HomeTasksPage:
    from backend.inspections.services._visits import list_visits

    home = await registry.find_home(scope, code)
    today, now = dates.today(), dates.now_utc()
    months = months or months_or_invalid(None, None, today)
    open_now = [task for task in await home_tasks(scope, code, status=OPEN, now=now) if task.period_start <= today]
    overdue = await home_tasks(scope, code, status=OVERDUE, now=now, newest_first=True)
    groups = page_rules.group_overdue(overdue, await overdue_by_routine(home["id"], now))
    # a period still running (today's) is not yet counted in the rates (on_time_rates' as_of)
    rates = await home_rates(scope, code, months, as_of=today)
    return HomeTasksPage(
        home=home,
        today=today,
        now=now,
        counts=(await task_counts([home["id"]], now=now)).get(home["id"], TaskCounts()),
        due_today=[task for task in open_now if task.period_end <= today],
        running=[task for task in open_now if task.period_end > today],
        overdue=groups,
        rates=rates,
        this_month=f"{today:%Y-%m}",
        visits=await list_visits(scope, code),
    )
