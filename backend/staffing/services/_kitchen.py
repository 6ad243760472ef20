"""The kitchen staff on duty on a day (for the safety domain's morning check, 晨检): set-based,
three queries. Who is on duty comes from the duty roster (值班表): the cooks (post ``cook``) on the
day's day or night shift. When no roster is saved for that day (no shift of the home on it), the
cooks in post that day and not on leave stand in for it. A rostered cook on leave is listed with
``on_leave`` true (the roster was saved before the leave)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.staffing.services._leave import effective_last
from backend.staffing.tables import COOK, RosterShift, StaffLeave, StaffMember


async def kitchen_staff_on_duty(home_id: int, day: date) -> list[dict[str, Any]]:
    """The home's kitchen staff on duty on ``day``, by name: ``{"id", "staff_no", "name",
    "health_cert_expires", "on_leave", "rostered"}`` (``rostered``: from the saved roster; false
    when the roster of the day is missing and the cooks in post stand in). The caller checks the
    scope (this takes a home id, not a code)."""
    shifts = await RosterShift.select(RosterShift.staff).where(RosterShift.home == home_id, RosterShift.day == day)
    rostered = bool(shifts)
    query = StaffMember.select(StaffMember.id, StaffMember.staff_no, StaffMember.name, StaffMember.health_cert_expires).where(
        StaffMember.home == home_id,
        StaffMember.post == COOK,
        StaffMember.hired_on <= day,
        (StaffMember.left_on.is_null()) | (StaffMember.left_on > day),
    )
    if rostered:
        query = query.where(StaffMember.id.is_in(sorted({row["staff"] for row in shifts})))
    rows = await query.order_by(StaffMember.name).order_by(StaffMember.staff_no)
    on_leave: set[int] = set()
    if rows:
        for leave in await StaffLeave.select().where(
            StaffLeave.staff.is_in([row["id"] for row in rows]),
            StaffLeave.cancelled_at.is_null(),
            StaffLeave.first_day <= day,
            StaffLeave.last_day >= day,
        ):
            end = effective_last(leave["first_day"], leave["last_day"], leave["returned_on"])
            if end is not None and end >= day:
                on_leave.add(leave["staff"])
    people = [
        {
            "id": row["id"],
            "staff_no": row["staff_no"],
            "name": row["name"],
            "health_cert_expires": row["health_cert_expires"],
            "on_leave": row["id"] in on_leave,
            "rostered": rostered,
        }
        for row in rows
    ]
    return people if rostered else [person for person in people if not person["on_leave"]]


async def kitchen_staff_of(home_id: int, staff_ids: list[int], day: date) -> dict[int, dict[str, Any]]:
    """Of ``staff_ids``, those who are kitchen staff (post ``cook``) of the home in post on ``day``:
    id → ``{"id", "staff_no", "name", "health_cert_expires"}``."""
    if not staff_ids:
        return {}
    rows = await StaffMember.select(
        StaffMember.id, StaffMember.staff_no, StaffMember.name, StaffMember.health_cert_expires
    ).where(
        StaffMember.id.is_in(sorted(set(staff_ids))),
        StaffMember.home == home_id,
        StaffMember.post == COOK,
        StaffMember.hired_on <= day,
        (StaffMember.left_on.is_null()) | (StaffMember.left_on > day),
    )
    return {row["id"]: dict(row) for row in rows}
