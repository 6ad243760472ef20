"""The safety ledgers' items for "今日待办" (backend/core/todo.py): for a director, each routine
overdue today, one item per routine ("夜间巡查 2 次未做"; last night's missed night patrols count
here), and each routine due today and not yet done (today; a monthly or longer one in the last
week of its period: soon). Each links to the routine's form. Nothing for the county's staff from
here (hazards and outbreaks have their own items)."""

from __future__ import annotations

from backend.core import dates, todo
from backend.core.i18n import _
from backend.core.permissions import can
from backend.safety import services
from backend.safety.services import DueItem

MANY = ("meal", "nightly")  # several occurrences a day: the label counts them


def overdue_label(item: DueItem) -> str:
    if item.missed > 1 or item.frequency in MANY:
        return _("{title}: {count} times not done").format(title=item.title, count=item.missed)
    return _("{title}: not done").format(title=item.title)


def due_label(item: DueItem) -> str:
    if item.pending > 1 or item.frequency in MANY:
        return _("{title}: {count} still due").format(title=item.title, count=item.pending)
    return _("{title}: still due").format(title=item.title)


@todo.source
async def safety_due_today(scope) -> list[todo.Item]:
    """A director's home: the routines overdue, and those still due today."""
    if scope.kind != "home" or not can(scope.role, "record_safety"):
        return []
    today = dates.today()
    items = []
    for item in await services.due_today(scope):
        if item.missed:
            items.append(
                todo.Item(
                    label=overdue_label(item),
                    href=item.href,
                    urgency=todo.OVERDUE,
                    kind="safety_overdue",
                )
            )
        elif item.pending:
            soon = item.due > today
            items.append(
                todo.Item(
                    label=due_label(item),
                    href=item.href,
                    urgency=todo.SOON if soon else todo.TODAY,
                    due=item.due if soon else None,
                    kind="safety_due",
                )
            )
    return items
