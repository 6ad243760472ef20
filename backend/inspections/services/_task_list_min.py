"""A minimal ``list_tasks`` (written by the "notices" helper so notices could be built and tested
before the task generation landed; the "tasks" helper's version replaces it at the merge, with the
same signature). Only the fields the notices read: home and county codes, routine, period, its
last day and the status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from backend.core.security import Scope
from backend.inspections.tables import Task


@dataclass(frozen=True)
class TaskOut:
    id: int
    home_code: str
    county_code: str
    routine: str
    subject: str
    period: str
    period_start: date
    period_end: date
    due_at: datetime
    status: str
    expected: int
    done: int
    on_time: int


async def list_tasks(
    scope: Scope,
    *,
    home_code: str | None = None,
    county_code: str | None = None,
    status: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    limit: int = 500,
) -> list[TaskOut]:
    """Tasks in the scope (a director: their home; county staff: their county), by due day."""
    query = Task.select(
        Task.id,
        Task.home.code.as_alias("home_code"),
        Task.county.code.as_alias("county_code"),
        Task.routine,
        Task.subject,
        Task.period,
        Task.period_start,
        Task.period_end,
        Task.due_at,
        Task.status,
        Task.expected,
        Task.done,
        Task.on_time,
    )
    if scope.kind == "home":
        query = query.where(Task.home == (scope.home_id or 0))
    elif scope.kind == "county":
        query = query.where(Task.county == (scope.county_id or 0))
    if home_code:
        query = query.where(Task.home.code == home_code)
    if county_code:
        query = query.where(Task.county.code == county_code)
    if status:
        query = query.where(Task.status == status)
    if due_from:
        query = query.where(Task.period_end >= due_from)
    if due_to:
        query = query.where(Task.period_end <= due_to)
    rows = await query.order_by(Task.period_end).order_by(Task.id).limit(limit)
    return [TaskOut(**row) for row in rows]
