"""On-time rates (domain rules §6b; issue 13, point 3): expected, done and done on time per home,
routine and month, summed set-based from the tasks (whose ``done`` and ``on_time`` are capped at ``expected`` when
written: ``rules.task_counts``) (one query for any number of homes), rolled up
per county and per province by summing counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from piccolo.query.functions.aggregate import Sum

from backend.core.security import Scope
from backend.inspections import rules
from backend.inspections.tables import CANCELLED, Task

GROUPS = ("home", "county", "routine", "month")


@dataclass(frozen=True)
class Rate:
    """The counts of one group (the keys not grouped by are None)."""

    home_id: int | None
    county_id: int | None
    routine: str | None
    month: str | None
    counts: rules.Counts


def _scope_filter(scope: Scope):
    if scope.kind == "home":
        return Task.home == scope.home_id
    if scope.kind == "county":
        return Task.county == scope.county_id
    return None


async def on_time_rates(
    scope: Scope,
    *,
    months: tuple[str, str],
    as_of: date,
    group_by: tuple[str, ...] = ("home", "routine", "month"),
    home_ids: list[int] | None = None,
    county_ids: list[int] | None = None,
    routines: list[str] | None = None,
) -> list[Rate]:
    """The counts of the tasks in ``months`` (first and last ``YYYY-MM``, inclusive) whose period
    ended before ``as_of`` (a period still running is not yet expected), grouped by ``group_by``
    (any of home, county, routine, month). Cancelled tasks count nowhere. Rows outside the scope
    are never counted."""
    unknown = set(group_by) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown grouping: {sorted(unknown)}")
    columns = {"home": Task.home, "county": Task.county, "routine": Task.routine, "month": Task.month}
    where = (Task.month >= months[0]) & (Task.month <= months[1]) & (Task.period_end < as_of) & (Task.status != CANCELLED)
    if (own := _scope_filter(scope)) is not None:
        where = where & own
    if home_ids is not None:
        where = where & Task.home.is_in(home_ids or [-1])
    if county_ids is not None:
        where = where & Task.county.is_in(county_ids or [-1])
    if routines is not None:
        where = where & Task.routine.is_in(routines or [""])
    keys = [name for name in GROUPS if name in group_by]
    query = Task.select(
        *[columns[name] for name in keys],
        Sum(Task.expected).as_alias("expected"),
        Sum(Task.done).as_alias("done"),
        Sum(Task.on_time).as_alias("on_time"),
    ).where(where)
    if keys:
        query = query.group_by(*[columns[name] for name in keys]).order_by(*[columns[name] for name in keys])
    out = []
    for row in await query:
        if not keys and row["expected"] is None:
            row = {"expected": 0, "done": 0, "on_time": 0}
        out.append(
            Rate(
                home_id=row.get("home"),
                county_id=row.get("county"),
                routine=row.get("routine"),
                month=row.get("month"),
                counts=rules.Counts(int(row["expected"] or 0), int(row["done"] or 0), int(row["on_time"] or 0)),
            )
        )
    return out
