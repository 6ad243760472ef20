"""The working-day calendar: public holidays and make-up working days (调休上班), imported as
the ``calendar`` exchange file (columns 日期/date, 类型/kind, 名称/name). Admins only."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.exchange import (
    CellError,
    Column,
    ExchangeError,
    ImportResult,
    ImportRowOut,
    ParsedRow,
    RowError,
    as_text,
    date_cell,
    import_result,
    text,
)
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.core.tables import CalendarDay


def kind_cell(value: Any) -> str:
    result = as_text(value).lower()
    if result in ("休", "假", "节假日", "holiday"):
        return "holiday"
    if result in ("班", "调休上班", "上班", "workday"):
        return "workday"
    raise CellError(_("Write 休 (holiday) or 班 (make-up working day)."))


CALENDAR_COLUMNS = [
    Column("date", "日期", date_cell, rule=N_("A date; the natural key."), example="2026-10-01"),
    Column("kind", "类型", kind_cell, rule=N_("休 (a public holiday) or 班 (a make-up working day)."), example="休"),
    Column(
        "name",
        "名称",
        text(50),
        required=False,
        rule=N_("Optional: the holiday's name; at most 50 characters."),
        example="国庆节",
    ),
]


async def import_calendar(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """Create or update calendar days by date (natural key)."""
    if not scope.is_admin:
        raise Forbidden(_("Only an administrator may change the calendar."))
    seen: dict = {}
    errors = []
    for row in rows:
        day = row.values["date"]
        if day in seen:
            errors.append(RowError(row.row, row.label("date"), _("Same value as row {row}.").format(row=seen[day])))
        seen[day] = row.row
    if errors:
        raise ExchangeError(errors)
    plan: list[ImportRowOut] = []
    async with transaction():
        existing = {row["day"]: row for row in await CalendarDay.select()}
        writes = []
        for row in rows:
            day, kind, name = row.values["date"], row.values["kind"], row.values.get("name") or ""
            current = existing.get(day)
            if current is None:
                plan.append(ImportRowOut(row.row, day.isoformat(), "create"))
                writes.append(("create", day, kind, name))
            elif (current["kind"], current["name"]) != (kind, name):
                plan.append(ImportRowOut(row.row, day.isoformat(), "update", {"kind": [current["kind"], kind]}))
                writes.append(("update", day, kind, name))
            else:
                plan.append(ImportRowOut(row.row, day.isoformat(), "unchanged"))
        result = import_result("calendar", plan, dry_run)
        if dry_run:
            return result
        for action, day, kind, name in writes:
            if action == "create":
                await CalendarDay.insert(CalendarDay(day=day, kind=kind, name=name))
            else:
                await CalendarDay.update({CalendarDay.kind: kind, CalendarDay.name: name}).where(CalendarDay.day == day)
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("calendar.import", "import", "calendar", None, {"created": result.created, "updated": result.updated})],
        )
    return result


async def calendar_sets() -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working days) from the calendar table."""
    rows = await CalendarDay.select(CalendarDay.day, CalendarDay.kind)
    holidays = frozenset(row["day"] for row in rows if row["kind"] == "holiday")
    make_up = frozenset(row["day"] for row in rows if row["kind"] == "workday")
    return holidays, make_up
