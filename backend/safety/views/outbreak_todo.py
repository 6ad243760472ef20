"""The outbreak reports' items for "今日待办" (backend/core/todo.py): for the county's inspectors, one
item counting the county's reports not yet acknowledged; for a director, their home's report still
waiting for the county."""

from __future__ import annotations

from backend.core import todo
from backend.core.i18n import _
from backend.core.permissions import can
from backend.safety import links, services


@todo.source
async def outbreaks_unacknowledged(scope) -> list[todo.Item]:
    if scope.kind == "county" and can(scope.role, "acknowledge_outbreak"):
        return [
            todo.Item(
                label=_("Outbreak reports to acknowledge"),
                href=links.county_outbreaks_href(code),
                urgency=todo.OVERDUE,
                detail=_("{n} reports").format(n=count),
                kind="outbreak_unacknowledged",
            )
            for code, count in await services.unacknowledged_outbreaks(scope)
        ]
    if scope.kind == "home" and can(scope.role, "report_outbreak"):
        return [
            todo.Item(
                label=_("Outbreak report awaiting the county"),
                href=links.outbreaks_href(code),
                urgency=todo.TODAY,
                detail=_("{n} reports").format(n=count),
                kind="outbreak_awaiting_county",
            )
            for code, count in await services.unacknowledged_outbreaks(scope)
        ]
    return []
