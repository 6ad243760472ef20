"""The county's admission queue (domain-rules §2, "Priority admission"): a dispersed person's
application to live in a home, the queue ordered by tier then date, an offer of a place, the
admission (through ``register.record_placement``, so every rule of an admission applies), the
declined offer (back to the queue) and the withdrawal.

Who: the county (inspectors) and administrators record applications and act on them; finance
staff read the county's queue; a director reads the applications naming their home (as the
preferred home or the home offered). An application is only of a person in the county's
register whose support is approved and not ended, alive and dispersed now (domain-rules §2, the
违规收养 point), one open application per person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import reading, transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.residents import queue_rules
from backend.residents.queue_schemas import AcceptIn, ApplicationIn, ApplicationOut, CloseIn, OfferIn
from backend.residents.schemas import PlacementIn
from backend.residents.services._common import find_resident
from backend.residents.services.register import record_placement
from backend.residents.tables import AdmissionApplication, Resident

A = AdmissionApplication
MANAGE = "manage_admission_queue"


def _columns():
    return (
        A.id,
        A.resident.id.as_alias("resident_id"),
        A.resident.name.as_alias("name"),
        A.resident.id_number.as_alias("id_number"),
        A.resident.tier.as_alias("tier"),
        A.resident.home.as_alias("home_id"),
        A.resident.ended_on.as_alias("ended_on"),
        A.resident.died_on.as_alias("died_on"),
        A.county.id.as_alias("county_id"),
        A.county.code.as_alias("county_code"),
        A.applicant,
        A.applied_on,
        A.preferred_home.id.as_alias("preferred_home_id"),
        A.preferred_home.code.as_alias("preferred_home_code"),
        A.preferred_home.name.as_alias("preferred_home_name"),
        A.note,
        A.status,
        A.offered_home.id.as_alias("offered_home_id"),
        A.offered_home.code.as_alias("offered_home_code"),
        A.offered_home.name.as_alias("offered_home_name"),
        A.offered_on,
        A.offers_declined,
        A.closed_on,
        A.close_reason,
        A.created_by,
    )


def _where(scope: Scope):
    """The applications this scope may read: all, the county's, or those naming the home."""
    if scope.is_admin:
        return None
    if scope.kind == "home":
        return (A.preferred_home == scope.home_id) | (A.offered_home == scope.home_id)
    return A.county == scope.county_id


def _blocked(row: dict[str, Any]) -> str | None:
    if row["died_on"] is not None:
        return "died"
    if row["ended_on"] is not None:
        return "ended"
    if row["home_id"] is not None:
        return "in_home"
    return None


def _out(row: dict[str, Any], position: int | None = None) -> ApplicationOut:
    is_open = row["status"] in queue_rules.OPEN_STATUSES
    return ApplicationOut(
        id=row["id"],
        resident_id=row["resident_id"],
        name=row["name"],
        id_number_masked=citizen_id.mask(row["id_number"]),
        county_code=row["county_code"],
        tier=row["tier"],
        applicant=row["applicant"],
        applied_on=row["applied_on"],
        preferred_home_code=row["preferred_home_code"],
        preferred_home_name=row["preferred_home_name"],
        note=row["note"],
        status=row["status"],
        offered_home_code=row["offered_home_code"],
        offered_home_name=row["offered_home_name"],
        offered_on=row["offered_on"],
        offers_declined=row["offers_declined"],
        closed_on=row["closed_on"],
        close_reason=row["close_reason"],
        recorded_by=row["created_by"],
        position=position,
        blocked=_blocked(row) if is_open else None,
    )


async def _county_id(scope: Scope, county_code: str) -> int:
    county_id = (await registry.county_ids(scope, [county_code])).get(county_code)
    if county_id is None:
        raise NotFound(_("No such county."))
    return county_id


async def admission_queue(scope: Scope, county_code: str) -> list[ApplicationOut]:
    """The county's open applications (open and offered) in queue order, with their positions
    (a person who can no longer be admitted, dead, ended or placed since, has none); a director
    gets those naming their home, with their county positions."""
    require(scope, "view_admission_queue", _("You may not see the admission queue."))
    county_id = await _county_id(scope, county_code)
    async with reading():
        rows = await A.select(*_columns()).where((A.county == county_id) & A.status.is_in(list(queue_rules.OPEN_STATUSES)))
    rows.sort(key=lambda row: queue_rules.queue_key(row["tier"], row["applied_on"], row["id"]))
    out: list[ApplicationOut] = []
    position = 0
    for row in rows:
        number = None
        if _blocked(row) is None:
            position += 1
            number = position
        if scope.kind != "home" or scope.home_id in (row["preferred_home_id"], row["offered_home_id"]):
            out.append(_out(row, number))
    return out


