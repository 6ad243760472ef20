"""A home's ledger history (issue 12 point 6): its entries newest first, filtered by routine,
dates, failed or back-filled, a page at a time. Every row shows what its own template version
says (title, number of items), so an old entry reads the same after a new version."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from backend.core import dates
from backend.core.security import Scope
from backend.safety import links
from backend.safety.services._common import home_for
from backend.safety.services._templates import template_rows
from backend.safety.tables import SafetyEntry

MAX_PER_PAGE = 100
PER_PAGE = 30


@dataclass(frozen=True)
class HistoryFilter:
    """What the history is narrowed to (all None / False: every entry of the home)."""

    routine: str | None = None
    since: date | None = None  # performed on or after this local day
    until: date | None = None  # performed on or before this local day
    failed: bool = False
    late: bool = False


@dataclass(frozen=True)
class HistoryRow:
    id: int
    routine: str
    title: str
    version: int
    performed_at: datetime
    recorded_at: datetime
    late: bool
    failed: int
    items: int
    recorded_by: str
    corrects: int | None
    corrected_by: int | None
    href: str


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    total: int
    page: int
    pages: int
    per_page: int
    filters: HistoryFilter = field(default_factory=HistoryFilter)


def _where(home_id: int, filters: HistoryFilter):
    condition = SafetyEntry.home == home_id
    if filters.routine:
        condition &= SafetyEntry.routine == filters.routine
    if filters.since:
        condition &= SafetyEntry.performed_at >= dates.combine_local(filters.since, time(0))
    if filters.until:
        condition &= SafetyEntry.performed_at < dates.combine_local(filters.until + timedelta(days=1), time(0))
    if filters.failed:
        condition &= SafetyEntry.failed > 0
    if filters.late:
        condition &= SafetyEntry.late == True  # noqa: E712 - a Piccolo condition, not a comparison
    return condition


async def history(scope: Scope, home_code: str, filters: HistoryFilter, page: int = 1, per_page: int = PER_PAGE) -> HistoryPage:
    """``GET /homes/{code}/safety/entries``: the home in scope (NotFound otherwise); a page past
    the last shows the last. Three queries (count, the page, its templates and corrections)."""
    home = await home_for(scope, home_code, "view_safety")
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    condition = _where(home["id"], filters)
    counted = await SafetyEntry.select(Count(SafetyEntry.id).as_alias("n")).where(condition).first()
    total = int(counted["n"]) if counted else 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = (
        await SafetyEntry.select(
            SafetyEntry.id,
            SafetyEntry.routine,
            SafetyEntry.template,
            SafetyEntry.performed_at,
            SafetyEntry.recorded_at,
            SafetyEntry.late,
            SafetyEntry.failed,
            SafetyEntry.items,
            SafetyEntry.recorded_by,
            SafetyEntry.corrects,
        )
        .where(condition)
        .order_by(SafetyEntry.performed_at, ascending=False)
        .order_by(SafetyEntry.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return HistoryPage(await _rows(home["code"], rows), total, page, pages, per_page, filters)


async def _rows(home_code: str, rows: list[dict[str, Any]]) -> list[HistoryRow]:
    if not rows:
        return []
    templates = await template_rows([row["template"] for row in rows])
    ids = [row["id"] for row in rows]
    corrected: dict[int, int] = {}
    for row in (
        await SafetyEntry.select(SafetyEntry.id, SafetyEntry.corrects)
        .where(SafetyEntry.corrects.is_in(ids))
        .order_by(SafetyEntry.id)
    ):
        corrected.setdefault(row["corrects"], row["id"])
    out = []
    for row in rows:
        template = templates[row["template"]]
        out.append(
            HistoryRow(
                id=row["id"],
                routine=row["routine"],
                title=template["title"],
                version=template["version"],
                performed_at=row["performed_at"],
                recorded_at=row["recorded_at"],
                late=bool(row["late"]),
                failed=row["failed"],
                items=len(json.loads(row["items"])),
                recorded_by=row["recorded_by"],
                corrects=row["corrects"],
                corrected_by=corrected.get(row["id"]),
                href=links.entry_href(home_code, row["id"]),
            )
        )
    return out
