"""The director's "今日待办" (and any other page many domains feed): a small registry of sources.

Each domain contributes a source in its own views module::

    @todo.source
    async def assessments_due(scope) -> list[todo.Item]: ...

The page asks ``todo.items(scope)`` and never imports the domains one by one, so staffing and
safety add their items later without touching it. A source returns only what the scope may see;
a source that fails is logged and skipped, so one broken domain does not take the page down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

log = logging.getLogger("tekun.todo")

# How pressing an item is, most pressing first (the page sorts by it, then by due date).
OVERDUE, TODAY, SOON = "overdue", "today", "soon"
_ORDER = {OVERDUE: 0, TODAY: 1, SOON: 2}


@dataclass(frozen=True)
class Item:
    """One thing to do: ``label`` (translated), ``detail`` (e.g. the person's name), ``href`` of
    the page where it is done, ``due`` (a business date or None) and ``urgency``."""

    label: str
    href: str
    urgency: str = SOON
    due: date | None = None
    detail: str = ""
    kind: str = ""  # a stable key for tests and styling, e.g. "assessment_overdue"


Source = Callable[[Any], Awaitable[list[Item]]]
SOURCES: list[Source] = []


def source(function: Source) -> Source:
    """Register a source of to-do items (a decorator)."""
    if function not in SOURCES:
        SOURCES.append(function)
    return function


async def items(scope: Any, limit: int = 50) -> list[Item]:
    """Every source's items for this scope, most pressing first."""
    found: list[Item] = []
    for function in SOURCES:
        try:
            found.extend(await function(scope))
        except Exception:  # noqa: BLE001 - one domain's failure must not hide the others
            log.exception("to-do source %s failed", getattr(function, "__qualname__", function))
    found.sort(key=lambda item: (_ORDER.get(item.urgency, 9), item.due or date.max, item.label, item.detail))
    return found[:limit]