async def closed_applications(scope: Scope, county_code: str, limit: int = 50) -> list[ApplicationOut]:
    """The county's latest closed applications (admitted or withdrawn), newest first."""
    require(scope, "view_admission_queue", _("You may not see the admission queue."))
    county_id = await _county_id(scope, county_code)
    query = A.select(*_columns()).where((A.county == county_id) & A.status.not_in(list(queue_rules.OPEN_STATUSES)))
    if (condition := _where(scope)) is not None:
        query = query.where(condition)
    rows = await query.order_by(A.closed_on, ascending=False).order_by(A.id, ascending=False).limit(limit)
    return [_out(row) for row in rows]


async def _find(scope: Scope, application_id: int) -> dict[str, Any]:
    query = A.select(*_columns()).where(A.id == application_id)
    if (condition := _where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such application."))
    return row


async def get_application(scope: Scope, application_id: int) -> ApplicationOut:
    require(scope, "view_admission_queue", _("You may not see the admission queue."))
    row = await _find(scope, application_id)
    if row["status"] in queue_rules.OPEN_STATUSES:
        for item in await admission_queue(scope, row["county_code"]):
            if item.id == application_id:
                return item
    return _out(row)


def _check_day(day: date, field: str, not_before: date | None, before_message: str) -> None:
    if day > dates.today():
        raise Invalid({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise Invalid({field: before_message})


def _check_person_may_apply(person: dict[str, Any], field: str) -> None:
    """Only a person in the register, support not ended, alive and dispersed may wait for a place."""
    if person["died_on"] is not None:
        raise Invalid({field: _("This person died on {day}: the record is locked.").format(day=person["died_on"].isoformat())})
    if person["ended_on"] is not None:
        raise Invalid({field: _("Support for this person ended on {day}.").format(day=person["ended_on"].isoformat())})
    if person["home_id"] is not None:
        raise Invalid(
            {
                field: _("This person already lives in a home ({home}): only a dispersed person applies for a place.").format(
                    home=person["home_name"]
                )
            }
        )


async def _home_of(home_code: str | None, county_id: int, field: str) -> dict[str, Any]:
    home = (await registry.homes_by_code([home_code or ""])).get(home_code or "")
    if home is None or home["county"] != county_id:
        raise Invalid({field: _("No home with this code in the person's county.")})
    return home


async def _audit(scope: Scope, action: str, id_number: str, before: dict | None, after: dict) -> None:
    await append_audit(
        scope.user_id,
        scope.username,
        [Change(action, "resident", citizen_id.mask(id_number), before, after)],
    )


async def record_application(scope: Scope, data: ApplicationIn) -> ApplicationOut:
    """Record a dispersed person's application to live in a home (by the person, the township or
    the county); refused for a person who may not wait for a place, or who already has an open one."""
    require(scope, MANAGE, _("Only the county bureau records applications for a place in a home."))
    note = data.note.strip()
    async with transaction():
        person = await find_resident(scope, data.resident_id)  # another county's person: not found
        _check_person_may_apply(person, "resident_id")
        _check_day(data.applied_on, "applied_on", person["approved_on"], _("The date is before the approval date."))
        home = None
        if data.preferred_home_code:
            home = await _home_of(data.preferred_home_code, person["county_id"], "preferred_home_code")
        existing = await A.select(A.id, A.applied_on).where(A.open_for == data.resident_id).first()
        if existing is not None:
            raise Invalid(
                {
                    "resident_id": _(
                        "This person already has an open application for a place (No. {number}, applied on {day})."
                    ).format(number=existing["id"], day=existing["applied_on"].isoformat())
                }
            )
        inserted = await A.insert(
            A(
                resident=data.resident_id,
                county=person["county_id"],
                applicant=data.applicant,
                applied_on=data.applied_on,
                preferred_home=home["id"] if home else None,
                note=note,
                status="open",
                open_for=data.resident_id,
                created_at=dates.now_utc(),
                created_by=scope.username,
            )
        ).returning(A.id)
        application_id = inserted[0]["id"]
        after = {
            "application": application_id,
            "applicant": data.applicant,
            "applied_on": data.applied_on.isoformat(),
            "preferred_home": home["code"] if home else None,
            "note": note,
        }
        await _audit(scope, "admission_application.create", person["id_number"], None, after)
    return await get_application(scope, application_id)


async def _for_write(scope: Scope, application_id: int, statuses: tuple[str, ...]) -> dict[str, Any]:
    row = await _find(scope, application_id)
    if row["status"] not in statuses:
        raise Invalid({"status": _("This application is no longer waiting for this step.")})
    return row


async def offer_place(scope: Scope, application_id: int, data: OfferIn) -> ApplicationOut:
    """Offer the person a place in a home of their county with a free bed."""
    require(scope, MANAGE, _("Only the county bureau offers places in a home."))
    async with transaction():
        row = await _for_write(scope, application_id, ("open",))
        person = await find_resident(scope, row["resident_id"])
        _check_person_may_apply(person, "home_code")
        _check_day(data.offered_on, "offered_on", row["applied_on"], _("The date is before the application date."))
        home = await _home_of(data.home_code.strip().upper(), row["county_id"], "home_code")
        present = await Resident.count().where(Resident.home == home["id"])
        if present >= home["beds"]:
            raise Invalid(
                {
                    "home_code": _("The home is full: it has {beds} beds and {present} residents.").format(
                        beds=home["beds"], present=present
                    )
                }
            )
        await A.update({A.status: "offered", A.offered_home: home["id"], A.offered_on: data.offered_on}).where(
            A.id == application_id
        )
        after = {"application": application_id, "home": home["code"], "offered_on": data.offered_on.isoformat()}
        await _audit(scope, "admission_application.offer", row["id_number"], {"status": "open"}, {"status": "offered", **after})
    return await get_application(scope, application_id)


_ADMISSION_FIELDS = {"event_date": "admitted_on", "home_code": "admitted_on", "kind": "admitted_on"}


async def accept_offer(scope: Scope, application_id: int, data: AcceptIn) -> ApplicationOut:
    """The person accepts the place offered: the admission is recorded through the register's
    admission (``record_placement``, with all its rules) and the application closes as admitted,
    in one transaction. A refusal of the admission leaves the application as it was."""
    require(scope, MANAGE, _("Only the county bureau records an admission from the queue."))
    note = data.note.strip() or _("From admission application No. {number}").format(number=application_id)
    async with transaction():
        row = await _for_write(scope, application_id, ("offered",))
        _check_day(data.admitted_on, "admitted_on", row["offered_on"], _("The date is before the offer date."))
        try:
            await record_placement(
                scope,
                row["resident_id"],
                PlacementIn(
                    kind="admit",
                    event_date=data.admitted_on,
                    home_code=row["offered_home_code"],
                    note=note[:300],
                    confirm_breach=data.confirm_breach,
                ),
            )
        except Invalid as invalid:  # raised inside the transaction: nothing of this step is kept
            raise Invalid({_ADMISSION_FIELDS.get(key, key): message for key, message in invalid.errors.items()}) from invalid
        await A.update({A.status: "admitted", A.closed_on: data.admitted_on, A.open_for: None}).where(A.id == application_id)
        after = {"application": application_id, "home": row["offered_home_code"], "admitted_on": data.admitted_on.isoformat()}
        await _audit(
            scope, "admission_application.admit", row["id_number"], {"status": "offered"}, {"status": "admitted", **after}
        )
    return await get_application(scope, application_id)


def _reason(data: CloseIn) -> str:
    reason = data.reason.strip()
    if not reason or len(reason) > 200:
        raise Invalid({"reason": _("Give the reason (at most 200 characters).")})
    return reason


async def decline_offer(scope: Scope, application_id: int, data: CloseIn) -> ApplicationOut:
    """The person declines the place offered: the application waits in the queue again, with its
    date (so its place) kept."""
    require(scope, MANAGE, _("Only the county bureau records a declined offer."))
    reason = _reason(data)
    async with transaction():
        row = await _for_write(scope, application_id, ("offered",))
        _check_day(data.on, "on", row["offered_on"], _("The date is before the offer date."))
        await A.update(
            {A.status: "open", A.offered_home: None, A.offered_on: None, A.offers_declined: row["offers_declined"] + 1}
        ).where(A.id == application_id)
        before = {"status": "offered", "home": row["offered_home_code"], "offered_on": row["offered_on"].isoformat()}
        after = {"status": "open", "application": application_id, "declined_on": data.on.isoformat(), "reason": reason}
        await _audit(scope, "admission_application.decline", row["id_number"], before, after)
    return await get_application(scope, application_id)


async def withdraw_application(scope: Scope, application_id: int, data: CloseIn) -> ApplicationOut:
    """Close an open or offered application with a reason (the person withdraws, an offer is
    refused for good, the person died or was placed otherwise)."""
    require(scope, MANAGE, _("Only the county bureau withdraws applications."))
    reason = _reason(data)
    async with transaction():
        row = await _for_write(scope, application_id, queue_rules.OPEN_STATUSES)
        _check_day(data.on, "on", row["applied_on"], _("The date is before the application date."))
        await A.update({A.status: "withdrawn", A.closed_on: data.on, A.close_reason: reason, A.open_for: None}).where(
            A.id == application_id
        )
        after = {"status": "withdrawn", "application": application_id, "closed_on": data.on.isoformat(), "reason": reason}
        await _audit(scope, "admission_application.withdraw", row["id_number"], {"status": row["status"]}, after)
    return await get_application(scope, application_id)
