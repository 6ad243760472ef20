"""Leave (请销假, issue 11 point 3): whole days ``first_day``–``last_day`` with who approved it,
recorded by the acting user; 销假 (an early return: the leave ends the day before ``returned_on``);
cancelling (the leave removes no one). An approved leave that would put the home below the staff
ratio is refused until the user confirms it; the confirmed breach is recorded in the same
transaction (``record_breach``). Writers: ``manage_roster``; readers: ``view_staffing``."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import dates, formatting
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import rules
from backend.staffing.roster_schemas import LeaveIn, LeaveOut
from backend.staffing.services._breach import LEAVE, ProjectedChange, check_change, record_breach
from backend.staffing.tables import StaffLeave, StaffMember


async def home_for(scope: Scope, code: str, action: str) -> dict[str, Any]:
    """The home row if the scope may see it (NotFound otherwise) and the role may do ``action``."""
    require(scope, action)
    return await registry.find_home(scope, code)


def effective_last(first_day: date, last_day: date, returned_on: date | None) -> date | None:
    """The last day of leave after an early return (None: no day of leave is left)."""
    if returned_on is None:
        return last_day
    end = min(last_day, returned_on - rules.ONE_DAY)
    return end if end >= first_day else None


def _out(row: dict[str, Any], breach: str = "") -> LeaveOut:
    return LeaveOut(
        id=row["id"],
        staff_id=row["staff"],
        staff_no=row["staff.staff_no"],
        name=row["staff.name"],
        first_day=row["first_day"],
        last_day=row["last_day"],
        ends_on=effective_last(row["first_day"], row["last_day"], row["returned_on"]),
        reason=row["reason"],
        approved_by=row["approved_by"],
        returned_on=row["returned_on"],
        cancelled=row["cancelled_at"] is not None,
        cancelled_at=row["cancelled_at"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
        breach=breach,
    )


def _leave_query(home_id: int):
    return StaffLeave.select(
        StaffLeave.all_columns(), StaffLeave.staff.staff_no, StaffLeave.staff.name, StaffLeave.staff.home
    ).where(StaffLeave.staff.home == home_id)


async def list_leave(scope: Scope, code: str, first: date | None = None, last: date | None = None) -> list[LeaveOut]:
    """The home's leave touching ``first``…``last`` (either open), cancelled ones included, the
    latest first."""
    home = await home_for(scope, code, "view_staffing")
    query = _leave_query(home["id"])
    if first is not None:
        query = query.where(StaffLeave.last_day >= first)
    if last is not None:
        query = query.where(StaffLeave.first_day <= last)
    rows = await query.order_by(StaffLeave.first_day, ascending=False).order_by(StaffLeave.id, ascending=False)
    return [_out(row) for row in rows]


async def leave_on(scope: Scope, home_code: str, day: date) -> list[LeaveOut]:
    """Who of the home is on leave on ``day`` (not cancelled, not yet returned), by name."""
    leaves = await list_leave(scope, home_code, day, day)
    current = [leave for leave in leaves if not leave.cancelled and leave.ends_on is not None and leave.ends_on >= day]
    return sorted(current, key=lambda leave: (leave.name, leave.staff_no))


async def _post_of(home_id: int, staff_id: int) -> dict[str, Any]:
    row = await StaffMember.select().where(StaffMember.id == staff_id, StaffMember.home == home_id).first()
    if row is None:
        raise NotFound(_("No such staff member in this home."))
    return row


async def _check_leave(post: dict[str, Any], data: LeaveIn) -> None:
    """Refuse, naming the field: an end before the start, a leave outside the post's dates, a
    leave overlapping another (not cancelled) leave of the same person."""
    for name in ("first_day", "last_day"):
        if not dates.FIRST_YEAR <= getattr(data, name).year <= dates.LAST_YEAR:
            raise Invalid(
                {name: _("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR)}
            )
    if data.last_day < data.first_day:
        raise Invalid({"last_day": _("The last day of leave cannot be before its first day.")})
    if data.first_day < post["hired_on"]:
        raise Invalid({"first_day": _("The leave starts before the person was hired.")})
    if post["left_on"] is not None and data.last_day >= post["left_on"]:
        raise Invalid({"last_day": _("The leave runs past the end of the post.")})
    others = await StaffLeave.select().where(
        StaffLeave.staff == post["id"],
        StaffLeave.cancelled_at.is_null(),
        StaffLeave.first_day <= data.last_day,
        StaffLeave.last_day >= data.first_day,
    )
    for other in others:
        end = effective_last(other["first_day"], other["last_day"], other["returned_on"])
        if end is not None and end >= data.first_day:
            raise Invalid(
                {
                    "first_day": _("This person is already on leave from {first} to {last}.").format(
                        first=formatting.day(other["first_day"]), last=formatting.day(end)
                    )
                }
            )


def _audit_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "staff": f"{row['staff.staff_no']} {row['staff.name']}",
        "first_day": row["first_day"].isoformat(),
        "last_day": row["last_day"].isoformat(),
        "reason": row["reason"],
        "approved_by": row["approved_by"],
        "returned_on": row["returned_on"].isoformat() if row["returned_on"] else None,
        "cancelled": row["cancelled_at"] is not None,
    }


async def record_leave(scope: Scope, code: str, data: LeaveIn) -> LeaveOut:
    """Record an approved leave. Below the ratio: ``Invalid({"confirm_breach": message})`` until
    ``data.confirm_breach``; then the leave and the breach are written together."""
    home = await home_for(scope, code, "manage_roster")
    approved_by = data.approved_by.strip()
    if not approved_by:
        raise Invalid({"approved_by": _("Say who approved the leave.")})
    async with transaction():
        # every check that reads the database runs inside the write transaction, before anything
        # is written: on PostgreSQL the home's row is locked first so two leaves of one home take
        # turns (each sees the other's leave in the ratio); on SQLite the write transaction
        # already holds the whole database
        await registry.lock_home(home["id"])
        post = await _post_of(home["id"], data.staff_id)
        await _check_leave(post, data)
        change = ProjectedChange(on=data.first_day, staff_id=post["id"], leave=(data.first_day, data.last_day))
        warning = await check_change(home["id"], LEAVE, change)
        if warning is not None and not data.confirm_breach:
            raise Invalid({"confirm_breach": warning.message})
        row = StaffLeave(
            staff=post["id"],
            first_day=data.first_day,
            last_day=data.last_day,
            reason=data.reason.strip(),
            approved_by=approved_by,
            recorded_at=dates.now_utc(),
            recorded_by=scope.username,
        )
        await row.save()
        saved = await _leave_query(home["id"]).where(StaffLeave.id == row.id).first()
        after = {**_audit_values(saved), "home": home["code"], "breach": warning.message if warning else ""}
        await append_audit(scope.user_id, scope.username, [Change("leave.create", "staff_leave", str(row.id), None, after)])
        if warning is not None:
            await record_breach(scope, home["id"], warning, subject=f"{post['staff_no']} {post['name']}")
    return _out(saved, warning.message if warning else "")


async def _leave_of(home_id: int, leave_id: int) -> dict[str, Any]:
    row = await _leave_query(home_id).where(StaffLeave.id == leave_id).first()
    if row is None:
        raise NotFound(_("No such leave."))
    return row


async def return_from_leave(scope: Scope, code: str, leave_id: int, returned_on: date) -> LeaveOut:
    """销假: the person came back on ``returned_on`` (from the first day to the day after the
    last; the leave then ends the day before)."""
    home = await home_for(scope, code, "manage_roster")
    async with transaction():
        row = await _leave_of(home["id"], leave_id)
        if row["cancelled_at"] is not None:
            raise Invalid({"returned_on": _("This leave was cancelled.")})
        if row["returned_on"] is not None:
            raise Invalid({"returned_on": _("The return from this leave is already recorded.")})
        if returned_on < row["first_day"] or returned_on > row["last_day"] + rules.ONE_DAY:
            raise Invalid({"returned_on": _("The return must be between the first day of leave and the day after its last.")})
        before = _audit_values(row)
        await StaffLeave.update({StaffLeave.returned_on: returned_on}).where(StaffLeave.id == leave_id)
        row = await _leave_of(home["id"], leave_id)
        await append_audit(
            scope.user_id, scope.username, [Change("leave.return", "staff_leave", str(leave_id), before, _audit_values(row))]
        )
    return _out(row)


async def cancel_leave(scope: Scope, code: str, leave_id: int) -> LeaveOut:
    """Cancel a leave (kept, marked cancelled: it removes no one from the home's count)."""
    home = await home_for(scope, code, "manage_roster")
    async with transaction():
        row = await _leave_of(home["id"], leave_id)
        if row["cancelled_at"] is not None:
            raise Invalid({"leave": _("This leave is already cancelled.")})
        before = _audit_values(row)
        await StaffLeave.update({StaffLeave.cancelled_at: dates.now_utc()}).where(StaffLeave.id == leave_id)
        row = await _leave_of(home["id"], leave_id)
        await append_audit(
            scope.user_id, scope.username, [Change("leave.cancel", "staff_leave", str(leave_id), before, _audit_values(row))]
        )
    return _out(row)
