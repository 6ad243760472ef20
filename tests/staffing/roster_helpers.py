"""Posts for the leave and duty roster tests, written straight into ``staff_member`` (the staff
register's services are another part of issue 11)."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.registry import services as registry
from backend.staffing.tables import RosterShift, StaffLeave, StaffMember

LONG_AGO = date(2020, 1, 1)


async def home_id(system, code: str) -> int:
    return (await registry.find_home(system, code))["id"]


async def add_post(
    home: int,
    name: str,
    staff_no: str | None = None,
    post: str = "carer",
    hired_on: date = LONG_AGO,
    left_on: date | None = None,
    fire_operator_cert: bool = False,
) -> int:
    now = dates.now_utc()
    row = StaffMember(
        home=home,
        staff_no=staff_no or f"S{name}",
        name=name,
        post=post,
        hired_on=hired_on,
        left_on=left_on,
        fire_operator_cert=fire_operator_cert,
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return row.id


def monday(offset_weeks: int = 0) -> date:
    today = dates.today()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=offset_weeks)


async def counts() -> tuple[int, int]:
    """(leave rows, roster rows): what a refused request must leave as it was."""
    return await StaffLeave.count(), await RosterShift.count()
