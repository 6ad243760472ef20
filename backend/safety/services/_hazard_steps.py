"""The steps of a hazard (issue 12 point 5; domain rules §4, §6): opening one by hand, the owner
and plan, the home's fix with its evidence, the county's verification or rejection.

- An ordinary hazard closes when the home records the fix (``open`` → ``closed``).
- A major one goes to ``fixed`` and waits: only the county (``verify_hazards``: the inspector of
  the home's county, or an administrator) closes it by verifying, or sends it back to ``open``
  with a reason. A director has no way to close it: ``verify_hazards`` is not theirs, and the fix
  of a major hazard never closes it.
- Every step is one transaction with one audit record, and a conditional ``UPDATE … WHERE status
  = …``: a step whose hazard is no longer in the state it expects (two inspectors verifying at
  once) changes nothing and is refused with a message saying what happened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.core import dates, people
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.safety import rules
from backend.safety.hazard_schemas import FixIn, HazardDetailOut, ManualHazardIn, PlanIn, RejectIn, VerifyIn
from backend.safety.services._common import home_for
from backend.safety.services._hazard_board import detail_out, hazard_in_scope, hazard_photos
from backend.safety.services._hazard_photos import check_photos, photo_rows
from backend.safety.services._hazards import deadline_days
from backend.safety.services._photos import staged
from backend.safety.tables import SafetyHazard, SafetyPhoto

_STATE_WORDS = {
    "open": N_("This hazard is open again: the county rejected the fix."),
    "fixed": N_("The fix of this hazard is already recorded; it waits for the county's verification."),
    "closed": N_("This hazard is already closed."),
}


async def _state_refusal(expected: str, current: dict[str, Any] | None) -> Invalid:
    """The hazard moved on (another user was quicker): say where it is now."""
    status = current["status"] if current else "closed"
    if status == expected:  # cannot happen after a failed conditional update; kept honest
        return Invalid({"status": _("The hazard changed meanwhile; please try again.")})
    message = _(_STATE_WORDS[status])
    if status == "closed" and current and current["verified_by"]:
        who = people.who(current["verified_by"], await people.display_names([current["verified_by"]]))
        message = _("This hazard was already verified and closed by {who}.").format(who=who)
    elif expected == "fixed" and status == "open":
        message = _("This hazard is open: the home has not recorded its fix (or the county rejected it).")
    return Invalid({"status": message})


async def _move(hazard_id: int, expected: str, values: dict[str, Any]) -> None:
    """``UPDATE safety_hazard SET … WHERE id = ? AND status = ?``; refused when no row changed."""
    changed = (
        await SafetyHazard.update(values)
        .where((SafetyHazard.id == hazard_id) & (SafetyHazard.status == expected))
        .returning(SafetyHazard.id)
    )
    if not changed:
        raise await _state_refusal(expected, await SafetyHazard.select().where(SafetyHazard.id == hazard_id).first())


async def _audit(scope: Scope, action: str, hazard_id: int, before: dict | None, after: dict) -> None:
    await append_audit(scope.user_id, scope.username, [Change(action, "safety_hazard", str(hazard_id), before, after)])


async def _detail(hazard_id: int, home_code: str) -> HazardDetailOut:
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard_id).first()
    assert row is not None
    return detail_out(row, home_code, await hazard_photos(hazard_id))


async def open_hazard(scope: Scope, home_code: str, data: ManualHazardIn, now: datetime | None = None) -> HazardDetailOut:
    """A hazard opened by hand: by the home (``manage_hazards``) or the county (``verify_hazards``)."""
    action = "manage_hazards" if can(scope.role, "manage_hazards") else "verify_hazards"
    home = await home_for(scope, home_code, action)
    title, note = data.title.strip(), data.note.strip()
    if not title:
        raise Invalid({"title": _("Say what the hazard is.")})
    now = now or dates.now_utc()
    opened_on = dates.local(now).date()
    days_major, days_ordinary = await deadline_days(home["county_id"], opened_on)
    deadline = rules.hazard_deadline(opened_on, data.major, days_major, days_ordinary)
    async with transaction():
        rows = await SafetyHazard.insert(
            SafetyHazard(
                home=home["id"],
                source="manual",
                title=title,
                note=note,
                major=data.major,
                opened_on=opened_on,
                opened_at=now,
                opened_by=scope.username,
                deadline=deadline,
                status="open",
            )
        ).returning(SafetyHazard.id)
        hazard_id = rows[0]["id"]
        await _audit(
            scope,
            "safety.hazard_opened",
            hazard_id,
            None,
            {"home": home["code"], "title": title, "major": data.major, "deadline": deadline.isoformat(), "source": "manual"},
        )
    return await _detail(hazard_id, home["code"])


async def set_plan(scope: Scope, hazard_id: int, data: PlanIn, home_code: str | None = None) -> HazardDetailOut:
    """The owner (责任人) and plan (整改措施) of an open hazard (the home: ``manage_hazards``)."""
    row, home = await hazard_in_scope(scope, hazard_id, "manage_hazards", home_code)
    owner, plan = data.owner.strip(), data.plan.strip()
    errors = {}
    if not owner:
        errors["owner"] = _("Name the person responsible.")
    if not plan:
        errors["plan"] = _("Say how the hazard will be rectified.")
    if errors:
        raise Invalid(errors)
    async with transaction():
        await _move(row["id"], "open", {SafetyHazard.owner: owner, SafetyHazard.plan: plan})
        await _audit(
            scope,
            "safety.hazard_plan",
            row["id"],
            {"owner": row["owner"], "plan": row["plan"]} if row["owner"] or row["plan"] else None,
            {"home": home["code"], "owner": owner, "plan": plan},
        )
    return await _detail(row["id"], home["code"])


async def record_fix(
    scope: Scope,
    hazard_id: int,
    data: FixIn,
    photos: list[bytes] | None = None,
    home_code: str | None = None,
    now: datetime | None = None,
) -> HazardDetailOut:
    """The home records the fix with what was done and evidence photos: an ordinary hazard is
    closed, a major one waits for the county (``fixed``). Every photo is checked before anything
    is written; a refusal stores neither a row nor a file."""
    row, home = await hazard_in_scope(scope, hazard_id, "manage_hazards", home_code)
    note = data.note.strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Say what was done to rectify the hazard.")
    try:
        checked = await check_photos(photos or [])
    except Invalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    now = now or dates.now_utc()
    major = bool(row["major"])
    values: dict[Any, Any] = {
        SafetyHazard.fixed_at: now,
        SafetyHazard.fixed_by: scope.username,
        SafetyHazard.fix_note: note,
        SafetyHazard.status: "fixed" if major else "closed",
    }
    if not major:
        values[SafetyHazard.closed_on] = dates.local(now).date()
    async with staged(checked) as stage:  # the files move into place once the rows are committed
        try:
            async with transaction():
                await _move(row["id"], "open", values)
                if checked:
                    await SafetyPhoto.insert(
                        *(SafetyPhoto(**item) for item in photo_rows(row["id"], checked, now, scope.username))
                    )
                await _audit(
                    scope,
                    "safety.hazard_fixed",
                    row["id"],
                    {"status": "open"},
                    {
                        "home": home["code"],
                        "status": values[SafetyHazard.status],
                        "fix_note": note,
                        "photos": [photo.sha256 for photo in checked],
                    },
                )
        except BaseException:
            stage.keep = False
            raise
    return await _detail(row["id"], home["code"])


async def verify_hazard(
    scope: Scope, hazard_id: int, data: VerifyIn, home_code: str | None = None, now: datetime | None = None
) -> HazardDetailOut:
    """The county verifies the fix of a major hazard and closes it (销号)."""
    require(scope, "verify_hazards", _("Only the county verifies and closes a major hazard."))
    row, home = await hazard_in_scope(scope, hazard_id, "verify_hazards", home_code)
    now = now or dates.now_utc()
    note = data.note.strip()
    async with transaction():
        await _move(
            row["id"],
            "fixed",
            {
                SafetyHazard.status: "closed",
                SafetyHazard.verified_at: now,
                SafetyHazard.verified_by: scope.username,
                SafetyHazard.verify_note: note,
                SafetyHazard.closed_on: dates.local(now).date(),
            },
        )
        await _audit(
            scope,
            "safety.hazard_verified",
            row["id"],
            {"status": "fixed"},
            {"home": home["code"], "status": "closed", "verify_note": note},
        )
    return await _detail(row["id"], home["code"])


async def reject_hazard(
    scope: Scope, hazard_id: int, data: RejectIn, home_code: str | None = None, now: datetime | None = None
) -> HazardDetailOut:
    """The county rejects the fix: the hazard is open again (its deadline unchanged), with the reason."""
    require(scope, "verify_hazards", _("Only the county verifies and closes a major hazard."))
    row, home = await hazard_in_scope(scope, hazard_id, "verify_hazards", home_code)
    reason = data.reason.strip()
    if not reason:
        raise Invalid({"reason": _("Say why the fix is not accepted.")})
    now = now or dates.now_utc()
    async with transaction():
        await _move(
            row["id"],
            "fixed",
            {
                SafetyHazard.status: "open",
                SafetyHazard.verified_at: now,
                SafetyHazard.verified_by: scope.username,
                SafetyHazard.verify_note: reason,
            },
        )
        await _audit(
            scope,
            "safety.hazard_rejected",
            row["id"],
            {"status": "fixed"},
            {"home": home["code"], "status": "open", "reason": reason},
        )
    return await _detail(row["id"], home["code"])
