"""Schemas of the inspection tasks (interfaces §2 ``tekun tasks``; the services' answers, msgspec)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class TaskOut(msgspec.Struct, kw_only=True):
    """One task as ``tekun tasks list --json`` and the pages show it."""

    id: int
    home: str
    county: str
    source: str
    routine: str
    subject: str
    period: str
    period_start: date
    period_end: date
    month: str
    due_at: datetime
    deadline: datetime
    expected: int
    done: int
    on_time: int
    status: str
    done_at: datetime | None = None


class GenerateResult(msgspec.Struct, frozen=True, kw_only=True):
    """What a generation changed: tasks created, updated (counts or status), cancelled, and those
    that became overdue (counted among the updated too)."""

    created: int = 0
    updated: int = 0
    cancelled: int = 0
    overdue: int = 0
