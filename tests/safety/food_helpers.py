"""Shared by the food and morning-check tests: kitchen staff written straight into staffing's
tables (the staff register is another domain), and a lunch time of today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from backend.core import dates
from backend.staffing.tables import RosterShift, StaffLeave, StaffMember


async def add_cook(home_id: int, name: str, cert: date | None = None, post: str = "cook", staff_no: str | None = None) -> int:
    now = dates.now_utc()
    row = StaffMember(
        home=home_id,
        staff_no=staff_no or f"K{name}",
        name=name,
        post=post,
        hired_on=date(2020, 1, 1),
        health_cert_expires=cert,
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return row.id


async def roster(home_id: int, day: date, staff_ids: list[int], shift: str = "day") -> None:
    for staff_id in staff_ids:
        await RosterShift(
            home=home_id, day=day, shift=shift, staff=staff_id, recorded_at=dates.now_utc(), recorded_by="test"
        ).save()


async def leave(staff_id: int, first: date, last: date) -> None:
    await StaffLeave(
        staff=staff_id, first_day=first, last_day=last, approved_by="院长", recorded_at=dates.now_utc(), recorded_by="test"
    ).save()


def earlier_today(hours: float = 1) -> datetime:
    """A moment earlier today (local), at least a little after midnight."""
    now = dates.now_utc()
    midnight = dates.combine_local(dates.today(), time(0, 1))
    return max(now - timedelta(hours=hours), midnight)


def future_day(days: int = 365) -> date:
    return dates.today() + timedelta(days=days)
