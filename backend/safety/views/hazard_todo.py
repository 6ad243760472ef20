"""The hazards' items for "今日待办" (backend/core/todo.py): for the county's inspector (who may
verify hazards), one item counting the county's major hazards waiting for verification, and one
counting the county's overdue hazards."""

from __future__ import annotations

from backend.core import todo
from backend.core.i18n import _
from backend.core.permissions import can
from backend.safety import links, services


@todo.source
async def county_hazards(scope) -> list[todo.Item]:
    if scope.kind != "county" or not can(scope.role, "verify_hazards"):
        return []
    counts = await services.county_hazard_counts(scope)
    if counts is None:
        return []
    href = links.county_hazards_href(counts.county_code)
    items = []
    if counts.waiting:
        items.append(
            todo.Item(
                label=_("Major hazards waiting for verification"),
                href=href + "#major",
                urgency=todo.TODAY,
                detail=_("{count} hazards").format(count=counts.waiting),
                kind="hazards_waiting",
            )
        )
    if counts.overdue:
        items.append(
            todo.Item(
                label=_("Hazards past their deadline"),
                href=href + "?sort=overdue",
                urgency=todo.OVERDUE,
                detail=_("{count} hazards").format(count=counts.overdue),
                kind="hazards_overdue",
            )
        )
    return items


@todo.source
async def home_hazards(scope) -> list[todo.Item]:
    """A director: the home's hazards past their deadline, and those due today."""
    if scope.kind != "home" or not can(scope.role, "manage_hazards"):
        return []
    counts = await services.home_hazard_counts(scope)
    if counts is None:
        return []
    href = links.hazards_href(counts.home_code)
    items = []
    if counts.overdue:
        items.append(
            todo.Item(
                label=_("Hazards past their deadline"),
                href=href,
                urgency=todo.OVERDUE,
                detail=_("{count} hazards").format(count=counts.overdue),
                kind="home_hazards_overdue",
            )
        )
    if counts.due_today:
        items.append(
            todo.Item(
                label=_("Hazards to rectify today"),
                href=href,
                urgency=todo.TODAY,
                detail=_("{count} hazards").format(count=counts.due_today),
                kind="home_hazards_today",
            )
        )
    return items
