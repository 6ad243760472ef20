"""Listing tasks (``tekun tasks list``, interfaces §2): by home, county, status and due day, in
the acting scope (outside it: nothing, or not found for a named home or county)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from backend.core.errors import Invalid, NotFound
from backend.core.i18n import gettext as _
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.inspections.schemas import TaskOut
from backend.inspections.tables import STATUSES, Task

MAX_LIMIT = 5000


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
    """The tasks in the scope, the earliest due first (then home, routine, subject), at most
    ``limit``. An unknown or out-of-scope home or county is NotFound; a bad status or limit Invalid."""
    from backend.registry import services as registry

    if status is not None and status not in STATUSES:
        raise Invalid({"status": _("The status is one of: {names}.").format(names=", ".join(STATUSES))})
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid({"limit": _("The limit is a whole number from 1 to {n}.").format(n=MAX_LIMIT)})
    where = Task.id > 0
    if scope.kind == "home":
        where &= Task.home == scope.home_id
    elif scope.kind == "county":
        where &= Task.county == scope.county_id
    if home_code:
        home = await registry.find_home(scope, home_code)
        where &= Task.home == home["id"]
    if county_code:
        counties = await registry.county_ids(scope, [county_code])
        if county_code not in counties:
            raise NotFound(_("No county with this code."))
        where &= Task.county == counties[county_code]
    if status:
        where &= Task.status == status
    zone = get_settings().tz
    if due_from:
        where &= Task.due_at > datetime.combine(due_from, time(0), tzinfo=zone)
    if due_to:
        where &= Task.due_at <= datetime.combine(due_to + timedelta(days=1), time(0), tzinfo=zone)
    rows = (
        await Task.select(
            *Task.all_columns(exclude=["home", "county"]),
            Task.home.code.as_alias("home_code"),
            Task.county.code.as_alias("county_code"),
        )
        .where(where)
        .order_by(Task.due_at, Task.home, Task.routine, Task.subject)
        .limit(limit)
    )
    return [
        TaskOut(
            id=row["id"],
            home=row["home_code"],
            county=row["county_code"],
            source=row["source"],
            routine=row["routine"],
            subject=row["subject"],
            period=row["period"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            month=row["month"],
            due_at=row["due_at"],
            deadline=row["deadline"],
            expected=row["expected"],
            done=row["done"],
            on_time=row["on_time"],
            status=row["status"],
            done_at=row["done_at"],
        )
        for row in rows
    ]
