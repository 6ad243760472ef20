"""The deaths domain's items for "今日待办" (backend/core/todo.py): unread late-report notices for
the county's staff, a director's own late reports to check."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates, todo
from backend.core.i18n import _
from backend.core.permissions import can
from backend.deaths import services

# A director's late reports stay on their "今日待办" this long after the report (to check the
# record and correct a wrongly typed time of death).
LATE_REPORT_TODO_DAYS = 14


@todo.source
async def unread_late_reports(scope) -> list[todo.Item]:
    """The county's staff: each late death report they have not read yet (the money must stop)."""
    if not can(scope.role, "view_deaths"):
        return []
    return [
        todo.Item(
            label=_("Read the late death report"),
            href=f"/counties/{notice.county_code}/deaths#late-notices",
            urgency=todo.TODAY,
            detail=notice.name,
            kind="death_notice_unread",
        )
        for notice in await services.late_notices(scope)
    ]


@todo.source
async def my_home_late_reports(scope) -> list[todo.Item]:
    """A director: their home's deaths reported late in the last LATE_REPORT_TODO_DAYS days, to
    check the record (a wrongly typed time of death is corrected there)."""
    if scope.kind != "home":
        return []
    since = dates.today() - timedelta(days=LATE_REPORT_TODO_DAYS)
    return [
        todo.Item(
            label=_("Death reported late: check the record"),
            href=f"/residents/{record.resident_id}/death",
            urgency=todo.SOON,
            detail=record.name,
            kind="death_reported_late",
        )
        for record in await services.home_late_reports(scope, since)
    ]
